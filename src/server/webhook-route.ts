/**
 * POST /webhooks/shipstation/:account/:token — ShipStation's webhook receiver.
 * Answers at once and leaves the work to the inbox. A wrong token and an unknown account get the same
 * 404, after the same constant-time comparison, so the endpoint tells nothing about which accounts exist.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Logger } from '../lib/logger.js'
import type { Relay } from '../runtime/relay.js'
import type { WebhookInbox } from '../runtime/webhook-inbox.js'
import { resourceUrlProblem } from '../source/shipstation/webhooks.js'

/** ShipStation's payload is two short strings; anything near this size is not ShipStation. */
export const WEBHOOK_BODY_LIMIT = 16 * 1024

const payloadSchema = z.object({
  resource_url: z.string().min(1).max(2000),
  resource_type: z.string().min(1).max(100),
})

export function registerWebhookRoute(
  app: FastifyInstance,
  relay: Relay,
  inbox: WebhookInbox,
  tokens: ReadonlyMap<string, string>,
  logger: Logger,
): void {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  const decoy = digest('no such account')
  app.post<{ Params: { account: string; token: string } }>(
    '/webhooks/shipstation/:account/:token',
    { bodyLimit: WEBHOOK_BODY_LIMIT },
    async (request, reply) => {
      const { account: accountId, token } = request.params
      const expected = tokens.get(accountId)
      // Compare digests: equal length always, and no early exit on the first differing byte.
      const matches =
        timingSafeEqual(digest(token), expected === undefined ? decoy : digest(expected)) &&
        expected !== undefined
      const account = matches ? relay.account(accountId) : undefined
      if (!account) {
        relay.metrics.webhooksReceived.inc({ account: 'unknown', outcome: 'rejected' })
        return reply.code(404).send({ error: 'not found' })
      }
      const payload = payloadSchema.safeParse(request.body)
      if (!payload.success) {
        relay.metrics.webhooksReceived.inc({ account: account.id, outcome: 'invalid' })
        return reply.code(400).send({ error: 'expected a JSON body {resource_url, resource_type}' })
      }
      const problem = resourceUrlProblem(payload.data.resource_url, account.baseUrl)
      if (problem) {
        relay.metrics.webhooksReceived.inc({ account: account.id, outcome: 'refused' })
        logger.warn({ account: account.id, problem }, 'refused a webhook resource_url')
        return reply.code(400).send({ error: problem })
      }
      relay.metrics.webhooksReceived.inc({ account: account.id, outcome: 'accepted' })
      inbox.accept(account, payload.data.resource_url, payload.data.resource_type)
      return reply.code(200).send({ ok: true })
    },
  )
}
