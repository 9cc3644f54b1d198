/**
 * The HTTP server of `shiprelay run` (Fastify): health, readiness, Prometheus metrics, the ShipStation
 * webhook receiver and the JSON API.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Logger } from '../lib/logger.js'
import { quickBooksTargets } from '../reconcile/quickbooks.js'
import { ReconcileInputError, reconcile } from '../reconcile/reconcile.js'
import type { Relay } from '../runtime/relay.js'
import type { WebhookInbox } from '../runtime/webhook-inbox.js'
import { listAccountStates } from '../store/account-state.js'
import { registerWebhookRoute } from './webhook-route.js'

export interface ServerDeps {
  relay: Relay
  inbox: WebhookInbox
  logger: Logger
  /** Account id → secret webhook path token. */
  webhookTokens: ReadonlyMap<string, string>
}

export function buildServer({ relay, inbox, logger, webhookTokens }: ServerDeps): FastifyInstance {
  // No request logging: URLs hold webhook tokens. Handlers log through our redacting logger.
  const app = Fastify({ logger: false })

  app.get('/healthz', async () => ({ status: 'ok' }))

  app.get('/readyz', async (_request, reply) => {
    const problems: string[] = []
    try {
      await sql`select 1`.execute(relay.store.db)
    } catch {
      problems.push('database unreachable')
    }
    if (problems.length === 0) {
      const states = await listAccountStates(relay.store.db)
      for (const account of relay.accounts) {
        const state = states.find((s) => s.account_id === account.id)
        // Stale: three poll intervals and a minute without a successful cycle.
        const staleAfter = 3 * account.pollIntervalMs + 60_000
        if (!state?.last_sync_at) problems.push(`account ${account.id}: not synced yet`)
        else if (Date.now() - state.last_sync_at > staleAfter)
          problems.push(`account ${account.id}: last sync ${new Date(state.last_sync_at).toISOString()}`)
      }
    }
    return reply
      .code(problems.length === 0 ? 200 : 503)
      .send({ status: problems.length === 0 ? 'ready' : 'not ready', problems })
  })

  app.get('/metrics', async (_request, reply) => {
    const body = await relay.metrics.registry.metrics()
    return reply.type(relay.metrics.registry.contentType).send(body)
  })

  app.get<{ Querystring: Record<string, string | undefined> }>('/api/reconcile', async (request, reply) => {
    const q = request.query
    const account = q.account
      ? relay.account(q.account)
      : relay.accounts.length === 1
        ? relay.accounts[0]
        : undefined
    if (!account) {
      const error = q.account
        ? `account=${q.account} is not a configured account`
        : 'account= is required when several accounts are configured'
      return reply.code(400).send({ error })
    }
    const tz =
      q.tz ?? relay.config.accounts.find((a) => a.id === account.id)?.timeZone ?? 'America/Los_Angeles'
    if (!q.from || !q.to)
      return reply.code(400).send({ error: 'from= and to= are required query parameters (yyyy-MM-dd)' })
    try {
      return await reconcile(relay.store.db, account.client, {
        accountId: account.id,
        from: q.from,
        to: q.to,
        timeZone: tz,
        destinationIds: relay.destinations.map((d) => d.id),
        quickbooks: quickBooksTargets(relay.config),
      })
    } catch (error) {
      if (error instanceof ReconcileInputError) return reply.code(400).send({ error: error.forQuery() })
      throw error
    }
  })

  registerWebhookRoute(app, relay, inbox, webhookTokens, logger)
  return app
}
