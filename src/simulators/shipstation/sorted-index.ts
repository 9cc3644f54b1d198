/**
 * Records kept sorted by (key, id) so list endpoints page over 100k rows without sorting per request.
 * Inserting and removing are binary searches plus one splice; callers re-insert a record after
 * changing its key (e.g. modifyDate).
 */
export class SortedIndex<T> {
  #items: T[] = []

  constructor(
    readonly key: (item: T) => number,
    readonly id: (item: T) => number,
  ) {}

  get items(): readonly T[] {
    return this.#items
  }

  /** Replaces the content in one sort, for bulk loads. */
  load(items: readonly T[]): void {
    this.#items = [...items].sort((a, b) => this.key(a) - this.key(b) || this.id(a) - this.id(b))
  }

  insert(item: T): void {
    this.#items.splice(this.#lowerBound(this.key(item), this.id(item)), 0, item)
  }

  /** Removes `item`, which must still have the key it was inserted with. */
  remove(item: T): void {
    const at = this.#lowerBound(this.key(item), this.id(item))
    if (this.#items[at] !== item) throw new Error('SortedIndex: item not found under its key')
    this.#items.splice(at, 1)
  }

  /** Index range [start, end) of the items whose key lies in [from, to] (both inclusive). */
  range(from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): [number, number] {
    if (from > to) return [0, 0]
    return [this.#lowerBound(from, Number.NEGATIVE_INFINITY), this.#lowerBound(to, Number.POSITIVE_INFINITY)]
  }

  /** First position whose (key, id) is not below (key, id). */
  #lowerBound(key: number, id: number): number {
    let lo = 0
    let hi = this.#items.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const item = this.#items[mid]!
      const k = this.key(item)
      if (k < key || (k === key && this.id(item) < id)) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
