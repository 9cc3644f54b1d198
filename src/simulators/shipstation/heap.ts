/**
 * A min-heap of timed entries, ties broken by insertion order so replays are deterministic. Used for
 * the generator's timeline and for hold-until dates that fall due.
 */
export class TimedQueue<T> {
  readonly #heap: { at: number; seq: number; value: T }[] = []
  #seq = 0

  get size(): number {
    return this.#heap.length
  }

  push(at: number, value: T): void {
    const heap = this.#heap
    heap.push({ at, seq: this.#seq++, value })
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.#less(i, parent)) break
      this.#swap(i, parent)
      i = parent
    }
  }

  peekAt(): number | undefined {
    return this.#heap[0]?.at
  }

  pop(): { at: number; value: T } | undefined {
    const heap = this.#heap
    const top = heap[0]
    if (!top) return undefined
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let min = i
        if (l < heap.length && this.#less(l, min)) min = l
        if (r < heap.length && this.#less(r, min)) min = r
        if (min === i) break
        this.#swap(i, min)
        i = min
      }
    }
    return { at: top.at, value: top.value }
  }

  #less(a: number, b: number): boolean {
    const x = this.#heap[a]!
    const y = this.#heap[b]!
    return x.at < y.at || (x.at === y.at && x.seq < y.seq)
  }

  #swap(a: number, b: number): void {
    const heap = this.#heap
    ;[heap[a], heap[b]] = [heap[b]!, heap[a]!]
  }
}

/** A set that can hand out a random member in O(1), for picking orders by status. */
export class PickableSet<T> {
  readonly #items: T[] = []
  readonly #index = new Map<T, number>()

  get size(): number {
    return this.#items.length
  }

  add(item: T): void {
    if (this.#index.has(item)) return
    this.#index.set(item, this.#items.length)
    this.#items.push(item)
  }

  delete(item: T): void {
    const at = this.#index.get(item)
    if (at === undefined) return
    const last = this.#items.pop()!
    this.#index.delete(item)
    if (last !== item) {
      this.#items[at] = last
      this.#index.set(last, at)
    }
  }

  /** The member at a fraction `u` in [0, 1) of the set (callers pass a seeded random number). */
  at(u: number): T | undefined {
    return this.#items[Math.floor(u * this.#items.length)]
  }
}
