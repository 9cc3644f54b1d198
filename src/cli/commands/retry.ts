import type { Command } from 'commander'
import type { Config } from '../../config/schema.js'
import { openStore } from '../../store/open-database.js'
import { type RequeueFilter, requeueDeadDeliveries } from '../../store/requeue.js'
import { type CommandContext, DEFAULT_CONFIG_PATH, loadContext, runCommand, UserError } from '../context.js'

/** Order numbers printed in the text output; --json lists them all. */
const SHOWN_ORDERS = 20

export interface RetryOptions {
  config: string
  destination?: string
  account?: string
  order?: string
  reason?: string
  event?: string
  all?: boolean
  dryRun?: boolean
  json?: boolean
}

/** `shiprelay retry`: dead deliveries back to pending, once the cause was fixed at the destination. */
export function registerRetryCommand(program: Command): void {
  program
    .command('retry')
    .description(
      'requeue dead deliveries of a destination (after fixing what it refused); the destination de-duplicates re-sent events',
    )
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG_PATH)
    .option('--destination <id>', 'the destination whose dead deliveries to requeue (required)')
    .option('--account <id>', 'only events of this account')
    .option('--order <number>', 'only this order number')
    .option('--reason <text>', 'only deliveries whose dead reason contains this text (case-sensitive)')
    .option('--event <id>', 'only this event id')
    .option('--all', "every dead delivery of the destination (required when there's no other filter)")
    .option('--dry-run', 'show what would be requeued, change nothing')
    .option('--json', 'machine-readable output')
    .action(async (opts: RetryOptions) => {
      let context: CommandContext | undefined
      await runCommand(
        async () => {
          context = loadContext(opts.config, 'warn')
          const filter = requeueFilter(opts, context.config)
          const store = await openStore(context.config.database)
          try {
            const result = await requeueDeadDeliveries(store.db, filter, Date.now(), {
              dryRun: opts.dryRun === true,
            })
            const { redactor } = context
            if (opts.json) {
              const data = { destination: filter.destinationId, dryRun: opts.dryRun === true, ...result }
              process.stdout.write(`${JSON.stringify(redactor.redactDeep(data))}\n`)
              return 0
            }
            process.stdout.write(redactor.redact(`${describe(filter.destinationId, result, opts.dryRun)}\n`))
          } finally {
            await store.close()
          }
          return 0
        },
        () => context?.redactor,
      )
    })
}

/** The flags as a filter; a UserError for anything that is not a clear, deliberate choice. */
export function requeueFilter(opts: Omit<RetryOptions, 'config'>, config: Config): RequeueFilter {
  const destination = opts.destination
  if (destination === undefined) throw new UserError('--destination <id> is required')
  if (!config.destinations.some((d) => d.id === destination)) {
    const known = config.destinations.map((d) => d.id).join(', ')
    throw new UserError(`--destination ${destination} is not a configured destination (configured: ${known})`)
  }
  for (const [flag, value] of [
    ['--account', opts.account],
    ['--order', opts.order],
    ['--reason', opts.reason],
    ['--event', opts.event],
  ] as const) {
    if (value !== undefined && value.trim() === '') throw new UserError(`${flag} must not be empty`)
  }
  if (opts.account !== undefined && !config.accounts.some((a) => a.id === opts.account))
    throw new UserError(`--account ${opts.account} is not a configured account`)
  const narrowed = [opts.account, opts.order, opts.reason, opts.event].some((v) => v !== undefined)
  if (!narrowed && !opts.all) {
    throw new UserError(
      'name what to requeue (--order, --reason, --event, --account), or pass --all for every dead delivery of the destination',
    )
  }
  if (narrowed && opts.all)
    throw new UserError('--all cannot be combined with --account, --order, --reason or --event')
  return {
    destinationId: destination,
    accountId: opts.account,
    orderNumber: opts.order,
    reason: opts.reason,
    eventId: opts.event,
  }
}

function describe(
  destination: string,
  result: { count: number; orders: string[] },
  dryRun?: boolean,
): string {
  if (result.count === 0) return `${destination}: no dead deliveries match; nothing requeued`
  const shown = result.orders.slice(0, SHOWN_ORDERS).map((o) => `#${o}`)
  const more = result.orders.length > SHOWN_ORDERS ? `, … ${result.orders.length - SHOWN_ORDERS} more` : ''
  const orders = `order${result.orders.length === 1 ? '' : 's'} ${shown.join(', ')}${more}`
  const deliveries = `${result.count} dead deliver${result.count === 1 ? 'y' : 'ies'}`
  if (dryRun) return `${destination}: would requeue ${deliveries} (${orders}); dry run, nothing changed`
  return (
    `${destination}: requeued ${deliveries} (${orders}), due now: a running \`shiprelay run\` sends them ` +
    'within seconds, or run `shiprelay sync --once`'
  )
}
