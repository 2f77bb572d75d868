import { randomBytes } from "node:crypto"
import { StoreSuite } from "@paymux/store-testkit"

/** The database the PostgreSQL suite runs against, from `PAYMUX_TEST_PG_URL`. */
export const pgUrl: string | undefined = process.env["PAYMUX_TEST_PG_URL"] || undefined

/** A fresh schema per test file, so files run in parallel against one database. */
export const freshSchema = (): string => `paymux_t_${randomBytes(6).toString("hex")}`

/**
 * Whether the suite of `file` can run: without `PAYMUX_TEST_PG_URL` it is skipped loudly, and on
 * CI it fails instead (`StoreSuite.requireDatabase`).
 */
export const requirePg = (file: string): boolean =>
  StoreSuite.requireDatabase("PAYMUX_TEST_PG_URL", `PostgreSQL suite ${file} (see docs/storage.md)`) !== undefined
