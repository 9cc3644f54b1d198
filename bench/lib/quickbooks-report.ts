/** The generated table of the QuickBooks benchmark in docs/benchmarks.md (bench/quickbooks.ts). */
import type { QuickBooksBenchResult } from '../quickbooks.js'
import type { Machine } from './machine.js'

export interface QuickBooksReport {
  mode: 'quickbooks' | 'quickbooks-quick'
  machine: Machine
  result: QuickBooksBenchResult
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–')
const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '–')
const yes = (ok: boolean) => (ok ? 'yes' : '**no**')

export function quickBooksMarkdown(report: QuickBooksReport): string {
  const { machine: m, result: r } = report
  const t = r.throughput
  return [
    `Run: **${report.mode}**, commit \`${m.commit}\`${m.dirtyFiles.length > 0 ? ` (uncommitted changes in ${m.dirtyFiles.join(', ')})` : ''}, ` +
      `${m.when.slice(0, 16).replace('T', ' ')} UTC; ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}; ` +
      `load average ${m.loadAverage.start} at the start, ${m.loadAverage.end ?? '?'} at the end.`,
    '',
    `**QuickBooks at its real limits**: ${int(r.options.orders)} seeded ShipStation orders, then ${int(r.options.secondBatch)} ` +
      `more shipped after the first sync; the QuickBooks simulator throttling at ${r.limits.perMinute} requests a minute, ` +
      `${r.limits.perSecond} a second, ${r.limits.concurrent} in flight; its duplicate-DocNumber check off. ` +
      `Counted at the simulator.`,
    '',
    '| figure | measured | target | met |',
    '|---|---|---|---|',
    `| documents created / shipped orders to book | ${fixed(r.documentsOfExpected, 3)} (${int(r.documents.created)} / ${int(r.expectedDocuments)}: ` +
      `${int(r.documents.salesReceipts)} SalesReceipts, ${int(r.documents.invoices)} Invoices) | 1.000 | ${yes(r.documents.created === r.expectedDocuments)} |`,
    `| duplicate documents, by DocNumber / by order | ${int(r.duplicates.byDocNumber)} / ${int(r.duplicates.byOrder)} | 0 | ${yes(r.duplicates.byDocNumber + r.duplicates.byOrder === 0)} |`,
    `| shipped orders without a document / documents of no shipped order | ${int(r.missing)} / ${int(r.extra)} | 0 | ${yes(r.missing + r.extra === 0)} |`,
    `| metered reads per order, steady state (the ${int(r.options.secondBatch)} shipped after the first sync) | ${fixed(r.reads.steadyPerOrder, 3)} (${int(r.reads.second)} reads) | ≤ 0.1 | ${yes(r.reads.steadyPerOrder <= 0.1)} |`,
    `| metered reads per order, whole run (warm-up included) | ${fixed(r.reads.totalPerOrder, 3)} (${int(r.reads.total)} reads) | – | – |`,
    `| API requests per document | ${fixed(r.requests.perDocument)} (${int(r.requests.api)} requests) | – | – |`,
    `| API requests / writes that had to happen (documents, payments, new customers and items) | ${fixed(r.requests.perWriteNeeded, 3)} (${int(r.requests.api)} / ${int(r.requests.writesNeeded)}) | – | – |`,
    `| API answers by status and Fault code | ${Object.entries(r.requests.byOutcome)
      .sort(([, a], [, b]) => b - a)
      .map(([outcome, n]) => `${outcome}: ${int(n)}`)
      .join(', ')} | – | – |`,
    `| request rate achieved / allowed, over the ${int(t.completeWindows)} minute window(s) the first phase fully spans | ${fixed(t.rateOfAllowed, 3)} (${int(t.requestsPerMinute)} a minute of ${r.limits.perMinute}) | ≥ 0.95 | ${Number.isFinite(t.rateOfAllowed) ? yes(t.rateOfAllowed >= 0.95) : '– (no complete window: a run too short)'} |`,
    `| documents booked per minute (complete windows of the first phase), of the bound at ${r.limits.perMinute} requests a minute with only the needed writes | ${fixed(t.documentsPerMinute, 0)} (${fixed(t.documentsPerMinute / t.documentsPerMinuteBound)} of ${fixed(t.documentsPerMinuteBound, 0)}) | – | – |`,
    `| 429 responses (per second / per minute / in flight) | ${int(r.throttled.total)} (${int(r.throttled.byLimit.perSecond ?? 0)} / ${int(r.throttled.byLimit.perMinute ?? 0)} / ${int(r.throttled.byLimit.concurrent ?? 0)}) | 0 | ${yes(r.throttled.total === 0)} |`,
    `| deliveries at the end: delivered / skipped / pending / dead | ${int(r.worker.delivered)} / ${int(r.worker.skipped)} / ${int(r.worker.pending)} / ${int(r.worker.dead)} | no pending or dead | ${yes(r.worker.pending + r.worker.dead === 0)} |`,
  ].join('\n')
}
