/**
 * Runs async tasks one after another. Hand-written: a promise chain is the whole mechanism, smaller
 * than any dependency that offers it.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve()

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task)
    this.#tail = result.catch(() => undefined)
    return result
  }
}
