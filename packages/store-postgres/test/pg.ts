import { randomBytes } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"

/** The database the PostgreSQL suite runs against, from `PAYMUX_TEST_PG_URL`. */
export const pgUrl: string | undefined = process.env["PAYMUX_TEST_PG_URL"] || undefined

/** A fresh schema per test file, so files run in parallel against one database. */
export const freshSchema = (): string => `paymux_t_${randomBytes(6).toString("hex")}`

/**
 * Without a database the suite is skipped loudly: one warning line and one test reported as
 * skipped (never as passed). On CI (`CI=true`) a missing database is a broken pipeline, so the
 * placeholder runs and fails instead.
 */
export const requirePg = (file: string): boolean => {
  if (pgUrl !== undefined) return true
  describe(`PostgreSQL suite (${file})`, () => {
    if (process.env["CI"] === "true") {
      it("needs PAYMUX_TEST_PG_URL on CI", () => {
        expect.fail("PAYMUX_TEST_PG_URL must be set on CI (.ci/run starts PostgreSQL and exports it)")
      })
      return
    }
    console.warn(`\n!!! SKIPPED: PostgreSQL suite ${file} — PAYMUX_TEST_PG_URL is not set (see docs/storage.md) !!!\n`)
    it.skip("runs against PostgreSQL when PAYMUX_TEST_PG_URL is set", () => {})
  })
  return false
}
