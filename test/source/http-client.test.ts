/** The ShipStation client against a scripted HTTP server: retries, auth, validation errors. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ShipStationAuthError,
  ShipStationHttpError,
  ShipStationResponseError,
} from '../../src/source/shipstation/errors.js'
import { ShipStationClient } from '../../src/source/shipstation/http-client.js'
import { RateGovernor } from '../../src/source/shipstation/rate-governor.js'
import {
  rawFulfillmentSchema,
  rawOrderSchema,
  rawShipmentSchema,
} from '../../src/source/shipstation/raw-types.js'

type Step = (req: IncomingMessage, res: ServerResponse) => void
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-rate-limit-limit': '40',
      'x-rate-limit-remaining': '30',
      'x-rate-limit-reset': '1',
      ...headers,
    })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  }
const order = {
  orderId: 7,
  orderNumber: 'A-7',
  orderKey: 'k7',
  createDate: '2024-01-01T00:00:00.0000000',
  modifyDate: '2024-01-01T00:00:00.0000000',
  orderStatus: 'shipped',
}
const envelope = (orders: unknown[]) => ({ orders, total: orders.length, page: 1, pages: 1 })

let close: (() => void) | undefined
afterEach(() => close?.())

async function scripted(steps: Step[]) {
  const seen: IncomingMessage[] = []
  const server = createServer((req, res) => {
    seen.push(req)
    const step = steps.shift()
    if (!step) {
      res.writeHead(500)
      res.end('script exhausted')
      return
    }
    step(req, res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  close = () => server.close()
  const client = new ShipStationClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiKey: 'key',
    apiSecret: 'shh-9f3k2',
    governor: new RateGovernor({ reserve: 0 }),
    backoffMs: 5,
    maxAttempts: 4,
  })
  return { client, seen }
}

describe('ShipStationClient', () => {
  it('sends Basic auth and returns validated records, skipping null elements', async () => {
    const { client, seen } = await scripted([json(200, envelope([order, null]))])
    const page = await client.getPage('/orders', 'orders', rawOrderSchema, { page: 1 })
    expect(page.records.map((o) => o.orderId)).toEqual([7])
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('key:shh-9f3k2').toString('base64')}`)
  })

  it('retries 5xx, cut-off bodies and dropped connections, then succeeds', async () => {
    const { client, seen } = await scripted([
      json(500, { Message: 'An error has occurred.' }),
      json(200, '{"orders": [{"orderId"'),
      (req) => req.socket.destroy(),
      json(200, envelope([order])),
    ])
    const page = await client.getPage('/orders', 'orders', rawOrderSchema, {})
    expect(page.records).toHaveLength(1)
    expect(seen).toHaveLength(4)
  })

  it('gives up after maxAttempts with the last reason', async () => {
    const { client } = await scripted([
      json(503, 'x'),
      json(503, 'x'),
      json(503, 'x'),
      json(503, { Message: 'down for maintenance' }),
    ])
    const error = await client.getJson('/orders').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ShipStationHttpError)
    expect((error as Error).message).toBe(
      'ShipStation /orders: HTTP 503 down for maintenance (after 4 attempts)',
    )
  })

  it('waits out a 429 without counting it as a failure', async () => {
    const { client, seen } = await scripted([
      json(
        429,
        { message: 'Too Many Requests' },
        { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '0' },
      ),
      json(
        429,
        { message: 'Too Many Requests' },
        { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '0' },
      ),
      json(
        429,
        { message: 'Too Many Requests' },
        { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '0' },
      ),
      json(
        429,
        { message: 'Too Many Requests' },
        { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '0' },
      ),
      json(200, envelope([order])),
    ])
    await expect(client.getJson('/orders')).resolves.toMatchObject({ total: 1 })
    expect(seen).toHaveLength(5)
  })

  it('retries one 401 (ShipStation sends stray ones) and reports a second clearly', async () => {
    const stray = await scripted([
      json(401, { Message: 'Authorization has been denied for this request.' }),
      json(200, envelope([])),
    ])
    await expect(stray.client.getJson('/orders')).resolves.toMatchObject({ total: 0 })
    close?.()
    const { client } = await scripted([json(401, ''), json(401, '')])
    const error = await client.getJson('/orders').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ShipStationAuthError)
    expect((error as Error).message).not.toContain('shh-9f3k2')
  })

  it("does not retry a 400 and quotes ShipStation's message", async () => {
    const { client, seen } = await scripted([
      json(400, { Message: 'The request is invalid.', ModelState: {} }),
    ])
    await expect(client.getJson('/orders')).rejects.toThrow(
      'ShipStation /orders: HTTP 400 The request is invalid.',
    )
    expect(seen).toHaveLength(1)
  })

  it('names the order when a record lacks a required field', async () => {
    const { client } = await scripted([json(200, envelope([{ ...order, orderStatus: undefined }]))])
    await expect(client.getPage('/orders', 'orders', rawOrderSchema, {})).rejects.toThrow(
      new ShipStationResponseError(
        'ShipStation /orders: record orderId 7, orderNumber A-7 is malformed: orderStatus: Invalid input: expected string, received undefined',
      ),
    )
  })

  it('names the shipment and the field when a label or fulfilment creation date is not a date', async () => {
    // Mid-page, where paging (which reads only a page's last time) would not notice it.
    const label = {
      shipmentId: 31,
      orderId: 7,
      orderNumber: 'A-7',
      createDate: '2024-01-01T09:15:00.0000000',
    }
    const { client } = await scripted([
      json(200, { shipments: [{ ...label, createDate: 'not a date' }, label], total: 2, page: 1, pages: 1 }),
      json(200, {
        fulfillments: [{ ...label, shipmentId: undefined, fulfillmentId: 5, createDate: '2024-13-01' }],
        total: 1,
        page: 1,
        pages: 1,
      }),
    ])
    await expect(client.getPage('/shipments', 'shipments', rawShipmentSchema, {})).rejects.toThrow(
      new ShipStationResponseError(
        'ShipStation /shipments: record orderId 7, shipmentId 31, orderNumber A-7 is malformed: createDate: not a ShipStation date (naive Pacific time)',
      ),
    )
    await expect(client.getPage('/fulfillments', 'fulfillments', rawFulfillmentSchema, {})).rejects.toThrow(
      new ShipStationResponseError(
        'ShipStation /fulfillments: record orderId 7, fulfillmentId 5, orderNumber A-7 is malformed: createDate: not a ShipStation date (naive Pacific time)',
      ),
    )
  })

  it('rejects a body that is not the list envelope', async () => {
    const { client } = await scripted([json(200, { orders: 'nope' })])
    await expect(client.getPage('/orders', 'orders', rawOrderSchema, {})).rejects.toThrow(
      'response is not a {orders, total, page, pages} list',
    )
  })
})
