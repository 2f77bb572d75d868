/**
 * npm run bench -w @paymux/store-sqlite
 *
 * The shared storage benchmark (StoreBench from @paymux/store-testkit) on the in-memory store and
 * SQLite (a WAL file on disk), side by side in one run. Targets: SQLite >= 5,000 channel
 * writes/s and a 1,000-channel load under 10 ms. The PostgreSQL adapter's bench adds PostgreSQL
 * to the same table.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KeyProvider, Memory } from "@paymux/store"
import { StoreBench } from "@paymux/store-testkit"
import { Layer } from "effect"
import { SqliteStore } from "../src/index.ts"

const keys = KeyProvider.layerEphemeral
const dir = mkdtempSync(join(tmpdir(), "paymux-bench-"))
try {
  const results = await StoreBench.compare([
    { name: "memory", layer: Memory.layerWithKeys.pipe(Layer.provideMerge(keys)) },
    { name: "sqlite (WAL file)", layer: SqliteStore.layer({ filename: join(dir, "bench.db"), keyProvider: keys }) }
  ])
  const sqlite = results.get("sqlite (WAL file)")!
  console.log(`\nSQLite targets: >= 5,000 channel writes/s: ${sqlite.createsPerSecond >= 5000 ? "met" : "NOT MET"} (${sqlite.createsPerSecond.toFixed(0)}); 1,000-channel load < 10 ms: ${sqlite.loadMillis < 10 ? "met" : "NOT MET"} (${sqlite.loadMillis.toFixed(2)} ms; the first load, which opens every envelope, took ${sqlite.firstLoadMillis.toFixed(0)} ms)`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
