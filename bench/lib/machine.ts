/** What a result was measured on, recorded with every run so figures can be compared honestly. */
import { execFileSync } from 'node:child_process'
import { cpus, loadavg, totalmem } from 'node:os'

export interface Machine {
  cpus: number
  cpuModel: string
  memoryGb: number
  node: string
  commit: string
  /** Tracked files with uncommitted changes when the run started (others may be editing the tree). */
  dirtyFiles: string[]
  when: string
  /** 1-minute load average when the run started and ended: other work on the machine skews figures. */
  loadAverage: { start: number; end?: number }
}

export function machine(): Machine {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    } catch {
      return ''
    }
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    commit: git('rev-parse', '--short', 'HEAD').trim() || 'unknown',
    dirtyFiles: git('status', '--porcelain', '--untracked-files=no')
      .split('\n')
      .map((line) => line.slice(3))
      .filter(Boolean),
    when: new Date().toISOString(),
    loadAverage: { start: Math.round(loadavg()[0]! * 100) / 100 },
  }
}

/** The 1-minute load average now, for the end of a run. */
export function loadNow(): number {
  return Math.round(loadavg()[0]! * 100) / 100
}
