/**
 * Change detection: compares an order as ShipStation shows it now with what we saw last, and says
 * which event (if any) that is. Pure: the sync engine does the reading and writing around it.
 *
 * ShipStation keeps no status history, so a change is a status that differs from the snapshot; two
 * changes between two looks (e.g. paid and then held within one poll) show as the last one only.
 * Webhooks and fast polling keep that window small.
 */
import type { EventName } from '../config/event-names.js'
import type { ShippingRecord } from '../sync/to-event-facts.js'
import { eventId } from './event-id.js'
import type { EventCustomer, EventOrder, OrderEvent } from './model.js'

/** ShipStation status → catalog event. Statuses not listed are recorded but raise no event. */
export const STATUS_EVENTS: Readonly<Record<string, EventName>> = {
  awaiting_payment: 'Order Awaiting Payment',
  awaiting_shipment: 'Order Awaiting Shipment',
  on_hold: 'Order On Hold',
  shipped: 'Order Shipped',
  cancelled: 'Order Canceled',
  pending_fulfillment: 'Order Pending Fulfillment',
  rejected_fulfillment: 'Order Rejected Fulfillment',
}

export interface Observation {
  accountId: string
  /** Backfilled events are historical: recorded, but they fire no flows. */
  historical: boolean
  order: EventOrder
  customer: EventCustomer
  /** Instants (UTC ms) of ShipStation's createDate, modifyDate and paymentDate. */
  createMs: number
  modifyMs: number
  paymentMs: number | undefined
  /** modifyDate exactly as ShipStation wrote it: the anchor of a change's id, free of time-zone math. */
  modifyDate: string
  /** What we saw last; undefined the first time we see this order. */
  previous: { status: string } | undefined
  /** The newest live label or fulfilment of the order, when shipped. */
  shipping: ShippingRecord | undefined
}

export type Detection =
  | { kind: 'none' }
  | { kind: 'event'; event: OrderEvent }
  /** A change we deliberately do not announce, with the reason (kept for reconcile). */
  | { kind: 'suppressed'; reason: string }

export function detectChange(o: Observation): Detection {
  const status = o.order.status
  if (o.previous && o.previous.status === status) return { kind: 'none' }
  const name = STATUS_EVENTS[status]
  if (!name) return { kind: 'suppressed', reason: `status ${status} has no event` }
  const first = o.previous === undefined
  const shipping = status === 'shipped' ? o.shipping : undefined
  const anchor = shipping ? shipping.anchor : first ? 'initial' : `modified:${o.modifyDate}`
  return {
    kind: 'event',
    event: {
      id: eventId(o.accountId, o.order.orderId, name, anchor),
      accountId: o.accountId,
      name,
      occurredAt: statusBeganAt(o, first),
      historical: o.historical,
      customer: o.customer,
      order: o.order,
      shipping: shipping ? shipping.facts : null,
    },
  }
}

/**
 * When the order entered its status, as well as ShipStation lets us know: the label or fulfilment time
 * for shipping; creation (or payment) for the status an order was created in; else the modifyDate.
 */
function statusBeganAt(o: Observation, first: boolean): number {
  if (o.order.status === 'shipped' && o.shipping) return o.shipping.createdMs
  if (first && o.order.status === 'awaiting_payment') return o.createMs
  if (first && o.order.status === 'awaiting_shipment') return Math.max(o.createMs, o.paymentMs ?? o.createMs)
  return o.modifyMs
}
