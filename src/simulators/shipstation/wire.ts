/**
 * Request bodies of the write endpoints (reference §6.4, §7.3, §10.1), validated with zod and mapped
 * onto internal records. Unknown fields are tolerated, as the real API ignores them; a body that does
 * not fit becomes a 400 in ASP.NET ModelState shape.
 */
import { z } from 'zod'
import { parsePacific, startOfPacificDay } from '../../lib/pacific-time.js'
import { invalid, type ModelState } from './errors.js'
import type { Address, Order, OrderItem } from './model.js'
import { WEBHOOK_EVENTS } from './model.js'
import type { World } from './world.js'

/** A JSON body that did not parse; routes answer it with a ModelState error naming their parameter. */
export class UnreadableBody {
  constructor(readonly reason: string) {}
}

/** JSON.parse with Json.NET's wording for failures; an empty body reads as undefined. */
export function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    const first = text.trim()[0]
    return new UnreadableBody(
      `Unexpected character encountered while parsing value: ${first}. Path '', line 1, position 1.`,
    )
  }
}

const text = z.string().nullish()
const number = z.number().nullish()
const flag = z.boolean().nullish()
const pacificDate = z.string().refine((v) => parsePacific(v) !== undefined, 'The value is not a valid date.')

const addressIn = z.looseObject({
  name: text,
  company: text,
  street1: text,
  street2: text,
  street3: text,
  city: text,
  state: text,
  postalCode: text,
  country: text,
  phone: text,
  residential: flag,
})
const weightIn = z.looseObject({ value: z.number(), units: z.enum(['pounds', 'ounces', 'grams']) })
const dimensionsIn = z.looseObject({
  units: z.enum(['inches', 'centimeters']),
  length: z.number(),
  width: z.number(),
  height: z.number(),
})
const itemIn = z.looseObject({
  lineItemKey: text,
  sku: text,
  name: text,
  imageUrl: text,
  weight: weightIn.nullish(),
  quantity: z.number().int(),
  unitPrice: z.number(),
  taxAmount: number,
  shippingAmount: number,
  warehouseLocation: text,
  options: z.array(z.looseObject({ name: z.string(), value: z.string() })).nullish(),
  productId: z.number().int().nullish(),
  fulfillmentSku: text,
  adjustment: flag,
  upc: text,
})

export const createOrderSchema = z.looseObject({
  orderId: z.number().int().nullish(),
  orderNumber: z.string().min(1).max(50),
  orderKey: text,
  orderDate: pacificDate,
  paymentDate: pacificDate.nullish(),
  shipByDate: pacificDate.nullish(),
  orderStatus: z.enum(['awaiting_payment', 'awaiting_shipment', 'shipped', 'on_hold', 'cancelled']),
  customerUsername: text,
  customerEmail: text,
  billTo: addressIn,
  shipTo: addressIn,
  items: z.array(itemIn).nullish(),
  amountPaid: number,
  taxAmount: number,
  shippingAmount: number,
  customerNotes: text,
  internalNotes: text,
  gift: flag,
  giftMessage: text,
  paymentMethod: text,
  requestedShippingService: text,
  carrierCode: text,
  serviceCode: text,
  packageCode: text,
  confirmation: text,
  shipDate: pacificDate.nullish(),
  holdUntilDate: pacificDate.nullish(),
  weight: weightIn.nullish(),
  dimensions: dimensionsIn.nullish(),
  insuranceOptions: z.looseObject({ provider: text, insureShipment: flag, insuredValue: number }).nullish(),
  internationalOptions: z
    .looseObject({ contents: text, customsItems: z.array(z.unknown()).nullish(), nonDelivery: text })
    .nullish(),
  advancedOptions: z
    .looseObject({
      warehouseId: z.number().int().nullish(),
      nonMachinable: flag,
      saturdayDelivery: flag,
      containsAlcohol: flag,
      storeId: z.number().int().nullish(),
      customField1: text,
      customField2: text,
      customField3: text,
      source: text,
      billToParty: text,
      billToAccount: text,
      billToPostalCode: text,
      billToCountryCode: text,
      billToMyOtherAccount: text,
    })
    .nullish(),
  tagIds: z.array(z.number().int()).nullish(),
})
export type CreateOrderInput = z.infer<typeof createOrderSchema>

