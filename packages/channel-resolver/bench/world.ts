/**
 * The benchmark's world: merchants whose channel counts `channelCount` gives (see
 * resolver.bench.ts), and a generator of requests against them, all from one seed.
 *
 * Channels are made as compact plain records holding only what resolution reads, from PG codes,
 * payment types and pay methods of the catalog, as a loader that decodes JSON rows would leave
 * them.
 */
import type { ChannelGroup, Merchant, PaymentChannel, SubMerchant } from "@paymux/domain"
import { PgCatalog } from "@paymux/domain"
import type * as ChannelIndex from "../src/ChannelIndex.ts"
import type { ResolveRequest } from "../src/Resolution.ts"
import { seeded } from "../test/support/worlds.ts"

export interface World {
  readonly inputs: ReadonlyArray<ChannelIndex.IndexInput>
  readonly totalChannels: number
  /** A request that one of its channels serves, against a merchant drawn from `pool` (default: all). */
  readonly request: (pool?: ReadonlyArray<ChannelIndex.IndexInput>) => ResolveRequest
  /** A request no channel serves (a typo, an unknown MID or key), against a merchant drawn from `pool`. */
  readonly miss: (pool?: ReadonlyArray<ChannelIndex.IndexInput>) => ResolveRequest
}

/** `channelCount(m, draw)` gives merchant `m`'s number of channels; `draw()` is uniform in [0, 1). */
export const makeWorld = (MERCHANTS: number, channelCount: (m: number, draw: () => number) => number, seed = 20240601): World => {
  const rand = seeded(seed)
  const int = (n: number) => Math.floor(rand() * n)
  const pickOne = <A>(xs: ReadonlyArray<A>): A => xs[int(xs.length)]!

  const pgs = [
    "kcp",
    "html5_inicis",
    "nice_v2",
    "tosspayments",
    "uplus",
    "kakaopay",
    "danal_tpay",
    "ksnet",
    "welcome",
    "smartro_v2",
    "kicc",
    "daou"
  ]
  const providers = pgs.map((code) => PgCatalog.builtIn.providers.get(code)!)
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0")

  // Shared values, as a loader that interns what repeats would hold them.
  const methodLists = new Map<string, ReadonlyArray<string>>()
  const methodsOf = (offered: ReadonlyArray<string>, n: number) => {
    const id = `${offered.join(",")}/${n}`
    let list = methodLists.get(id)
    if (list === undefined) methodLists.set(id, (list = offered.slice(0, n)))
    return list
  }

  // Array.prototype.join makes a flat string; a template literal of 13 characters or more makes a
  // tree of string pieces that would cost the heap several objects per string.
  const join = (parts: ReadonlyArray<string>, sep: string): string => parts.join(sep)

  const makeChannel = (merchant: string, mids: ReadonlyArray<string>, m: number, j: number): PaymentChannel.PaymentChannel => {
    const provider = pickOne(providers)
    const types = PgCatalog.paymentTypesOf(provider).filter((t) => t !== "certification")
    const paymentType = rand() < 0.75 && types.includes("window.general") ? "window.general" : pickOne(types)
    const offered = PgCatalog.payMethodsOf(provider, paymentType)
    const methods = rand() < 0.5 ? offered : methodsOf(offered, 1 + int(Math.min(3, offered.length)))
    // Only the fields resolution reads (no name, credentials, timestamps): a compact record.
    return {
      key: join(["channel-key", hex(m, 8), hex(j, 4), "4000-8000", hex(m * 1000 + j, 12)], "-"),
      merchant,
      mode: rand() < 0.5 ? "test" : "live",
      pg: provider.code,
      mid: pickOne(mids),
      purpose: "payment",
      paymentType,
      payMethods: methods,
      // Each merchant's first channel is enabled, so every merchant has a request that hits.
      enabled: j === 0 || rand() < 0.9,
      sequence: j
    } as unknown as PaymentChannel.PaymentChannel
  }

  // Merchant codes first, so the strings every request compares sit together in memory.
  const codes = Array.from({ length: MERCHANTS }, (_, m) => `imp${String(10_000_000 + m).slice(-8)}`)
  const inputs: Array<ChannelIndex.IndexInput> = []
  let totalChannels = 0
  for (let m = 0; m < MERCHANTS; m++) {
    const code = codes[m]!
    const n = channelCount(m, rand)
    totalChannels += n
    // A few MIDs per merchant (some with dots), so one PG code often has several channels.
    const mids = Array.from({ length: 1 + Math.ceil(n / 25) }, (_, k) => join([`MID${k}`, hex(m, 4)], "."))
    const channels = Array.from({ length: n }, (_, j) => makeChannel(code, mids, m, j))
    const merchant = {
      code,
      name: "bench",
      policy: rand() < 0.9 ? "fallback" : "strict",
      defaultChannels: {},
      createdAt: 0,
      version: 0
    } as unknown as Merchant.Merchant
    const subMerchants =
      rand() < 0.2
        ? ["T01", "T02"].map(
            (tier) =>
              ({
                merchant: code,
                tier,
                name: tier,
                channels: channels.filter(() => rand() < 0.1).map((c) => c.key),
                createdAt: 0,
                version: 0
              }) as unknown as SubMerchant.SubMerchant
          )
        : []
    const live = channels.filter((c) => c.mode === "live").slice(0, 4)
    const groups =
      rand() < 0.2 && live.length > 0
        ? [
            {
              id: `channel-group-${hex(m, 8)}-0000-4000-8000-000000000000`,
              merchant: code,
              name: "g",
              mode: "live",
              createdAt: 0,
              version: 0,
              members: live.map((c, i) => ({ channel: c.key, weight: i === 0 ? 100 - 10 * (live.length - 1) : 10 }))
            } as unknown as ChannelGroup.ChannelGroup
          ]
        : []
    inputs.push({ merchant, channels, subMerchants, groups })
  }

  /** A request aimed at one enabled channel's own facts, so that channel (or an older one) serves it. */
  const requestFor = (input: ChannelIndex.IndexInput): ResolveRequest => {
    const enabled = input.channels.filter((c) => c.enabled)
    const c = pickOne(enabled.length > 0 ? enabled : input.channels)
    const merchant = input.merchant.code
    const payMethod = rand() < 0.3 && c.payMethods.length > 0 ? c.payMethods[0] : undefined
    const paymentType = c.paymentType
    const r = rand()
    if (r < 0.3) return { merchant, mode: c.mode, pg: c.pg, payMethod, paymentType }
    if (r < 0.6) return { merchant, mode: c.mode, pg: join([c.pg, c.mid], "."), payMethod, paymentType }
    if (r < 0.8) return { merchant, mode: c.mode, payMethod, paymentType }
    return { merchant, mode: c.mode, channelKey: c.key, paymentType }
  }
  const missFor = (input: ChannelIndex.IndexInput): ResolveRequest => {
    const c = pickOne(input.channels)
    const merchant = input.merchant.code
    const r = rand()
    if (r < 0.4) return { merchant, mode: c.mode, pg: "tosspayment" }
    if (r < 0.8) return { merchant, mode: c.mode, pg: join([c.pg, "NOPE"], ".") }
    return { merchant, mode: c.mode, channelKey: "channel-key-ffffffff-ffff-4fff-bfff-ffffffffffff" }
  }
  return {
    inputs,
    totalChannels,
    request: (pool = inputs) => requestFor(pickOne(pool)),
    miss: (pool = inputs) => missFor(pickOne(pool))
  }
}
