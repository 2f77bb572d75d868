/**
 * Resolve requests per second through the HTTP API on a local server, with API-key auth and an
 * enforced whitelist, against an anchor measured in the same run: raw `node:http` answering the
 * same request with the same JSON bytes (it reads the body and writes a fixed response, nothing
 * else). The load comes from a separate process (a client in the server's process takes half its
 * CPU and under-reports), a keep-alive `http.request` loop per connection.
 *
 * The runs are interleaved in rounds (a rotated order each round): each rate is the median of its
 * rounds with the spread (min-max), and each ratio is the median over rounds of rate / anchor
 * within the round, so a burst of load from elsewhere on the machine hits both sides alike.
 *
 *   npm run bench -w @paymux/http   (BENCH_SECONDS per run, BENCH_ROUNDS, BENCH_CONCURRENCY to tune)
 */
import { spawn } from "node:child_process"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
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
  Effect.runPromise(
    effect.pipe(
      AdminContext.withActor({ kind: "system", id: "bench" }),
      Effect.provide(Layer.merge(shared, ResolverCache.layer()))
    ) as Effect.Effect<A, E>
  )

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

// The load runs in its own process, so client and server share no event loop and no CPU time.
const loadScript = `
const { Agent, request } = require("node:http")
const { url, headers, payload, seconds, concurrency } = JSON.parse(process.argv[1])
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
  if (first !== 200) { process.stdout.write(JSON.stringify({ error: url + " answered " + first })); return }
  let count = 0, failed = 0
  const started = performance.now()
  const until = started + seconds * 1000
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) { if ((await once()) === 200) count++; else failed++ }
  }))
  agent.destroy()
  process.stdout.write(JSON.stringify({ rate: count / ((performance.now() - started) / 1000), failed }))
})()
`

const load = (url: string, headers: Record<string, string>, seconds: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", loadScript, JSON.stringify({ url, headers, payload, seconds, concurrency })], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()))
    child.once("error", reject)
    child.once("exit", () => {
      try {
        const m = JSON.parse(out) as { rate?: number; failed?: number; error?: string }
        if (m.error !== undefined) reject(new Error(m.error))
        else if ((m.failed ?? 0) > 0) reject(new Error(`${m.failed} requests failed`))
        else resolve(m.rate ?? 0)
      } catch (e) {
        reject(e)
      }
    })
  })

// The anchor: raw node:http answering with the very bytes the API answers the same request with.
const answer = await (
  await fetch(`${full.url}/merchants/${merchant}/resolve`, {
    method: "POST",
    headers: { authorization: `Bearer ${key.key.id}.${Redacted.value(key.secret)}`, "content-type": "application/json" },
    body: payload
  })
).arrayBuffer()
const answerBytes = Buffer.from(answer)
const raw = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
  req.resume()
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": String(answerBytes.length) })
    res.end(answerBytes)
  })
})
await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve))
const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`

const token = (await (
  await fetch(`${full.url}/auth/token`, {
    method: "POST",
    body: JSON.stringify({ apiKey: key.key.id, apiSecret: Redacted.value(key.secret) })
  })
).json()) as { accessToken: string }

const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(7)
const median = (xs: ReadonlyArray<number>) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const runs = [
  { name: "raw node:http, same JSON     ", url: `${rawUrl}/merchants/${merchant}/resolve`, headers: {} },
  {
    name: "auth + whitelist off         ",
    url: `${bare.url}/merchants/${merchant}/resolve`,
    headers: { authorization: "Bearer unchecked" }
  },
  {
    name: "on, access token + whitelist ",
    url: `${full.url}/merchants/${merchant}/resolve`,
    headers: { authorization: `Bearer ${token.accessToken}` }
  },
  {
    name: "on, key id.secret + whitelist",
    url: `${full.url}/merchants/${merchant}/resolve`,
    headers: { authorization: `Bearer ${key.key.id}.${Redacted.value(key.secret)}` }
  }
]
const perRound = seconds / rounds
console.log(
  `resolve over keep-alive HTTP, ${concurrency} connections, ${seconds}s per run in ${rounds} interleaved rounds (Node ${process.version})`
)
for (const run of runs) await load(run.url, run.headers, Math.min(1, perRound)) // warm-up
const rates = runs.map(() => [] as Array<number>)
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < runs.length; i++) {
    const at = (i + r) % runs.length
    rates[at]!.push(await load(runs[at]!.url, runs[at]!.headers, perRound))
  }
}
const ratio = (i: number) => median(rates[i]!.map((rate, r) => rate / rates[0]![r]!)).toFixed(2)
runs.forEach((run, i) => {
  const spread = `(${fmt(Math.min(...rates[i]!)).trim()}-${fmt(Math.max(...rates[i]!)).trim()})`
  console.log(`${run.name} ${fmt(median(rates[i]!))} req/s median ${spread.padEnd(14)}${i === 0 ? "   anchor" : `   ${ratio(i)}x raw`}`)
})
console.log(`target: >= 0.35x raw node:http with auth + whitelist on (the key id.secret and token rows)`)

await full.close()
await bare.close()
await new Promise<void>((resolve) => {
  raw.close(() => resolve())
  raw.closeAllConnections()
})
await api.dispose()
await open.dispose()
