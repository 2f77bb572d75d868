/**
 * Several `paymux` processes on one store, as a deployment runs them: fresh databases (a SQLite
 * file, or a PostgreSQL database created for the run and dropped after it), `paymux serve`
 * children with the keys in their environment, and small HTTP helpers.
 */
import type { ChildProcess } from "node:child_process"
import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { PgClient } from "@effect/sql-pg"
import Sqlite from "better-sqlite3"
import { Effect, Redacted } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { expectExit, paymux, startServe, tempDir } from "../support/paymux.ts"

export const keysEnv = (): Record<string, string> => ({
  PAYMUX_MASTER_KEYS: `multi-1:${randomBytes(32).toString("base64")}`,
  PAYMUX_PEPPER: randomBytes(32).toString("base64")
})

const onServer = <A>(url: string, f: (sql: SqlClient.SqlClient) => Effect.Effect<A, unknown>): Promise<A> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        return yield* f(yield* SqlClient.SqlClient)
      })
    ).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url) }))) as Effect.Effect<A, unknown, never>
  )

export interface Database {
  readonly db: string
  readonly cleanup: () => Promise<void>
  /** Every row of a table, as the driver returns it. */
  readonly rows: (table: string) => Promise<ReadonlyArray<Record<string, unknown>>>
}

/** A new PostgreSQL database on the server `url` names. */
export const freshPostgres = async (url: string): Promise<Database> => {
  const name = `paymux_multi_${Date.now()}_${randomBytes(3).toString("hex")}`
  await onServer(url, (sql) => sql.unsafe(`CREATE DATABASE ${name}`))
  const target = new URL(url)
  target.pathname = `/${name}`
  return {
    db: target.toString(),
    cleanup: () => onServer(url, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
    rows: (table) => onServer(target.toString(), (sql) => sql.unsafe(`SELECT * FROM ${table}`))
  }
}

export const freshSqlite = (label: string): Database => {
  const db = join(tempDir(), `${label}-${randomBytes(3).toString("hex")}.db`)
  return {
    db,
    cleanup: async () => undefined,
    rows: async (table) => {
      const sqlite = new Sqlite(db, { readonly: true })
      try {
        return sqlite.prepare(`SELECT * FROM ${table}`).all() as ReadonlyArray<Record<string, unknown>>
      } finally {
        sqlite.close()
      }
    }
  }
}

export interface Served {
  readonly url: string
  readonly child: ChildProcess
  readonly stop: () => Promise<void>
}

/** `paymux --db DB serve --port 0 --json FLAGS` with `env`, once it prints where it listens. */
export const serve = async (db: string, env: Record<string, string>, flags: ReadonlyArray<string> = []): Promise<Served> => {
  const { child, url } = await startServe(db, flags, env)
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.on("exit", () => resolve())
        child.kill("SIGINT")
      })
  }
}

/** A merchant and API keys made with the CLI. */
export const seedMerchant = async (
  db: string,
  env: Record<string, string>,
  keys: number
): Promise<{ readonly merchant: string; readonly keys: ReadonlyArray<{ readonly id: string; readonly bearer: string }> }> => {
  const merchant = expectExit(await paymux(["--db", db, "merchant", "create", "--name", "Multi", "--json"], { env }), 0).json<{
    code: string
  }>().code
  const issued: Array<{ id: string; bearer: string }> = []
  for (let i = 0; i < keys; i++) {
    const key = expectExit(
      await paymux(["--db", db, "apikey", "issue", "--merchant", merchant, "--name", `k${i}`, "--json"], { env }),
      0
    ).json<{
      id: string
      secret: string
    }>()
    issued.push({ id: key.id, bearer: `Bearer ${key.id}.${key.secret}` })
  }
  return { merchant, keys: issued }
}
