/** A progress bar per account and stream on a TTY during long reads (the backfill); silent otherwise. */
import cliProgress from 'cli-progress'
import type { SyncProgress } from '../sync/account-sync.js'

export interface ProgressView {
  update(progress: SyncProgress): void
  stop(): void
}

export function progressView(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined }
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: '{account} {stream} |{bar}| {value}/{total} records, {pages} pages, {waits} rate-limit waits',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  )
  const byKey = new Map<string, cliProgress.SingleBar>()
  return {
    update(p) {
      const key = `${p.accountId}/${p.stream}`
      const total = Math.max(p.recordsEstimate, p.records)
      let bar = byKey.get(key)
      if (!bar) {
        bar = bars.create(total, 0, { account: p.accountId, stream: p.stream.padEnd(12), pages: 0, waits: 0 })
        byKey.set(key, bar)
      }
      bar.setTotal(total)
      bar.update(p.records, { pages: p.pages, waits: p.rateLimitWaits })
    },
    stop: () => bars.stop(),
  }
}
