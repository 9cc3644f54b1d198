import type { Command } from 'commander'
import type { Config } from '../../config/schema.js'
import { formatPacific7 } from '../../lib/pacific-time.js'
import type { Store } from '../../store/open-database.js'
import { openStore } from '../../store/open-database.js'
import {
  type DocumentCount,
  documentCounts,
  type QuickBooksConnection,
  quickBooksConnection,
} from '../../store/quickbooks-status.js'
import {
  type AccountStatus,
  accountStatus,
  type DestinationStatus,
  destinationStatus,
} from '../../store/status.js'
import { type CommandContext, DEFAULT_CONFIG_PATH, loadContext, runCommand } from '../context.js'

/** What status adds for a QuickBooks destination: its company's connection and its documents. */
interface QuickBooksStatus {
  realmId: string
  connection: QuickBooksConnection
  documents: DocumentCount[]
}

type StatusDestination = DestinationStatus & { type?: string; quickbooks?: QuickBooksStatus }

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'per account and destination: cursor, last sync, orders seen, events pending, delivered, skipped, dead; ' +
        'QuickBooks connection and documents',
    )
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG_PATH)
    .option('--json', 'machine-readable output')
    .action(async (opts: { config: string; json?: boolean }) => {
      let context: CommandContext | undefined
      await runCommand(
        async () => {
          context = loadContext(opts.config, 'warn')
          const store = await openStore(context.config.database)
          try {
            const accounts = await accountStatus(store.db)
            const destinations = await withQuickBooks(
              store,
              context.config,
              await destinationStatus(
                store.db,
                context.config.destinations.map((d) => d.id),
                { deadOrders: true },
              ),
            )
            // Sync errors and delivery reasons quote third parties' answers: no secret leaves unredacted.
            const { redactor } = context
            process.stdout.write(
              opts.json
                ? `${JSON.stringify(redactor.redactDeep({ accounts, destinations }), null, 2)}\n`
                : redactor.redact(render(accounts, destinations)),
            )
          } finally {
            await store.close()
          }
          return 0
        },
        () => context?.redactor,
      )
    })
}

async function withQuickBooks(
  store: Store,
  config: Config,
  destinations: DestinationStatus[],
): Promise<StatusDestination[]> {
  const out: StatusDestination[] = []
  for (const d of destinations) {
    const configured = config.destinations.find((c) => c.id === d.destinationId)
    if (configured?.type !== 'quickbooks') {
      out.push(configured ? { ...d, type: configured.type } : d)
      continue
    }
    out.push({
      ...d,
      type: configured.type,
      quickbooks: {
        realmId: configured.realmId,
        connection: await quickBooksConnection(store.db, configured.realmId),
        documents: await documentCounts(store.db, configured.id),
      },
    })
  }
  return out
}

const iso = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString())

function connectionText(connection: QuickBooksConnection): string {
  switch (connection.state) {
    case 'connected':
      return 'connected'
    case 'reconnect needed':
      return `reconnect needed: ${connection.reason}`
    case 'not connected':
      return 'not connected: run `shiprelay quickbooks connect`'
  }
}

function render(accounts: AccountStatus[], destinations: StatusDestination[]): string {
  const lines: string[] = []
  if (accounts.length === 0)
    lines.push('No account has synced yet: run `shiprelay sync --once` or `shiprelay run`.')
  for (const a of accounts) {
    lines.push(`account ${a.accountId} (${a.phase})`)
    lines.push(
      `  cursor      ${a.ordersCursor === null ? 'none' : `${iso(a.ordersCursor)} (ShipStation ${formatPacific7(a.ordersCursor)} Pacific)`}`,
    )
    lines.push(`  last sync   ${iso(a.lastSyncAt)}${a.lastSyncError ? `  FAILED: ${a.lastSyncError}` : ''}`)
    lines.push(`  orders seen ${a.ordersSeen}, events ${a.events}`)
  }
  for (const d of destinations) {
    lines.push(`destination ${d.destinationId}${d.type ? ` (${d.type})` : ''}`)
    if (d.quickbooks) {
      const { realmId, connection, documents } = d.quickbooks
      lines.push(`  company     ${realmId}: ${connectionText(connection)}`)
      const counts = documents.map((c) => `${c.docType} ${c.state} ${c.count}`)
      lines.push(`  documents   ${counts.length > 0 ? counts.join(', ') : 'none yet'}`)
    }
    lines.push(
      `  delivered ${d.delivered}, pending ${d.pending}${d.lastRetryReason ? ` (retrying: ${d.lastRetryReason})` : ''}`,
    )
    for (const s of d.skipped) lines.push(`  skipped ${s.count}: ${s.reason}`)
    for (const s of d.dead) {
      const numbers = s.orders ?? []
      const more = numbers.length >= 10 ? ', …' : ''
      const orders = numbers.length > 0 ? ` (orders ${numbers.map((o) => `#${o}`).join(', ')}${more})` : ''
      lines.push(`  dead ${s.count}: ${s.reason}${orders}`)
    }
  }
  return `${lines.join('\n')}\n`
}
