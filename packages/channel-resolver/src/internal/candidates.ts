import { type ChannelGroup, type Merchant, type PaymentChannel, PgCatalog, type SubMerchant } from "@paymux/domain"
import type { PgSelector } from "./selector.ts"

type Channel = PaymentChannel.PaymentChannel

/** Where a search happens: the merchant, or one tier's assigned channels, with each mode's count. */
export interface Scope {
  /** The assigned channel keys; undefined for the merchant's own scope (every channel). */
  readonly assigned: ReadonlySet<string> | undefined
  readonly test: number
  readonly live: number
}

/** The channels a `pg` string names, by payment type, with the string's code and MID. */
export interface Named extends PgSelector {
  readonly byType: ReadonlyMap<string, ReadonlyArray<Channel>>
}

/**
 * A built index: what it was built from, and plain maps to find the candidates of a request.
 * The rules themselves are in criteria.ts; these maps only narrow where they are applied.
 */
export interface IndexState {
  readonly merchant: Merchant.Merchant
  /** Every channel of the merchant, oldest first. */
  readonly channels: ReadonlyArray<Channel>
  readonly groups: ReadonlyArray<ChannelGroup.ChannelGroup>
  readonly catalog: PgCatalog.PgCatalog
  readonly byKey: ReadonlyMap<string, Channel>
  /** Each channel's place in `channels`: which of two is older. */
  readonly order: ReadonlyMap<Channel, number>
  /**
   * By `pg` string as a request writes it (both `kcp` and `kcp.T0000`), then by payment type: the
   * channels it names, oldest first. The payment type keeps the lists short however many
   * channels a merchant has.
   */
  readonly byPg: ReadonlyMap<string, Named>
  /** By payment type, oldest first: the candidates for the default channel. */
  readonly byType: ReadonlyMap<string, ReadonlyArray<Channel>>
  readonly groupsById: ReadonlyMap<string, ChannelGroup.ChannelGroup>
  /** PG codes of the merchant's channels, which a `pg` string may use even if the catalog lacks them. */
  readonly codes: ReadonlySet<string>
  readonly main: Scope
  readonly tiers: ReadonlyMap<string, Scope>
}

const scope = (channels: ReadonlyArray<Channel>, assigned: ReadonlySet<string> | undefined): Scope => {
  let test = 0
  let live = 0
  for (const c of channels) {
    if (assigned !== undefined && !assigned.has(c.key)) continue
    if (c.mode === "test") test++
    else live++
  }
  return { assigned, test, live }
}

const append = <V>(map: Map<string, Array<V>>, key: string, value: V): void => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

const appendNamed = (
  map: Map<string, Named & { byType: Map<string, Array<Channel>> }>,
  pg: string,
  mid: string | undefined,
  c: Channel
): void => {
  let named = map.get(pg)
  if (named === undefined) map.set(pg, (named = { code: c.pg, mid, byType: new Map() }))
  append(named.byType, c.paymentType, c)
}

/** The maps of an index over `channels`, already in creation order and checked by the caller. */
export const build = (
  merchant: Merchant.Merchant,
  channels: ReadonlyArray<Channel>,
  subMerchants: ReadonlyArray<SubMerchant.SubMerchant>,
  groups: ReadonlyArray<ChannelGroup.ChannelGroup>,
  catalog: PgCatalog.PgCatalog
): IndexState => {
  const byPg = new Map<string, Named & { byType: Map<string, Array<Channel>> }>()
  const byType = new Map<string, Array<Channel>>()
  for (const c of channels) {
    // The catalog's `selection` decides which `pg` strings name a channel at all (none for a
    // `channel-key` PG, only `code.MID` for a `code-and-mid` one); the others fail to parse.
    const provider = catalog.providers.get(c.pg)
    const selection = provider === undefined ? "code" : PgCatalog.selectionOf(provider)
    if (selection === "code") appendNamed(byPg, c.pg, undefined, c)
    if (selection !== "channel-key") appendNamed(byPg, `${c.pg}.${c.mid}`, c.mid, c)
    append(byType, c.paymentType, c)
  }
  return {
    merchant,
    channels,
    groups,
    catalog,
    byKey: new Map(channels.map((c) => [c.key as string, c])),
    order: new Map(channels.map((c, i) => [c, i])),
    byPg,
    byType,
    groupsById: new Map(groups.map((g) => [g.id as string, g])),
    codes: new Set(channels.map((c) => c.pg as string)),
    main: scope(channels, undefined),
    tiers: new Map(subMerchants.map((s) => [s.tier as string, scope(channels, new Set<string>(s.channels))]))
  }
}
