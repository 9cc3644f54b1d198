/** The worker side of bench/lib/child.ts: read the input, run, send the result or the error, exit. */

export function workerInput<T>(): T {
  const raw = process.argv[2]
  if (raw === undefined) throw new Error('a bench worker needs its input as JSON in argv[2]')
  return JSON.parse(raw) as T
}

/** Tells the parent something mid-run (e.g. that a measured phase begins). */
export function mark(message: Record<string, unknown>): void {
  process.send?.(message)
}

/** Waits for the parent's message of this type (the parent changes the world between two phases). */
export function awaitParent(type: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const listen = (raw: unknown) => {
      const message = raw as Record<string, unknown>
      if (message.type !== type) return
      process.off('message', listen)
      resolve(message)
    }
    process.on('message', listen)
  })
}

/** Runs the benchmark, answers, and exits without waiting for idle keep-alive sockets to close. */
export async function serve<T>(run: () => Promise<T>): Promise<void> {
  let message: Record<string, unknown>
  try {
    message = { type: 'result', value: await run() }
  } catch (error) {
    message = {
      type: 'error',
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }
  }
  const code = message.type === 'result' ? 0 : 1
  if (process.send) process.send(message, () => process.exit(code))
  else process.exit(code)
}
