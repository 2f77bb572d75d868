/**
 * npm run bench -w @paymux/store-postgres        (PAYMUX_TEST_PG_URL=postgres://... to include PostgreSQL)
 *
 * Channel creates/s, loading a merchant's 1,000 channels, and outbox claim+complete/s for the
 * in-memory store and PostgreSQL side by side (the SQLite figures come from the SQLite
 * adapter's bench), then 4 concurrent workers sharing one outbox. Target: PostgreSQL >= 1,000
 * claim+complete/s with 4 workers and no double claims.
 */
import { randomBytes } from "node:crypto"
import { performance } from "node:perf_hooks"
import { Identifiers, Merchant, PaymentChannel, PgCatalog } from "@paymux/domain"
import { KeyProvider, Memory, Repositories } from "@paymux/store"
import { Outbox } from "@paymux/webhooks"
import { Effect, Layer, Redacted, Result } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { PostgresStore } from "../src/index.ts"

const url = process.env["PAYMUX_TEST_PG_URL"] || undefined
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

const median = (xs: Array<number>): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const measure = (creates: number, workers: number, deliveries: number) =>
  Effect.gen(function*() {
    const merchants = yield* Repositories.MerchantRepository
    const channels = yield* Repositories.ChannelRepository
    const outbox = yield* Outbox.Outbox
    const warm = Identifiers.MerchantCode.make("imp00000003")
    for (const m of [code, other, warm]) yield* merchants.create(Result.getOrThrow(Merchant.make({ code: m, name: "Bench", createdAt: 0 })))
    for (let i = 0; i < 500; i++) yield* channels.create(channel(warm, 2_000_000 + i))

    const input = Array.from({ length: creates }, (_, i) => channel(other, 1_000_000 + i))
    let start = performance.now()
    for (const c of input) yield* channels.create(c)
    const createRate = creates / ((performance.now() - start) / 1000)

    yield* Effect.forEach(Array.from({ length: 1000 }, (_, i) => channel(code, i)), channels.create, { concurrency: 8 })
    start = performance.now()
    yield* channels.list(code)
    const cold = performance.now() - start
    const loads: Array<number> = []
    for (let i = 0; i < 30; i++) {
      start = performance.now()
      yield* channels.list(code)
      loads.push(performance.now() - start)
    }

    yield* Effect.forEach(Array.from({ length: deliveries }, (_, i) => i), (i) =>
      outbox.enqueue({ mode: "live", url: "https://hooks.example.com/paymux", eventType: "payment.paid", payload: `{"n":${i}}` }, 1), {
      concurrency: 16,
      discard: true
    })
    const worker = (workerId: string) =>
      Effect.gen(function*() {
        const mine: Array<string> = []
        while (true) {
          const batch = yield* outbox.claim({ workerId, now: 2, leaseMillis: 60_000, limit: 10 })
          if (batch.length === 0) return mine
          for (const d of batch) {
            yield* outbox.complete({ deliveryId: d.id, workerId, now: 3 })
            mine.push(d.id)
          }
        }
      })
    start = performance.now()
    const done = (yield* Effect.all(Array.from({ length: workers }, (_, i) => worker(`w${i}`)), { concurrency: "unbounded" })).flat()
    const outboxRate = done.length / ((performance.now() - start) / 1000)
    const doubles = done.length - new Set(done).size
    return { createRate, cold, load: median(loads), outboxRate, done: done.length, doubles }
  })

const report = (name: string, f: Effect.Success<ReturnType<typeof measure>>) =>
  console.log(
    `${name.padEnd(12)} ${f.createRate.toFixed(0).padStart(8)} creates/s   1,000-channel load ${f.load.toFixed(2).padStart(6)} ms (median of 30; first ${
      f.cold.toFixed(0)
    } ms)   ${f.outboxRate.toFixed(0).padStart(7)} claim+complete/s with 4 workers (${f.done} delivered, ${f.doubles} double claims)`
  )

const main = async () => {
  report("memory", await Effect.runPromise(Effect.provide(measure(3000, 4, 5000), Memory.layerWithKeys.pipe(Layer.provide(keys)))))
  if (url === undefined) {
    console.warn("\n!!! SKIPPED: PostgreSQL bench — PAYMUX_TEST_PG_URL is not set (see docs/storage.md) !!!")
    return
  }
  const schema = `paymux_bench_${randomBytes(4).toString("hex")}`
  const client = PostgresStore.layerClient({ url, schema, maxConnections: 10 })
  const store = Layer.provideMerge(PostgresStore.layer({ url, schema, maxConnections: 10, keyProvider: keys }), client)
  try {
    const f = await Effect.runPromise(Effect.provide(measure(3000, 4, 5000), store))
    report("postgresql", f)
    console.log(`\nPostgreSQL target (>= 1,000 claim+complete/s with 4 workers, no double claims): ${f.outboxRate >= 1000 && f.doubles === 0 ? "met" : "NOT MET"}`)
  } finally {
    await Effect.runPromise(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    }).pipe(Effect.provide(PostgresStore.layerClient({ url }))))
  }
}

main()
