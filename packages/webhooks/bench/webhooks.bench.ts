/**
 * npm run bench -w @paymux/webhooks
 *
 * sign+verify of 1 KiB bodies: ours vs the `standardwebhooks` library vs raw createHmac.
 * (Delivery throughput is benched in @paymux/webhook-delivery.)
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { performance } from "node:perf_hooks"
import { Webhook } from "standardwebhooks"
import { WebhookSecret, WebhookSigner, WebhookVerifier } from "../src/index.ts"

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
  const ok = vsLib >= 5 && vsRaw >= 0.8
  console.log(ok ? "all targets met" : "TARGET MISSED")
  if (!ok) process.exitCode = 1
}

void main()
