import type { Command } from 'commander'
import { DateTime } from 'luxon'
import { type QuickBooksDay, quickBooksTargets } from '../../reconcile/quickbooks.js'
import { type ReconcileReport, reconcile } from '../../reconcile/reconcile.js'
import { ShipStationClient } from '../../source/shipstation/http-client.js'
import { RateGovernor } from '../../source/shipstation/rate-governor.js'
import { openStore } from '../../store/open-database.js'
import { type CommandContext, DEFAULT_CONFIG_PATH, loadContext, runCommand, UserError } from '../context.js'

/** `shiprelay reconcile`: ShipStation's shipped orders per day next to events and deliveries. */
export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description(
      "compare ShipStation's shipped orders per day with shiprelay's events and each destination's deliveries",
    )
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG_PATH)
    .option('--account <id>', 'the account (default: the only one)')
    .option('--from <date>', 'first day, yyyy-MM-dd (default: 6 days before --to)')
    .option('--to <date>', 'last day, yyyy-MM-dd (default: today)')
    .option(
      '--tz <zone>',
      "days in this IANA zone (default: the account's timeZone, else America/Los_Angeles)",
    )
    .option('--json', 'machine-readable output')
    .action(
      async (opts: {
        config: string
        account?: string
        from?: string
        to?: string
        tz?: string
        json?: boolean
      }) => {
        let context: CommandContext | undefined
        await runCommand(
          async () => {
            context = loadContext(opts.config, 'warn')
            const { config } = context
            const account = opts.account
              ? config.accounts.find((a) => a.id === opts.account)
              : config.accounts[0]
            if (!account) throw new UserError(`no account ${JSON.stringify(opts.account)} in the config`)
            if (!opts.account && config.accounts.length > 1)
              throw new UserError('several accounts are configured: choose one with --account')
            const tz = opts.tz ?? account.timeZone ?? 'America/Los_Angeles'
            const to = opts.to ?? DateTime.now().setZone(tz).toFormat('yyyy-MM-dd')
            const from =
              opts.from ?? DateTime.fromISO(to, { zone: tz }).minus({ days: 6 }).toFormat('yyyy-MM-dd')
            const store = await openStore(config.database)
            try {
              const client = new ShipStationClient({
                ...account.shipstation,
                governor: new RateGovernor({ reserve: account.shipstation.rateLimitReserve }),
              })
              const report = await reconcile(store.db, client, {
                accountId: account.id,
                from,
                to,
                timeZone: tz,
                destinationIds: config.destinations.map((d) => d.id),
                quickbooks: quickBooksTargets(config),
              })
              const { redactor } = context
              process.stdout.write(
                opts.json
                  ? `${JSON.stringify(redactor.redactDeep(report), null, 2)}\n`
                  : redactor.redact(render(report)),
              )
              return report.days.some((d) => d.unexplained > 0) ? 1 : 0
            } finally {
              await store.close()
            }
          },
          () => context?.redactor,
        )
      },
    )
}

const list = (orders: string[]) =>
  orders.length <= 10
    ? orders.map((o) => `#${o}`).join(', ')
    : `${orders
        .slice(0, 10)
        .map((o) => `#${o}`)
        .join(', ')} and ${orders.length - 10} more`

const money = (cents: number) => (cents / 100).toFixed(2)

function renderQuickBooks(id: string, day: QuickBooksDay): string[] {
  const counts = day.documents.map((g) => `${g.orders.length} ${g.state}`)
  const without = day.withoutDocument.reduce((n, g) => n + g.orders.length, 0)
  if (counts.length === 0 && without === 0) return []
  const lines = [
    `    ${id} documents: ${counts.length > 0 ? counts.join(', ') : 'none'}; ${without} shipped without a document`,
  ]
  for (const g of day.documents) {
    if (g.state === 'booked') continue
    const docs = g.orders
      .slice(0, 10)
      .map(
        (o) =>
          `#${o.orderNumber} (${o.docType} ${o.docId}${o.docNumber ? ` #${o.docNumber}` : ''}, ${money(o.totalCents)})`,
      )
    const more = g.orders.length > 10 ? ` and ${g.orders.length - 10} more` : ''
    lines.push(`    ${id} ${g.state} ${g.orders.length}: ${docs.join(', ')}${more}`)
  }
  for (const g of day.withoutDocument)
    lines.push(`    ${id} no document ${g.orders.length} (${g.why}): ${list(g.orders)}`)
  if (day.unexplained.length > 0)
    lines.push(`    ${id} UNEXPLAINED: ${list(day.unexplained)} without a document`)
  return lines
}

export function render(report: ReconcileReport): string {
  const lines = [
    `account ${report.accountId}, ${report.from} to ${report.to}, days in ${report.timeZone}; shiprelay has read ShipStation up to ${report.syncedUpTo ?? 'nothing yet'}`,
  ]
  for (const day of report.days) {
    const dests = day.destinations
      .map((d) => {
        const dead = d.dead.reduce((n, r) => n + r.orders.length, 0)
        const skipped = d.skipped.reduce((n, r) => n + r.orders.length, 0)
        return `${d.destinationId}: ${d.delivered} delivered, ${skipped} skipped, ${dead} dead, ${d.pending} pending`
      })
      .join('; ')
    lines.push(
      `${day.day}  ShipStation shipped ${day.shipstationShipped}, Order Shipped events ${day.events}${dests ? `; ${dests}` : ''}`,
    )
    for (const d of day.destinations) {
      // A QuickBooks destination says it per order (document, or why none), which covers these.
      if (d.quickbooks) {
        lines.push(...renderQuickBooks(d.destinationId, d.quickbooks))
        continue
      }
      for (const r of d.skipped)
        lines.push(`    ${d.destinationId} skipped ${r.orders.length} (${r.reason}): ${list(r.orders)}`)
      for (const r of d.dead)
        lines.push(`    ${d.destinationId} dead ${r.orders.length} (${r.reason}): ${list(r.orders)}`)
    }
    if (day.missingEvents.length > 0)
      lines.push(
        `    no event yet for ${day.missingEvents.length} shipped orders (not synced yet?): ${list(day.missingEvents)}`,
      )
    if (day.extraEvents.length > 0)
      lines.push(
        `    ${day.extraEvents.length} events whose label or fulfilment ShipStation no longer shows that day (voided or relabelled): ${list(day.extraEvents)}`,
      )
    const withoutState =
      day.unexplained - day.destinations.reduce((n, d) => n + (d.quickbooks?.unexplained.length ?? 0), 0)
    if (withoutState > 0) lines.push(`    UNEXPLAINED: ${withoutState} events without a delivery state`)
  }
  return `${lines.join('\n')}\n`
}
