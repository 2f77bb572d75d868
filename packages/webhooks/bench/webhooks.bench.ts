/**
 * npm run bench -w @paymux/webhooks
 *
 * 1. sign+verify of 1 KiB bodies: ours vs the `standardwebhooks` library vs raw createHmac.
 * 2. deliveries/s from the in-memory outbox through the dispatcher to a loopback receiver
 *    (a separate process, so the receiver does not share our event loop).
 */
import { spawn } from "node:child_process"
import { createHmac, timingSafeEqual } from "node:crypto"
import { performance } from "node:perf_hooks"
import { Effect } from "effect"
import { Webhook } from "standardwebhooks"
import { Dispatcher, Outbox, WebhookSecret, WebhookSigner, WebhookVerifier } from "../src/index.ts"

const secretText = WebhookSecret.reveal(WebhookSecret.generate(32))
const body = JSON.stringify({ type: "Transaction.Paid", data: { pad: "x".repeat(1024 - 45) } })
if (Buffer.byteLength(body) !== 1024) throw new Error(`body is ${Buffer.byteLength(body)} bytes`)
const id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"

const opsPerSecond = (fn: () => void, millis = 1000): number => {
  for (let i = 0; i < 2000; i++) fn() // warm-up
  let n = 0
  const start = performance.now()
  let now = start
  while (now - start < millis) {
    for (let i = 0; i < 500; i++) fn()
    n += 500
    now = performance.now()
  }
  return (n * 1000) / (now - start)
}

const signer = WebhookSigner.make({ secrets: [secretText] })
const verifier = WebhookVerifier.make({ secrets: [secretText] })
const ours = (): void => {
  const ts = Math.floor(Date.now() / 1000)
  const h = signer.sign({ id, timestamp: ts, body })
  if (verifier.verify(body, h, { now: Date.now() })._tag !== "Success") throw new Error("ours failed")
}

const lib = new Webhook(secretText)
const library = (): void => {
  const date = new Date()
  const signature = lib.sign(id, date, body)
  lib.verify(body, {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(date.getTime() / 1000)),
    "webhook-signature": signature
  })
}

const key = Buffer.from(secretText.slice(6), "base64")
const raw = (): void => {
  const ts = Math.floor(Date.now() / 1000)
  const content = `${id}.${ts}.${body}`
  const signature = createHmac("sha256", key).update(content).digest("base64")
  const expected = createHmac("sha256", key).update(content).digest()
  if (!timingSafeEqual(expected, Buffer.from(signature, "base64"))) throw new Error("raw failed")
}

const median = (xs: Array<number>): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US")

const signVerify = (): { ours: number; library: number; raw: number } => {
  const results = { ours: [] as Array<number>, library: [] as Array<number>, raw: [] as Array<number> }
  for (let round = 0; round < 3; round++) {
    results.raw.push(opsPerSecond(raw))
    results.ours.push(opsPerSecond(ours))
    results.library.push(opsPerSecond(library, 500))
  }
  return { ours: median(results.ours), library: median(results.library), raw: median(results.raw) }
}

const RECEIVER = `
const http = require("node:http")
const server = http.createServer((req, res) => { req.resume(); req.on("end", () => { res.writeHead(200); res.end("ok") }) })
server.keepAliveTimeout = 60000
server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"))
`

const deliveries = async (n: number, concurrency: number): Promise<number> => {
  const child = spawn(process.execPath, ["-e", RECEIVER], { stdio: ["ignore", "pipe", "inherit"] })
  const port = await new Promise<number>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(Number(String(d).trim()))))
  try {
    const outbox = Outbox.makeMemoryOutbox()
    const url = `http://127.0.0.1:${port}/hooks`
    const now = Date.now()
    for (let i = 0; i < n; i++) {
      await Effect.runPromise(outbox.enqueue({ mode: "test", url, eventType: "Transaction.Paid", payload: body }, now))
    }
    const program = Effect.gen(function*() {
      const start = performance.now()
      yield* Dispatcher.start({ signer, concurrency, batchSize: concurrency * 4, pollIntervalMillis: 5 })
      while ((yield* outbox.history({ status: "delivered" })).length < n) yield* Effect.sleep(20)
      return (n * 1000) / (performance.now() - start)
    }).pipe(Effect.scoped, Effect.provideService(Outbox.Outbox, outbox))
    return await Effect.runPromise(program)
  } finally {
    child.kill()
  }
}

const main = async (): Promise<void> => {
  console.log(`node ${process.version}, body ${Buffer.byteLength(body)} bytes`)
  const r = signVerify()
  console.log("sign+verify (1 KiB), ops/s, median of 3 rounds:")
  console.log(`  ours              ${fmt(r.ours)}`)
  console.log(`  standardwebhooks  ${fmt(r.library)}`)
  console.log(`  raw createHmac    ${fmt(r.raw)}`)
  const vsLib = r.ours / r.library
  const vsRaw = r.ours / r.raw
  console.log(`  ours / library = ${vsLib.toFixed(2)}x (target >= 5)   ours / raw = ${vsRaw.toFixed(2)}x (target >= 0.8)`)
  const n = Number(process.env.BENCH_DELIVERIES ?? 10_000)
  const rate = await deliveries(n, 64)
  console.log(`deliveries: ${n} via the dispatcher to a loopback receiver: ${fmt(rate)}/s (target >= 2,000)`)
  const ok = vsLib >= 5 && vsRaw >= 0.8 && rate >= 2000
  console.log(ok ? "all targets met" : "TARGET MISSED")
  if (!ok) process.exitCode = 1
}

void main()
