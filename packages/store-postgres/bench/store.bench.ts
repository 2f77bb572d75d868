/**
 * npm run bench -w @paymux/store-postgres        (PAYMUX_TEST_PG_URL=postgres://... to include PostgreSQL)
 *
 * The shared storage benchmark (StoreBench from @paymux/store-testkit) on memory, SQLite and
 * PostgreSQL side by side in one run, and PostgreSQL's outbox claim+complete/s beside its anchor
 * measured in the same run: the same statements (a SKIP LOCKED claim of 10, then per delivery one
 * transaction that completes it and records its attempt) over the raw SqlClient, 4 workers, the
 * same number of deliveries. The figure once asked for: >= 1,000/s with no double claims.
 */
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { performance } from "node:perf_hooks"
import { join } from "node:path"
import { KeyProvider, Memory } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import { StoreBench } from "@paymux/store-testkit"
import { Effect, Layer } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { PostgresStore } from "../src/index.ts"

const url = process.env["PAYMUX_TEST_PG_URL"] || undefined

/**
 * The anchor: `n` pending deliveries claimed and completed by `workers` with the store's own
 * statements over the raw client, without the store's layers (decoding, checks, error mapping).
 */
const rawClaimComplete = (n: number, workers: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`DELETE FROM paymux_outbox_attempts`
    yield* sql`DELETE FROM paymux_outbox`
    for (let i = 0; i < n; i++) {
      yield* sql`INSERT INTO paymux_outbox (delivery_id, merchant, message_id, mode, url, endpoint_id, event_type, content_type,
        payload, status, attempts, max_attempts, next_attempt_at, trigger_kind, created_at, updated_at)
        VALUES (${`raw-${i}`}, 'imp00000001', ${`msg-${i}`}, 'live', 'https://hooks.example.com/paymux', NULL, 'Transaction.Paid',
        'application/json', ${`{"n":${i}}`}, 'pending', 0, 6, 1, 'event', 1, 1)`
    }
    // As the store's default ("relaxed" outbox commits): lease bookkeeping does not wait for the WAL flush.
    const relaxed = <A, E, R>(self: Effect.Effect<A, E, R>) =>
      sql.withTransaction(Effect.andThen(sql`SET LOCAL synchronous_commit = off`, self))
    const worker = (workerId: string) =>
      Effect.gen(function* () {
        let done = 0
        while (true) {
          const claimed = yield* relaxed(
            sql`UPDATE paymux_outbox SET lease_worker = ${workerId}, lease_until = 60002, updated_at = 2
            WHERE seq IN (SELECT seq FROM paymux_outbox WHERE status = 'pending' AND next_attempt_at <= 2
              AND (lease_until IS NULL OR lease_until <= 2) ORDER BY next_attempt_at, seq LIMIT 10 FOR UPDATE SKIP LOCKED)
            RETURNING delivery_id`
          )
          if (claimed.length === 0) return done
          for (const row of claimed) {
            const id = String(row["delivery_id"])
            yield* relaxed(
              Effect.andThen(
                sql`UPDATE paymux_outbox SET status = 'delivered', last_error = NULL, attempts = attempts + 1, lease_worker = NULL,
                  lease_until = NULL, updated_at = 3 WHERE delivery_id = ${id} AND status = 'pending' AND lease_worker = ${workerId}
                  RETURNING *`,
                sql`INSERT INTO paymux_outbox_attempts (delivery_id, number, worker_id, url, started_at, latency_millis, http_status,
                  error, response_excerpt, outcome) VALUES (${id}, 1, ${workerId}, 'https://example.test/hook/1', 1000000, 12, 200,
                  NULL, 'ok', 'delivered')`
              )
            )
            done++
          }
        }
      })
    const start = performance.now()
    const done = yield* Effect.all(
      Array.from({ length: workers }, (_, i) => worker(`raw-w${i}`)),
      { concurrency: "unbounded" }
    )
    return done.reduce((a, b) => a + b, 0) / ((performance.now() - start) / 1000)
  })
const keys = KeyProvider.layerEphemeral
const dir = mkdtempSync(join(tmpdir(), "paymux-bench-"))
const schema = `paymux_bench_${randomBytes(4).toString("hex")}`
try {
  if (url === undefined) console.warn("!!! SKIPPED: PostgreSQL in this bench — PAYMUX_TEST_PG_URL is not set (see docs/storage.md) !!!\n")
  const results = await StoreBench.compare([
    { name: "memory", layer: Memory.layerWithKeys.pipe(Layer.provideMerge(keys)) },
    { name: "sqlite (WAL file)", layer: SqliteStore.layer({ filename: join(dir, "bench.db"), keyProvider: keys }) },
    ...(url === undefined
      ? []
      : [{ name: "postgresql", layer: PostgresStore.layer({ url, schema, maxConnections: 10, keyProvider: keys }) }])
  ])
  const pg = results.get("postgresql")
  if (pg !== undefined && url !== undefined) {
    // A warm-up round first, as StoreBench warms the store up.
    const anchor = await Effect.runPromise(
      Effect.andThen(rawClaimComplete(1_000, 4), rawClaimComplete(5_000, 4)).pipe(
        Effect.provide(PostgresStore.layerClient({ url, schema }))
      )
    )
    console.log(
      `\nPostgreSQL outbox claim+complete: ${pg.claimCompletePerSecond.toFixed(0)}/s (${pg.doubleClaims} double claims) = ${(pg.claimCompletePerSecond / anchor).toFixed(2)}x the raw SQL anchor (${anchor.toFixed(0)}/s); the figure once asked for: >= 1,000/s`
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
  if (url !== undefined) {
    await Effect.runPromise(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      }).pipe(Effect.provide(PostgresStore.layerClient({ url })))
    )
  }
}
