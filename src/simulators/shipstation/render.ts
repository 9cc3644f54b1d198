/**
 * Internal records → ShipStation JSON, with every key present (null when empty) in the order live
 * responses use (reference §6.3, §7.2, §8, §9) and each date in its field's own shape (§4.1).
 */
import { formatPacific7, formatPacificDate, formatPacificTrimmed } from '../../lib/pacific-time.js'
import { orderTotal } from './factory.js'
import type {
  Address,
  Carrier,
  Customer,
  Fulfillment,
  Order,
  OrderItem,
  Product,
  Shipment,
  Store,
  Warehouse,
  Webhook,
  Weight,
} from './model.js'

const d7 = (ms: number | null) => (ms === null ? null : formatPacific7(ms))
const dTrim = (ms: number | null) => (ms === null ? null : formatPacificTrimmed(ms))
const dDate = (ms: number | null) => (ms === null ? null : formatPacificDate(ms))

/** `WeightUnits` codes: 1 = ounces is observed; the others are guesses (reference §4). */
const WEIGHT_UNIT_CODES = { ounces: 1, pounds: 2, grams: 3 } as const

export function renderWeight(weight: Weight | null) {
  return weight && { value: weight.value, units: weight.units, WeightUnits: WEIGHT_UNIT_CODES[weight.units] }
}

export function renderAddress(a: Address) {
  return {
    name: a.name,
    company: a.company,
    street1: a.street1,
    street2: a.street2,
    street3: a.street3,
    city: a.city,
    state: a.state,
    postalCode: a.postalCode,
    country: a.country,
    phone: a.phone,
    residential: a.residential,
    addressVerified: a.addressVerified,
  }
}

export function renderItem(i: OrderItem) {
  return {
    orderItemId: i.orderItemId,
    lineItemKey: i.lineItemKey,
    sku: i.sku,
    name: i.name,
    imageUrl: i.imageUrl,
    weight: renderWeight(i.weight),
    quantity: i.quantity,
    unitPrice: i.unitPrice,
    taxAmount: i.taxAmount,
    shippingAmount: i.shippingAmount,
    warehouseLocation: i.warehouseLocation,
    options: i.options.map((o) => ({ name: o.name, value: o.value })),
    productId: i.productId,
    fulfillmentSku: i.fulfillmentSku,
    adjustment: i.adjustment,
    upc: i.upc,
    createDate: dTrim(i.createDate),
    modifyDate: dTrim(i.modifyDate),
  }
}

export function renderOrder(o: Order) {
  const a = o.advancedOptions
  return {
    orderId: o.orderId,
    orderNumber: o.orderNumber,
    orderKey: o.orderKey,
    orderDate: d7(o.orderDate),
    createDate: d7(o.createDate),
    modifyDate: d7(o.modifyDate),
    paymentDate: d7(o.paymentDate),
    shipByDate: d7(o.shipByDate),
    orderStatus: o.orderStatus,
    customerId: o.customerId,
    customerUsername: o.customerUsername,
    customerEmail: o.customerEmail,
    billTo: renderAddress(o.billTo),
    shipTo: renderAddress(o.shipTo),
    items: o.items.map(renderItem),
    orderTotal: orderTotal(o),
    amountPaid: o.amountPaid,
    taxAmount: o.taxAmount,
    shippingAmount: o.shippingAmount,
    customerNotes: o.customerNotes,
    internalNotes: o.internalNotes,
    gift: o.gift,
    giftMessage: o.giftMessage,
    paymentMethod: o.paymentMethod,
    requestedShippingService: o.requestedShippingService,
    carrierCode: o.carrierCode,
    serviceCode: o.serviceCode,
    packageCode: o.packageCode,
    confirmation: o.confirmation,
    shipDate: dDate(o.shipDate),
    holdUntilDate: d7(o.holdUntilDate),
    weight: renderWeight(o.weight),
    dimensions: o.dimensions && { ...o.dimensions },
    insuranceOptions: { ...o.insuranceOptions },
    internationalOptions: { ...o.internationalOptions },
    advancedOptions: {
      warehouseId: a.warehouseId,
      nonMachinable: a.nonMachinable,
      saturdayDelivery: a.saturdayDelivery,
      containsAlcohol: a.containsAlcohol,
      mergedOrSplit: a.mergedOrSplit,
      mergedIds: [...a.mergedIds],
      parentId: a.parentId,
      storeId: a.storeId,
      customField1: a.customField1,
      customField2: a.customField2,
      customField3: a.customField3,
      source: a.source,
      billToParty: a.billToParty,
      billToAccount: a.billToAccount,
      billToPostalCode: a.billToPostalCode,
      billToCountryCode: a.billToCountryCode,
      billToMyOtherAccount: a.billToMyOtherAccount,
    },
    tagIds: o.tagIds && [...o.tagIds],
    userId: o.userId,
    externallyFulfilled: o.externallyFulfilled,
    externallyFulfilledBy: o.externallyFulfilledBy,
    externallyFulfilledById: o.externallyFulfilledById,
    externallyFulfilledByName: o.externallyFulfilledByName,
    labelMessages: null,
  }
}

