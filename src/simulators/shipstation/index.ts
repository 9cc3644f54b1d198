/** ShipStation V1 simulator: start it in-process with `startShipStationSimulator`, or via `shiprelay sim shipstation`. */
export type {
  Fulfillment,
  HistoryEntry,
  Order,
  OrderStatus,
  Shipment,
  StatusVia,
  WebhookEvent,
} from './model.js'
export type { AccountOptions, SimulatorOptions } from './options.js'
export { type ShipStationSimulator, type SimulatorStats, startShipStationSimulator } from './server.js'
export type { WebhookKnobs } from './webhooks.js'
export type { RandomChange, World } from './world.js'
