/**
 * The benchmark's world: merchants with 10 to 1,000 channels each (log-uniform, mean ~215; the
 * first 100 merchants at exactly 10 channels and the next 100 at exactly 1,000) and a generator of
 * mixed requests against them, all from one seed.
 *
 * Channels are made as compact plain records (PaymentChannel.make would validate two million of
 * them for minutes) holding only what resolution reads, from PG codes, payment types and pay
 * methods of the catalog, with repeated values shared and every string flat, as a loader that
 * decodes JSON rows would leave them.
 */
import type { ChannelGroup, Merchant, PaymentChannel, SubMerchant } from "@paymux/domain"
import { PgCatalog } from "@paymux/domain"
import type * as ChannelIndex from "../src/ChannelIndex.ts"
import type { ResolveRequest } from "../src/Resolution.ts"
import { seeded } from "../test/support/worlds.ts"

export interface World {
  readonly inputs: ReadonlyArray<ChannelIndex.IndexInput>
  readonly totalChannels: number
  /** A request against a merchant drawn from `pool` (default: all). */
  readonly request: (pool?: ReadonlyArray<ChannelIndex.IndexInput>) => ResolveRequest
  /**
   * A request against a merchant drawn by popularity: Zipf with exponent 1 over the merchants in
   * a random order of rank, so the most popular of 10,000 gets ~10% of requests and the top 100
   * about half.
   */
  readonly skewedRequest: () => ResolveRequest
}

export const makeWorld = (MERCHANTS: number, seed = 20240601): World => {
  const rand = seeded(seed)
  const int = (n: number) => Math.floor(rand() * n)
  const pickOne = <A>(xs: ReadonlyArray<A>): A => xs[int(xs.length)]!

  const pgs = ["kcp", "html5_inicis", "nice_v2", "tosspayments", "uplus", "kakaopay", "danal_tpay", "ksnet", "welcome", "smartro_v2", "kicc", "daou"]
  const providers = pgs.map((code) => PgCatalog.builtIn.providers.get(code)!)
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0")

  // Shared values, as a loader that interns what repeats would hold them.
  const methodLists = new Map<string, ReadonlyArray<string>>()
  const methodsOf = (offered: ReadonlyArray<string>, n: number) => {
    const id = `${offered.join(",")}/${n}`
    let list = methodLists.get(id)
    if (list === undefined) methodLists.set(id, list = offered.slice(0, n))
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
      enabled: rand() < 0.9,
      sequence: j
    } as unknown as PaymentChannel.PaymentChannel
  }

  const channelCount = (m: number): number =>
    m < 100 ? 10 : m < 200 ? 1000 : Math.round(10 * Math.pow(100, rand()))

  // Merchant codes first, so the strings every request compares sit together in memory.
  const codes = Array.from({ length: MERCHANTS }, (_, m) => `imp${String(10_000_000 + m).slice(-8)}`)
  const inputs: Array<ChannelIndex.IndexInput> = []
  let totalChannels = 0
  for (let m = 0; m < MERCHANTS; m++) {
    const code = codes[m]!
    const n = channelCount(m)
    totalChannels += n
    // A few MIDs per merchant (some with dots), so one PG code often has several channels.
    const mids = Array.from({ length: 1 + Math.ceil(n / 25) }, (_, k) => join([`MID${k}`, hex(m, 4)], "."))
    const channels = Array.from({ length: n }, (_, j) => makeChannel(code, mids, m, j))
    const merchant = { code, name: "bench", policy: rand() < 0.9 ? "fallback" : "strict", defaultChannels: {}, createdAt: 0, version: 0 } as unknown as Merchant.Merchant
    const subMerchants = rand() < 0.2
      ? ["T01", "T02"].map((tier) => ({ merchant: code, tier, name: tier, channels: channels.filter(() => rand() < 0.1).map((c) => c.key), createdAt: 0, version: 0 }) as unknown as SubMerchant.SubMerchant)
      : []
    const live = channels.filter((c) => c.mode === "live").slice(0, 4)
    const groups = rand() < 0.2 && live.length > 0
      ? [{ id: `channel-group-${hex(m, 8)}-0000-4000-8000-000000000000`, merchant: code, name: "g", mode: "live", createdAt: 0, version: 0,
        members: live.map((c, i) => ({ channel: c.key, weight: i === 0 ? 100 - 10 * (live.length - 1) : 10 })) } as unknown as ChannelGroup.ChannelGroup]
      : []
    inputs.push({ merchant, channels, subMerchants, groups })
  }

  const requestFor = (input: ChannelIndex.IndexInput): ResolveRequest => {
    const c = pickOne(input.channels)
    const merchant = input.merchant.code
    const payMethod = rand() < 0.3 ? "card" : undefined
    const paymentType = c.paymentType
    const r = rand()
    if (r < 0.3) return { merchant, mode: c.mode, pg: c.pg, payMethod, paymentType }
    if (r < 0.6) return { merchant, mode: c.mode, pg: join([c.pg, c.mid], "."), payMethod, paymentType }
    if (r < 0.75) return { merchant, mode: c.mode, payMethod }
    if (r < 0.9) return { merchant, mode: c.mode, channelKey: c.key }
    const miss = rand()
    if (miss < 0.4) return { merchant, mode: c.mode, pg: "tosspayment" }
    if (miss < 0.8) return { merchant, mode: c.mode, pg: join([c.pg, "NOPE"], ".") }
    return { merchant, mode: c.mode, channelKey: "channel-key-ffffffff-ffff-4fff-bfff-ffffffffffff" }
  }
  const ranked = [...inputs]
  for (let i = ranked.length - 1; i > 0; i--) {
    const j = int(i + 1)
    ;[ranked[i], ranked[j]] = [ranked[j]!, ranked[i]!]
  }
  const cumulative = new Float64Array(ranked.length)
  let sum = 0
  ranked.forEach((_, k) => cumulative[k] = sum += 1 / (k + 1))
  const byPopularity = (): ChannelIndex.IndexInput => {
    const x = rand() * sum
    let lo = 0
    let hi = ranked.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return ranked[lo]!
  }
  return { inputs, totalChannels, request: (pool = inputs) => requestFor(pickOne(pool)), skewedRequest: () => requestFor(byPopularity()) }
}