export function renderShipment(s: Shipment, includeItems: boolean) {
  return {
    shipmentId: s.shipmentId,
    orderId: s.orderId,
    orderKey: s.orderKey,
    userId: s.userId,
    customerEmail: s.customerEmail,
    orderNumber: s.orderNumber,
    createDate: d7(s.createDate),
    shipDate: dDate(s.shipDate),
    shipmentCost: s.shipmentCost,
    insuranceCost: s.insuranceCost,
    trackingNumber: s.trackingNumber,
    isReturnLabel: s.isReturnLabel,
    batchNumber: s.batchNumber,
    carrierCode: s.carrierCode,
    serviceCode: s.serviceCode,
    packageCode: s.packageCode,
    confirmation: s.confirmation,
    warehouseId: s.warehouseId,
    voided: s.voided,
    voidDate: d7(s.voidDate),
    marketplaceNotified: s.marketplaceNotified,
    notifyErrorMessage: s.notifyErrorMessage,
    shipTo: renderAddress(s.shipTo),
    weight: renderWeight(s.weight),
    dimensions: s.dimensions && { ...s.dimensions },
    insuranceOptions: { ...s.insuranceOptions },
    advancedOptions: {
      billToParty: null,
      billToAccount: null,
      billToPostalCode: null,
      billToCountryCode: null,
      storeId: s.storeId,
    },
    shipmentItems: includeItems ? s.items.map(renderItem) : null,
    labelData: null,
    formData: null,
  }
}

export function renderFulfillment(f: Fulfillment) {
  return {
    fulfillmentId: f.fulfillmentId,
    orderId: f.orderId,
    orderNumber: f.orderNumber,
    userId: f.userId,
    customerEmail: f.customerEmail,
    trackingNumber: f.trackingNumber,
    createDate: d7(f.createDate),
    shipDate: d7(f.shipDate),
    voidDate: d7(f.voidDate),
    deliveryDate: d7(f.deliveryDate),
    carrierCode: f.carrierCode,
    sellerFillProviderId: f.sellerFillProviderId,
    sellerFillProviderName: f.sellerFillProviderName,
    fulfillmentProviderCode: f.fulfillmentProviderCode,
    fulfillmentServiceCode: f.fulfillmentServiceCode,
    fulfillmentFee: f.fulfillmentFee,
    voidRequested: f.voidRequested,
    voided: f.voided,
    marketplaceNotified: f.marketplaceNotified,
    notifyErrorMessage: f.notifyErrorMessage,
    shipTo: renderAddress(f.shipTo),
  }
}

/** Status mappings shown on GET /stores/{id} for marketplace stores (values illustrative). */
const STATUS_KEYS = [
  ['awaiting_payment', 'pending'],
  ['awaiting_shipment', 'paid'],
  ['shipped', 'fulfilled'],
  ['cancelled', 'cancelled'],
  ['on_hold', 'on_hold'],
] as const

