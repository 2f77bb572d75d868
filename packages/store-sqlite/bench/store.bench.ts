/**
 * npm run bench -w @paymux/store-sqlite
 *
 * Channel creates/s, loading a merchant's 1,000 channels, and outbox claim+complete/s for the
 * in-memory store and SQLite (a WAL file on disk), side by side. Targets: SQLite >= 5,000
 * channel writes/s and a 1,000-channel load under 10 ms.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { Identifiers, Merchant, PaymentChannel, PgCatalog } from "@paymux/domain"
import { KeyProvider, Memory, Repositories } from "@paymux/store"
import { Outbox } from "@paymux/webhooks"
import { Effect, Layer, Redacted, Result } from "effect"
import { SqliteStore } from "../src/index.ts"

const keys = KeyProvider.layerEphemeral
const code = Identifiers.MerchantCode.make("imp00000001")
const other = Identifiers.MerchantCode.make("imp00000002")
const hex = (n: number) => n.toString(16).padStart(12, "0")

const channel = (merchant: Identifiers.MerchantCode, n: number): PaymentChannel.PaymentChannel =>
  Result.getOrThrow(PaymentChannel.make(PgCatalog.builtIn, {
    key: `channel-key-00000000-0000-4000-8000-${hex(n)}`,
    merchant,
    mode: "live",
    pg: "kcp",
    mid: `SITE${n}`,
    paymentType: "window.general",
    payMethods: ["card", "vbank"],
    credentials: { site_key: Redacted.make(`site-key-${n}-0123456789abcdef`) },
    sequence: 0,
    createdAt: 1_700_000_000_000 + n
  }))

interface Figures {
  readonly creates: number
  readonly loadMedianMs: number
  readonly coldLoadMs: number
  readonly outbox: number
}

const median = (xs: Array<number>): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** The same three measurements against any store layer. */
const measure = (creates: number, claims: number) =>
  Effect.gen(function*() {
    const merchants = yield* Repositories.MerchantRepository
    const channels = yield* Repositories.ChannelRepository
    const outbox = yield* Outbox.Outbox
    const warm = Identifiers.MerchantCode.make("imp00000003")
    for (const m of [code, other, warm]) yield* merchants.create(Result.getOrThrow(Merchant.make({ code: m, name: "Bench", createdAt: 0 })))
    // Warm-up, so the JIT has compiled the store's paths before anything is timed.
    for (let i = 0; i < 3000; i++) yield* channels.create(channel(warm, 2_000_000 + i))
    for (let i = 0; i < 20; i++) yield* channels.list(warm)

    // 1. channel creates/s (each its own transaction, as the console creates them); the
    //    channels are built first so the domain's validation is not counted as store time
    const input = Array.from({ length: creates }, (_, i) => channel(other, 1_000_000 + i))
    let start = performance.now()
    for (const c of input) yield* channels.create(c)
    const createRate = creates / ((performance.now() - start) / 1000)

    // 2. loading a merchant's 1,000 channels: the first load opens every envelope and decodes
    //    every row; later loads reuse decoded rows whose content has not changed
    for (let i = 0; i < 1000; i++) yield* channels.create(channel(code, i))
    start = performance.now()
    yield* channels.list(code)
    const cold = performance.now() - start
    const loads: Array<number> = []
    for (let i = 0; i < 30; i++) {
      start = performance.now()
      const list = yield* channels.list(code)
      loads.push(performance.now() - start)
      if (list.length !== 1000) throw new Error(`loaded ${list.length}`)
    }

    // 3. outbox claim + complete/s, batches of 10, one worker
    for (let i = 0; i < claims; i++) {
      yield* outbox.enqueue({ mode: "live", url: "https://hooks.example.com/paymux", eventType: "payment.paid", payload: `{"n":${i}}` }, 1)
    }
    start = performance.now()
    let done = 0
    while (true) {
      const batch = yield* outbox.claim({ workerId: "bench", now: 2, leaseMillis: 60_000, limit: 10 })
      if (batch.length === 0) break
      for (const d of batch) yield* outbox.complete({ deliveryId: d.id, workerId: "bench", now: 3 })
      done += batch.length
    }
    const outboxRate = done / ((performance.now() - start) / 1000)
    return { creates: createRate, loadMedianMs: median(loads), coldLoadMs: cold, outbox: outboxRate } satisfies Figures
  })

const run = (name: string, layer: Layer.Layer<any, any>) =>
  Effect.runPromise(Effect.provide(measure(5000, 5000), layer) as Effect.Effect<Figures, unknown>).then((f) => {
    console.log(
      `${name.padEnd(18)} ${f.creates.toFixed(0).padStart(10)} creates/s   1,000-channel load ${f.loadMedianMs.toFixed(2).padStart(6)} ms (median of 30; first ${f.coldLoadMs.toFixed(0)} ms)   ${
        f.outbox.toFixed(0).padStart(8)
      } claim+complete/s`
    )
    return f
  })

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), "paymux-bench-"))
  try {
    await run("memory", Memory.layerWithKeys.pipe(Layer.provide(keys)))
    await run("sqlite :memory:", SqliteStore.layer({ filename: ":memory:", keyProvider: keys }))
    const f = await run("sqlite file (WAL)", SqliteStore.layer({ filename: join(dir, "bench.db"), keyProvider: keys }))
    const ok = f.creates >= 5000 && f.loadMedianMs < 10
    console.log(`\nSQLite targets (>= 5,000 channel writes/s, 1,000-channel load < 10 ms): ${ok ? "met" : "NOT MET"}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main()
