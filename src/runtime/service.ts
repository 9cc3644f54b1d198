/**
 * `shiprelay run` as a composable piece: the relay, its HTTP server and webhook inbox, and the
 * webhook subscriptions at ShipStation when a public URL is configured.
 */
import type { Config } from '../config/schema.js'
import type { Logger } from '../lib/logger.js'
import type { Redactor } from '../lib/redact.js'
import { buildServer } from '../server/app.js'
import { ensureWebhooks, receiverPath, webhookToken } from '../source/shipstation/webhooks.js'
import { Relay } from './relay.js'
import { WebhookInbox } from './webhook-inbox.js'

export interface RunningService {
  relay: Relay
  inbox: WebhookInbox
  /** Where the HTTP server listens, e.g. http://127.0.0.1:8787 */
  url: string
  /** Runs the poll and delivery loops until `signal` aborts, then stops the server and the store. */
  run(signal: AbortSignal): Promise<void>
}

/** Thrown by startService when its signal aborts before start-up finished, after closing what it opened. */
export class StartupAborted extends Error {
  override name = 'StartupAborted'
  constructor() {
    super('stopped during start-up')
  }
}

/**
 * Opens the store (migrations), listens and subscribes to webhooks. `signal` aborting meanwhile (a
 * SIGTERM while a slow ShipStation answers) stops start-up at the next step: whatever is open is
 * closed and StartupAborted thrown, so the caller can exit cleanly instead of running on.
 */
export async function startService(
  config: Config,
  deps: { logger: Logger; redactor?: Redactor; fetch?: typeof fetch; signal?: AbortSignal },
): Promise<RunningService> {
  const { logger, signal } = deps
  const relay = await Relay.open(config, { logger, fetch: deps.fetch })
  if (signal?.aborted) {
    await relay.close()
    throw new StartupAborted()
  }
  const tokens = new Map(config.accounts.map((a) => [a.id, webhookToken(a.id, a.shipstation.apiSecret)]))
  for (const token of tokens.values()) deps.redactor?.add(token)
  const inbox = new WebhookInbox(relay, logger)
  const server = buildServer({ relay, inbox, logger, webhookTokens: tokens })
  try {
    await server.listen({ host: config.server.host, port: config.server.port })
  } catch (error) {
    await relay.close()
    const code = (error as NodeJS.ErrnoException).code
    throw new Error(
      `cannot listen on ${config.server.host}:${config.server.port}${code ? ` (${code})` : ''}: change server.port in the config`,
    )
  }
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : config.server.port
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`
  logger.info({ url }, 'HTTP server listening (healthz, readyz, metrics, webhooks)')

  const publicUrl = config.webhooks?.publicUrl
  if (publicUrl) {
    for (const account of relay.accounts) {
      if (signal?.aborted) break
      const target = `${publicUrl}${receiverPath(account.id, tokens.get(account.id)!)}`
      try {
        const plan = await ensureWebhooks(account.client, account.id, target, signal)
        logger.info(
          {
            account: account.id,
            kept: plan.keep.length,
            created: plan.create.length,
            removed: plan.remove.length,
          },
          'ShipStation webhooks in place',
        )
      } catch (error) {
        if (signal?.aborted) break
        // Polling still covers everything; webhooks only make it faster.
        logger.error(
          { account: account.id, err: error },
          'could not subscribe to ShipStation webhooks; polling only',
        )
      }
    }
  }

  if (signal?.aborted) {
    await server.close()
    await relay.close()
    throw new StartupAborted()
  }

  return {
    relay,
    inbox,
    url,
    async run(signal) {
      try {
        await relay.run(signal)
      } finally {
        await server.close()
        await inbox.idle()
        await relay.close()
      }
    },
  }
}
