import { randomBytes } from "node:crypto"
import { StoreSuite } from "@paymux/store-testkit"
import { inject } from "vitest"

/** The database the PostgreSQL suite runs against, from `PAYMUX_TEST_PG_URL`. */
export const pgUrl: string | undefined = process.env["PAYMUX_TEST_PG_URL"] || undefined

/**
 * A fresh schema per store, so tests and files run in parallel against one database. Its name
 * starts with this run's prefix: the global teardown (test/globalSetup.ts) drops them all.
 */
export const freshSchema = (): string => `${inject("schemaPrefix")}${randomBytes(6).toString("hex")}`

/**
 * Whether the suite of `file` can run: without `PAYMUX_TEST_PG_URL` it is skipped loudly, and on
 * CI it fails instead (`StoreSuite.requireDatabase`).
 */
export const requirePg = (file: string): boolean =>
  StoreSuite.requireDatabase("PAYMUX_TEST_PG_URL", `PostgreSQL suite ${file} (see docs/storage.md)`) !== undefined
