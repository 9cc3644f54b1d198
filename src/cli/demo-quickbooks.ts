/**
 * The QuickBooks part of `shiprelay demo --quickbooks`: a QuickBooks Online simulator at QBO's real
 * limits, a `quickbooks` destination booking the demo world (history included), and the OAuth connect
 * done the way `shiprelay quickbooks connect` does it, with the simulator's authorize page "opened" by
 * us (it approves at once and redirects to our listener). Tokens are sealed under
 * SHIPRELAY_SECRET_KEY; without one the demo makes a throwaway key and says so.
 */
import { randomBytes } from 'node:crypto'
import type { Config } from '../config/schema.js'
import { connectQuickBooks } from '../destinations/quickbooks/connect.js'
import { SecretBox } from '../destinations/quickbooks/secret-box.js'
import {
  DEFAULT_CLIENT,
  DEFAULT_REALM_ID,
  type QuickBooksSimulator,
  startQuickBooksSimulator,
} from '../simulators/quickbooks/index.js'
import { openStore } from '../store/open-database.js'
import { DatabaseTokenStore } from '../store/quickbooks-tokens.js'

export interface QuickBooksDemo {
  sim: QuickBooksSimulator
  /** The destination entry for the demo config (a list item under `destinations:`). */
  destinationYaml: string
  /** Lines for the demo's banner. */
  banner: string[]
  /** Authorizes the demo company and stores its tokens in the config's database. */
  connect(config: Config): Promise<void>
  /** Sales documents the simulated company holds now. */
  documents(): { salesReceipts: number; invoices: number }
}

export async function startQuickBooksDemo(port: number): Promise<QuickBooksDemo> {
  const notes: string[] = []
  if (!process.env.SHIPRELAY_SECRET_KEY) {
    // Only the simulator's tokens are sealed with it; printed so the demo's database stays usable.
    process.env.SHIPRELAY_SECRET_KEY = randomBytes(32).toString('hex')
    notes.push(
      `SHIPRELAY_SECRET_KEY   not set, so a throwaway key seals the demo's QuickBooks tokens; for other commands on the demo database: export SHIPRELAY_SECRET_KEY=${process.env.SHIPRELAY_SECRET_KEY}`,
    )
  }
  SecretBox.fromEnv() // a malformed key fails here, before anything starts
  const sim = await startQuickBooksSimulator({ port })
  const realm = DEFAULT_REALM_ID
  const destinationYaml = `  - id: books
    type: quickbooks
    realmId: "${realm}"
    clientId: ${DEFAULT_CLIENT.clientId}
    clientSecret: ${DEFAULT_CLIENT.clientSecret}
    endpoints:
      api: ${sim.url}
      authorize: ${sim.oauthUrls.authorize}
      bearer: ${sim.oauthUrls.token}
      revoke: ${sim.oauthUrls.revoke}
    sendHistory: true # book the demo's 90 days of shipped orders too
`
  const count = (entity: 'SalesReceipt' | 'Invoice') => sim.read.counts(realm)[entity] ?? 0
  return {
    sim,
    destinationYaml,
    banner: [
      `QuickBooks simulator   ${sim.url}  (company ${realm}, 500 requests a minute like QBO; documents: ${sim.url}/_sim/realms/${realm}/entities/SalesReceipt)`,
      ...notes,
    ],
    async connect(config) {
      const destination = config.destinations.find((d) => d.type === 'quickbooks')
      if (destination?.type !== 'quickbooks') throw new Error('the demo config has no quickbooks destination')
      const store = await openStore(config.database)
      try {
        await connectQuickBooks({
          clientId: destination.clientId,
          clientSecret: destination.clientSecret,
          authorizeUrl: destination.endpoints.authorize,
          tokenUrl: destination.endpoints.bearer,
          redirectUri: 'http://127.0.0.1:0/callback',
          realmId: destination.realmId,
          store: new DatabaseTokenStore(store.db, SecretBox.fromEnv()),
          // The browser's part: the simulator approves and redirects to connect's listener.
          onAuthorizeUrl: (url) => {
            fetch(url)
              .then((response) => response.text())
              .catch(() => {}) // connect's own timeout reports a page that never redirected
          },
          timeoutMs: 30_000,
        })
      } finally {
        await store.close()
      }
    },
    documents: () => ({ salesReceipts: count('SalesReceipt'), invoices: count('Invoice') }),
  }
}
