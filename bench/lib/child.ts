/**
 * Runs one side of a benchmark in a child process: shiprelay in one process, the simulators in the
 * parent, so the memory and CPU measured are shiprelay's alone and the two sides use both cores.
 * The worker gets its input as JSON in argv and answers with `{ type: 'result' }` (workers/io.ts).
 */
import { fork } from 'node:child_process'
import { buildWorkers } from './build.js'

export interface RunOptions {
  /**
   * Called for every message other than the result (marks the parent acts on); `reply` sends a message
   * back, for a worker that waits for the parent between phases (workers/io.ts `awaitParent`).
   */
  onMessage?: (message: Record<string, unknown>, reply: (message: Record<string, unknown>) => void) => void
  /** Extra Node flags, e.g. --cpu-prof while investigating. */
  execArgv?: string[]
}

export type RunWorker = <Input, Output>(name: string, input: Input, options?: RunOptions) => Promise<Output>

/**
 * Compiled workers (plain node, as in production) by default; `compiled: false` runs the TypeScript
 * sources under tsx, quicker to start while editing but with tsx's memory in every figure.
 */
export function workers(compiled = true): RunWorker {
  const dir = compiled ? buildWorkers() : undefined
  return (name, input, options = {}) => {
    const file = dir ? `${dir}${name}.js` : new URL(`../workers/${name}.ts`, import.meta.url)
    const child = fork(file, [JSON.stringify(input)], {
      execArgv: [...(dir ? [] : ['--import', 'tsx']), ...(options.execArgv ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    return new Promise((resolve, reject) => {
      let answer: { ok: true; value: unknown } | { ok: false; error: string } | undefined
      child.on('message', (raw) => {
        const message = raw as Record<string, unknown>
        if (message.type === 'result') answer = { ok: true, value: message.value }
        else if (message.type === 'error') answer = { ok: false, error: String(message.error) }
        else options.onMessage?.(message, (m) => child.send(m))
      })
      child.on('error', reject)
      child.on('exit', (code, signal) => {
        // biome-ignore lint/suspicious/noExplicitAny: the worker's answer is typed by the caller
        if (answer?.ok) resolve(answer.value as any)
        else
          reject(new Error(`${name}: ${answer?.error ?? `exited with ${signal ?? code} before answering`}`))
      })
    })
  }
}
