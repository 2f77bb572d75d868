// Regression (contributor probe, F3 and F4): a change made inside a released migration (an index
// added to migration 9 rather than a new 10) passed every test, as did a migration with no row in
// docs/storage.md. A database the released migration made never gets such a change.
import { createHash } from "node:crypto"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { SqlStore } from "@paymux/store"
import Database from "better-sqlite3"
import { Effect, Layer } from "effect"
import { SqliteStore } from "../src/index.ts"

const fixture = fileURLToPath(new URL("./fixtures/released-schemas.json", import.meta.url))
const storageDoc = fileURLToPath(new URL("../../../docs/storage.md", import.meta.url))

/** A digest of the schema a fresh SQLite file has after migrations 1 to `version`. */
const schemaAfter = (version: number) =>
  Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "paymux-schema-"))
    const file = join(dir, "s.db")
    yield* Effect.scoped(
      Effect.flatMap(Layer.build(SqliteStore.layerClient({ filename: file })), (context) =>
        Effect.provideContext(SqlStore.migrateTo(version), context)
      )
    )
    const db = new Database(file, { readonly: true })
    const objects = db
      .prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`)
      .all()
    db.close()
    rmSync(dir, { recursive: true, force: true })
    return createHash("sha256").update(JSON.stringify(objects)).digest("hex")
  })

describe("released migrations", () => {
  it.effect("each one still makes the schema it made when it was recorded: a change to the schema is a new migration", () =>
    Effect.gen(function* () {
      const versions = Array.from({ length: SqlStore.schemaVersion }, (_, i) => i + 1)
      const found = Object.fromEntries(yield* Effect.forEach(versions, (v) => Effect.map(schemaAfter(v), (digest) => [String(v), digest])))
      const stored: Record<string, string> = existsSync(fixture) ? JSON.parse(readFileSync(fixture, "utf8")) : {}
      // Records the migrations not yet recorded (a new one, once it is final), never a recorded one.
      const recorded = process.env["PAYMUX_WRITE_SCHEMAS"] === "1" ? { ...found, ...stored } : stored
      if (recorded !== stored) writeFileSync(fixture, `${JSON.stringify(recorded, null, 2)}\n`)
      for (const v of versions) {
        expect(
          recorded[String(v)],
          `migration ${v} is not recorded: once it is final, run this test with PAYMUX_WRITE_SCHEMAS=1`
        ).toBeDefined()
        expect(
          found[String(v)],
          `the schema after migration ${v} is not the one recorded: a released migration was changed; put the change in a new migration`
        ).toBe(recorded[String(v)])
      }
      expect(Object.keys(recorded).map(Number), "recorded migrations this release does not have").toEqual(versions)
    })
  )

  it("docs/storage.md has one row per migration", () => {
    const doc = readFileSync(storageDoc, "utf8")
    const table = doc.slice(doc.indexOf("The migrations so far:"))
    const rows = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]))
    expect(rows, "the rows of docs/storage.md's table of migrations").toEqual(
      Array.from({ length: SqlStore.schemaVersion }, (_, i) => i + 1)
    )
  })
})
