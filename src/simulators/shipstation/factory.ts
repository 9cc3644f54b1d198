/**
 * Builds realistic records (addresses, items, orders, labels, fulfilments) from a seeded generator. The
 * world calls it for every new record, so generated and runtime-created data look alike.
 */
import { parsePacific, startOfPacificDay } from '../../lib/pacific-time.js'
import type { SeededRandom } from '../common/seeded-random.js'
import {
  CARRIERS,
  FIRST_NAMES,
  INTERNATIONAL_CITIES,
  LAST_NAMES,
  OPTION_VALUES,
  PRODUCT_ADJECTIVES,
  PRODUCT_NOUNS,
  STORE_TEMPLATES,
  STREETS,
  US_CITIES,
} from './catalog.js'
import type {
  Address,
  Customer,
  Fulfillment,
  Order,
  OrderItem,
  OrderStatus,
  Product,
  Shipment,
  Store,
  Warehouse,
} from './model.js'

export interface IdCounters {
  order: number
  item: number
  shipment: number
  fulfillment: number
  customer: number
  webhook: number
  batch: number
}

export interface ItemInput {
  sku?: string | null
  name?: string | null
  quantity?: number
  unitPrice?: number
  imageUrl?: string | null
}

export interface NewOrderInput {
  status: OrderStatus
  storeId?: number
  /** undefined: a generated customer's address; null: an order without e-mail (about 5% in real data). */
  email?: string | null
  items?: ItemInput[]
  orderNumber?: string
  /** A known customer (the generator uses it for orders that are later merged). */
  customer?: Customer
}

export interface LabelInput {
  carrierCode?: string
  serviceCode?: string
  packageCode?: string
  confirmation?: string
  shipDate?: number
}

const DAY = 86_400_000
const round2 = (n: number) => Math.round(n * 100) / 100
const nullAddress = (): Address => ({
  name: null,
  company: null,
  street1: null,
  street2: null,
  street3: null,
  city: null,
  state: null,
  postalCode: null,
  country: null,
  phone: null,
  residential: null,
  addressVerified: null,
})

export class Factory {
  readonly #storeSeq = new Map<number, number>()
  #storeWeights: (readonly [Store, number])[] | undefined
  readonly customers: Customer[] = []
  readonly customerById = new Map<number, Customer>()
  readonly products: Product[]

  constructor(
    readonly random: SeededRandom,
    readonly ids: IdCounters,
    readonly stores: readonly Store[],
    readonly warehouse: Warehouse,
    createdAt: number,
  ) {
    const productBase = random.int(10, 99) * 100_000
    this.products = PRODUCT_NOUNS.flatMap(([noun, weightOz], n) =>
      PRODUCT_ADJECTIVES.map((adjective, a) => {
        const sku = `${noun
          .toUpperCase()
          .replace(/[^A-Z]/g, '')
          .slice(0, 3)}-${adjective.slice(0, 3).toUpperCase()}-${100 + n * 10 + a}`
        return {
          productId: productBase + n * 10 + a,
          sku,
          name: `${adjective} ${noun}`,
          price: round2(random.int(8, 60) - 0.01),
          weightOz,
          imageUrl: `https://cdn.example.com/products/${sku.toLowerCase()}.jpg`,
          createDate: createdAt - random.int(100, 400) * DAY,
          modifyDate: createdAt - random.int(1, 99) * DAY,
        }
      }),
    )
  }

