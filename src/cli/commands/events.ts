import type { Command } from 'commander'
import { openStore } from '../../store/open-database.js'
import { recentEvents } from '../../store/status.js'
import {
  type CommandContext,
  DEFAULT_CONFIG_PATH,
  loadContext,
  parseLimit,
  runCommand,
  UserError,
} from '../context.js'

const STATES = ['pending', 'delivered', 'skipped', 'dead']

export function registerEventsCommand(program: Command): void {
  program
    .command('events')
    .description('recent events, newest first, with their delivery state per destination')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG_PATH)
    .option('--account <id>', 'only this account')
    .option('--order <number>', 'only this order number')
    .option('--name <event>', 'only this event name, e.g. "Order Shipped"')
    .option('--destination <id>', 'only events with a delivery to this destination')
    .option('--state <state>', `only deliveries in this state (${STATES.join(', ')})`)
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'one JSON object per line')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      let context: CommandContext | undefined
      await runCommand(
        async () => {
          context = loadContext(String(opts.config), 'warn')
          const limit = parseLimit(opts.limit)
          if (opts.state && !STATES.includes(String(opts.state)))
            throw new UserError(`--state must be one of ${STATES.join(', ')}`)
          const store = await openStore(context.config.database)
          try {
            const rows = await recentEvents(store.db, {
              accountId: opts.account as string | undefined,
              orderNumber: opts.order as string | undefined,
              name: opts.name as string | undefined,
              destinationId: opts.destination as string | undefined,
              state: opts.state as string | undefined,
              limit,
            })
            for (const row of rows) {
              if (opts.json) {
                process.stdout.write(`${JSON.stringify({ ...row.event, deliveries: row.deliveries })}\n`)
                continue
              }
              const e = row.event
              const where = row.deliveries
                .map((d) => `${d.destinationId}:${d.state}${d.reason ? ` (${d.reason})` : ''}`)
                .join(' ')
              process.stdout.write(
                `${new Date(e.occurredAt).toISOString()}  ${e.accountId}  #${e.order.orderNumber}  ${e.name}${e.historical ? ' [history]' : ''}  ${where}\n`,
              )
            }
            if (rows.length === 0 && !opts.json) process.stdout.write('no events match\n')
          } finally {
            await store.close()
          }
          return 0
        },
        () => context?.redactor,
      )
    })
}
