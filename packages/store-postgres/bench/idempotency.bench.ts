/**
 * npx tsx --conditions=@paymux/source bench/idempotency.bench.ts   (PAYMUX_TEST_PG_URL=postgres://... to include PostgreSQL)
 *
 * Keyed requests (an `Idempotency-Key` record begun, then completed inside a unit of work, as the
 * HTTP guard runs them) per second against the records one merchant already holds: none, and
 * about 50,000 of 718 bytes (a resolve answer), which is past the default 32 MiB budget, so each
 * completion also drops the oldest record. The SQL stores are seeded with raw inserts; the memory
 * store through the port (`BENCH_MEMORY_RECORDS`, default 50,000, sets how many). Each case runs
 * for `BENCH_SECONDS` (default 3) or 2,000 requests, whichever ends first.
 */
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { IdempotencyRecords, KeyProvider, Memory, type Store, Transaction } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { PostgresStore } from "../src/index.ts"

const url = process.env["PAYMUX_TEST_PG_URL"] || undefined
const seconds = Number(process.env["BENCH_SECONDS"] ?? 3)
const memoryRecords = Number(process.env["BENCH_MEMORY_RECORDS"] ?? 50_000)
const keys = KeyProvider.layerEphemeral
const merchant = "imp00000001"
const bytes = 718
const maxBytes = 32 * 1024 * 1024
const day = 86_400_000
const t0 = 1_800_000_000_000
const response: IdempotencyRecords.StoredResponse = {
  status: 200,
  headers: [["content-type", "application/json"]],
  body: new Uint8Array(bytes - 100).fill(120)
}

const median = (xs: Array<number>): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

let next = 0
/** One keyed request: begin, then complete inside a unit of work. */
const keyed = (now: number) =>
  Effect.gen(function* () {
    const records = yield* IdempotencyRecords.IdempotencyRecords
    const tx = yield* Transaction.Transaction
    const id = `bench:${merchant}:${next++}`
    const leaseUntil = now + 120_000
    yield* records.begin({ id, merchant, bodyHash: "h", now, expiresAt: now + day, leaseUntil })
    yield* tx.withTransaction(records.complete({ id, leaseUntil, merchant, outcome: response, bytes, now, maxBytes }))
  })

const measure = (runtime: ManagedRuntime.ManagedRuntime<Store.Services, unknown>, now: number) =>
  runtime.runPromise(
    Effect.gen(function* () {
      for (let i = 0; i < 20; i++) yield* keyed(now) // warm-up
      const millis: Array<number> = []
      const start = performance.now()
      while (performance.now() - start < seconds * 1000 && millis.length < 2000) {
        const one = performance.now()
        yield* keyed(now)
        millis.push(performance.now() - one)
      }
      const total = (performance.now() - start) / 1000
      const held = yield* Effect.flatMap(IdempotencyRecords.IdempotencyRecords, (r) => r.bytes(merchant))
      return { perSecond: millis.length / total, p50: median(millis), records: Math.round(held / bytes) }
    })
  )

/** `n` finished records of `merchant`, begun one millisecond apart before `t0`, expiring a day later. */
const seedSql = (n: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const body = Buffer.from(response.body).toString("base64")
    const headers = JSON.stringify(response.headers)
    for (let from = 0; from < n; from += 1000) {
      const rows: Array<Record<string, unknown>> = Array.from({ length: Math.min(1000, n - from) }, (_, j) => {
        const created = t0 - n + from + j
        return {
          record_id: `seed:${from + j}`,
          merchant,
          body_hash: "h",
          state: "done",
          status: 200,
          headers,
          body,
          bytes,
          created_at: created,
          expires_at: created + day,
          lease_until: created + 120_000
        }
      })
      const [first, ...rest] = rows
      if (first !== undefined) yield* sql`INSERT INTO paymux_idempotency ${sql.insert([first, ...rest])}`
    }
    // The running totals, where this build keeps them (its migration's backfill, restated).
    const kept = yield* sql.onDialectOrElse({
      pg: () => sql`SELECT 1 AS found WHERE to_regclass('paymux_idempotency_budget') IS NOT NULL`,
      orElse: () => sql`SELECT 1 AS found FROM sqlite_master WHERE name = 'paymux_idempotency_budget'`
    })
    if (kept.length > 0) {
      yield* sql`DELETE FROM paymux_idempotency_budget`
      yield* sql`INSERT INTO paymux_idempotency_budget (merchant, bytes)
        SELECT merchant, SUM(bytes) FROM paymux_idempotency GROUP BY merchant`
    }
  })

