/**
 * npm run bench -w @paymux/webhook-delivery
 *
 * Deliveries/s from the store's in-memory outbox through the dispatcher to a loopback receiver
 * (a separate process, so the receiver does not share our event loop), beside its anchor measured
 * in the same run: raw `node:http` POSTs of the same body to the same receiver, as many at once,
 * over keep-alive connections. The ratio is what claiming, signing, the SSRF guard and recording
 * each attempt cost on top of the POST itself.
 */
import { spawn } from "node:child_process"
import { Agent, request } from "node:http"
import { performance } from "node:perf_hooks"
import { Memory, Outbox } from "@paymux/store"
import { WebhookSecret, WebhookSigner } from "@paymux/webhooks"
import { Context, Deferred, Effect } from "effect"
import { Dispatcher } from "../src/index.ts"

const signer = WebhookSigner.make({ secrets: [WebhookSecret.generate(32)] })
const body = JSON.stringify({ type: "Transaction.Paid", data: { pad: "x".repeat(1024 - 45) } })
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US")
const concurrency = 64

const RECEIVER = `
const http = require("node:http")
const server = http.createServer((req, res) => { req.resume(); req.on("end", () => { res.writeHead(200); res.end("ok") }) })
server.keepAliveTimeout = 60000
server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"))
`

/** The anchor: `n` POSTs of the body, `concurrency` at a time over keep-alive connections. */
const rawPosts = async (url: string, n: number): Promise<number> => {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
        res.resume()
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))))
      })
      req.on("error", reject)
      req.end(body)
    })
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++
        await post()
      }
    })
  )
  const rate = (n * 1000) / (performance.now() - start)
  agent.destroy()
  return rate
}

/** `n` queued deliveries through the dispatcher, counted as its attempts deliver them. */
const dispatched = async (url: string, n: number): Promise<number> => {
  const outbox = Context.get(Memory.make(), Outbox.Outbox)
  const now = Date.now()
  for (let i = 0; i < n; i++) {
    await Effect.runPromise(outbox.enqueue({ mode: "test", url, eventType: "Transaction.Paid", payload: body }, now))
  }
  const program = Effect.gen(function* () {
    const done = yield* Deferred.make<void>()
    let delivered = 0
    const onAttempt = (report: Dispatcher.AttemptReport) =>
      report.outcome === "delivered" && ++delivered === n ? Deferred.succeed(done, undefined) : Effect.void
    const start = performance.now()
    // The receiver is on loopback, which the operator allows here.
    yield* Dispatcher.start({ signer, concurrency, pollIntervalMillis: 5, privateTargets: "test-mode", onAttempt })
    yield* Deferred.await(done)
    return (n * 1000) / (performance.now() - start)
  }).pipe(Effect.scoped, Effect.provideService(Outbox.Outbox, outbox))
  return await Effect.runPromise(program)
}

const main = async (): Promise<void> => {
  const n = Number(process.env.BENCH_DELIVERIES ?? 10_000)
  const child = spawn(process.execPath, ["-e", RECEIVER], { stdio: ["ignore", "pipe", "inherit"] })
  const port = await new Promise<number>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(Number(String(d).trim()))))
  try {
    const url = `http://127.0.0.1:${port}/hooks`
    await rawPosts(url, 1_000) // warm-up
    const raw = await rawPosts(url, n)
    const rate = await dispatched(url, n)
    console.log(`node ${process.version}, body ${Buffer.byteLength(body)} bytes, ${concurrency} at once`)
    console.log(`raw node:http POSTs (anchor): ${fmt(raw)}/s`)
    console.log(
      `deliveries via the dispatcher: ${fmt(rate)}/s = ${(rate / raw).toFixed(2)}x the anchor (the figure once asked for: >= 2,000/s)`
    )
  } finally {
    child.kill()
  }
}

void main()
