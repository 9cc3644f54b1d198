/**
 * The simulated clock: real time plus an offset that tests move forward with `advance`. It can also be
 * frozen so a test can create many changes at one instant (e.g. 600 orders with one modifyDate).
 */
export class SimClock {
  #offsetMs = 0
  #frozenAt: number | undefined

  /** `startAt` sets the simulated time at construction (it may lie in the past or the future). */
  constructor(
    private readonly realNow: () => number = Date.now,
    startAt?: number,
  ) {
    if (startAt !== undefined) this.#offsetMs = startAt - realNow()
  }

  now(): number {
    return this.#frozenAt ?? this.realNow() + this.#offsetMs
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward')
    if (this.#frozenAt !== undefined) this.#frozenAt += ms
    else this.#offsetMs += ms
  }

  freeze(at: number = this.now()): void {
    this.#frozenAt = at
  }

  unfreeze(): void {
    if (this.#frozenAt === undefined) return
    this.#offsetMs = this.#frozenAt - this.realNow()
    this.#frozenAt = undefined
  }

  get frozen(): boolean {
    return this.#frozenAt !== undefined
  }
}