const orderId = z.number().int()
export const holdSchema = z.looseObject({ orderId, holdUntilDate: pacificDate })
export const restoreSchema = z.looseObject({ orderId })
export const markShippedSchema = z.looseObject({
  orderId,
  carrierCode: z.string().min(1),
  shipDate: pacificDate.nullish(),
  trackingNumber: text,
  notifyCustomer: flag,
  notifySalesChannel: flag,
})
export const createLabelSchema = z.looseObject({
  orderId,
  carrierCode: z.string().min(1),
  serviceCode: z.string().min(1),
  packageCode: text,
  confirmation: text,
  shipDate: pacificDate,
  testLabel: flag,
})
export const voidLabelSchema = z.looseObject({ shipmentId: z.number().int() })
export const subscribeSchema = z.looseObject({
  target_url: z.url().max(200),
  event: z.enum(WEBHOOK_EVENTS),
  store_id: z.number().int().nullish(),
  friendly_name: text,
})

/**
 * Validates a body for the parameter `name` (the ModelState key prefix, e.g. `apiOrder`); an array
 * where an object belongs, or the reverse, gets Json.NET's deserialisation message.
 */
export function readBody<T>(
  body: unknown,
  name: string,
  schema: z.ZodType<T>,
  shape: 'object' | 'array' = 'object',
): T {
  if (body instanceof UnreadableBody) throw invalid({ [name]: [body.reason] })
  if (body === undefined || body === null) throw invalid({ [name]: [`The ${name} field is required.`] })
  if (shape === 'object' && Array.isArray(body)) {
    throw invalid({
      [name]: [
        'Cannot deserialize the current JSON array (e.g. [1,2,3]) into type \'ShipStation.API.Models.Order\' because the type requires a JSON object (e.g. {"name":"value"}) to deserialize correctly. Path \'\', line 1, position 1.',
      ],
    })
  }
  if (shape === 'array' && !Array.isArray(body)) {
    throw invalid({
      [name]: [
        'Cannot deserialize the current JSON object (e.g. {"name":"value"}) into type \'System.Collections.Generic.List`1[ShipStation.API.Models.Order]\' because the type requires a JSON array (e.g. [1,2,3]) to deserialize correctly. Path \'\', line 1, position 1.',
      ],
    })
  }
  const result = schema.safeParse(body)
  if (result.success) return result.data
  const state: ModelState = {}
  for (const issue of result.error.issues) {
    const key = [name, ...issue.path.map(String)].join('.')
    state[key] = [...(state[key] ?? []), issue.message]
  }
  throw invalid(state)
}

const pacific = (v: string | null | undefined) => (v ? parsePacific(v)! : null)

function addressFromWire(a: z.infer<typeof addressIn>): Address {
  return {
    name: a.name ?? null,
    company: a.company ?? null,
    street1: a.street1 ?? null,
    street2: a.street2 ?? null,
    street3: a.street3 ?? null,
    city: a.city ?? null,
    state: a.state ?? null,
    postalCode: a.postalCode ?? null,
    country: a.country ?? null,
    phone: a.phone ?? null,
    residential: a.residential ?? null,
    addressVerified: 'Address not yet validated',
  }
}

/**
 * Every field createorder sets, as a full replacement (the API has no partial updates). Items keep
 * their id and createDate when a line with the same lineItemKey already existed.
 */
