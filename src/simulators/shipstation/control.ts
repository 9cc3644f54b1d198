/**
 * /_sim control routes: the in-process World methods over HTTP (JSON bodies, zod-validated) for tests,
 * the demo and the fault harness. Never authenticated, rate-limited or faulted. `?account=<apiKey>`
 * picks the account; the first one is the default.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { formatPacific7, parsePacific } from '../../lib/pacific-time.js'
import { faultSettingsSchema } from '../common/faults.js'
import { ApiError } from './errors.js'
import { ORDER_STATUSES, type OrderStatus } from './model.js'
import { renderFulfillment, renderOrder, renderShipment } from './render.js'
import type { ShipStationSimulator } from './server.js'
import { webhookKnobsSchema } from './webhooks.js'
import { UnreadableBody } from './wire.js'

/** The parts of the running simulator that the control routes drive. */
export type ControlContext = Pick<
  ShipStationSimulator,
  'worlds' | 'account' | 'clock' | 'faults' | 'webhooks' | 'stats'
>

/** An instant given as epoch ms or as naive Pacific text ("2024-11-03 01:30:00"). */
const instant = z
  .union([
    z.number().int(),
    z.string().refine((v) => parsePacific(v) !== undefined, 'expected epoch ms or a Pacific date-time'),
  ])
  .transform((v) => (typeof v === 'number' ? v : parsePacific(v)!))

const createStatuses = [
  'awaiting_payment',
  'awaiting_shipment',
  'on_hold',
  'cancelled',
] as const satisfies OrderStatus[]
const schemas = {
  createOrder: z
    .object({
      status: z.enum(createStatuses).default('awaiting_shipment'),
      storeId: z.number().int().optional(),
      email: z.email().nullable().optional(),
      orderNumber: z.string().min(1).max(50).optional(),
      holdUntil: instant.optional(),
      items: z
        .array(
          z
            .object({
              sku: z.string().nullable().optional(),
              name: z.string().nullable().optional(),
              quantity: z.number().int().min(1).optional(),
              unitPrice: z.number().optional(),
              imageUrl: z.string().nullable().optional(),
            })
            .strict(),
        )
        .min(1)
        .optional(),
    })
    .strict(),
  hold: z.object({ until: instant }).strict(),
  label: z
    .object({
      carrierCode: z.string().min(1).optional(),
      serviceCode: z.string().min(1).optional(),
      packageCode: z.string().min(1).optional(),
    })
    .strict(),
  markShipped: z
    .object({ carrierCode: z.string().min(1).optional(), trackingNumber: z.string().min(1).optional() })
    .strict(),
  external: z.object({ provider: z.string().min(1).optional() }).strict(),
  merge: z.object({ orderIds: z.array(z.number().int()).min(2) }).strict(),
  advance: z.object({ ms: z.number().int().min(0) }).strict(),
  freeze: z.object({ at: instant.optional() }).strict(),
  random: z.object({ count: z.number().int().min(1).max(10_000).default(1) }).strict(),
  history: z
    .object({
      orderId: z.coerce.number().int().optional(),
      since: z.coerce.number().int().optional(),
      status: z.enum(ORDER_STATUSES).optional(),
    })
    .loose(),
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  if (value instanceof UnreadableBody)
    throw new ApiError(400, { Message: `body is not JSON: ${value.reason}` })
  const result = schema.safeParse(value ?? {})
  if (result.success) return result.data
  const message = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')
  throw new ApiError(400, { Message: message })
}

function idParam(request: FastifyRequest): number {
  const raw = (request.params as { id?: string }).id ?? ''
  if (!/^\d+$/.test(raw)) throw new ApiError(400, { Message: `not an id: ${raw}` })
  return Number(raw)
}

