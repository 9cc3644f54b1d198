/**
 * The event catalog: the names destinations receive by default. They follow Klaviyo's native
 * ShipStation metrics so merchants recognise them; each destination may rename any of them.
 */
export const EVENT_NAMES = [
  'Order Awaiting Payment',
  'Order Awaiting Shipment',
  'Order On Hold',
  'Order Shipped',
  'Order Canceled',
  'Order Pending Fulfillment',
  'Order Rejected Fulfillment',
] as const

export type EventName = (typeof EVENT_NAMES)[number]

export function isEventName(name: string): name is EventName {
  return (EVENT_NAMES as readonly string[]).includes(name)
}
