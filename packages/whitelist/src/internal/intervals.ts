/**
 * Sorted, disjoint, non-adjacent 128-bit intervals in typed arrays (four words per bound), and the
 * lookup tables built from them. Lookups are a first-level index on the top bits followed by a
 * binary search over a handful of entries, so their cost barely moves with the rule count.
 */

/** A set of rules' blocks as parallel typed arrays: four words per start and per end. */
export interface Blocks {
  readonly count: number
  readonly starts: Uint32Array
  readonly ends: Uint32Array
  readonly prefixes: Uint8Array
}

/** Compares the 128-bit values at word offsets `i` of `a` and `j` of `b`. */
export const compareWords = (a: Uint32Array, i: number, b: Uint32Array, j: number): number => {
  for (let k = 0; k < 4; k++) {
    const x = a[i + k]!
    const y = b[j + k]!
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

/** Rule indices ordered by start, then by prefix (wider first), then by input position. */
export const sortOrder = (blocks: Blocks): Int32Array => {
  const { count, prefixes, starts } = blocks
  const order: Array<number> = new Array(count)
  for (let i = 0; i < count; i++) order[i] = i
  order.sort((x, y) => compareWords(starts, x * 4, starts, y * 4) || prefixes[x]! - prefixes[y]! || x - y)
  return Int32Array.from(order)
}

const successor = new Uint32Array(4)

/** True when `b` at offset `j` is exactly one more than `a` at offset `i`. */
const isSuccessor = (a: Uint32Array, i: number, b: Uint32Array, j: number): boolean => {
  let carry = 1
  for (let k = 3; k >= 0; k--) {
    const sum = a[i + k]! + carry
    successor[k] = sum >>> 0
    carry = sum > 0xffffffff ? 1 : 0
  }
  return carry === 0 && compareWords(successor, 0, b, j) === 0
}

/** Merged intervals: sorted, disjoint and not adjacent. */
export interface Intervals {
  readonly count: number
  readonly starts: Uint32Array
  readonly ends: Uint32Array
}

/** Merges overlapping and adjacent blocks, visiting them in `order` (sorted by start). */
export const mergeBlocks = (blocks: Blocks, order: Int32Array): Intervals => {
  const starts = new Uint32Array(blocks.count * 4)
  const ends = new Uint32Array(blocks.count * 4)
  let count = 0
  for (let n = 0; n < order.length; n++) {
    const r = order[n]! * 4
    const last = (count - 1) * 4
    if (count > 0 && (compareWords(blocks.starts, r, ends, last) <= 0 || isSuccessor(ends, last, blocks.starts, r))) {
      if (compareWords(blocks.ends, r, ends, last) > 0) ends.set(blocks.ends.subarray(r, r + 4), last)
      continue
    }
    starts.set(blocks.starts.subarray(r, r + 4), count * 4)
    ends.set(blocks.ends.subarray(r, r + 4), count * 4)
    count++
  }
  return { count, starts: starts.slice(0, count * 4), ends: ends.slice(0, count * 4) }
}

const indexBits = (count: number): number => Math.min(16, Math.max(1, 33 - Math.clz32(count)))

/** `index[k]` = how many entries have a key (top `32 - shift` bits of the first word) below k. */
const buildIndex = (firstWords: Uint32Array, stride: number, count: number, shift: number): Int32Array => {
  const index = new Int32Array((1 << (32 - shift)) + 1)
  for (let i = 0; i < count; i++) index[(firstWords[i * stride]! >>> shift) + 1]!++
  for (let k = 1; k < index.length; k++) index[k]! += index[k - 1]!
  return index
}

/**
 * IPv4 (and IPv4-mapped) lookups: the intervals clipped to `::ffff:0:0/96`, as uint32 pairs.
 * Each interval's start and end sit side by side in `bounds`, so the final containment check
 * reads the cache line the search already brought in: at 100,000 rules that saves one memory
 * miss per lookup.
 */
export class Table4 {
  /** `[start0, end0, start1, end1, ...]`. */
  readonly bounds: Uint32Array
  readonly count: number
  readonly index: Int32Array
  readonly shift: number
  constructor(intervals: Intervals) {
    const bounds: Array<number> = []
    const s = intervals.starts
    const e = intervals.ends
    for (let i = 0; i < intervals.count * 4; i += 4) {
      // Compare the top 96 bits with the mapped prefix 0:0:ffff.
      const startHigh = s[i] !== 0 || s[i + 1] !== 0 ? 1 : s[i + 2]! > 0xffff ? 1 : s[i + 2]! < 0xffff ? -1 : 0
      const endHigh = e[i] !== 0 || e[i + 1] !== 0 ? 1 : e[i + 2]! > 0xffff ? 1 : e[i + 2]! < 0xffff ? -1 : 0
      if (startHigh > 0 || endHigh < 0) continue
      bounds.push(startHigh < 0 ? 0 : s[i + 3]!, endHigh > 0 ? 0xffffffff : e[i + 3]!)
    }
    this.bounds = Uint32Array.from(bounds)
    this.count = bounds.length / 2
    this.shift = 32 - indexBits(this.count)
    this.index = buildIndex(this.bounds, 2, this.count, this.shift)
  }

  /** Position of the interval containing `a`, or -1. */
  find(a: number): number {
    const k = a >>> this.shift
    const index = this.index
    const bounds = this.bounds
    let lo = index[k]! - 1
    let hi = index[k + 1]! - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (bounds[mid << 1]! <= a) lo = mid
      else hi = mid - 1
    }
    return lo >= 0 && bounds[(lo << 1) + 1]! >= a ? lo : -1
  }
}

/**
 * Full 128-bit lookups for IPv6 addresses outside the mapped range. As in `Table4`, each interval's
 * start and end sit side by side in `bounds` (eight words), so the containment check after the
 * search reads memory the search has just touched instead of a second array.
 */
export class Table6 {
  /** `[start0 (4 words), end0 (4 words), start1, end1, ...]`. */
  readonly bounds: Uint32Array
  readonly index: Int32Array
  readonly shift: number
  constructor(intervals: Intervals) {
    this.bounds = new Uint32Array(intervals.count * 8)
    for (let i = 0; i < intervals.count; i++) {
      this.bounds.set(intervals.starts.subarray(i * 4, i * 4 + 4), i * 8)
      this.bounds.set(intervals.ends.subarray(i * 4, i * 4 + 4), i * 8 + 4)
    }
    this.shift = 32 - indexBits(intervals.count)
    this.index = buildIndex(this.bounds, 8, intervals.count, this.shift)
  }

  /** Position of the interval containing `a0:a1:a2:a3`, or -1. */
  find(a0: number, a1: number, a2: number, a3: number): number {
    const k = a0 >>> this.shift
    const index = this.index
    const b = this.bounds
    let lo = index[k]! - 1
    let hi = index[k + 1]! - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      const s = mid * 8
      const s0 = b[s]!
      if (s0 < a0) lo = mid
      else if (s0 > a0) hi = mid - 1
      else {
        const s1 = b[s + 1]!
        const s2 = b[s + 2]!
        if (s1 < a1 || (s1 === a1 && (s2 < a2 || (s2 === a2 && b[s + 3]! <= a3)))) lo = mid
        else hi = mid - 1
      }
    }
    if (lo < 0) return -1
    const e = lo * 8 + 4
    const e0 = b[e]!
    const e1 = b[e + 1]!
    const e2 = b[e + 2]!
    return e0 > a0 || (e0 === a0 && (e1 > a1 || (e1 === a1 && (e2 > a2 || (e2 === a2 && b[e + 3]! >= a3))))) ? lo : -1
  }
}
