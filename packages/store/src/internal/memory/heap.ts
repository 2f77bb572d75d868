/**
 * A binary min-heap of entries keyed by id that can also remove any entry by its id, in
 * O(log n): the memory store's orders of Idempotency-Key records (by expiry, by age).
 */
export class Heap<T extends { readonly id: string }> {
  private readonly entries: Array<T> = []
  /** Where each id's entry sits in `entries`. */
  private readonly at = new Map<string, number>()

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.entries.length
  }

  peek(): T | undefined {
    return this.entries[0]
  }

  push(entry: T): void {
    this.entries.push(entry)
    this.at.set(entry.id, this.entries.length - 1)
    this.up(this.entries.length - 1)
  }

  /** Removes the entry of `id`, if there is one. */
  remove(id: string): void {
    const i = this.at.get(id)
    if (i === undefined) return
    this.at.delete(id)
    const last = this.entries.pop()!
    if (i === this.entries.length) return
    this.entries[i] = last
    this.at.set(last.id, i)
    this.down(i)
    this.up(i)
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(this.entries[i]!, this.entries[parent]!)) return
      this.swap(i, parent)
      i = parent
    }
  }

  private down(i: number): void {
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let first = i
      if (left < this.entries.length && this.before(this.entries[left]!, this.entries[first]!)) first = left
      if (right < this.entries.length && this.before(this.entries[right]!, this.entries[first]!)) first = right
      if (first === i) return
      this.swap(i, first)
      i = first
    }
  }

  private swap(i: number, j: number): void {
    const a = this.entries[i]!
    const b = this.entries[j]!
    this.entries[i] = b
    this.entries[j] = a
    this.at.set(b.id, i)
    this.at.set(a.id, j)
  }
}
