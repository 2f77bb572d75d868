/**
 * Index vs naive linear scan, in one run: 10,000 merchants with 10 to 1,000 channels each and a
 * million mixed requests (code only, code.MID, absent, channelKey, misses). Then the time per
 * resolution at 1,000 channels against 10 channels per merchant.
 *
 * Channel counts are log-uniform between 10 and 1,000 (mean ~215); 100 merchants sit at exactly
 * 10 and 100 at exactly 1,000 for the per-size comparison. Channels are made as compact plain
 * records (PaymentChannel.make would validate two million of them for minutes) holding only what
 * resolution reads, from PG codes, payment types and pay methods of the catalog, with repeated
 * values shared and every string flat, as a loader that decodes JSON rows would leave them. Each
 * request gets its own (flat) `pg` string, as a decoded HTTP request would.
 *
 * Methodology: one untimed warm-up pass, then several timed passes over the same requests in the
 * same random order across all merchants (no batching); the median is the figure, with the range.
 * The naive scan is too slow for a million requests per pass, so it runs on a time-boxed prefix
 * of the same requests (the output says how many).
 */
import type { ChannelGroup, Merchant, PaymentChannel, SubMerchant } from "@paymux/domain"
import { PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import * as ChannelIndex from "../src/ChannelIndex.ts"
import * as ChannelResolver from "../src/ChannelResolver.ts"
import type { ResolveRequest } from "../src/Resolution.ts"
import * as Naive from "../test/support/NaiveResolver.ts"
import { seeded } from "../test/support/worlds.ts"

const MERCHANTS = 10_000
const REQUESTS = 1_000_000
const SIZE_REQUESTS = 200_000
const rand = seeded(20240601)
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

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`
const heapBefore = process.memoryUsage().heapUsed
let t0 = performance.now()
const indexes = inputs.map((input) => Result.getOrThrow(ChannelIndex.make(input)))
const buildMs = performance.now() - t0
const heapAfter = process.memoryUsage().heapUsed
const naives = new Map(inputs.map((input) => [input.merchant.code as string, Naive.load(input)]))
const directory = ChannelResolver.directory(indexes)

const requests = Array.from({ length: REQUESTS }, () => requestFor(pickOne(inputs)))

const ROUNDS = 5
const NAIVE_BUDGET_MS = 4_000
let sink = 0
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** One pass of the index over `rs`, in ns per resolution. A plain loop: no closure per request. */
const oursPass = (rs: ReadonlyArray<ResolveRequest>): number => {
  const random = seeded(1)
  const start = performance.now()
  for (let i = 0; i < rs.length; i++) {
    if (Result.isSuccess(ChannelResolver.resolveSync(directory, rs[i]!, random))) sink++
  }
  return ((performance.now() - start) * 1e6) / rs.length
}
/** One pass of the naive scan over `rs`, stopping after `budgetMs`: [ns per resolution, requests done]. */
const naivePass = (rs: ReadonlyArray<ResolveRequest>, budgetMs: number): [number, number] => {
  const random = seeded(1)
  const start = performance.now()
  let i = 0
  for (; i < rs.length; i++) {
    const r = rs[i]!
    if (Result.isSuccess(Naive.resolve(naives.get(r.merchant)!, r, random))) sink++
    if ((i & 1023) === 1023 && performance.now() - start > budgetMs) {
      i++
      break
    }
  }
  return [((performance.now() - start) * 1e6) / i, i]
}

// Same answers first: the benchmark is meaningless if the two disagree.
const agree = (rs: ReadonlyArray<ResolveRequest>, n: number) => {
  const a = seeded(7)
  const b = seeded(7)
  for (let i = 0; i < Math.min(n, rs.length); i++) {
    const r = rs[i]!
    const x = ChannelResolver.resolveSync(directory, r, a)
    const y = Naive.resolve(naives.get(r.merchant)!, r, b)
    const kx = Result.isSuccess(x) ? x.success.channel.key + x.success.via : x.failure._tag
    const ky = Result.isSuccess(y) ? y.success.channel.key + y.success.via : y.failure._tag
    if (kx !== ky) throw new Error(`disagreement on ${JSON.stringify(r)}: ${kx} vs ${ky}`)
  }
}
agree(requests, 20_000)

// Primary: the million requests in their random order across all merchants.
oursPass(requests) // warm-up: JIT, and the shared results made on first use
const oursRuns = Array.from({ length: ROUNDS }, () => oursPass(requests))
const oursNs = median(oursRuns)
naivePass(requests.slice(0, 2_000), 1_000) // warm-up
const [naiveNs, naiveCount] = naivePass(requests, NAIVE_BUDGET_MS)

// Per size: 100 merchants at exactly 10 channels and 100 at exactly 1,000, 200,000 requests
// each (2,000 per merchant), drawn at random within the pool.
const bySize = (n: number) => {
  const pool = inputs.filter((input) => input.channels.length === n)
  return Array.from({ length: SIZE_REQUESTS }, () => requestFor(pickOne(pool)))
}
const small = bySize(10)
const large = bySize(1000)
agree(small, 20_000)
agree(large, 20_000)
oursPass(small)
oursPass(large)
// Interleave the two sizes so neither gets a warmer JIT or cache.
const smallRuns: Array<number> = []
const largeRuns: Array<number> = []
for (let i = 0; i < ROUNDS; i++) {
  smallRuns.push(oursPass(small))
  largeRuns.push(oursPass(large))
}
const smallNs = median(smallRuns)
const largeNs = median(largeRuns)
const [naiveSmallNs] = naivePass(small, NAIVE_BUDGET_MS / 4)
const [naiveLargeNs, naiveLargeCount] = naivePass(large, NAIVE_BUDGET_MS / 4)

// Secondary, for the memory-latency explanation only: the same million requests grouped by
// merchant (a stable sort), so consecutive requests hit the same merchant's tables.
const grouped = [...requests].sort((a, b) => (a.merchant < b.merchant ? -1 : a.merchant > b.merchant ? 1 : 0))
oursPass(grouped)
const groupedRuns = Array.from({ length: ROUNDS }, () => oursPass(grouped))
const groupedNs = median(groupedRuns)

const perSec = (ns: number) => `${(1e9 / ns / 1e6).toFixed(2)} M/s`
const range = (runs: ReadonlyArray<number>) => `${Math.min(...runs).toFixed(0)}-${Math.max(...runs).toFixed(0)}`
console.log(`merchants ${MERCHANTS}, channels ${totalChannels} (10..1000 per merchant, log-uniform), requests ${REQUESTS}`)
console.log(`index build: ${(buildMs / 1000).toFixed(1)} s for all merchants, heap +${mb(heapAfter - heapBefore)} (heap now ${mb(process.memoryUsage().heapUsed)})`)
console.log(`primary: ${REQUESTS} requests in random order across all merchants; index: median of ${ROUNDS} passes after a warm-up pass`)
console.table({
  "index (ChannelResolver.resolveSync)": { "ns/resolution": oursNs.toFixed(0), "range ns": range(oursRuns), "resolutions/s": perSec(oursNs) },
  [`naive linear scan (first ${naiveCount} requests, time-boxed)`]: { "ns/resolution": naiveNs.toFixed(0), "range ns": "1 pass", "resolutions/s": perSec(naiveNs) }
})
console.log(`speed-up over naive: ${(naiveNs / oursNs).toFixed(1)}x`)
console.table({
  "10 channels/merchant (100 merchants)": { "index ns": smallNs.toFixed(0), "range ns": range(smallRuns), "naive ns": naiveSmallNs.toFixed(0) },
  "1,000 channels/merchant (100 merchants)": { "index ns": largeNs.toFixed(0), "range ns": range(largeRuns), "naive ns": naiveLargeNs.toFixed(0) }
})
console.log(`1,000 vs 10 channels: index ${(largeNs / smallNs).toFixed(2)}x (target <= 1.5x), naive ${(naiveLargeNs / naiveSmallNs).toFixed(1)}x (naive on first ${naiveLargeCount} at 1,000)`)
console.log(`targets: >= 2 M resolutions/s ${1e9 / oursNs >= 2e6 ? "met" : "MISSED"}; 1,000-channel time within 1.5x of 10 ${largeNs / smallNs <= 1.5 ? "met" : "MISSED"}`)
console.log(`secondary (not the target figure): the same requests grouped by merchant: ${groupedNs.toFixed(0)} ns (range ${range(groupedRuns)}), ${perSec(groupedNs)}`)
if (sink < 0) console.log(sink)
