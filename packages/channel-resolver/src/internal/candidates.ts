import type { ChannelGroup, ChannelTerms, PaymentChannel, SubMerchant } from "@paymux/domain"
import { Result } from "effect"
import type { ChannelIndex } from "../ChannelIndex.ts"
import * as PgSelector from "../PgSelector.ts"

type Channel = PaymentChannel.PaymentChannel
type ByType = ReadonlyMap<ChannelTerms.PaymentType, ReadonlyArray<Channel>>

/** Where a search happens, the merchant or one tier, and how many channels of each mode it has. */
export interface Scope {
  /** The assigned channel keys; undefined for the merchant's own scope (every channel). */
  readonly assigned: ReadonlySet<string> | undefined
  readonly test: number
  readonly live: number
}

/** The channels one `pg` string names, by payment type, with the string's code and MID. */
export interface Named extends PgSelector.PgSelector {
  readonly byType: ByType
}

/** A built index: plain maps that narrow where the rules (criteria.ts) are applied. */
export interface IndexState extends ChannelIndex {
  readonly byKey: ReadonlyMap<string, Channel>
  /** Each channel's place in `channels`: which of two is older. */
  readonly order: ReadonlyMap<Channel, number>
  /** By `pg` string as a request writes it (`kcp` and `kcp.T0000`), then by payment type; the lists oldest first. */
  readonly byPg: ReadonlyMap<string, Named>
  /** By payment type: the candidates for the default channel. */
  readonly byType: ByType
  readonly groupsById: ReadonlyMap<string, ChannelGroup.ChannelGroup>
  /** The PG codes of the merchant's channels, which a `pg` string may use even if the catalog lacks them. */
  readonly codes: ReadonlySet<string>
  readonly main: Scope
  readonly tiers: ReadonlyMap<string, Scope>
}

const scope = (channels: ReadonlyArray<Channel>, assigned: ReadonlySet<string> | undefined): Scope => {
  const inScope = assigned === undefined ? channels : channels.filter((c) => assigned.has(c.key))
  const test = inScope.filter((c) => c.mode === "test").length
  return { assigned, test, live: inScope.length - test }
}

const append = <K, V>(map: Map<K, Array<V>>, key: K, value: V): void => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/** The maps of an index over `channels`, in creation order. */
export const build = (index: ChannelIndex, subMerchants: ReadonlyArray<SubMerchant.SubMerchant>): IndexState => {
  const { merchant, channels, groups, catalog } = index
  const codes = new Set<string>(channels.map((c) => c.pg))
  const byPg = new Map<string, PgSelector.PgSelector & { byType: Map<ChannelTerms.PaymentType, Array<Channel>> }>()
  const byType = new Map<ChannelTerms.PaymentType, Array<Channel>>()
  for (const c of channels) {
    // A channel is named by the strings that parse to it: its PG's catalog `selection` allows both, `code.MID` only, or none.
    for (const pg of [c.pg, `${c.pg}.${c.mid}`]) {
      let named = byPg.get(pg)
      if (named === undefined) {
        const parsed = PgSelector.parse(pg, catalog, codes)
        if (Result.isFailure(parsed)) continue
        // Field by field: a spread makes a slower shape, here and in the state below.
        byPg.set(pg, (named = { code: parsed.success.code, mid: parsed.success.mid, byType: new Map() }))
      }
      append(named.byType, c.paymentType, c)
    }
    append(byType, c.paymentType, c)
  }
  return {
    merchant,
    channels,
    groups,
    catalog,
    byKey: new Map(channels.map((c) => [c.key, c])),
    order: new Map(channels.map((c, i) => [c, i])),
    byPg,
    byType,
    groupsById: new Map(groups.map((g) => [g.id, g])),
    codes,
    main: scope(channels, undefined),
    tiers: new Map(subMerchants.map((s) => [s.tier, scope(channels, new Set(s.channels))]))
  }
}
