/**
 * The incremental list streams, as data: one paginator serves them all.
 * Docs: GET /orders, GET /shipments, GET /fulfillments (reference §6.1, §7.1, §8).
 */
import type { z } from 'zod'
import { parsePacific } from '../../lib/pacific-time.js'
import { ShipStationResponseError } from './errors.js'
import { rawFulfillmentSchema, rawOrderSchema, rawShipmentSchema } from './raw-types.js'

export interface StreamDefinition<S extends z.ZodType> {
  name: 'orders' | 'shipments' | 'fulfillments'
  path: string
  /** Envelope key holding the records. */
  key: string
  schema: S
  startParam: string
  endParam: string
  sortBy: string
  /** The ShipStation time the stream is ordered by, as written (naive Pacific). */
  timeText(record: z.infer<S>): string
  id(record: z.infer<S>): number
}

export const ordersStream: StreamDefinition<typeof rawOrderSchema> = {
  name: 'orders',
  path: '/orders',
  key: 'orders',
  schema: rawOrderSchema,
  startParam: 'modifyDateStart',
  endParam: 'modifyDateEnd',
  sortBy: 'ModifyDate',
  timeText: (o) => o.modifyDate,
  id: (o) => o.orderId,
}

export const shipmentsStream: StreamDefinition<typeof rawShipmentSchema> = {
  name: 'shipments',
  path: '/shipments',
  key: 'shipments',
  schema: rawShipmentSchema,
  startParam: 'createDateStart',
  endParam: 'createDateEnd',
  sortBy: 'CreateDate',
  timeText: (s) => s.createDate,
  id: (s) => s.shipmentId,
}

export const fulfillmentsStream: StreamDefinition<typeof rawFulfillmentSchema> = {
  name: 'fulfillments',
  path: '/fulfillments',
  key: 'fulfillments',
  schema: rawFulfillmentSchema,
  startParam: 'createDateStart',
  endParam: 'createDateEnd',
  sortBy: 'CreateDate',
  timeText: (f) => f.createDate,
  id: (f) => f.fulfillmentId,
}

/**
 * A ShipStation time as a number that sorts like the wall time it is written in: the earlier instant
 * inside the repeated fall-back hour. Paging and cursors work in this encoding, because ShipStation's
 * filters take wall times; event times use `resolvePacific` instead.
 */
export function wallTime(text: string): number {
  const ms = parsePacific(text, 'earlier')
  if (ms === undefined)
    throw new ShipStationResponseError(
      `ShipStation sent a date that is not one: ${JSON.stringify(text).slice(0, 60)}`,
    )
  return ms
}