const seedMemory = (n: number) =>
  Effect.gen(function* () {
    const records = yield* IdempotencyRecords.IdempotencyRecords
    for (let i = 0; i < n; i++) {
      const now = t0 - n + i
      yield* records.begin({ id: `seed:${i}`, merchant, bodyHash: "h", now, expiresAt: now + day, leaseUntil: now + 120_000 })
      yield* records.complete({ id: `seed:${i}`, leaseUntil: now + 120_000, merchant, outcome: response, bytes, now, maxBytes: Infinity })
    }
  })

interface Opened {
  readonly runtime: ManagedRuntime.ManagedRuntime<Store.Services, unknown>
  readonly close: () => Promise<void>
}

const dir = mkdtempSync(join(tmpdir(), "paymux-idem-bench-"))
const stores: Array<{ readonly name: string; readonly open: (n: number) => Promise<Opened> }> = [
  {
    name: "memory",
    open: async (n) => {
      const runtime = ManagedRuntime.make(Memory.layerWithKeys.pipe(Layer.provideMerge(keys)) as Layer.Layer<Store.Services, unknown>)
      await runtime.runPromise(seedMemory(Math.min(n, memoryRecords)))
      return { runtime, close: () => runtime.dispose() }
    }
  },
  {
    name: "sqlite (WAL file)",
    open: async (n) => {
      const filename = join(dir, `bench-${n}.db`)
      await Effect.runPromise(SqliteStore.migrate({ filename }))
      await Effect.runPromise(Effect.provide(seedSql(n), SqliteStore.layerClient({ filename })))
      const runtime = ManagedRuntime.make(SqliteStore.layer({ filename, keyProvider: keys }))
      return { runtime, close: () => runtime.dispose() }
    }
  }
]
if (url !== undefined) {
  stores.push({
    name: "postgresql",
    open: async (n) => {
      const schema = `paymux_bench_${randomBytes(4).toString("hex")}`
      const runtime = ManagedRuntime.make(PostgresStore.layer({ url, schema, maxConnections: 4, keyProvider: keys }))
      await runtime.runPromise(Effect.void)
      await Effect.runPromise(Effect.provide(seedSql(n), PostgresStore.layerClient({ url, schema })))
      const drop = Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      }).pipe(Effect.provide(PostgresStore.layerClient({ url })))
      return { runtime, close: () => runtime.dispose().then(() => Effect.runPromise(drop)) }
    }
  })
} else {
  console.warn("!!! SKIPPED: PostgreSQL in this bench — PAYMUX_TEST_PG_URL is not set (see docs/storage.md) !!!\n")
}

try {
  console.log("| store | records before | keyed requests/s | p50 ms | records after |")
  console.log("|---|---:|---:|---:|---:|")
  for (const store of stores) {
    for (const n of [0, 50_000]) {
      const opened = await store.open(n)
      try {
        const seeded = store.name === "memory" ? Math.min(n, memoryRecords) : n
        const f = await measure(opened.runtime, t0)
        console.log(`| ${store.name} | ${seeded} | ${f.perSecond.toFixed(0)} | ${f.p50.toFixed(2)} | ${f.records} |`)
      } finally {
        await opened.close()
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