  /** A GUID from the seeded generator, e.g. for importBatch and orderKey. */
  guid(): string {
    const hex = () =>
      Math.floor(this.random.next() * 2 ** 32)
        .toString(16)
        .padStart(8, '0')
    const [a, b, c, d] = [hex(), hex(), hex(), hex()]
    return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${'89ab'[this.random.int(0, 3)]}${c.slice(1, 4)}-${c.slice(4)}${d}`
  }

  /** `n` random decimal digits, the first one non-zero. */
  digits(n: number): string {
    let text = `${this.random.int(1, 9)}`
    while (text.length < n) {
      const chunk = Math.min(9, n - text.length)
      text += `${this.random.int(0, 10 ** chunk - 1)}`.padStart(chunk, '0')
    }
    return text
  }

  address(name: string, international: boolean): Address {
    const r = this.random
    const street1 = `${r.int(1, 9999)} ${r.pick(STREETS)}`
    const phone = r.chance(0.6) ? `555-${this.digits(3)}-${this.digits(4)}` : null
    if (international) {
      const [city, state, postalCode, country] = r.pick(INTERNATIONAL_CITIES)
      return {
        ...nullAddress(),
        name,
        company: '',
        street1,
        street2: '',
        city,
        state,
        postalCode,
        country,
        phone,
        residential: null,
        addressVerified: 'Address not yet validated',
      }
    }
    const [city, state, postalCode] = r.pick(US_CITIES)
    return {
      ...nullAddress(),
      name,
      company: r.chance(0.1) ? `${r.pick(LAST_NAMES)} LLC` : '',
      street1,
      street2: r.chance(0.15) ? `Apt ${r.int(1, 40)}` : '',
      city,
      state,
      postalCode,
      country: 'US',
      phone,
      residential: r.chance(0.9),
      addressVerified: r.weighted([
        ['Address validated successfully', 85],
        ['Address validation warning', 10],
        ['Address not yet validated', 5],
      ] as const),
    }
  }

  /** Returns a repeat customer about a third of the time, else a new one. */
  customer(at: number, store: Store): Customer {
    const r = this.random
    if (this.customers.length > 0 && r.chance(0.35))
      return this.customers[r.int(0, this.customers.length - 1)]!
    const first = r.pick(FIRST_NAMES)
    const last = r.pick(LAST_NAMES)
    const name = `${first} ${last}`
    const id = this.ids.customer++
    const handle = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '')
    const email =
      store.marketplaceName === 'Amazon'
        ? `${this.digits(6)}${handle.replace(/\./g, '').slice(0, 4)}@marketplace.amazon.com`
        : `${handle}${id % 1000}@example.com`
    const customer: Customer = {
      customerId: id,
      createDate: at,
      modifyDate: at,
      name,
      address: this.address(name, r.chance(0.08)),
      email,
      marketplaceId: store.marketplaceId,
      marketplaceName: store.marketplaceName,
      username: store.marketplaceName === 'eBay' ? `${handle.replace('.', '_')}${id % 100}` : email,
    }
    this.customers.push(customer)
    this.customerById.set(id, customer)
    return customer
  }

  item(at: number, input: ItemInput = {}): OrderItem {
    const r = this.random
    const product = r.pick(this.products)
    const withOptions = /T-Shirt|Hoodie/.test(product.name)
    const useProduct = input.sku === undefined && input.name === undefined
    return {
      orderItemId: this.ids.item++,
      lineItemKey: this.digits(11),
      sku: useProduct ? product.sku : (input.sku ?? null),
      name: useProduct ? product.name : (input.name ?? null),
      imageUrl: input.imageUrl !== undefined ? input.imageUrl : useProduct ? product.imageUrl : null,
      weight: { value: useProduct ? product.weightOz : 8, units: 'ounces' },
      quantity:
        input.quantity ??
        r.weighted([
          [1, 75],
          [2, 18],
          [3, 7],
        ] as const),
      unitPrice: input.unitPrice ?? product.price,
      taxAmount: null,
      shippingAmount: null,
      warehouseLocation: r.chance(0.3) ? `A${r.int(1, 20)}-${r.int(1, 9)}` : null,
      options:
        withOptions && useProduct
          ? [
              { name: 'Size', value: r.pick(OPTION_VALUES.Size) },
              { name: 'Color', value: r.pick(OPTION_VALUES.Color) },
            ]
          : [],
      productId: useProduct ? product.productId : null,
      fulfillmentSku: null,
      adjustment: false,
      upc: null,
      createDate: at,
      modifyDate: at,
    }
  }

  #discount(at: number, subtotal: number): OrderItem {
    return {
      ...this.item(at, {
        sku: null,
        name: 'Discount',
        quantity: 1,
        unitPrice: -round2(subtotal * 0.1),
        imageUrl: null,
      }),
      weight: { value: 0, units: 'ounces' },
      adjustment: true,
    }
  }

  #orderNumber(store: Store): { orderNumber: string; orderKey: string } {
    const seq = (this.#storeSeq.get(store.storeId) ?? 0) + 1
    this.#storeSeq.set(store.storeId, seq)
    switch (store.marketplaceName) {
      case 'Shopify':
        return {
          orderNumber: `${1000 + seq}`,
          orderKey: `${4_800_000_000_000 + seq * 1013 + this.random.int(0, 999)}`,
        }
      case 'Amazon': {
        const number = `${this.digits(3)}-${this.digits(7)}-${String(seq).padStart(7, '0')}`
        return { orderNumber: number, orderKey: number }
      }
      case 'eBay': {
        const number = `${this.digits(2)}-${String(seq).padStart(5, '0')}-${this.digits(5)}`
        return { orderNumber: number, orderKey: `${number}!${this.digits(6)}` }
      }
      default:
        return { orderNumber: `SS-${10000 + seq}`, orderKey: this.guid() }
    }
  }

  /** A new order record (not yet stored), created at `at` in `input.status`. */
  order(at: number, input: NewOrderInput): Order {
    const r = this.random
    const store = this.stores.find((s) => s.storeId === input.storeId) ?? this.#pickStore()
    const customer = input.customer ?? this.customer(at, store)
    const international = customer.address.country !== 'US'
    const names = this.#orderNumber(store)
    const lineCount = r.weighted([
      [1, 60],
      [2, 25],
      [3, 10],
      [4, 5],
    ] as const)
    const items = input.items
      ? input.items.map((i) => this.item(at, i))
      : Array.from({ length: lineCount }, () => this.item(at))
    const subtotal = round2(items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0))
    if (!input.items && r.chance(0.05)) items.push(this.#discount(at, subtotal))
    const taxAmount = international ? 0 : round2(subtotal * r.pick([0, 0.06, 0.0725, 0.08]))
    const shippingAmount = r.pick([0, 0, 4.99, 9.99])
    const paid = input.status !== 'awaiting_payment'
    const email = input.email === undefined ? (r.chance(0.05) ? null : customer.email) : input.email
    const orderDate = at - r.int(60_000, 3 * 3_600_000)
    const order: Order = {
      orderId: this.ids.order++,
      orderNumber: input.orderNumber ?? names.orderNumber,
      orderKey: names.orderKey,
      orderDate,
      createDate: at,
      modifyDate: at,
      paymentDate: paid ? orderDate : null,
      shipByDate: r.chance(0.2) ? orderDate + 3 * DAY : null,
      orderStatus: input.status,
      customerId: customer.customerId,
      customerUsername: email === null ? null : customer.username,
      customerEmail: email,
      billTo: { ...nullAddress(), name: customer.name },
      shipTo: customer.address,
      items,
      amountPaid: 0,
      taxAmount,
      shippingAmount,
      customerNotes: r.chance(0.05) ? 'Please leave at the back door.' : null,
      internalNotes: null,
      gift: r.chance(0.03),
      giftMessage: null,
      paymentMethod: store.marketplaceId === 0 ? null : r.pick(['Credit Card', 'PayPal', 'Shop Pay']),
      requestedShippingService: r.pick(['Standard Shipping', 'Standard Shipping', 'Expedited']),
      carrierCode: null,
      serviceCode: null,
      packageCode: null,
      confirmation: 'none',
      shipDate: null,
      holdUntilDate: null,
      weight: {
        value: items.reduce((sum, i) => sum + (i.weight?.value ?? 0) * i.quantity, 0),
        units: 'ounces',
      },
      dimensions: null,
      insuranceOptions: { provider: null, insureShipment: false, insuredValue: 0 },
      internationalOptions: international
        ? { contents: 'merchandise', customsItems: null, nonDelivery: 'return_to_sender' }
        : { contents: null, customsItems: null, nonDelivery: null },
      advancedOptions: {
        warehouseId: this.warehouse.warehouseId,
        nonMachinable: false,
        saturdayDelivery: false,
        containsAlcohol: false,
        mergedOrSplit: false,
        mergedIds: [],
        parentId: null,
        storeId: store.storeId,
        customField1: null,
        customField2: null,
        customField3: null,
        source: STORE_TEMPLATES.find((t) => t.marketplaceId === store.marketplaceId)?.source ?? null,
        billToParty: null,
        billToAccount: null,
        billToPostalCode: null,
        billToCountryCode: null,
        billToMyOtherAccount: null,
      },
      tagIds: null,
      userId: null,
      externallyFulfilled: false,
      externallyFulfilledBy: null,
      externallyFulfilledById: null,
      externallyFulfilledByName: null,
      deleted: false,
    }
    if (order.gift) order.giftMessage = 'Happy birthday!'
    if (paid) order.amountPaid = orderTotal(order)
    return order
  }

  #pickStore(): Store {
    this.#storeWeights ??= this.stores
      .filter((s) => s.active)
      .map(
        (s) => [s, STORE_TEMPLATES.find((t) => t.marketplaceId === s.marketplaceId)?.weight ?? 10] as const,
      )
    return this.random.weighted(this.#storeWeights)
  }

  /** Carrier and service a shipper would pick for this destination. */
  service(order: Order): { carrierCode: string; serviceCode: string } {
    const international = order.shipTo.country !== null && order.shipTo.country !== 'US'
    const carrier = this.random.weighted(
      CARRIERS.map(
        (c) =>
          [
            c,
            international
              ? c.code === 'dhl_express'
                ? 40
                : 20
              : c.code === 'dhl_express'
                ? 0
                : c.code === 'stamps_com'
                  ? 60
                  : 20,
          ] as const,
      ),
    )
    return {
      carrierCode: carrier.code,
      serviceCode: international ? carrier.international : this.random.pick(carrier.domestic),
    }
  }

  trackingNumber(carrierCode: string): string {
    switch (carrierCode) {
      case 'ups':
        return `1Z${this.guid().replace(/-/g, '').slice(0, 6).toUpperCase()}03${this.digits(8)}`
      case 'fedex':
        return this.digits(12)
      case 'dhl_express':
        return this.digits(10)
      default:
        return `9400${this.digits(18)}`
    }
  }

  label(order: Order, at: number, input: LabelInput): Shipment {
    const picked = input.carrierCode ? undefined : this.service(order)
    const carrierCode = input.carrierCode ?? picked!.carrierCode
    return {
      shipmentId: this.ids.shipment++,
      orderId: order.orderId,
      orderKey: order.orderKey,
      userId: order.userId,
      customerEmail: order.customerEmail,
      orderNumber: order.orderNumber,
      createDate: at,
      // Date-only on the wire; kept as Pacific midnight so shipDate filters compare calendar days.
      shipDate: startOfPacificDay(input.shipDate ?? at),
      shipmentCost: round2(this.random.int(399, 2899) / 100),
      insuranceCost: 0,
      trackingNumber: this.trackingNumber(carrierCode),
      isReturnLabel: false,
      batchNumber: null,
      carrierCode,
      serviceCode: input.serviceCode ?? picked?.serviceCode ?? 'usps_ground_advantage',
      packageCode: input.packageCode ?? 'package',
      confirmation: input.confirmation ?? order.confirmation ?? 'none',
      warehouseId: order.advancedOptions.warehouseId,
      voided: false,
      voidDate: null,
      marketplaceNotified: true,
      notifyErrorMessage: null,
      // Sub-objects are shared with the order: orders replace them on change, never edit them in place.
      shipTo: order.shipTo,
      weight: order.weight,
      dimensions: order.dimensions,
      insuranceOptions: order.insuranceOptions,
      storeId: order.advancedOptions.storeId,
      items: order.items,
      batchId: this.ids.batch++,
    }
  }

  fulfillment(order: Order, at: number, fields: Partial<Fulfillment>): Fulfillment {
    return {
      fulfillmentId: this.ids.fulfillment++,
      orderId: order.orderId,
      orderNumber: order.orderNumber,
      userId: order.userId,
      customerEmail: order.customerEmail,
      trackingNumber: null,
      createDate: at,
      shipDate: at,
      voidDate: null,
      deliveryDate: null,
      carrierCode: null,
      sellerFillProviderId: null,
      sellerFillProviderName: null,
      fulfillmentProviderCode: null,
      fulfillmentServiceCode: null,
      fulfillmentFee: 0,
      voidRequested: false,
      voided: false,
      marketplaceNotified: true,
      notifyErrorMessage: null,
      shipTo: order.shipTo,
      ...fields,
    }
  }

  /** Midnight Pacific `days` calendar days after `at`: the shape of a hold-until date. */
  midnightAfter(at: number, days: number): number {
    const day = new Date(at - 8 * 3_600_000 + days * DAY).toISOString().slice(0, 10)
    return parsePacific(day)!
  }
}

/** Items (adjustments included) + tax + shipping (reference §6.3, formula inferred from the docs). */
export function orderTotal(order: Order): number {
  const items = order.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0)
  return round2(items + order.taxAmount + order.shippingAmount)
}
