import { AdminContext, ApiKeys, Channels, Merchants, ResolverCache, Whitelists } from "@paymux/admin"
import { Memory } from "@paymux/store"
import { Effect, Layer, Redacted } from "effect"
import { PaymuxHttp } from "../src/index.ts"
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
const payload = JSON.stringify({ mode: "test", pg: "kcp", payMethod: "card" })
const auth = `Bearer ${key.key.id}.${Redacted.value(key.secret)}`
const once = async (path: string, method = "POST") => {
  const r = await api.handler(new Request(`http://127.0.0.1${path}`, { method, headers: { "content-type": "application/json", authorization: auth }, ...(method === "POST" ? { body: payload } : {}) }), { remoteAddress: "127.0.0.1" })
  await r.arrayBuffer()
  if (r.status !== 200) throw new Error(String(r.status))
}
const measure = async (name: string, path: string, method?: string) => {
  for (let i = 0; i < 2000; i++) await once(path, method)
  const N = 10000
  const t = performance.now()
  await Promise.all(Array.from({ length: 8 }, async () => { for (let i = 0; i < N / 8; i++) await once(path, method) }))
  const ms = performance.now() - t
  console.log(name.padEnd(20), Math.round(N / ms * 1000), "req/s", (ms * 1000 / N).toFixed(1), "µs")
}
if (process.env.PROF) { const { Session } = await import("node:inspector/promises"); const s = new Session(); s.connect(); await s.post("Profiler.enable"); await s.post("Profiler.start");
  await measure("resolve", `/merchants/${merchant}/resolve`); const { profile } = await s.post("Profiler.stop"); (await import("node:fs")).writeFileSync("/tmp/prof/inproc.cpuprofile", JSON.stringify(profile)) }
await measure("resolve", `/merchants/${merchant}/resolve`)
await measure("get merchants", `/merchants`, "GET")
await measure("resolve", `/merchants/${merchant}/resolve`)
await api.dispose()
