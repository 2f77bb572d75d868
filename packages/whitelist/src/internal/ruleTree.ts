/**
 * Which original rule contains an address. CIDR blocks either nest or are disjoint, so in start
 * order every rule has one nearest enclosing rule (its parent); the most specific match is the
 * last rule starting at or before the address, or one of its ancestors.
 */
import { type Blocks, compareWords } from "./intervals.ts"

/** Rules in start order with parent links, for `Whitelist.matchingRule`. */
export class RuleTree {
  private readonly order: Int32Array
  private readonly starts: Uint32Array
  private readonly ends: Uint32Array
  private readonly prefixes: Uint8Array
  private readonly parent: Int32Array

  constructor(blocks: Blocks, order: Int32Array) {
    const n = order.length
    this.order = order
    this.starts = new Uint32Array(n * 4)
    this.ends = new Uint32Array(n * 4)
    this.prefixes = new Uint8Array(n)
    this.parent = new Int32Array(n)
    const stack: Array<number> = []
    for (let p = 0; p < n; p++) {
      const r = order[p]!
      this.starts.set(blocks.starts.subarray(r * 4, r * 4 + 4), p * 4)
      this.ends.set(blocks.ends.subarray(r * 4, r * 4 + 4), p * 4)
      this.prefixes[p] = blocks.prefixes[r]!
      while (stack.length > 0 && compareWords(this.ends, stack[stack.length - 1]! * 4, this.starts, p * 4) < 0) {
        stack.pop()
      }
      this.parent[p] = stack.length > 0 ? stack[stack.length - 1]! : -1
      stack.push(p)
    }
  }

  /** Input position of the most specific rule containing the address in `w`, or -1. */
  find(w: Uint32Array): number {
    let lo = -1
    let hi = this.order.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (compareWords(this.starts, mid * 4, w, 0) <= 0) lo = mid
      else hi = mid - 1
    }
    let p = lo
    while (p >= 0 && compareWords(this.ends, p * 4, w, 0) < 0) p = this.parent[p]!
    if (p < 0) return -1
    // Duplicates sort by input position and nest: report the first one written.
    for (let q = this.parent[p]!; q >= 0; q = this.parent[q]!) {
      if (this.prefixes[q] !== this.prefixes[p] || compareWords(this.starts, q * 4, this.starts, p * 4) !== 0) break
      p = q
    }
    return this.order[p]!
  }
}
