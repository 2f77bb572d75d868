import { type ChannelGroup, ChannelTerms, type Merchant, type PaymentChannel, type PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import type { Resolution, Via } from "../Resolution.ts"

// The hot path works on small integers and arrays built once per index, not on objects: with
// hundreds of thousands of indexes in one heap, a resolution spread at random across merchants
// costs what it touches in memory, and every separate heap object is a likely cache (and TLB)
// miss. So each scope keeps everything a `pg` or default request reads in one array.
//
// - A "slot" folds mode and payment type into one integer (mode * 6 + type): 12 slots.
// - Pay methods are interned process-wide to bit positions, so a channel's pay methods are one
//   32-bit mask. Methods past bit 30 share bit 31, which sends the check to the channel itself.
// - Each scope (the merchant, or one tier) has one array of cells, small integers and channel
//   objects, laid out as:
//   - `[0, 12)`: the slot header of the default channel;
//   - `[12, 12 + 2 * buckets)`: an open-addressing hash table of `pg` keys (`code` and
//     `code.MID` are both keys, so a hit splits no string): per bucket the key's hash and the
//     offset of its entry (0: empty);
//   - entries: `[length, chars (two UTF-16 units per cell) ..., slot header (12 cells)]`, each
//     followed by its answer lists. The key's characters sit in the entry, so a hit compares the
//     request's string with cells it reads anyway instead of with a separate string object.
//   A header cell is the offset of that slot's answer list, or 0. A list holds the usable
//   channels of the slot in search order, reduced to those that can answer some pay method:
//   `[length, mask0, channel0, mask1, channel1, ...]`, with the channel objects themselves. With
//   no pay method the first answers; with one, the first whose mask has its bit.
// A `pg` hit thus reads the index, its cells array and two or three lines of that array; the
// result is allocated fresh (young generation, in cache) rather than read from a shared one.

const typeSlots = 6
const slots = 2 * typeSlots

/** The payment type's position, or -1 for a value outside the vocabulary. */
export const typeIndex = (type: string): number => {
  switch (type) {
    case "window.general":
      return 0
    case "window.simple":
      return 1
    case "window.subscription":
      return 2
    case "api.keyin":
      return 3
    case "api.subscription":
      return 4
    case "certification":
      return 5
    default:
      return -1
  }
}

export const modeIndex = (mode: string): number => (mode === "test" ? 0 : mode === "live" ? 1 : -1)

/** The slot of a mode and payment type, or -1 when either is unknown. */
export const slotOf = (mode: string, type: string): number => {
  const m = modeIndex(mode)
  const t = typeIndex(type)
  return m === -1 || t === -1 ? -1 : m * typeSlots + t
}

/** Set on a mask when the channel takes a method interned past bit 30. */
const overflow = 1 << 31
const methodIds = new Map<string, number>()

/** The bit of a pay method (interning it), `overflow` for methods past bit 30. */
const internMethod = (method: string): number => {
  let id = methodIds.get(method)
  if (id === undefined) methodIds.set(method, id = methodIds.size)
  return id < 31 ? 1 << id : overflow
}

/** The bit of a requested pay method: 0 when no channel anywhere takes it, `overflow` past bit 30. */
export const methodBit = (method: string): number => {
  const id = methodIds.get(method)
  return id === undefined ? 0 : id < 31 ? 1 << id : overflow
}

const vias: ReadonlyArray<Via> = ["pg", "default", "channelKey", "group"]
export const VIA_PG = 0
export const VIA_DEFAULT = 1
export const VIA_KEY = 2
export const VIA_GROUP = 3

type Success = Result.Result<Resolution, never>

type Channel = PaymentChannel.PaymentChannel

/** A scope's cells: small integers and channel objects (see above). */
export type Cells = ReadonlyArray<number | Channel>

/** Where the hash table starts in a scope's cells (after the default header). */
const BUCKETS = slots

/** A group's members usable in a scope (assigned and able to serve something), with their weights. */
export interface Route {
  readonly members: Int32Array
  readonly weights: Int32Array
}

/** Everything one resolution scope (the merchant, or one tier) answers from. */
export interface Scope {
  readonly tier: string | undefined
  readonly assigned: ReadonlySet<string> | undefined
  /** The default header, the `pg` hash table, its entries and the answer lists (see above). */
  readonly cells: Cells
  /** The number of hash buckets minus one (a power of two minus one). */
  readonly buckets: number
  /**
   * In the merchant's own scope, where each channel's `[slot, mask, channel]` starts in `cells`
   * (channel number `c` at `channelsAt + 3c`; slot -1 when it can serve nothing); -1 in a tier.
   */
  readonly channelsAt: number
  /** Channel number (position in `channels`) by key, for the channels in scope. */
  readonly byKey: ReadonlyMap<string, number>
  /** Bit 0: the scope has a test channel; bit 1: a live one. */
  readonly modes: number
  /** Channels per mode (test, live), whatever their state. */
  readonly counts: readonly [number, number]
  readonly routes: ReadonlyMap<string, Route>
}

/** The offset of the default channel's slot header in a scope's cells. */
export const DEFAULT_AT = 0

/**
 * The built index behind the public `ChannelIndex` view. It is itself the merchant-wide scope,
 * so a request without a tier reaches its cells with one pointer less.
 */
export interface IndexState extends Scope {
  readonly code: string
  readonly merchant: Merchant.Merchant
  /** Every channel of the merchant, oldest first: the candidates a miss explains. */
  readonly channels: ReadonlyArray<Channel>
  readonly groups: ReadonlyArray<ChannelGroup.ChannelGroup>
  readonly groupsById: ReadonlyMap<string, ChannelGroup.ChannelGroup>
  readonly catalog: PgCatalog.PgCatalog
  /** PG codes of the merchant's channels, which a `pg` string may use even if the catalog lacks them. */
  readonly codes: ReadonlySet<string>
  readonly tiers: ReadonlyMap<string, Scope>
}

/** A fresh successful result: young and in cache, where a shared one would be one more miss. */
export const success = (channel: Channel, via: number): Success => Result.succeed({ channel, via: vias[via]! })

/** The successful result for channel number `c` found via `via`. */
export const resultOf = (self: IndexState, c: number, via: number): Success => success(self.channels[c]!, via)

/** Whether the channel takes the method (`bit` from `methodBit`) given its mask. */
const takesMask = (channel: Channel, mask: number, bit: number, method: string): boolean =>
  bit === overflow ? (mask & overflow) !== 0 && (channel.payMethods as ReadonlyArray<string>).includes(method) : (mask & bit) !== 0

/** Channel `c` when it serves a request of this slot and pay method, else undefined. */
export const serving = (self: IndexState, c: number, slot: number, method: string | undefined): Channel | undefined => {
  if (slot === -1) return undefined
  const cells = self.cells
  const k = self.channelsAt + 3 * c
  if (cells[k] !== slot) return undefined
  const channel = cells[k + 2] as Channel
  return method === undefined || takesMask(channel, cells[k + 1] as number, methodBit(method), method) ? channel : undefined
}

/** Whether channel `c` serves a request of this slot and pay method. */
export const serves = (self: IndexState, c: number, slot: number, method: string | undefined): boolean =>
  serving(self, c, slot, method) !== undefined

/** FNV-1a over the UTF-16 units of a string. */
const hashOf = (text: string): number => {
  let h = 0x811c9dc5 | 0
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h
}

/** Two UTF-16 units of `text` from `i` (the second 0 past the end) in one 32-bit integer. */
const pair = (text: string, i: number): number =>
  i + 1 < text.length ? text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16) : text.charCodeAt(i)

