import { type ChannelGroup, ChannelTerms, type Merchant, type PaymentChannel, type PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import type { Resolution, Via } from "../Resolution.ts"

// The hot path works on small integers and typed arrays built once per index, not on objects:
// with hundreds of thousands of indexes in one heap, a resolution costs what it touches in
// memory, and every separate object is a potential cache (and TLB) miss.
//
// - A "slot" folds mode and payment type into one integer (mode * 6 + type): 12 slots.
// - Pay methods are interned process-wide to bit positions, so a channel's pay methods are one
//   32-bit mask. Methods past bit 30 share bit 31, which sends the check to the channel itself.
// - Each scope (the merchant, or one tier) has one Int32Array. A `pg` key (`code` or `code.MID`,
//   both as map keys, so a hit splits no string) maps to the offset of its 12-cell slot header;
//   a header cell is the offset of that slot's answer list, or 0. A list holds the usable channels
//   of the slot in search order, reduced to those that can answer some pay method:
//   `[length, mask0, channel0, mask1, channel1, ...]`. With no pay method the first answers; with
//   one, the first whose mask has its bit.

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

/** A group's members usable in a scope (assigned and able to serve something), with their weights. */
export interface Route {
  readonly members: Int32Array
  readonly weights: Int32Array
}

/** Everything one resolution scope (the merchant, or one tier) answers from. */
export interface Scope {
  readonly tier: string | undefined
  readonly assigned: ReadonlySet<string> | undefined
  /** Slot headers and answer lists (see above). */
  readonly table: Int32Array
  /** By `pg` string, both `code` and `code.MID`: the offset of its slot header in `table`. */
  readonly byPg: ReadonlyMap<string, number>
  /** Channel number (position in `channels`) by key, for the channels in scope. */
  readonly byKey: ReadonlyMap<string, number>
  /** The slot header of the default channel: the configured default first, then the oldest. */
  readonly fallbackAt: number
  /** Bit 0: the scope has a test channel; bit 1: a live one. */
  readonly modes: number
  /** Channels per mode (test, live), whatever their state. */
  readonly counts: readonly [number, number]
  readonly routes: ReadonlyMap<string, Route>
}

/**
 * The built index behind the public `ChannelIndex` view. It is itself the merchant-wide scope,
 * so a request without a tier reaches its tables with one pointer less.
 */
export interface IndexState extends Scope {
  readonly code: string
  readonly merchant: Merchant.Merchant
  /** Every channel of the merchant, oldest first: the candidates a miss explains. */
  readonly channels: ReadonlyArray<PaymentChannel.PaymentChannel>
  /** Per channel number `c`: its slot at `2c` (-1 when it can serve nothing) and its method mask at `2c + 1`. */
  readonly info: Int32Array
  /** Successful results per channel number and via (`4c + via`), made on first use and then shared. */
  readonly results: Array<Success | undefined>
  readonly groups: ReadonlyArray<ChannelGroup.ChannelGroup>
  readonly groupsById: ReadonlyMap<string, ChannelGroup.ChannelGroup>
  readonly catalog: PgCatalog.PgCatalog
  /** PG codes of the merchant's channels, which a `pg` string may use even if the catalog lacks them. */
  readonly codes: ReadonlySet<string>
  readonly tiers: ReadonlyMap<string, Scope>
}

/** The shared result for channel `c` found via `via`. */
export const resultOf = (self: IndexState, c: number, via: number): Success => {
  const i = 4 * c + via
  const results = self.results
  let result = results[i]
  if (result === undefined) results[i] = result = Result.succeed({ channel: self.channels[c]!, via: vias[via]! })
  return result
}

/** Whether channel `c` takes the method (`bit` from `methodBit`). */
const takes = (self: IndexState, c: number, bit: number, method: string): boolean => {
  const mask = self.info[2 * c + 1]!
  return bit === overflow ? (mask & overflow) !== 0 && (self.channels[c]!.payMethods as ReadonlyArray<string>).includes(method) : (mask & bit) !== 0
}

/** Whether channel `c` serves a request of this slot and pay method. */
export const serves = (self: IndexState, c: number, slot: number, method: string | undefined): boolean =>
  slot !== -1 && self.info[2 * c] === slot && (method === undefined || takes(self, c, methodBit(method), method))

/**
 * The answer of the slot header at `at` for a slot and pay method: a channel number, or -1.
 */
export const answer = (self: IndexState, table: Int32Array, at: number, slot: number, method: string | undefined): number => {
  if (slot === -1) return -1
  const list = table[at + slot]!
  if (list === 0) return -1
  if (method === undefined) return table[list + 2]!
  const bit = methodBit(method)
  if (bit === 0) return -1
  const end = list + 1 + 2 * table[list]!
  for (let i = list + 1; i < end; i += 2) {
    if ((table[i]! & bit) !== 0 && (bit !== overflow || takes(self, table[i + 1]!, bit, method))) return table[i + 1]!
  }
  return -1
}

/** Appends a slot header for `list` (channel numbers in search order) to `out`; returns its offset. */
const appendHeader = (out: Array<number>, list: ReadonlyArray<number>, info: Int32Array): number => {
  const at = out.length
  for (let s = 0; s < slots; s++) out.push(0)
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
      out.push(mask, c)
      out[start]!++
      union |= mask
    }
  }
  return at
}

const push = <K>(map: Map<K, Array<number>>, key: K, value: number): void => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/** A channel's slot and method mask, as `IndexState.info` holds them. */
export const channelInfo = (channels: ReadonlyArray<PaymentChannel.PaymentChannel>): Int32Array => {
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
  channels: ReadonlyArray<PaymentChannel.PaymentChannel>,
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
    // join makes a flat string, which a lookup compares without following a cons string's parts.
    push(keyed, [pg, mid].join("."), c)
  }
  // Offset 0 is never a list, so 0 can mean "none" in a slot header.
  const out: Array<number> = [0]
  const byPg = new Map<string, number>()
  for (const [key, list] of keyed) byPg.set(key, appendHeader(out, list, info))
  // Each mode's configured default goes ahead of the rest; the oldest usable channel follows.
  const preferred: Array<number> = []
  const defaults = [merchant.defaultChannels.test, merchant.defaultChannels.live]
  for (let m = 0; m < 2; m++) {
    const c = defaults[m] === undefined ? undefined : byKey.get(defaults[m]!)
    if (c !== undefined && modeIndex(channels[c]!.mode) === m) preferred.push(c)
  }
  const fallbackAt = appendHeader(out, [...preferred, ...inScope.filter((c) => !preferred.includes(c))], info)
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
    table: Int32Array.from(out),
    byPg,
    byKey,
    fallbackAt,
    modes: (test > 0 ? 1 : 0) | (live > 0 ? 2 : 0),
    counts: [test, live],
    routes
  }
}