export function renderStore(s: Store, withMappings: boolean) {
  const base = {
    storeId: s.storeId,
    storeName: s.storeName,
    marketplaceId: s.marketplaceId,
    marketplaceName: s.marketplaceName,
    accountName: s.accountName,
    email: s.email,
    integrationUrl: s.integrationUrl,
    active: s.active,
    companyName: s.companyName,
    phone: s.phone,
    publicEmail: s.publicEmail,
    website: s.website,
    refreshDate: dTrim(s.refreshDate),
    lastRefreshAttempt: dTrim(s.lastRefreshAttempt),
    createDate: dTrim(s.createDate),
    modifyDate: dTrim(s.modifyDate),
    autoRefresh: s.autoRefresh,
  }
  if (!withMappings) return base
  const statusMappings =
    s.marketplaceId === 0 ? null : STATUS_KEYS.map(([orderStatus, statusKey]) => ({ orderStatus, statusKey }))
  return { ...base, statusMappings }
}

export function renderWarehouse(w: Warehouse) {
  return {
    warehouseId: w.warehouseId,
    warehouseName: w.warehouseName,
    originAddress: renderAddress(w.originAddress),
    returnAddress: renderAddress(w.returnAddress),
    createDate: d7(w.createDate),
    isDefault: w.isDefault,
    extInventoryIdentity: null,
    registerFedexMeter: null,
    sellerIntegrationId: null,
  }
}

export function renderCarrier(c: Carrier) {
  return { ...c }
}

export function renderProduct(p: Product) {
  return {
    productId: p.productId,
    sku: p.sku,
    name: p.name,
    price: p.price,
    defaultCost: null,
    length: null,
    width: null,
    height: null,
    weightOz: p.weightOz,
    internalNotes: null,
    fulfillmentSku: null,
    createDate: dTrim(p.createDate),
    modifyDate: dTrim(p.modifyDate),
    active: true,
    aliases: null,
    productCategory: null,
    productType: null,
    warehouseLocation: null,
    defaultCarrierCode: null,
    defaultServiceCode: null,
    defaultPackageCode: null,
    defaultIntlCarrierCode: null,
    defaultIntlServiceCode: null,
    defaultIntlPackageCode: null,
    defaultConfirmation: null,
    defaultIntlConfirmation: null,
    customsDescription: null,
    customsValue: null,
    customsTariffNo: null,
    customsCountryCode: null,
    noCustoms: null,
    tags: null,
  }
}

export function renderCustomer(c: Customer) {
  const a = c.address
  return {
    customerId: c.customerId,
    createDate: d7(c.createDate),
    modifyDate: d7(c.modifyDate),
    name: c.name,
    company: a.company,
    street1: a.street1,
    street2: a.street2,
    city: a.city,
    state: a.state,
    postalCode: a.postalCode,
    countryCode: a.country,
    phone: a.phone,
    email: c.email,
    addressVerified: a.addressVerified === 'Address validated successfully' ? 'Verified' : 'Unverified',
    marketplaceUsernames: [
      {
        customerUserId: c.customerId * 10 + 1,
        customerId: c.customerId,
        createDate: d7(c.createDate),
        modifyDate: d7(c.modifyDate),
        marketplaceId: c.marketplaceId,
        marketplace: c.marketplaceName,
        username: c.username,
      },
    ],
    tags: null,
  }
}

/** GET /webhooks entries are PascalCase (reference §10.1). */
export function renderWebhook(w: Webhook, sellerId: number) {
  return {
    IsLabelAPIHook: false,
    WebHookID: w.webHookId,
    SellerID: sellerId,
    StoreID: w.storeId,
    HookType: w.event,
    MessageFormat: 'Json',
    Url: w.url,
    Name: w.name,
    BulkCopyBatchID: null,
    BulkCopyRecordID: null,
    Active: true,
    WebhookLogs: [],
    Seller: null,
    Store: null,
  }
}
