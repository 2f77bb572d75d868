/**
 * Upgrades are an explicit step (upgrade probe, F3): a command run with a new release against a
 * database an older release wrote, even one that only reads, used to migrate it under the old
 * processes still serving it. Now every command but `paymux migrate` refuses an older schema and
 * writes nothing; `paymux migrate` upgrades it.
 */
import { createHash, randomBytes } from "node:crypto"
import { mkdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { SqlStore } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import Database from "better-sqlite3"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { expectExit, paymux, tempDir } from "./support/paymux.ts"

const keysEnv = {
  PAYMUX_MASTER_KEYS: `e2e-1:${randomBytes(32).toString("base64")}`,
  PAYMUX_PEPPER: randomBytes(32).toString("base64")
}

let folders = 0

/** A SQLite database at schema `version`, holding one merchant. */
const oldDatabase = async (version: number): Promise<string> => {
  const folder = join(tempDir(), `migrate-${++folders}`)
  mkdirSync(folder)
  const file = join(folder, "paymux.db")
  await Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(Layer.build(SqliteStore.layerClient({ filename: file })), (context) =>
        Effect.provideContext(SqlStore.migrateTo(version), context)
      )
    )
  )
  const db = new Database(file)
  db.prepare(
    "INSERT INTO paymux_merchants (code, name, policy, created_at, version) VALUES ('imp50000001', 'Old Shop', 'fallback', 1, 1)"
  ).run()
  // Checkpointed and closed, as a stopped release leaves it: the hash below is of the whole database.
  db.pragma("wal_checkpoint(TRUNCATE)")
  db.close()
  return file
}

const hash = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex")

const schemaOf = (file: string): number => {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare("SELECT max(migration_id) FROM paymux_migrations").pluck().get() as number
  } finally {
    db.close()
  }
}

describe("paymux on a database an older release wrote", () => {
  const reads = [
    ["merchant", "list"],
    ["merchant", "show", "imp50000001"],
    ["channel", "list", "-m", "imp50000001"],
    ["resolve", "-m", "imp50000001", "--mode", "live", "--pg", "kcp", "--pay-method", "card"],
    ["whitelist", "check", "-m", "imp50000001", "127.0.0.1"],
    ["webhook", "history", "-m", "imp50000001"],
    ["doctor"]
  ] as const

  it("commands that only read refuse it (exit 3, SchemaTooOld) and leave the file as it was", async () => {
    const db = await oldDatabase(1)
    const before = hash(db)
    for (const args of reads) {
      const r = expectExit(await paymux(["--db", db, ...args], { env: keysEnv }), 3)
      expect(r.stderr).toContain(`the database schema is version 1, older than this release's ${SqlStore.schemaVersion}`)
      expect(r.stderr).toContain("paymux migrate")
    }
    const json = expectExit(await paymux(["--db", db, "merchant", "list", "--json"], { env: keysEnv }), 3).json()
    expect(json.error).toMatchObject({ tag: "SchemaTooOld", exitCode: 3, details: { found: 1, supported: SqlStore.schemaVersion } })
    expect(hash(db)).toBe(before)
    expect(schemaOf(db)).toBe(1)
  })

  it("commands that write, serve and webhook dispatch refuse it too", async () => {
    const db = await oldDatabase(3)
    const before = hash(db)
    for (const args of [
      ["merchant", "create", "--name", "New", "--code", "imp50000002"],
      ["whitelist", "add", "-m", "imp50000001", "10.0.0.0/8"],
      ["webhook", "dispatch", "--once"],
      ["serve", "--port", "0", "--no-console"]
    ]) {
      const r = expectExit(await paymux(["--db", db, ...args], { env: keysEnv }), 3)
      expect(r.stderr).toContain("older than this release's")
    }
    expect(hash(db)).toBe(before)
  })

  it("paymux migrate upgrades it, says from which version to which, then the reads work", async () => {
    const db = await oldDatabase(1)
    const r = expectExit(await paymux(["--db", db, "migrate"], { env: keysEnv }), 0)
    expect(r.stdout).toContain(`from version 1 to ${SqlStore.schemaVersion}`)
    expect(schemaOf(db)).toBe(SqlStore.schemaVersion)
    const list = expectExit(await paymux(["--db", db, "merchant", "list", "--json"], { env: keysEnv }), 0).json<Array<{ code: string }>>()
    expect(list.map((m) => m.code)).toEqual(["imp50000001"])
    const again = expectExit(await paymux(["--db", db, "migrate", "--json"], { env: keysEnv }), 0).json()
    expect(again).toEqual({ from: SqlStore.schemaVersion, to: SqlStore.schemaVersion, migrated: false })
    expect(expectExit(await paymux(["--db", db, "migrate"], { env: keysEnv }), 0).stdout).toContain(
      `already at version ${SqlStore.schemaVersion}`
    )
  })

  it("paymux migrate --json names both versions; a missing file is refused, not created", async () => {
    const db = await oldDatabase(4)
    const r = expectExit(await paymux(["--db", db, "migrate", "--json"], { env: keysEnv }), 0).json()
    expect(r).toEqual({ from: 4, to: SqlStore.schemaVersion, migrated: true })
    const missing = join(tempDir(), "no-such.db")
    expect(expectExit(await paymux(["--db", missing, "migrate"], { env: keysEnv }), 3).stderr).toContain(`no database at ${missing}`)
  })

  it("a new database is still created at this release's schema by its first command", async () => {
    const folder = join(tempDir(), `migrate-${++folders}`)
    mkdirSync(folder)
    const db = join(folder, "paymux.db")
    expectExit(await paymux(["--db", db, "merchant", "create", "--name", "Shop"], { env: keysEnv }), 0)
    expect(schemaOf(db)).toBe(SqlStore.schemaVersion)
  })
})