export function orderFieldsFromWire(
  input: CreateOrderInput,
  world: World,
  at: number,
  previous: readonly OrderItem[] = [],
): Omit<Order, 'orderId' | 'orderKey' | 'createDate' | 'modifyDate' | 'customerId' | 'deleted'> {
  const items: OrderItem[] = (input.items ?? []).map((i) => {
    const before = i.lineItemKey ? previous.find((p) => p.lineItemKey === i.lineItemKey) : undefined
    return {
      orderItemId: before?.orderItemId ?? world.nextId('item'),
      lineItemKey: i.lineItemKey ?? null,
      sku: i.sku ?? null,
      name: i.name ?? null,
      imageUrl: i.imageUrl ?? null,
      weight: i.weight ? { value: i.weight.value, units: i.weight.units } : null,
      quantity: i.quantity,
      unitPrice: i.unitPrice,
      taxAmount: i.taxAmount ?? null,
      shippingAmount: i.shippingAmount ?? null,
      warehouseLocation: i.warehouseLocation ?? null,
      options: (i.options ?? []).map((o) => ({ name: o.name, value: o.value })),
      productId: i.productId ?? null,
      fulfillmentSku: i.fulfillmentSku ?? null,
      adjustment: i.adjustment ?? false,
      upc: i.upc ?? null,
      createDate: before?.createDate ?? at,
      modifyDate: at,
    }
  })
  const a = input.advancedOptions ?? {}
  const ounces = items.reduce(
    (sum, i) => sum + (i.weight?.units === 'ounces' ? i.weight.value * i.quantity : 0),
    0,
  )
  return {
    orderNumber: input.orderNumber,
    orderDate: pacific(input.orderDate)!,
    paymentDate: pacific(input.paymentDate),
    shipByDate: pacific(input.shipByDate),
    orderStatus: input.orderStatus,
    customerUsername: input.customerUsername ?? null,
    customerEmail: input.customerEmail ?? null,
    billTo: addressFromWire(input.billTo),
    shipTo: addressFromWire(input.shipTo),
    items,
    amountPaid: input.amountPaid ?? 0,
    taxAmount: input.taxAmount ?? 0,
    shippingAmount: input.shippingAmount ?? 0,
    customerNotes: input.customerNotes ?? null,
    internalNotes: input.internalNotes ?? null,
    gift: input.gift ?? false,
    giftMessage: input.giftMessage ?? null,
    paymentMethod: input.paymentMethod ?? null,
    requestedShippingService: input.requestedShippingService ?? null,
    carrierCode: input.carrierCode ?? null,
    serviceCode: input.serviceCode ?? null,
    packageCode: input.packageCode ?? null,
    confirmation: input.confirmation ?? null,
    shipDate: input.shipDate ? startOfPacificDay(pacific(input.shipDate)!) : null,
    holdUntilDate: pacific(input.holdUntilDate),
    weight: input.weight
      ? { value: input.weight.value, units: input.weight.units }
      : { value: ounces, units: 'ounces' },
    dimensions: input.dimensions
      ? {
          units: input.dimensions.units,
          length: input.dimensions.length,
          width: input.dimensions.width,
          height: input.dimensions.height,
        }
      : null,
    insuranceOptions: {
      provider: input.insuranceOptions?.provider ?? null,
      insureShipment: input.insuranceOptions?.insureShipment ?? false,
      insuredValue: input.insuranceOptions?.insuredValue ?? 0,
    },
    internationalOptions: {
      contents: input.internationalOptions?.contents ?? null,
      customsItems: input.internationalOptions?.customsItems ?? null,
      nonDelivery: input.internationalOptions?.nonDelivery ?? null,
    },
    advancedOptions: {
      warehouseId: a.warehouseId ?? world.warehouses[0]!.warehouseId,
      nonMachinable: a.nonMachinable ?? false,
      saturdayDelivery: a.saturdayDelivery ?? false,
      containsAlcohol: a.containsAlcohol ?? false,
      mergedOrSplit: false,
      mergedIds: [],
      parentId: null,
      storeId: a.storeId ?? world.defaultStore.storeId,
      customField1: a.customField1 ?? null,
      customField2: a.customField2 ?? null,
      customField3: a.customField3 ?? null,
      source: a.source ?? null,
      billToParty: a.billToParty ?? null,
      billToAccount: a.billToAccount ?? null,
      billToPostalCode: a.billToPostalCode ?? null,
      billToCountryCode: a.billToCountryCode ?? null,
      billToMyOtherAccount: a.billToMyOtherAccount ?? null,
    },
    tagIds: input.tagIds ?? null,
    userId: null,
    externallyFulfilled: false,
    externallyFulfilledBy: null,
    externallyFulfilledById: null,
    externallyFulfilledByName: null,
  }
}
