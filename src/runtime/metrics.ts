/**
 * Prometheus metrics (prom-client). One registry per Relay, so tests and several relays in one process
 * never share counters. Gauges that live in the database (queue depth, sync lag) are read at scrape time.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

export interface RelayMetrics {
  registry: Registry
  shipstationRequests: Counter<'account' | 'endpoint' | 'status'>
  rateLimitRemaining: Gauge<'account'>
  eventsCreated: Counter<'account' | 'name'>
  deliveries: Counter<'destination' | 'outcome'>
  deliveryLatency: Histogram<'destination'>
  webhooksReceived: Counter<'account' | 'outcome'>
}

export function createMetrics(collectors: {
  queueDepth: () => Promise<{ destination: string; pending: number }[]>
  syncLag: () => Promise<{ account: string; seconds: number }[]>
}): RelayMetrics {
  const registry = new Registry()
  const metrics: RelayMetrics = {
    registry,
    shipstationRequests: new Counter({
      name: 'shiprelay_shipstation_requests_total',
      help: 'ShipStation API answers by account, endpoint and HTTP status',
      labelNames: ['account', 'endpoint', 'status'],
      registers: [registry],
    }),
    rateLimitRemaining: new Gauge({
      name: 'shiprelay_shipstation_rate_limit_remaining',
      help: 'X-Rate-Limit-Remaining of the latest ShipStation answer, by account',
      labelNames: ['account'],
      registers: [registry],
    }),
    eventsCreated: new Counter({
      name: 'shiprelay_events_created_total',
      help: 'Events appended to the event log, by account and event name',
      labelNames: ['account', 'name'],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'shiprelay_deliveries_total',
      help: 'Delivery attempts by destination and outcome (delivered, skipped, dead, retry, deferred)',
      labelNames: ['destination', 'outcome'],
      registers: [registry],
    }),
    deliveryLatency: new Histogram({
      name: 'shiprelay_delivery_latency_seconds',
      help: 'Time from an event being logged to its destination accepting it',
      labelNames: ['destination'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600],
      registers: [registry],
    }),
    webhooksReceived: new Counter({
      name: 'shiprelay_webhooks_received_total',
      help: 'ShipStation webhook requests by account and outcome',
      labelNames: ['account', 'outcome'],
      registers: [registry],
    }),
  }
  new Gauge({
    name: 'shiprelay_delivery_queue_depth',
    help: 'Deliveries pending per destination',
    labelNames: ['destination'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const { destination, pending } of await collectors.queueDepth()) this.set({ destination }, pending)
    },
  })
  new Gauge({
    name: 'shiprelay_sync_lag_seconds',
    help: 'Seconds since the last successful sync cycle, per account',
    labelNames: ['account'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const { account, seconds } of await collectors.syncLag()) this.set({ account }, seconds)
    },
  })
  return metrics
}
