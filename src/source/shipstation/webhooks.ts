/**
 * ShipStation V1 webhook subscriptions and the rules for trusting a webhook (reference §10).
 * V1 webhooks are not signed: the secret is the token in our receiver URL, and the data is re-fetched
 * from ShipStation with our own credentials, from ShipStation's host only.
 */
import { createHmac } from 'node:crypto'
import { z } from 'zod'
import type { ShipStationClient } from './http-client.js'

/** The notifications shiprelay needs: new orders, labels, fulfilment-provider shipments. */
export const WEBHOOK_EVENTS = ['ORDER_NOTIFY', 'SHIP_NOTIFY', 'FULFILLMENT_SHIPPED'] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

const NAME_PREFIX = 'shiprelay'

/**
 * The secret path token of an account's receiver URL. Derived (HMAC of the account id under its API
 * secret) rather than stored, so every process computes the same one and rotating the ShipStation key
 * rotates it too.
 */
export function webhookToken(accountId: string, apiSecret: string): string {
  return createHmac('sha256', apiSecret)
    .update(`shiprelay-webhook:${accountId}`)
    .digest('base64url')
    .slice(0, 32)
}

export function receiverPath(accountId: string, token: string): string {
  return `/webhooks/shipstation/${encodeURIComponent(accountId)}/${token}`
}

const listedHookSchema = z.object({
  WebHookID: z.number().int(),
  HookType: z.string(),
  Url: z.string(),
  Name: z.string().nullish(),
  StoreID: z.number().nullish(),
  Active: z.boolean().nullish(),
})
export type ListedWebhook = z.infer<typeof listedHookSchema>

// https://www.shipstation.com/docs/api/webhooks/list/
export async function listWebhooks(
  client: ShipStationClient,
  signal?: AbortSignal,
): Promise<ListedWebhook[]> {
  const body = await client.getJson('/webhooks', {}, signal)
  const parsed = z.object({ webhooks: z.array(z.unknown()) }).safeParse(body)
  if (!parsed.success) throw new Error('ShipStation /webhooks: response is not a {webhooks: [...]} list')
  return parsed.data.webhooks.flatMap((w) => {
    const hook = listedHookSchema.safeParse(w)
    return hook.success ? [hook.data] : []
  })
}

/** Hooks shiprelay made for this account: named by us, or pointing at this account's receiver path. */
export function isOurs(hook: ListedWebhook, accountId: string): boolean {
  return (
    hook.Name?.startsWith(`${NAME_PREFIX} ${accountId} `) === true ||
    hook.Url.includes(`/webhooks/shipstation/${encodeURIComponent(accountId)}/`)
  )
}

export interface WebhookPlan {
  keep: ListedWebhook[]
  remove: ListedWebhook[]
  create: WebhookEvent[]
}

/**
 * What to change so the account has exactly one hook per needed event pointing at `targetUrl`:
 * keep one correct hook per event, remove duplicates, hooks at an old URL and hooks for events no
 * longer needed, create what is missing. Hooks of other apps are never touched.
 */
export function planWebhooks(
  existing: readonly ListedWebhook[],
  accountId: string,
  targetUrl: string,
): WebhookPlan {
  const plan: WebhookPlan = { keep: [], remove: [], create: [] }
  const ours = existing.filter((h) => isOurs(h, accountId))
  for (const event of WEBHOOK_EVENTS) {
    const good = ours.filter((h) => h.HookType === event && h.Url === targetUrl && h.StoreID == null)
    if (good.length === 0) plan.create.push(event)
    else plan.keep.push(good[0]!)
  }
  plan.remove = ours.filter((h) => !plan.keep.includes(h))
  return plan
}

/** Applies the plan. Idempotent: running it again with the same URL changes nothing. */
export async function ensureWebhooks(
  client: ShipStationClient,
  accountId: string,
  targetUrl: string,
  signal?: AbortSignal,
): Promise<WebhookPlan> {
  const plan = planWebhooks(await listWebhooks(client, signal), accountId, targetUrl)
  for (const hook of plan.remove) await removeWebhook(client, hook.WebHookID, signal)
  for (const event of plan.create) {
    // https://www.shipstation.com/docs/api/webhooks/subscribe/
    await client.request(
      'POST',
      '/webhooks/subscribe',
      {},
      { target_url: targetUrl, event, store_id: null, friendly_name: `${NAME_PREFIX} ${accountId} ${event}` },
      signal,
    )
  }
  return plan
}

// https://www.shipstation.com/docs/api/webhooks/unsubscribe/
export async function removeWebhook(
  client: ShipStationClient,
  webhookId: number,
  signal?: AbortSignal,
): Promise<void> {
  await client.request('DELETE', `/webhooks/${webhookId}`, {}, undefined, signal)
}

/**
 * Whether a webhook's resource_url may be fetched with this account's credentials: an http(s) URL on
 * the account's ShipStation origin, pointing at a list endpoint. ShipStation also serves numbered
 * shards (ssapi4.shipstation.com, …; reference §10.2), accepted when the account uses ssapi*.
 * Anything else would let a forged webhook make us send our credentials elsewhere (SSRF).
 */
export function resourceUrlProblem(resourceUrl: string, baseUrl: string): string | undefined {
  let url: URL
  try {
    url = new URL(resourceUrl)
  } catch {
    return 'resource_url is not a URL'
  }
  const base = new URL(baseUrl)
  const shard = /^ssapi\d*\.shipstation\.com$/
  const sameOrigin = url.origin === base.origin
  const shardOfBase =
    url.protocol === 'https:' &&
    base.protocol === 'https:' &&
    shard.test(url.hostname) &&
    shard.test(base.hostname) &&
    url.port === ''
  if (!sameOrigin && !shardOfBase) return "resource_url is not on the account's ShipStation host"
  if (url.username || url.password) return 'resource_url must not carry credentials'
  if (!['/orders', '/shipments', '/fulfillments'].includes(url.pathname.replace(/\/+$/, '').toLowerCase())) {
    return 'resource_url is not an orders, shipments or fulfillments list'
  }
  return undefined
}
