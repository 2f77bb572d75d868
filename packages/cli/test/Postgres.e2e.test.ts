/**
 * The store-backed commands on PostgreSQL, in a fresh database created for this run and dropped
 * after it. Needs PAYMUX_TEST_PG_URL (e.g. postgres://postgres:postgres@127.0.0.1:5432/paymux_test);
 * without it the suite is skipped with one loud line, and on CI (CI=true) it fails instead.
 */
import { randomBytes } from "node:crypto"
import { PgClient } from "@effect/sql-pg"
import { StoreSuite } from "@paymux/store-testkit"
import { Effect, Redacted } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { describe, expect, it } from "vitest"
import { expectExit, paymux } from "./support/paymux.ts"
import { storeSuite } from "./support/storeSuite.ts"

const url = StoreSuite.requireDatabase("PAYMUX_TEST_PG_URL", "paymux CLI PostgreSQL e2e suite")

const admin = <A>(f: (sql: SqlClient.SqlClient) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        return yield* f(yield* SqlClient.SqlClient)
      })
    ).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url!) }))) as Effect.Effect<A, unknown, never>
  )

const keysEnv = {
  PAYMUX_MASTER_KEYS: `e2e-1:${randomBytes(32).toString("base64")}`,
  PAYMUX_PEPPER: randomBytes(32).toString("base64")
}

if (url !== undefined) {
  storeSuite("PostgreSQL", async () => {
    const name = `paymux_cli_e2e_${Date.now()}_${randomBytes(3).toString("hex")}`
    await admin((sql) => sql.unsafe(`CREATE DATABASE ${name}`))
    const target = new URL(url)
    target.pathname = `/${name}`
    return {
      db: target.toString(),
      env: keysEnv,
      cleanup: () => admin((sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined)
    }
  })

  describe("paymux on PostgreSQL: connection and keys", () => {
    it("an unreachable server is exit 3, without echoing the password", async () => {
      const r = expectExit(await paymux(["--db", "postgres://x:hunter2pw@127.0.0.1:1/db", "merchant", "list"], { env: keysEnv }), 3)
      expect(r.stdout + r.stderr).not.toContain("hunter2pw")
    })

    it("without PAYMUX_MASTER_KEYS, secret-free commands work and secret ones explain (exit 2)", async () => {
      const name = `paymux_cli_nokeys_${Date.now()}_${randomBytes(3).toString("hex")}`
      await admin((sql) => sql.unsafe(`CREATE DATABASE ${name}`))
      const target = new URL(url)
      target.pathname = `/${name}`
      try {
        expectExit(await paymux(["--db", target.toString(), "merchant", "create", "--name", "No keys", "--code", "imp30000003"]), 0)
        const r = expectExit(await paymux(["--db", target.toString(), "apikey", "issue", "--merchant", "imp30000003"]), 2)
        expect(r.stderr).toContain("PAYMUX_MASTER_KEYS")
      } finally {
        await admin((sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
      }
    })
  })
}