export function registerControlRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const worldOf = (request: FastifyRequest) => {
    const key = (request.query as { account?: unknown }).account
    const world = typeof key === 'string' ? ctx.account(key) : ctx.worlds[0]!
    world.tick()
    return world
  }
  const clockState = () => ({
    now: ctx.clock.now(),
    pacific: formatPacific7(ctx.clock.now()),
    frozen: ctx.clock.frozen,
  })
  const tickAll = () => {
    for (const world of ctx.worlds) world.tick()
  }

  app.get('/_sim/accounts', async () =>
    ctx.worlds.map((w) => ({
      apiKey: w.apiKey,
      seed: w.seed,
      orders: w.liveOrderCount,
      stores: w.stores.length,
    })),
  )
  app.get('/_sim/history', async (request) => {
    const q = parse(schemas.history, request.query)
    const history = worldOf(request).history.filter(
      (h) =>
        (q.orderId === undefined || h.orderId === q.orderId) &&
        (q.since === undefined || h.at >= q.since) &&
        (q.status === undefined || h.status === q.status),
    )
    return { history }
  })
  app.get('/_sim/stats', async () => ctx.stats())

  app.get('/_sim/clock', async () => clockState())
  app.post('/_sim/clock/advance', async (request) => {
    ctx.clock.advance(parse(schemas.advance, request.body).ms)
    tickAll()
    return clockState()
  })
  app.post('/_sim/clock/freeze', async (request) => {
    const { at } = parse(schemas.freeze, request.body)
    if (at !== undefined && at < ctx.clock.now())
      throw new ApiError(400, { Message: 'the clock only moves forward' })
    ctx.clock.freeze(at)
    tickAll()
    return clockState()
  })
  app.post('/_sim/clock/unfreeze', async () => {
    ctx.clock.unfreeze()
    return clockState()
  })

  app.get('/_sim/faults', async () => ctx.faults.settings)
  app.put('/_sim/faults', async (request) => ctx.faults.set(parse(faultSettingsSchema, request.body)))
  app.get('/_sim/webhooks', async () => ({
    knobs: ctx.webhooks.knobs,
    counts: ctx.webhooks.counts,
    deliveries: ctx.webhooks.log,
  }))
  app.put('/_sim/webhooks', async (request) => ctx.webhooks.set(parse(webhookKnobsSchema, request.body)))
  app.post('/_sim/webhooks/flush', async () => {
    await ctx.webhooks.idle()
    return { counts: ctx.webhooks.counts }
  })

  app.post('/_sim/orders', async (request, reply) => {
    const input = parse(schemas.createOrder, request.body)
    const order = worldOf(request).createOrder(input)
    return reply.code(201).send(renderOrder(order))
  })
  app.post('/_sim/orders/:id/pay', async (request) => renderOrder(worldOf(request).pay(idParam(request))))
  app.post('/_sim/orders/:id/hold', async (request) => {
    const { until } = parse(schemas.hold, request.body)
    return renderOrder(worldOf(request).hold(idParam(request), until))
  })
  app.post('/_sim/orders/:id/release', async (request) =>
    renderOrder(worldOf(request).release(idParam(request))),
  )
  app.post('/_sim/orders/:id/cancel', async (request) =>
    renderOrder(worldOf(request).cancel(idParam(request))),
  )
  app.post('/_sim/orders/:id/label', async (request) => {
    const input = parse(schemas.label, request.body)
    return renderShipment(worldOf(request).createLabel(idParam(request), input), true)
  })
  app.post('/_sim/orders/:id/mark-shipped', async (request) => {
    const input = parse(schemas.markShipped, request.body)
    return renderFulfillment(
      worldOf(request).markShipped(idParam(request), { carrierCode: 'USPS', ...input }),
    )
  })
  app.post('/_sim/orders/:id/send-to-provider', async (request) =>
    renderOrder(worldOf(request).sendToProvider(idParam(request))),
  )
  app.post('/_sim/orders/:id/fulfil-externally', async (request) => {
    const input = parse(schemas.external, request.body)
    return renderFulfillment(worldOf(request).fulfilExternally(idParam(request), input))
  })
  app.post('/_sim/orders/:id/split', async (request) => renderOrder(worldOf(request).split(idParam(request))))
  app.post('/_sim/orders/merge', async (request) => {
    const { orderIds } = parse(schemas.merge, request.body)
    return renderOrder(worldOf(request).merge(orderIds))
  })
  app.post('/_sim/shipments/:id/void', async (request) => worldOf(request).voidLabel(idParam(request)))
  app.post('/_sim/random-change', async (request) => {
    const { count } = parse(schemas.random, request.body)
    const world = worldOf(request)
    return { changes: Array.from({ length: count }, () => world.randomChange()) }
  })
}
