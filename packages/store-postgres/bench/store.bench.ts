/**
 * npm run bench -w @paymux/store-postgres        (PAYMUX_TEST_PG_URL=postgres://... to include PostgreSQL)
 *
 * The shared storage benchmark (StoreBench from @paymux/store-testkit) on memory, SQLite and
 * PostgreSQL side by side in one run. Target: PostgreSQL >= 1,000 outbox claim+complete/s with 4
 * workers and no double claims.
 */
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KeyProvider, Memory } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import { StoreBench } from "@paymux/store-testkit"
import { Effect, Layer } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { PostgresStore } from "../src/index.ts"

const url = process.env["PAYMUX_TEST_PG_URL"] || undefined
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
  if (pg !== undefined) {
    const met = pg.claimCompletePerSecond >= 1000 && pg.doubleClaims === 0
    console.log(
      `\nPostgreSQL target (>= 1,000 claim+complete/s with 4 workers, no double claims): ${met ? "met" : "NOT MET"} (${pg.claimCompletePerSecond.toFixed(0)}/s, ${pg.doubleClaims} double claims)`
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