/** Whether the entry at `at` holds `text` (of length `n`). */
const holds = (cells: Cells, at: number, text: string, n: number): boolean => {
  if (cells[at] !== n) return false
  for (let i = 0, k = at + 1; i < n; i += 2, k++) if (cells[k] !== pair(text, i)) return false
  return true
}

/** The offset of the slot header of a `pg` string in a scope's cells, or -1 when it is no key. */
export const headerOf = (scope: Scope, pg: string): number => {
  const cells = scope.cells
  const buckets = scope.buckets
  const n = pg.length
  const h = hashOf(pg)
  for (let b = h & buckets;; b = (b + 1) & buckets) {
    const k = BUCKETS + 2 * b
    const at = cells[k + 1] as number
    if (at === 0) return -1
    if (cells[k] === h && holds(cells, at, pg, n)) return at + 1 + ((n + 1) >> 1)
  }
}

/**
 * The answer of the slot header at `at` for a slot and pay method: a channel, or undefined.
 */
export const answer = (cells: Cells, at: number, slot: number, method: string | undefined): Channel | undefined => {
  if (slot === -1) return undefined
  const list = cells[at + slot] as number
  if (list === 0) return undefined
  if (method === undefined) return cells[list + 2] as Channel
  const bit = methodBit(method)
  if (bit === 0) return undefined
  const end = list + 1 + 2 * (cells[list] as number)
  for (let i = list + 1; i < end; i += 2) {
    const mask = cells[i] as number
    if ((mask & bit) !== 0 && (bit !== overflow || takesMask(cells[i + 1] as Channel, mask, bit, method))) return cells[i + 1] as Channel
  }
  return undefined
}

/**
 * Fills the slot header at `at` for `list` (channel numbers in search order), appending its
 * answer lists to `out`.
 */
