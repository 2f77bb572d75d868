/**
 * npm run bench -w @paymux/webhook-delivery
 *
 * Deliveries/s from the store's in-memory outbox through the dispatcher to a loopback receiver
 * (a separate process, so the receiver does not share our event loop).
 */
import { spawn } from "node:child_process"
import { performance } from "node:perf_hooks"
import { Memory, Outbox } from "@paymux/store"
import { WebhookSecret, WebhookSigner } from "@paymux/webhooks"
import { Context, Effect } from "effect"
import { Dispatcher } from "../src/index.ts"

const signer = WebhookSigner.make({ secrets: [WebhookSecret.generate(32)] })
const body = JSON.stringify({ type: "Transaction.Paid", data: { pad: "x".repeat(1024 - 45) } })
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US")

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
    const outbox = Context.get(Memory.make(), Outbox.Outbox)
    const url = `http://127.0.0.1:${port}/hooks`
    const now = Date.now()
    for (let i = 0; i < n; i++) {
      await Effect.runPromise(outbox.enqueue({ mode: "test", url, eventType: "Transaction.Paid", payload: body }, now))
    }
    const program = Effect.gen(function* () {
      const start = performance.now()
      // The receiver is on loopback, which the operator allows here.
      yield* Dispatcher.start({ signer, concurrency, pollIntervalMillis: 5, privateTargets: "test-mode" })
      while ((yield* outbox.history({ status: "delivered" })).length < n) yield* Effect.sleep(20)
      return (n * 1000) / (performance.now() - start)
    }).pipe(Effect.scoped, Effect.provideService(Outbox.Outbox, outbox))
    return await Effect.runPromise(program)
  } finally {
    child.kill()
  }
}

const main = async (): Promise<void> => {
  const n = Number(process.env.BENCH_DELIVERIES ?? 10_000)
  const rate = await deliveries(n, 64)
  console.log(`node ${process.version}, body ${Buffer.byteLength(body)} bytes`)
  console.log(`deliveries: ${n} via the dispatcher to a loopback receiver: ${fmt(rate)}/s (target >= 2,000)`)
  if (rate < 2000) {
    console.log("TARGET MISSED")
    process.exitCode = 1
  }
}

void main()
