import type { Command } from 'commander'
import { parseDuration } from '../../lib/duration.js'
import { Relay } from '../../runtime/relay.js'
import { destinationStatus } from '../../store/status.js'
import { type CommandContext, DEFAULT_CONFIG_PATH, loadContext, runCommand } from '../context.js'
import { progressView } from '../progress.js'

/** `shiprelay sync --once`: one pass for every account, then deliver; exit 0 only when all is done. */
export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('sync every account once (backfill or incremental), then deliver every pending event')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG_PATH)
    .option('--once', 'one pass, then exit (the default; `shiprelay run` keeps going)', true)
    .option('--wait <duration>', 'how long to keep retrying deliveries that fail for now', '30s')
    .action(async (opts: { config: string; wait: string }) => {
      let context: CommandContext | undefined
      await runCommand(
        async () => {
          context = loadContext(opts.config)
          return syncOnce(context, parseDuration(opts.wait))
        },
        () => context?.redactor,
      )
    })
}

async function syncOnce({ config, logger }: CommandContext, waitMs: number): Promise<number> {
  const progress = progressView()
  const relay = await Relay.open(config, { logger, onProgress: (p) => progress.update(p) })
  try {
    const results = await relay.syncAll()
    progress.stop()
    const problems: string[] = []
    results.forEach((r, i) => {
      const id = relay.accounts[i]!.id
      if (r.status === 'rejected')
        problems.push(`account ${id}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`)
      else
        process.stdout.write(
          `account ${id}: ${r.value.orders} orders read, ${r.value.events} new events (${r.value.phase})\n`,
        )
    })
    const deadline = Date.now() + waitMs
    for (;;) {
      await relay.deliverAll()
      const pending = (
        await destinationStatus(
          relay.store.db,
          relay.destinations.map((d) => d.id),
        )
      ).filter((d) => d.pending > 0)
      if (pending.length === 0 || Date.now() >= deadline) break
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, deadline - Date.now()))))
    }
    for (const d of await destinationStatus(
      relay.store.db,
      relay.destinations.map((x) => x.id),
    )) {
      const dead = d.dead.reduce((n, r) => n + r.count, 0)
      const skipped = d.skipped.reduce((n, r) => n + r.count, 0)
      process.stdout.write(
        `destination ${d.destinationId}: ${d.delivered} delivered, ${skipped} skipped, ${d.pending} pending, ${dead} dead\n`,
      )
      if (d.pending > 0)
        problems.push(
          `destination ${d.destinationId}: ${d.pending} events still pending (${d.lastRetryReason ?? 'not yet due'})`,
        )
      if (dead > 0)
        problems.push(
          `destination ${d.destinationId}: ${dead} events dead (${d.dead[0]!.reason}); see shiprelay status`,
        )
    }
    if (problems.length > 0) throw new Error(problems.join('; '))
    return 0
  } finally {
    progress.stop()
    await relay.close()
  }
}
