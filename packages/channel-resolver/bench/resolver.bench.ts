/**
 * The index against a plain linear scan, in one run, over a realistic world: 1,000 merchants with
 * 1 to 200 channels each (log-uniform; 20 of them at exactly 10 and 20 at exactly 200) plus one
 * merchant with 1,000 channels. See bench/README.md for how to read the output.
 *
 * Requests are what a server resolves: a body it has just decoded. Each is kept as its JSON text
 * and decoded shortly before it is resolved, a thousand at a time, outside the timed part. The
 * resolutions are timed in runs of 100 and each figure is the median over all runs of all passes
 * (this 2-core VM is shared, and a median is not moved by the moments another process has it).
 */
import type { PaymentChannel } from "@paymux/domain"
import { Result } from "effect"
import * as ChannelIndex from "../src/ChannelIndex.ts"
import * as ChannelResolver from "../src/ChannelResolver.ts"
import type { ResolveRequest } from "../src/Resolution.ts"
import { makeWorld } from "./world.ts"

type Channel = PaymentChannel.PaymentChannel

const MERCHANTS = 1_000
const BIG = MERCHANTS // the merchant with 1,000 channels
const REQUESTS = 50_000
const ROUNDS = 5
const BATCH = 1_000

const { inputs, miss, request } = makeWorld(MERCHANTS + 1, (m, draw) =>
  m === BIG ? 1_000 : m < 20 ? 10 : m < 40 ? 200 : Math.round(200 ** draw())
)
const directory = ChannelResolver.directory(inputs.map((input) => Result.getOrThrow(ChannelIndex.make(input))))
const ordered = new Map(inputs.map((input) => [input.merchant.code as string, [...input.channels].sort((a, b) => a.sequence - b.sequence)]))

/**
 * The faithful baseline: one pass over the merchant's channels, oldest first, checking each rule
 * inline, as a first implementation would. It answers hits only (the world's merchants have no
 * configured default, so the default is the oldest channel that serves).
 */
const plainScan = (channels: ReadonlyArray<Channel>, r: ResolveRequest): Channel | undefined => {
  const paymentType = r.paymentType ?? "window.general"
  const dot = r.pg === undefined ? -1 : r.pg.indexOf(".")
  const code = r.pg === undefined || dot === -1 ? r.pg : r.pg.slice(0, dot)
  const mid = r.pg === undefined || dot === -1 ? undefined : r.pg.slice(dot + 1)
  for (const c of channels) {
    if (r.channelKey !== undefined ? c.key !== r.channelKey : (code !== undefined && c.pg !== code) || (mid !== undefined && c.mid !== mid))
      continue
    if (c.mode !== r.mode || !c.enabled || c.purpose !== "payment" || c.paymentType !== paymentType) continue
    if (r.payMethod === undefined || (c.payMethods as ReadonlyArray<string>).includes(r.payMethod)) return c
  }
  return undefined
}

const RUN = 100
const batch = new Array<ResolveRequest>(BATCH)
let sink = 0

/** One pass over `texts`: ns per resolution of each run of `RUN` resolutions, timing only them. */
const pass = (texts: ReadonlyArray<string>, resolveOne: (r: ResolveRequest) => boolean): Array<number> => {
  const runs: Array<number> = []
  for (let from = 0; from < texts.length; from += BATCH) {
    const n = Math.min(BATCH, texts.length - from)
    for (let i = 0; i < n; i++) batch[i] = JSON.parse(texts[from + i]!) as ResolveRequest
    for (let at = 0; at < n; at += RUN) {
      const end = Math.min(n, at + RUN)
      const start = performance.now()
      for (let i = at; i < end; i++) if (resolveOne(batch[i]!)) sink++
      runs.push(((performance.now() - start) * 1e6) / (end - at))
    }
  }
  return runs
}
const viaIndex = (r: ResolveRequest) => Result.isSuccess(directory.resolve(r))
const viaScan = (r: ResolveRequest) => plainScan(ordered.get(r.merchant)!, r) !== undefined
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Both resolvers over the same requests, passes interleaved so neither gets a warmer machine. */
const measure = (texts: ReadonlyArray<string>): { index: number; scan: number } => {
  pass(texts, viaIndex)
  pass(texts, viaScan)
  const index: Array<number> = []
  const scan: Array<number> = []
  for (let i = 0; i < ROUNDS; i++) {
    index.push(...pass(texts, viaIndex))
    scan.push(...pass(texts, viaScan))
  }
  return { index: median(index), scan: median(scan) }
}

const texts = (make: () => ResolveRequest, n = REQUESTS) => Array.from({ length: n }, () => JSON.stringify(make()))
const pool = (pred: (n: number) => boolean) => inputs.filter((input, m) => m !== BIG && pred(input.channels.length))
const world = inputs.slice(0, MERCHANTS)
const big = [inputs[BIG]!]

// Same answers first: the benchmark means nothing if the two disagree.
for (const t of [...texts(() => request(world), 20_000), ...texts(() => request(big), 5_000)]) {
  const r = JSON.parse(t) as ResolveRequest
  const ours = directory.resolve(r)
  const theirs = plainScan(ordered.get(r.merchant)!, r)
  // (A merchant whose channels are all disabled gets misses from both.)
  if ((Result.isSuccess(ours) ? ours.success.channel : undefined) !== theirs) throw new Error(`disagreement on ${t}`)
}

const rows = {
  "world: 1,000 merchants, 1-200 channels": measure(texts(() => request(world))),
  "10 channels (20 merchants)": measure(texts(() => request(pool((n) => n === 10)))),
  "200 channels (20+ merchants)": measure(texts(() => request(pool((n) => n === 200)))),
  "1,000 channels (1 merchant)": measure(texts(() => request(big)))
}
const table: Record<string, Record<string, string>> = {}
for (const [name, { index, scan }] of Object.entries(rows)) {
  table[name] = { "index ns": index.toFixed(0), "plain scan ns": scan.toFixed(0), "scan / index": `${(scan / index).toFixed(1)}x` }
}
console.log(
  `hits (code, code.MID, absent, channelKey; 30% with a pay method), ${REQUESTS} requests per row, ${ROUNDS} passes; median ns per resolution over runs of ${RUN}`
)
console.table(table)

// Misses build their explanation (every candidate and why), which the plain scan does not: index only.
const missNs = (inputsOf: typeof world) => {
  const t = texts(() => miss(inputsOf), 20_000)
  pass(t, viaIndex)
  return median(Array.from({ length: 3 }, () => pass(t, viaIndex)).flat())
}
console.log(`misses and fallbacks (index only): world ${missNs(world).toFixed(0)} ns, 1,000 channels ${missNs(big).toFixed(0)} ns`)

const at = (k: keyof typeof rows) => rows[k]
const ratio1000 = at("1,000 channels (1 merchant)").scan / at("1,000 channels (1 merchant)").index
const growth = at("1,000 channels (1 merchant)").index / at("10 channels (20 merchants)").index
const at200 = at("200 channels (20+ merchants)").index
console.log(
  `targets: >= 10x the plain scan at 1,000 channels: ${ratio1000.toFixed(1)}x ${ratio1000 >= 10 ? "met" : "MISSED"}; ` +
    `1,000 vs 10 channels within 1.5x: ${growth.toFixed(2)}x ${growth <= 1.5 ? "met" : "MISSED"}; ` +
    `<= 2 us at 200 channels: ${at200.toFixed(0)} ns ${at200 <= 2_000 ? "met" : "MISSED"}`
)
if (sink < 0) console.log(sink)
