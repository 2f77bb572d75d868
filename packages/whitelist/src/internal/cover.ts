/**
 * Interval arithmetic for the cold paths (aggregate, diff): 128-bit bounds as bigint, set
 * difference, and the minimal CIDR cover of an interval. Lookups never come here.
 */
import { formatIpv4, formatIpv6, isMapped } from "./address.ts"
import type { Intervals } from "./intervals.ts"

/** An inclusive 128-bit range. */
export interface Range {
  readonly start: bigint
  readonly end: bigint
}

const toBigInt = (w: Uint32Array, i: number): bigint =>
  (BigInt(w[i]!) << 96n) | (BigInt(w[i + 1]!) << 64n) | (BigInt(w[i + 2]!) << 32n) | BigInt(w[i + 3]!)

/** The merged intervals as bigint ranges, in order. */
export const toRanges = (intervals: Intervals): Array<Range> => {
  const out: Array<Range> = []
  for (let i = 0; i < intervals.count * 4; i += 4) {
    out.push({ start: toBigInt(intervals.starts, i), end: toBigInt(intervals.ends, i) })
  }
  return out
}

/** `a \ b` for sorted, disjoint range lists. */
export const subtract = (a: ReadonlyArray<Range>, b: ReadonlyArray<Range>): Array<Range> => {
  const out: Array<Range> = []
  let j = 0
  for (const range of a) {
    let start = range.start
    while (j < b.length && b[j]!.end < start) j++
    let k = j
    while (start <= range.end) {
      const cut = b[k]
      if (cut === undefined || cut.start > range.end) {
        out.push({ start, end: range.end })
        break
      }
      if (cut.start > start) out.push({ start, end: cut.start - 1n })
      start = cut.end + 1n
      k++
    }
  }
  return out
}

const WORD = 0xffffffffn
const MAPPED_HIGH = 0xffffn << 32n

const trailingZeros = (x: bigint): number => {
  if (x === 0n) return 128
  let n = 0
  while ((x & 0xffffffffn) === 0n) {
    x >>= 32n
    n += 32
  }
  return n + 31 - Math.clz32(Number(x & WORD) & -Number(x & WORD))
}

const bitLength = (x: bigint): number => x.toString(2).length

/**
 * Formats a block. Blocks inside `::ffff:0:0/96` are the IPv4 space under folding, so they are
 * written as IPv4 (`::ffff:10.0.0.0/104` is `10.0.0.0/8`).
 */
const formatRangeBlock = (start: bigint, prefix: number): string => {
  const w0 = Number((start >> 96n) & WORD)
  const w1 = Number((start >> 64n) & WORD)
  const w2 = Number((start >> 32n) & WORD)
  const w3 = Number(start & WORD)
  if (prefix >= 96 && isMapped(w0, w1, w2)) return `${formatIpv4(w3)}/${prefix - 96}`
  return `${formatIpv6(w0, w1, w2, w3)}/${prefix}`
}

/** The fewest aligned blocks that exactly cover `range` (greedy largest-first is optimal). */
const coverRange = (range: Range, out: Array<{ readonly start: bigint; readonly prefix: number }>): void => {
  let start = range.start
  while (start <= range.end) {
    const fits = bitLength(range.end - start + 1n) - 1
    const size = Math.min(trailingZeros(start), fits)
    out.push({ start, prefix: 128 - size })
    start += 1n << BigInt(size)
  }
}

/** The minimal CIDR list for sorted, disjoint, non-adjacent ranges: IPv4 first, then IPv6. */
export const coverRanges = (ranges: ReadonlyArray<Range>): Array<string> => {
  const blocks: Array<{ readonly start: bigint; readonly prefix: number }> = []
  for (const range of ranges) coverRange(range, blocks)
  const v4: Array<string> = []
  const v6: Array<string> = []
  for (const block of blocks) {
    const inMapped = block.prefix >= 96 && block.start >> 32n === MAPPED_HIGH
    ;(inMapped ? v4 : v6).push(formatRangeBlock(block.start, block.prefix))
  }
  return v4.concat(v6)
}
