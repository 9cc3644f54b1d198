import type { Command } from 'commander'
import { formatPacific7 } from '../../lib/pacific-time.js'
import { openStore } from '../../store/open-database.js'
import { accountStatus, destinationStatus } from '../../store/status.js'
import { type CommandContext, DEFAULT_CONFIG_PATH, loadContext, runCommand } from '../context.js'

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'per account and destination: cursor, last sync, orders seen, events pending, delivered, skipped, dead',
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
            const destinations = await destinationStatus(
              store.db,
              context.config.destinations.map((d) => d.id),
            )
            process.stdout.write(
              opts.json
                ? `${JSON.stringify({ accounts, destinations }, null, 2)}\n`
                : render(accounts, destinations),
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

const iso = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString())

function render(
  accounts: Awaited<ReturnType<typeof accountStatus>>,
  destinations: Awaited<ReturnType<typeof destinationStatus>>,
): string {
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
    lines.push(`destination ${d.destinationId}`)
    lines.push(
      `  delivered ${d.delivered}, pending ${d.pending}${d.lastRetryReason ? ` (retrying: ${d.lastRetryReason})` : ''}`,
    )
    for (const s of d.skipped) lines.push(`  skipped ${s.count}: ${s.reason}`)
    for (const s of d.dead) lines.push(`  dead ${s.count}: ${s.reason}`)
  }
  return `${lines.join('\n')}\n`
}
