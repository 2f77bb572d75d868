import { type ChannelGroup, ChannelTerms, type Merchant, type PaymentChannel, type PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import type { Resolution } from "../Resolution.ts"

type Success = Result.Result<Resolution, never>

// The tables are keyed by a "slot": mode and payment type folded into one small integer, so a
// lookup indexes an array instead of building a composite string key.
const typeSlots = 6

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

/**
 * One channel as the index holds it: its slot (-1 when it can serve nothing: disabled, or a
 * purpose that contradicts its payment type), its pay methods as a set, and its successful
 * results, made on first use and then shared so that a hit allocates nothing.
 */
export class Entry {
  readonly channel: PaymentChannel.PaymentChannel
  readonly methods: ReadonlySet<string>
  readonly slot: number
  /** `code.MID`, the channel's full `pg` string. */
  readonly pgKey: string
  private byPg: Success | undefined
  private byDefault: Success | undefined
  private byKey: Success | undefined
  private byGroup: Success | undefined
  constructor(channel: PaymentChannel.PaymentChannel, methods: ReadonlySet<string>) {
    this.channel = channel
    this.methods = methods
    const usable = channel.enabled && channel.purpose === ChannelTerms.purposeOf(channel.paymentType)
    this.slot = usable ? slotOf(channel.mode, channel.paymentType) : -1
    this.pgKey = `${channel.pg}.${channel.mid}`
  }
  serves(slot: number, payMethod: string | undefined): boolean {
    return this.slot === slot && slot !== -1 && (payMethod === undefined || this.methods.has(payMethod))
  }
  viaPg(): Success {
    return this.byPg ??= Result.succeed({ channel: this.channel, via: "pg" })
  }
  viaDefault(): Success {
    return this.byDefault ??= Result.succeed({ channel: this.channel, via: "default" })
  }
  viaKey(): Success {
    return this.byKey ??= Result.succeed({ channel: this.channel, via: "channelKey" })
  }
  viaGroup(): Success {
    return this.byGroup ??= Result.succeed({ channel: this.channel, via: "group" })
  }
}

/**
 * Usable channels of one slot in search order, reduced to the answer per pay method. A single
 * channel is stored as its entry, without a bucket.
 */
export interface Bucket {
  readonly first: Entry
  readonly byMethod: ReadonlyMap<string, Entry>
}

/** Answers per slot (a sparse array of `slotCount` cells). */
export type Slots = ReadonlyArray<Bucket | Entry | undefined>

export const slotCount = 2 * typeSlots

export const pick = (cell: Bucket | Entry | undefined, payMethod: string | undefined): Entry | undefined => {
  if (cell === undefined) return undefined
  if (cell instanceof Entry) return payMethod === undefined || cell.methods.has(payMethod) ? cell : undefined
  return payMethod === undefined ? cell.first : cell.byMethod.get(payMethod)
}

const cellOf = (entries: ReadonlyArray<Entry>): Bucket | Entry => {
  const first = entries[0]!
  if (entries.length === 1) return first
  const byMethod = new Map<string, Entry>()
  for (const entry of entries) {
    for (const method of entry.methods) if (!byMethod.has(method)) byMethod.set(method, entry)
  }
  return { first, byMethod }
}

const slotsOf = (entries: ReadonlyArray<Entry>): Slots => {
  const bySlot: Array<Array<Entry> | undefined> = new Array(slotCount).fill(undefined)
  for (const entry of entries) if (entry.slot !== -1) (bySlot[entry.slot] ??= []).push(entry)
  return bySlot.map((list) => (list === undefined ? undefined : cellOf(list)))
}

/** A group's members usable in a scope (assigned and enabled), with their weights. */
export interface Route {
  readonly members: ReadonlyArray<Entry>
  readonly weights: ReadonlyArray<number>
}

/** Everything one resolution scope (the merchant, or one tier) answers from. */
export interface Scope {
  readonly tier: string | undefined
  readonly assigned: ReadonlySet<string> | undefined
  readonly byKey: ReadonlyMap<string, Entry>
  /**
   * By `pg` string, both `code` and `code.MID`: the entry itself when one channel has that key
   * (the usual `code.MID` case), else answers per slot.
   */
  readonly byPg: ReadonlyMap<string, Entry | Slots>
  /** The default channel per slot: the configured default first, then the oldest. */
  readonly fallback: Slots
  /** Channels per mode (test, live), whatever their state. */
  readonly counts: readonly [number, number]
  /** Bit 0: the scope has a test channel; bit 1: a live one. Read on every request, so kept inline. */
  readonly modes: number
  readonly routes: ReadonlyMap<string, Route>
}

const push = <K, V>(map: Map<K, Array<V>>, key: K, value: V): void => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/**
 * Builds a scope from the merchant's entries, oldest first. `assigned` is the tier's set of keys
 * (undefined for the merchant itself).
 */
export const buildScope = (
  tier: string | undefined,
  assigned: ReadonlySet<string> | undefined,
  entries: ReadonlyArray<Entry>,
  merchant: Merchant.Merchant,
  groups: ReadonlyArray<ChannelGroup.ChannelGroup>
): Scope => {
  const inScope = assigned === undefined ? entries : entries.filter((e) => assigned.has(e.channel.key))
  const byKey = new Map(inScope.map((e) => [e.channel.key as string, e]))
  const keyed = new Map<string, Array<Entry>>()
  for (const entry of inScope) {
    push(keyed, entry.channel.pg, entry)
    push(keyed, entry.pgKey, entry)
  }
  const byPg = new Map<string, Entry | Slots>()
  for (const [key, list] of keyed) byPg.set(key, list.length === 1 ? list[0]! : slotsOf(list))
  // Each mode's configured default goes ahead of the rest; the oldest usable channel follows.
  const preferred = [merchant.defaultChannels.test, merchant.defaultChannels.live]
    .map((key) => (key === undefined ? undefined : byKey.get(key)))
    .filter((e, m): e is Entry => e !== undefined && modeIndex(e.channel.mode) === m)
  const ordered = [...preferred, ...inScope.filter((e) => !preferred.includes(e))]
  const routes = new Map<string, Route>()
  for (const group of groups) {
    const members: Array<Entry> = []
    const weights: Array<number> = []
    for (const member of group.members) {
      const entry = byKey.get(member.channel)
      if (entry !== undefined && entry.slot !== -1) {
        members.push(entry)
        weights.push(member.weight)
      }
    }
    routes.set(group.id, { members, weights })
  }
  const test = inScope.filter((e) => e.channel.mode === "test").length
  const live = inScope.length - test
  return { tier, assigned, byKey, byPg, fallback: slotsOf(ordered), counts: [test, live], modes: (test > 0 ? 1 : 0) | (live > 0 ? 2 : 0), routes }
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
  readonly groups: ReadonlyArray<ChannelGroup.ChannelGroup>
  readonly groupsById: ReadonlyMap<string, ChannelGroup.ChannelGroup>
  readonly catalog: PgCatalog.PgCatalog
  /** PG codes of the merchant's channels, which a `pg` string may use even if the catalog lacks them. */
  readonly codes: ReadonlySet<string>
  readonly tiers: ReadonlyMap<string, Scope>
}
