/**
 * Resolve requests per second through the HTTP handler on a local server, with API-key auth and
 * an enforced whitelist, against the same resolve use case on a route with both off. A small
 * keep-alive `http.request` loop drives each server.
 *
 *   npm run bench -w @paymux/http            (BENCH_SECONDS, BENCH_CONCURRENCY to tune)
 */
import { Worker } from "node:worker_threads"
import { AdminContext, ApiKeys, Channels, Merchants, Resolve, ResolverCache, Whitelists } from "@paymux/admin"
import { Memory } from "@paymux/store"
import { Effect, Layer, Redacted, Schema } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
import { Models, NodeBridge, PaymuxHttp, Problem } from "../src/index.ts"

const seconds = Number(process.env["BENCH_SECONDS"] ?? 5)
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

// The same resolve use case with neither auth nor whitelist.
const Open = HttpApi.make("open").add(HttpApiGroup.make("open").add(
  HttpApiEndpoint.post("resolve", "/open/:merchant/resolve", {
    params: { merchant: Schema.String },
    payload: Models.ResolveRequest,
    success: Models.ResolutionView,
    error: Problem.useCaseErrors
  })
))
const openGroup = HttpApiBuilder.group(Open, "open", (h) =>
  h.handle("resolve", ({ params, payload }) =>
    Effect.gen(function*() {
      const resolution = yield* Resolve.resolve({ ...payload, merchant: params.merchant })
      return { channel: yield* Channels.view(resolution.channel), via: resolution.via }
    }).pipe(Effect.mapError(Problem.fromError))))
const openApp = HttpApiBuilder.layer(Open).pipe(
  Layer.provide(openGroup),
  HttpRouter.provideRequest(Layer.merge(shared, ResolverCache.layer())),
  Layer.provide(HttpServer.layerServices)
)
const open = HttpRouter.toWebHandler(openApp, { disableLogger: true })
const bare = await NodeBridge.listen((r) => open.handler(r), { port: 0 })

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

const load = (url: string, headers: Record<string, string>): Promise<number> =>
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

const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(8)
console.log(`resolve over keep-alive HTTP, ${concurrency} connections, ${seconds}s each (Node ${process.version})`)
await load(`${bare.url}/open/${merchant}/resolve`, {}) // warm-up
const off = await load(`${bare.url}/open/${merchant}/resolve`, {})
const onToken = await load(`${full.url}/merchants/${merchant}/resolve`, { authorization: `Bearer ${token.accessToken}` })
const onSecret = await load(`${full.url}/merchants/${merchant}/resolve`, { authorization: `Bearer ${key.key.id}.${Redacted.value(key.secret)}` })
const overhead = (on: number) => (((off - on) / off) * 100).toFixed(1)
console.log(`auth + whitelist off              ${fmt(off)} req/s`)
console.log(`on, access token + whitelist      ${fmt(onToken)} req/s   overhead ${overhead(onToken)}%`)
console.log(`on, key id.secret + whitelist     ${fmt(onSecret)} req/s   overhead ${overhead(onSecret)}%`)
console.log(`target: >= 5,000 req/s with auth + whitelist on, overhead < 10%`)

await full.close()
await bare.close()
await api.dispose()
await open.dispose()
