/** Memory of a process as the kernel counts it (Linux /proc), so RSS peaks are exact, not sampled. */
import { readFileSync } from 'node:fs'

function statusField(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}

/** Resident set size now, in MB (falls back to Node's own figure off Linux). */
export function rssMb(pid: number | 'self' = 'self'): number {
  return statusField(pid, 'VmRSS') ?? (pid === 'self' ? process.memoryUsage.rss() / 2 ** 20 : Number.NaN)
}

/** Peak resident set size of the process so far ("high water mark"), in MB. */
export function peakRssMb(pid: number | 'self' = 'self'): number {
  return statusField(pid, 'VmHWM') ?? Number.NaN
}
