/**
 * The simulator's internal records. They mirror the wire models (reference §6.3, §7.2, §8, §9) but keep
 * every date as epoch milliseconds; `render.ts` turns them into ShipStation's JSON at response time.
 */

export const ORDER_STATUSES = [
  'awaiting_payment',
  'awaiting_shipment',
  'pending_fulfillment',
  'shipped',
  'on_hold',
  'cancelled',
  'rejected_fulfillment',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/** Statuses createorder may still update; shipped and cancelled orders are locked (reference §6.4). */
export const OPEN_STATUSES: readonly OrderStatus[] = [
  'awaiting_payment',
  'awaiting_shipment',
  'on_hold',
  'pending_fulfillment',
]

export type WeightUnit = 'pounds' | 'ounces' | 'grams'

export interface Weight {
  value: number
  units: WeightUnit
}

export interface Dimensions {
  units: 'inches' | 'centimeters'
  length: number
  width: number
  height: number
}

export interface Address {
  name: string | null
  company: string | null
  street1: string | null
  street2: string | null
  street3: string | null
  city: string | null
  state: string | null
  postalCode: string | null
  country: string | null
  phone: string | null
  residential: boolean | null
  addressVerified: string | null
}

export interface OrderItem {
  orderItemId: number
  lineItemKey: string | null
  sku: string | null
  name: string | null
  imageUrl: string | null
  weight: Weight | null
  quantity: number
  unitPrice: number
  taxAmount: number | null
  shippingAmount: number | null
  warehouseLocation: string | null
  options: { name: string; value: string }[]
  productId: number | null
  fulfillmentSku: string | null
  adjustment: boolean
  upc: string | null
  createDate: number
  modifyDate: number
}

export interface InsuranceOptions {
  provider: string | null
  insureShipment: boolean
  insuredValue: number
}

export interface InternationalOptions {
  contents: string | null
  customsItems: unknown[] | null
  nonDelivery: string | null
}

export interface AdvancedOptions {
  warehouseId: number | null
  nonMachinable: boolean
  saturdayDelivery: boolean
  containsAlcohol: boolean
  mergedOrSplit: boolean
  mergedIds: number[]
  parentId: number | null
  storeId: number
  customField1: string | null
  customField2: string | null
  customField3: string | null
  source: string | null
  billToParty: string | null
  billToAccount: string | null
  billToPostalCode: string | null
  billToCountryCode: string | null
  billToMyOtherAccount: string | null
}

export interface Order {
  orderId: number
  orderNumber: string
  orderKey: string
  orderDate: number
  createDate: number
  modifyDate: number
  paymentDate: number | null
  shipByDate: number | null
  orderStatus: OrderStatus
  customerId: number | null
  customerUsername: string | null
  customerEmail: string | null
  billTo: Address
  shipTo: Address
  items: OrderItem[]
  amountPaid: number
  taxAmount: number
  shippingAmount: number
  customerNotes: string | null
  internalNotes: string | null
  gift: boolean
  giftMessage: string | null
  paymentMethod: string | null
  requestedShippingService: string | null
  carrierCode: string | null
  serviceCode: string | null
  packageCode: string | null
  confirmation: string | null
  shipDate: number | null
  holdUntilDate: number | null
  weight: Weight
  dimensions: Dimensions | null
  insuranceOptions: InsuranceOptions
  internationalOptions: InternationalOptions
  advancedOptions: AdvancedOptions
  tagIds: number[] | null
  userId: string | null
  externallyFulfilled: boolean
  externallyFulfilledBy: string | null
  externallyFulfilledById: number | null
  externallyFulfilledByName: string | null
  /** Soft-deleted by DELETE /orders/{id}: hidden from every read. */
  deleted: boolean
}

export interface Shipment {
  shipmentId: number
  orderId: number
  orderKey: string
  userId: string | null
  customerEmail: string | null
  orderNumber: string
  createDate: number
  shipDate: number
  shipmentCost: number
  insuranceCost: number
  trackingNumber: string
  isReturnLabel: boolean
  batchNumber: string | null
  carrierCode: string
  serviceCode: string
  packageCode: string
  confirmation: string
  warehouseId: number | null
  voided: boolean
  voidDate: number | null
  marketplaceNotified: boolean
  notifyErrorMessage: string | null
  shipTo: Address
  weight: Weight
  dimensions: Dimensions | null
  insuranceOptions: InsuranceOptions
  storeId: number
  items: OrderItem[]
  /** The label batch named in the SHIP_NOTIFY resource_url (`batchId=`). */
  batchId: number
}

export interface Fulfillment {
  fulfillmentId: number
  orderId: number
  orderNumber: string
  userId: string | null
  customerEmail: string | null
  trackingNumber: string | null
  createDate: number
  shipDate: number
  voidDate: number | null
  deliveryDate: number | null
  carrierCode: string | null
  sellerFillProviderId: number | null
  sellerFillProviderName: string | null
  fulfillmentProviderCode: string | null
  fulfillmentServiceCode: string | null
  fulfillmentFee: number
  voidRequested: boolean
  voided: boolean
  marketplaceNotified: boolean
  notifyErrorMessage: string | null
  shipTo: Address
}

export interface Store {
  storeId: number
  storeName: string
  marketplaceId: number
  marketplaceName: string
  accountName: string | null
  email: string | null
  integrationUrl: string | null
  active: boolean
  companyName: string
  phone: string
  publicEmail: string
  website: string
  refreshDate: number | null
  lastRefreshAttempt: number | null
  createDate: number
  modifyDate: number
  autoRefresh: boolean
}

export interface Warehouse {
  warehouseId: number
  warehouseName: string
  originAddress: Address
  returnAddress: Address
  createDate: number
  isDefault: boolean
}

export interface Carrier {
  name: string
  code: string
  accountNumber: string | null
  requiresFundedAccount: boolean
  balance: number
  nickname: string | null
  shippingProviderId: number
  primary: boolean
}

export interface Product {
  productId: number
  sku: string
  name: string
  price: number
  weightOz: number
  imageUrl: string
  createDate: number
  modifyDate: number
}

export interface Customer {
  customerId: number
  createDate: number
  modifyDate: number
  name: string
  address: Address
  email: string | null
  marketplaceId: number
  marketplaceName: string
  username: string
}

export const WEBHOOK_EVENTS = [
  'ORDER_NOTIFY',
  'ITEM_ORDER_NOTIFY',
  'SHIP_NOTIFY',
  'ITEM_SHIP_NOTIFY',
  'FULFILLMENT_SHIPPED',
  'FULFILLMENT_REJECTED',
] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

export interface Webhook {
  webHookId: number
  storeId: number | null
  event: WebhookEvent
  url: string
  name: string | null
}

/** How an order reached a status; the ground truth a fault harness checks deliveries against. */
export type StatusVia =
  | 'created'
  | 'updated'
  | 'paid'
  | 'hold'
  | 'release'
  | 'cancel'
  | 'label'
  | 'void'
  | 'manual'
  | 'provider'
  | 'external'
  | 'split'
  | 'merge'

export interface HistoryEntry {
  orderId: number
  orderNumber: string
  storeId: number
  status: OrderStatus
  /** Epoch ms; equals the order's modifyDate at that change. */
  at: number
  via: StatusVia
}