const fillHeader = (
  out: Array<number | Channel>,
  at: number,
  list: ReadonlyArray<number>,
  info: Int32Array,
  channels: ReadonlyArray<Channel>
): void => {
  for (let s = 0; s < slots; s++) {
    let union = 0
    let start = -1
    for (const c of list) {
      if (info[2 * c] !== s) continue
      const mask = info[2 * c + 1]!
      // A later channel answers only the pay methods no earlier one takes (overflow methods are
      // checked on the channel, so such a channel is always kept).
      if (start !== -1 && (mask & ~union) === 0 && (mask & overflow) === 0) continue
      if (start === -1) {
        start = out.length
        out.push(0)
        out[at + s] = start
      }
      out.push(mask, channels[c]!)
      out[start] = (out[start] as number) + 1
      union |= mask
    }
  }
}

const push = <K>(map: Map<K, Array<number>>, key: K, value: number): void => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/** A channel's slot and method mask, as `IndexState.info` holds them. */
export const channelInfo = (channels: ReadonlyArray<Channel>): Int32Array => {
  const info = new Int32Array(2 * channels.length)
  channels.forEach((channel, c) => {
    const usable = channel.enabled && channel.purpose === ChannelTerms.purposeOf(channel.paymentType)
    info[2 * c] = usable ? slotOf(channel.mode, channel.paymentType) : -1
    let mask = 0
    for (const method of channel.payMethods) mask |= internMethod(method)
    info[2 * c + 1] = mask
  })
  return info
}

/**
 * Builds a scope over the merchant's channels (oldest first). `assigned` is the tier's set of
 * keys (undefined for the merchant itself).
 */
export const buildScope = (
  tier: string | undefined,
  assigned: ReadonlySet<string> | undefined,
  channels: ReadonlyArray<Channel>,
  info: Int32Array,
  merchant: Merchant.Merchant,
  groups: ReadonlyArray<ChannelGroup.ChannelGroup>
): Scope => {
  const inScope: Array<number> = []
  for (let c = 0; c < channels.length; c++) if (assigned === undefined || assigned.has(channels[c]!.key)) inScope.push(c)
  const byKey = new Map<string, number>()
  for (const c of inScope) byKey.set(channels[c]!.key, c)
  const keyed = new Map<string, Array<number>>()
  for (const c of inScope) {
    const { mid, pg } = channels[c]!
    push(keyed, pg, c)
    push(keyed, `${pg}.${mid}`, c)
  }
  // At most half the buckets full, so a probe rarely goes past its first bucket.
  let buckets = 1
  while (buckets < 2 * keyed.size) buckets *= 2
  const out: Array<number | Channel> = new Array<number>(BUCKETS + 2 * buckets).fill(0)
  // Each mode's configured default goes ahead of the rest; the oldest usable channel follows.
  const preferred: Array<number> = []
  const defaults = [merchant.defaultChannels.test, merchant.defaultChannels.live]
  for (let m = 0; m < 2; m++) {
    const c = defaults[m] === undefined ? undefined : byKey.get(defaults[m]!)
    if (c !== undefined && modeIndex(channels[c]!.mode) === m) preferred.push(c)
  }
  fillHeader(out, DEFAULT_AT, [...preferred, ...inScope.filter((c) => !preferred.includes(c))], info, channels)
  for (const [key, list] of keyed) {
    const h = hashOf(key)
    let b = h & (buckets - 1)
    while (out[BUCKETS + 2 * b + 1] !== 0) b = (b + 1) & (buckets - 1)
    const at = out.length
    out[BUCKETS + 2 * b] = h
    out[BUCKETS + 2 * b + 1] = at
    out.push(key.length)
    for (let i = 0; i < key.length; i += 2) out.push(pair(key, i))
    const header = out.length
    for (let s = 0; s < slots; s++) out.push(0)
    fillHeader(out, header, list, info, channels)
  }
  // The merchant's scope also answers per channel number (a `channelKey` and group draws).
  let channelsAt = -1
  if (assigned === undefined) {
    channelsAt = out.length
    for (let c = 0; c < channels.length; c++) out.push(info[2 * c]!, info[2 * c + 1]!, channels[c]!)
  }
  const routes = new Map<string, Route>()
  for (const group of groups) {
    const members: Array<number> = []
    const weights: Array<number> = []
    for (const member of group.members) {
      const c = byKey.get(member.channel)
      if (c !== undefined && info[2 * c] !== -1) {
        members.push(c)
        weights.push(member.weight)
      }
    }
    routes.set(group.id, { members: Int32Array.from(members), weights: Int32Array.from(weights) })
  }
  let test = 0
  for (const c of inScope) if (channels[c]!.mode === "test") test++
  const live = inScope.length - test
  return {
    tier,
    assigned,
    // A copy of exactly the length used (pushing leaves spare capacity).
    cells: out.slice(),
    buckets: buckets - 1,
    channelsAt,
    byKey,
    modes: (test > 0 ? 1 : 0) | (live > 0 ? 2 : 0),
    counts: [test, live],
    routes
  }
}
