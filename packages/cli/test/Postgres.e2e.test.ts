/**
 * The store-backed commands on PostgreSQL, in a fresh database created for this run and dropped
 * after it. Needs PAYMUX_TEST_PG_URL (e.g. postgres://postgres:postgres@127.0.0.1:5432/paymux_test);
 * without it the suite is skipped with one loud line, and on CI (CI=true) it fails instead.
 */
import { randomBytes } from "node:crypto"
import { PgClient } from "@effect/sql-pg"
import { SqlStore } from "@paymux/store"
import { PostgresStore } from "@paymux/store-postgres"
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

  // Upgrade probe F3: a command that only reads migrated the database under the older release
  // still serving it. Only `paymux migrate` migrates now.
  describe("paymux on PostgreSQL: a database an older release wrote", () => {
    it("a read is refused and changes nothing; paymux migrate upgrades it; then the read works", async () => {
      const name = `paymux_cli_migrate_${Date.now()}_${randomBytes(3).toString("hex")}`
      await admin((sql) => sql.unsafe(`CREATE DATABASE ${name}`))
      const target = new URL(url)
      target.pathname = `/${name}`
      const db = ["--db", target.toString()]
      const inOld = <A>(f: (sql: SqlClient.SqlClient) => Effect.Effect<A, unknown>) =>
        Effect.runPromise(
          Effect.scoped(Effect.flatMap(SqlClient.SqlClient, f)).pipe(
            Effect.provide(PostgresStore.layerClient({ url: target.toString() }))
          ) as Effect.Effect<A, unknown, never>
        )
      // What a command could have changed: the recorded migrations, the tables, the key fingerprints.
      const state = () =>
        inOld((sql) =>
          Effect.all([
            sql`SELECT migration_id FROM paymux_migrations ORDER BY migration_id`,
            sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
            sql`SELECT count(*)::int AS n FROM paymux_store_keys`
          ])
        )
      try {
        await inOld((sql) =>
          Effect.andThen(
            SqlStore.migrateTo(2),
            sql`INSERT INTO paymux_merchants (code, name, policy, created_at, version) VALUES ('imp30000005', 'Old', 'fallback', 1, 1)`
          ).pipe(Effect.provideService(SqlClient.SqlClient, sql))
        )
        const before = await state()
        for (const args of [["merchant", "list"], ["resolve", "-m", "imp30000005", "--mode", "live", "--pg", "kcp"], ["doctor"]]) {
          const r = expectExit(await paymux([...db, ...args, "--json"], { env: keysEnv }), 3).json()
          expect(r.error).toMatchObject({ tag: "SchemaTooOld", details: { found: 2, supported: SqlStore.schemaVersion } })
          expect(r.error.hint).toContain("paymux migrate")
        }
        expect(await state()).toEqual(before)
        const migrated = expectExit(await paymux([...db, "migrate", "--json"], { env: keysEnv }), 0).json()
        expect(migrated).toEqual({ from: 2, to: SqlStore.schemaVersion, migrated: true })
        const list = expectExit(await paymux([...db, "merchant", "list", "--json"], { env: keysEnv }), 0).json<Array<{ code: string }>>()
        expect(list.map((m) => m.code)).toEqual(["imp30000005"])
        expect(expectExit(await paymux([...db, "migrate"], { env: keysEnv }), 0).stdout).toContain(
          `already at version ${SqlStore.schemaVersion}`
        )
      } finally {
        await admin((sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
      }
    })
  })

  // Operations probe, December 2026: on PostgreSQL, processes' transactions interleaved, so a
  // default could name a channel removed at the same moment, and unversioned edits were refused as
  // stale. They run one at a time now, as on SQLite.
  describe("paymux on PostgreSQL: processes changing one merchant at once", () => {
    it("channel default racing channel remove never leaves a default that names no channel; parallel whitelist adds all land", async () => {
      const name = `paymux_cli_race_${Date.now()}_${randomBytes(3).toString("hex")}`
      await admin((sql) => sql.unsafe(`CREATE DATABASE ${name}`))
      const target = new URL(url)
      target.pathname = `/${name}`
      const db = ["--db", target.toString()]
      const run = (args: ReadonlyArray<string>) => paymux([...db, ...args], { env: keysEnv })
      try {
        const m = "imp30000004"
        expectExit(await run(["merchant", "create", "--name", "Race", "--code", m]), 0)
        for (let round = 0; round < 4; round++) {
          const added = expectExit(
            await run([
              "channel",
              "add",
              "-m",
              m,
              "--mode",
              "live",
              "--pg",
              "kcp",
              "--mid",
              `R${round}`,
              "--type",
              "window.general",
              "--methods",
              "card",
              "--cred",
              "site_key=x",
              "--json"
            ]),
            0
          ).json<{ key: string }>()
          await Promise.all([run(["channel", "default", "-m", m, added.key]), run(["channel", "remove", "-m", m, added.key])])
          const shown = expectExit(await run(["merchant", "show", m, "--json"]), 0).json<{ defaultChannels: { live?: string } }>()
          const live = expectExit(await run(["channel", "list", "-m", m, "--mode", "live", "--json"]), 0).json<Array<{ key: string }>>()
          if (shown.defaultChannels.live !== undefined) expect(live.map((c) => c.key)).toContain(shown.defaultChannels.live)
        }
        const adds = await Promise.all(Array.from({ length: 8 }, (_, i) => run(["whitelist", "add", "-m", m, `10.${i * 2}.5.0/24`])))
        expect(adds.map((r) => r.code)).toEqual(adds.map(() => 0))
        const rules = expectExit(await run(["whitelist", "show", "-m", m, "--json"]), 0).json<{ rules: ReadonlyArray<string> }>()
        expect(rules.rules).toHaveLength(8)
      } finally {
        await admin((sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
      }
    })
  })
}
