/**
 * `shiprelay quickbooks documents`: which QuickBooks document each order became (type, id, DocNumber,
 * state, total), and with `--order`, why an order has none (its booking delivery: skipped, dead with
 * QuickBooks' error, pending).
 */
import type { Command } from 'commander'
import type { Kysely } from 'kysely'
import type { Config, QuickBooksDestinationConfig } from '../../config/schema.js'
import { whyNoDocument } from '../../reconcile/quickbooks.js'
import { openStore } from '../../store/open-database.js'
import {
  bookingDeliveries,
  type DocumentRow,
  listDocuments,
  ordersByNumber,
} from '../../store/quickbooks-status.js'
import type { Database } from '../../store/schema.js'
import {
  type CommandContext,
  DEFAULT_CONFIG_PATH,
  loadContext,
  parseLimit,
  runCommand,
  UserError,
} from '../context.js'

interface Missing {
  destinationId: string
  /** Null when shiprelay has not seen the order. */
  accountId: string | null
  orderNumber: string
  orderId: number | null
  why: string
}

export function registerQuickBooksDocumentsCommand(quickbooks: Command): void {
  quickbooks
    .command('documents')
    .description('QuickBooks documents per order, newest first; with --order, why an order has none')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG_PATH)
    .option('--destination <id>', 'only this quickbooks destination (default: all)')
    .option('--order <number>', 'only this order number (a split part finds its parent’s document)')
    .option('--state <state>', 'only documents in this state (booked, voided, …)')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'machine-readable output')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      let context: CommandContext | undefined
      await runCommand(
        async () => {
          context = loadContext(String(opts.config), 'warn')
          const limit = parseLimit(opts.limit)
          const destinations = context.config.destinations.filter(
            (d): d is QuickBooksDestinationConfig =>
              d.type === 'quickbooks' && (opts.destination === undefined || d.id === opts.destination),
          )
          if (destinations.length === 0)
            throw new UserError(
              opts.destination
                ? `no quickbooks destination ${opts.destination}`
                : 'no quickbooks destination configured',
            )
          const order = opts.order as string | undefined
          const store = await openStore(context.config.database)
          const state = opts.state as string | undefined
          let found: { documents: DocumentRow[]; missing: Missing[] }
          try {
            found =
              order === undefined
                ? {
                    documents: await listDocuments(store.db, {
                      destinationIds: destinations.map((d) => d.id),
                      state,
                      limit,
                    }),
                    missing: [],
                  }
                : await documentsOfOrder(store.db, context.config, destinations, order, { state, limit })
          } finally {
            await store.close()
          }
          const { documents, missing } = found
          const { redactor } = context
          process.stdout.write(
            opts.json
              ? `${JSON.stringify(redactor.redactDeep({ documents: documents.map(withTotal), withoutDocument: missing }), null, 2)}\n`
              : redactor.redact(render(documents, missing)),
          )
          return 0
        },
        () => context?.redactor,
      )
    })
}

/** The documents of one order number (any account), and for each destination without one, why. */
async function documentsOfOrder(
  db: Kysely<Database>,
  config: Config,
  destinations: readonly QuickBooksDestinationConfig[],
  order: string,
  filter: { state?: string; limit: number },
): Promise<{ documents: DocumentRow[]; missing: Missing[] }> {
  const refs = await ordersByNumber(db, order)
  const keys = new Set([
    ...refs.map((r) => `${r.accountId}:${r.rootNumber}`),
    ...config.accounts.map((a) => `${a.id}:${order}`),
  ])
  const found = await listDocuments(db, {
    destinationIds: destinations.map((d) => d.id),
    orderKeys: [...keys],
    orderIds: refs.map((r) => r.orderId),
    ...filter,
  })
  // An order id matches only within its own account.
  const documents = found.filter(
    (d) =>
      keys.has(d.orderKey) ||
      refs.some((r) => r.orderId === d.orderId && d.orderKey.startsWith(`${r.accountId}:`)),
  )
  if (refs.length === 0) {
    const why = 'shiprelay has not seen this order'
    const missing =
      documents.length > 0
        ? []
        : destinations.map((d) => ({
            destinationId: d.id,
            accountId: null,
            orderNumber: order,
            orderId: null,
            why,
          }))
    return { documents, missing }
  }
  const missing: Missing[] = []
  for (const destination of destinations) {
    for (const ref of refs) {
      const has = documents.some(
        (d) => d.destinationId === destination.id && d.orderKey.startsWith(`${ref.accountId}:`),
      )
      if (has) continue
      const deliveries = await bookingDeliveries(db, ref.accountId, destination.id, destination.bookOn, [
        ref.orderId,
      ])
      const { why } = whyNoDocument(deliveries.get(ref.orderId), destination.bookOn)
      missing.push({
        destinationId: destination.id,
        accountId: ref.accountId,
        orderNumber: ref.orderNumber,
        orderId: ref.orderId,
        why,
      })
    }
  }
  return { documents, missing }
}

const money = (cents: number) => (cents / 100).toFixed(2)

const withTotal = (d: DocumentRow) => ({ ...d, total: money(d.totalCents) })

function render(documents: DocumentRow[], missing: Missing[]): string {
  const rows = [
    ['destination', 'order key', 'type', 'id', 'DocNumber', 'state', 'total', 'updated'],
    ...documents.map((d) => [
      d.destinationId,
      d.orderKey,
      d.docType,
      d.docId,
      d.docNumber ?? '-',
      d.state,
      money(d.totalCents),
      new Date(d.updatedAt).toISOString(),
    ]),
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const lines =
    documents.length === 0
      ? missing.length === 0
        ? ['no documents match']
        : []
      : rows.map((r) =>
          r
            .map((cell, i) => cell.padEnd(widths[i]!))
            .join('  ')
            .trimEnd(),
        )
  for (const m of missing)
    lines.push(
      `${m.destinationId}: order #${m.orderNumber}${m.accountId ? ` (account ${m.accountId})` : ''} has no document: ${m.why}`,
    )
  return `${lines.join('\n')}\n`
}
