/**
 * Raw ShipStation V1 shapes as zod schemas: exactly what the wire carries (reference §6.3, §7.2, §8,
 * §9), nothing derived. Unknown fields are dropped, not rejected, because ShipStation adds fields over
 * time. Only what shiprelay reads is required; everything else is optional and nullable, because live
 * responses carry nulls where the docs show values.
 */
import { z } from 'zod'
import { parsePacific } from '../../lib/pacific-time.js'

const text = z.string().nullish()
const money = z.number().nullish()

/**
 * The creation time of a label or fulfilment, which becomes the Order Shipped event's time. One that
 * is not a ShipStation date fails the record (and its page) like any other malformed record, naming
 * the shipment and the field, rather than stamping the event 1970-01-01.
 */
const shippingTime = z
  .string()
  .refine((s) => parsePacific(s) !== undefined, 'not a ShipStation date (naive Pacific time)')

export const rawAddressSchema = z.object({
  name: text,
  company: text,
  street1: text,
  city: text,
  state: text,
  postalCode: text,
  country: text,
  phone: text,
})

export const rawOrderItemSchema = z.object({
  orderItemId: z.number().nullish(),
  sku: text,
  name: text,
  imageUrl: text,
  quantity: z.number().nullish(),
  unitPrice: money,
  adjustment: z.boolean().nullish(),
})

export const rawOrderSchema = z.object({
  orderId: z.number().int(),
  orderNumber: z.string(),
  orderKey: z.string(),
  orderDate: text,
  createDate: z.string(),
  modifyDate: z.string(),
  paymentDate: text,
  orderStatus: z.string(),
  customerUsername: text,
  customerEmail: text,
  billTo: rawAddressSchema.nullish(),
  shipTo: rawAddressSchema.nullish(),
  items: z.array(rawOrderItemSchema).nullish(),
  orderTotal: money,
  amountPaid: money,
  taxAmount: money,
  shippingAmount: money,
  carrierCode: text,
  serviceCode: text,
  shipDate: text,
  holdUntilDate: text,
  advancedOptions: z
    .object({
      storeId: z.number().nullish(),
      mergedOrSplit: z.boolean().nullish(),
      mergedIds: z.array(z.number()).nullish(),
      parentId: z.number().nullish(),
    })
    .nullish(),
  externallyFulfilled: z.boolean().nullish(),
  externallyFulfilledBy: text,
  externallyFulfilledByName: text,
})
export type RawOrder = z.infer<typeof rawOrderSchema>

export const rawShipmentSchema = z.object({
  shipmentId: z.number().int(),
  orderId: z.number().int(),
  orderNumber: text,
  createDate: shippingTime,
  shipDate: text,
  trackingNumber: text,
  isReturnLabel: z.boolean().nullish(),
  carrierCode: text,
  serviceCode: text,
  voided: z.boolean().nullish(),
  voidDate: text,
})
export type RawShipment = z.infer<typeof rawShipmentSchema>

export const rawFulfillmentSchema = z.object({
  fulfillmentId: z.number().int(),
  orderId: z.number().int(),
  orderNumber: text,
  createDate: shippingTime,
  shipDate: text,
  trackingNumber: text,
  carrierCode: text,
  fulfillmentProviderCode: text,
  fulfillmentServiceCode: text,
  sellerFillProviderName: text,
  voided: z.boolean().nullish(),
})
export type RawFulfillment = z.infer<typeof rawFulfillmentSchema>

export const rawStoreSchema = z.object({
  storeId: z.number().int(),
  storeName: z.string(),
  marketplaceName: text,
  active: z.boolean().nullish(),
})
export type RawStore = z.infer<typeof rawStoreSchema>

/** The list envelope; records are validated one by one afterwards so an error can name the record. */
export const rawEnvelopeSchema = z.object({
  total: z.number().int().min(0),
  page: z.number().int(),
  pages: z.number().int().min(0),
})
