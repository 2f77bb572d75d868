/** How `--db` is read: a path, `:memory:`, or a postgres:// URL; other schemes are refused unechoed. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { parseTarget } from "../src/Store.ts"

describe("--db", () => {
  it.effect("a path with a colon, written ./name, and a Windows drive path are SQLite files", () =>
    Effect.gen(function* () {
      for (const path of ["./backup:2026.db", "C:\\paymux\\x.db", "c:/x.db", "shop.db"]) {
        expect(yield* parseTarget(path), path).toEqual({ kind: "sqlite-file", path })
      }
      expect(yield* parseTarget(":memory:")).toEqual({ kind: "memory" })
      expect(yield* parseTarget("postgres://u:p@127.0.0.1/db")).toEqual({ kind: "postgres", url: "postgres://u:p@127.0.0.1/db" })
    })
  )

  it.effect("a scheme without // is refused without quoting what follows it", () =>
    Effect.gen(function* () {
      for (const db of ["backup:2026.db", "postgresql:postgres:SEKRET@127.0.0.1", "mysql://root:SEKRET@h/db"]) {
        const refused = yield* Effect.flip(parseTarget(db))
        expect(refused.exitCode, db).toBe(2)
        expect(refused.message + (refused.hint ?? ""), db).not.toContain("SEKRET")
      }
    })
  )
})
