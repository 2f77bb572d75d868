/**
 * Every PostgreSQL test schema of one run starts with a prefix of its own; after the run (pass,
 * fail or timeout of a test) this teardown drops them all, so no test file's hook can skip or
 * time out the cleanup, and runs beside other runs on one database never drop each other's
 * schemas.
 */
import { randomBytes } from "node:crypto"
import { Effect } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import type { TestProject } from "vitest/node"
import { PostgresStore } from "../src/index.ts"

declare module "vitest" {
  export interface ProvidedContext {
    readonly schemaPrefix: string
  }
}

/** Drops every schema whose name starts with `prefix`; returns how many remain (0). */
export const dropSchemas = (url: string, prefix: string): Promise<number> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const like = `${prefix.replace(/_/g, "\\_")}%`
      const rows = yield* sql<{ nspname: string }>`SELECT nspname FROM pg_namespace WHERE nspname LIKE ${like}`
      for (const { nspname } of rows) yield* sql.unsafe(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`)
      const left = yield* sql<{ n: string }>`SELECT count(*) AS n FROM pg_namespace WHERE nspname LIKE ${like}`
      return Number(left[0]!.n)
    }).pipe(Effect.provide(PostgresStore.layerClient({ url })))
  )

export default function setup(project: TestProject) {
  const prefix = `paymux_t_${randomBytes(4).toString("hex")}_`
  project.provide("schemaPrefix", prefix)
  return async () => {
    const url = process.env["PAYMUX_TEST_PG_URL"]
    if (url === undefined || url === "") return
    const left = await dropSchemas(url, prefix)
    if (left !== 0) throw new Error(`${left} test schemas ${prefix}* are left after the PostgreSQL suite`)
  }
}
