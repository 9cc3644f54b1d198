/**
 * A label voided long ago stays "live" in shiprelay's shipping table: the shipments stream is read by
 * createDate and a void does not move a label. When the order is shipped again by a label (or a
 * fulfilment) created after that cycle read the shipping streams but before it read the orders, the
 * orders read shows `shipped` while the table holds only the old label.
 */
import { afterEach, expect, it } from 'vitest'
import { forEachDatabase } from '../helpers/databases.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'
import { expectExactlyOnce } from './helpers.js'

forEachDatabase('shipped again after a void', (database) => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.dispose()
    p = undefined
  })

  it.each(['label', 'mark as shipped'])(
    'announces the second shipment (%s) made between the shipping and the orders read',
    async (how) => {
      let reship: (() => void) | undefined
      const pipeline = await startPipeline(database, {
        shipstation: { orders: 20, seed: 71 },
        fetch: async (input, init) => {
          const url = new URL(String(input))
          // The orders read of a cycle begins: ship the order again just before it.
          if (url.pathname === '/orders' && url.searchParams.has('modifyDateStart') && reship) {
            reship()
            reship = undefined
          }
          return fetch(input, init)
        },
      })
      p = pipeline
      const w = pipeline.ss.world
      const clock = pipeline.ss.clock
      await pipeline.cycle()
      const order = w.createOrder({ status: 'awaiting_shipment', email: 'twice@example.com' })
      const first = w.createLabel(order.orderId)
      await pipeline.cycle()
      // Other labels move the shipments cursor on, so the first label leaves the 5-minute overlap.
      clock.advance(20 * 60_000)
      const other = w.createOrder({ status: 'awaiting_shipment', email: 'other@example.com' })
      w.createLabel(other.orderId)
      await pipeline.cycle()
      w.voidLabel(first.shipmentId)
      await pipeline.cycle()
      expect(w.order(order.orderId).orderStatus).toBe('awaiting_shipment')
      reship = () => {
        if (how === 'label') w.createLabel(order.orderId)
        else w.markShipped(order.orderId, { carrierCode: 'USPS', trackingNumber: '9400100000000000000001' })
      }
      await pipeline.cycle()
      expect(reship).toBeUndefined()
      await pipeline.drain()

      const metrics = pipeline
        .stored()
        .filter((e) => e.profile?.email === 'twice@example.com')
        .map((e) => e.metric)
      expect(metrics).toEqual(['Order Shipped', 'Order Awaiting Shipment', 'Order Shipped'])
      await expectExactlyOnce(pipeline)
    },
  )
})
