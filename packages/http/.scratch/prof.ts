import { Worker } from "node:worker_threads"
import { AdminContext, ApiKeys, Channels, Merchants, ResolverCache, Whitelists } from "@paymux/admin"
import { Memory } from "@paymux/store"
import { Effect, Layer, Redacted } from "effect"
import { NodeBridge, PaymuxHttp } from "../src/index.ts"
const seconds = Number(process.env["BENCH_SECONDS"] ?? 4)
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
const api = PaymuxHttp.makeHandler({ layer: shared, docs: "none" })
const full = await NodeBridge.listen(api.handler, { port: 0 })
const payload = JSON.stringify({ mode: "test", pg: "kcp", payMethod: "card" })
const loadScript = `
const { parentPort, workerData } = require("node:worker_threads")
const { Agent, request } = require("node:http")
const { url, headers, payload, seconds, concurrency } = workerData
const target = new URL(url)
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
const once = () => new Promise((resolve, reject) => {
  const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST",
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers } }, (res) => {
    res.resume(); res.on("end", () => resolve(res.statusCode)) })
  req.on("error", reject); req.end(payload)
})
;(async () => {
  let count = 0, failed = 0
  const started = performance.now(); const until = started + seconds * 1000
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) { if ((await once()) === 200) count++; else failed++ } }))
  agent.destroy()
  parentPort.postMessage({ rate: count / ((performance.now() - started) / 1000), failed })
})()`
const load = (url: string, headers: Record<string, string>): Promise<any> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(loadScript, { eval: true, workerData: { url, headers, payload, seconds, concurrency: 32 } })
    worker.once("message", (m) => { void worker.terminate(); resolve(m) })
    worker.once("error", reject)
  })
const { Session } = await import("node:inspector/promises")
const s = new Session(); s.connect()
await load(`${full.url}/merchants/${merchant}/resolve`, { authorization: `Bearer ${key.key.id}.${Redacted.value(key.secret)}` })
await s.post("Profiler.enable"); await s.post("Profiler.start")
console.log(await load(`${full.url}/merchants/${merchant}/resolve`, { authorization: `Bearer ${key.key.id}.${Redacted.value(key.secret)}` }))
const { profile } = await s.post("Profiler.stop")
const { writeFileSync } = await import("node:fs")
writeFileSync(process.env["PROF_OUT"] ?? "/tmp/prof/on.cpuprofile", JSON.stringify(profile))
await full.close(); await api.dispose()
