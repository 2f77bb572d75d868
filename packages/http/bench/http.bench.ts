/**
 * Resolve requests per second through the HTTP handler on a local server, with API-key auth and
 * an enforced whitelist, against the same handler, bridge and endpoint with both off (its guard
 * takes any bearer as the merchant's and admits every address), so the difference is the cost of
 * auth + whitelist alone. A small keep-alive `http.request` loop drives each server.
 *
 * The three runs are interleaved in rounds (off, token, secret, then the next round in a rotated
 * order): each rate is the median of its rounds, with the spread (min-max), and each overhead is
 * the median over rounds of the on/off ratio within the round, so a burst of load from elsewhere
 * on the machine hits both sides of a comparison alike instead of skewing one.
 *
 *   npm run bench -w @paymux/http   (BENCH_SECONDS per run, BENCH_ROUNDS, BENCH_CONCURRENCY to tune)
 */
import { Worker } from "node:worker_threads"
import { AdminContext, ApiKeys, Channels, Merchants, ResolverCache, Whitelists } from "@paymux/admin"
import { Memory } from "@paymux/store"
import { Effect, Layer, Redacted } from "effect"
import { NodeBridge, PaymuxHttp } from "../src/index.ts"
import { makeUnguardedHandler } from "../src/internal/handler.ts"

const seconds = Number(process.env["BENCH_SECONDS"] ?? 5)
const rounds = Math.max(1, Number(process.env["BENCH_ROUNDS"] ?? 6))
const concurrency = Number(process.env["BENCH_CONCURRENCY"] ?? 32)

const store = Memory.make()
const shared = Layer.succeedContext(store)
const run = <A, E>(effect: Effect.Effect<A, E, any>): Promise<A> =>
  Effect.runPromise(effect.pipe(AdminContext.withActor({ kind: "system", id: "bench" }), Effect.provide(Layer.merge(shared, ResolverCache.layer()))) as Effect.Effect<A, E>)

const merchant = "imp20000000"
await run(Merchants.create({ name: "Bench shop", code: merchant }))
await run(Channels.add({ merchant, mode: "test", pg: "html5_inicis", paymentType: "window.general", payMethods: ["card"] }))
await run(Channels.add({ merchant, mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card", "vbank"] }))
await run(Whitelists.set(merchant, ["10.0.0.0/8", "127.0.0.1/32", "192.168.0.0/16"]))
const key = await run(ApiKeys.issue({ merchant, name: "bench" }))

// The real API: auth + whitelist on.
const api = PaymuxHttp.makeHandler({ layer: shared, docs: "none" })
const full = await NodeBridge.listen(api.handler, { port: 0 })

// The same handler with neither auth nor whitelist: any bearer is the merchant's, any address is fine.
const open = makeUnguardedHandler({ layer: shared, docs: "none" }, merchant)
const bare = await NodeBridge.listen(open.handler, { port: 0 })

const payload = JSON.stringify({ mode: "test", pg: "kcp", payMethod: "card" })

// The load runs in a worker thread, so client and server do not share one event loop.
const loadScript = `
const { parentPort, workerData } = require("node:worker_threads")
const { Agent, request } = require("node:http")
const { url, headers, payload, seconds, concurrency } = workerData
const target = new URL(url)
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
const once = () => new Promise((resolve, reject) => {
  const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST",
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers } }, (res) => {
    res.resume()
    res.on("end", () => resolve(res.statusCode))
  })
  req.on("error", reject)
  req.end(payload)
})
;(async () => {
  const first = await once()
  if (first !== 200) { parentPort.postMessage({ error: url + " answered " + first }); return }
  let count = 0, failed = 0
  const started = performance.now()
  const until = started + seconds * 1000
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) { if ((await once()) === 200) count++; else failed++ }
  }))
  agent.destroy()
  parentPort.postMessage({ rate: count / ((performance.now() - started) / 1000), failed })
})()
`

const load = (url: string, headers: Record<string, string>, seconds: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(loadScript, { eval: true, workerData: { url, headers, payload, seconds, concurrency } })
    worker.once("message", (m: { rate?: number; failed?: number; error?: string }) => {
      void worker.terminate()
      if (m.error !== undefined) reject(new Error(m.error))
      else if ((m.failed ?? 0) > 0) reject(new Error(`${m.failed} requests failed`))
      else resolve(m.rate ?? 0)
    })
    worker.once("error", reject)
  })

const token = (await (await fetch(`${full.url}/auth/token`, {
  method: "POST",
  body: JSON.stringify({ apiKey: key.key.id, apiSecret: Redacted.value(key.secret) })
})).json()) as { accessToken: string }

const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(7)
const median = (xs: ReadonlyArray<number>) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const runs = [
  { name: "auth + whitelist off         ", url: `${bare.url}/merchants/${merchant}/resolve`, headers: { authorization: "Bearer unchecked" } },
  { name: "on, access token + whitelist ", url: `${full.url}/merchants/${merchant}/resolve`, headers: { authorization: `Bearer ${token.accessToken}` } },
  { name: "on, key id.secret + whitelist", url: `${full.url}/merchants/${merchant}/resolve`, headers: { authorization: `Bearer ${key.key.id}.${Redacted.value(key.secret)}` } }
]
const perRound = seconds / rounds
console.log(`resolve over keep-alive HTTP, ${concurrency} connections, ${seconds}s per run in ${rounds} interleaved rounds (Node ${process.version})`)
for (const run of runs) await load(run.url, run.headers, Math.min(1, perRound)) // warm-up
const rates = runs.map(() => [] as Array<number>)
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < runs.length; i++) {
    const at = (i + r) % runs.length
    rates[at]!.push(await load(runs[at]!.url, runs[at]!.headers, perRound))
  }
}
const overhead = (i: number) => ((1 - median(rates[i]!.map((on, r) => on / rates[0]![r]!))) * 100).toFixed(1)
runs.forEach((run, i) => {
  const spread = `(${fmt(Math.min(...rates[i]!)).trim()}-${fmt(Math.max(...rates[i]!)).trim()})`
  console.log(`${run.name} ${fmt(median(rates[i]!))} req/s median ${spread.padEnd(14)}${i === 0 ? "" : `   overhead ${overhead(i)}%`}`)
})
console.log(`target: >= 5,000 req/s with auth + whitelist on, overhead < 10%`)

await full.close()
await bare.close()
await api.dispose()
await open.dispose()
