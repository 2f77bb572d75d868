/**
 * The time flags read a time without an offset in the process's time zone, a date alone included
 * (time probe, finding 7: `--expires 2026-12-31` was UTC midnight but `--expires 2026-12-31T00:00`
 * local midnight, 9 hours apart in Seoul), and refuse a time before 1970 naming the flag.
 */
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { expectExit, paymux, tempDir } from "./support/paymux.ts"

const db = join(tempDir(), "time-flags.db")
const seoul = { TZ: "Asia/Seoul" }
// A day within the 10 years an API key may last, whatever today is.
const year = new Date().getUTCFullYear() + 1

describe("paymux time flags under TZ=Asia/Seoul", () => {
  it("--expires DATE is local midnight, the same instant as --expires DATE'T'00:00", async () => {
    const m = expectExit(await paymux(["--db", db, "merchant", "create", "--name", "Seoul", "--json"], { env: seoul }), 0).json<{
      code: string
    }>().code
    const issue = async (expires: string) =>
      expectExit(await paymux(["--db", db, "apikey", "issue", "-m", m, "--expires", expires, "--json"], { env: seoul }), 0).json<{
        expiresAt: number
      }>().expiresAt
    const midnightInSeoul = Date.parse(`${year}-12-30T15:00:00Z`)
    expect(await issue(`${year}-12-31`)).toBe(midnightInSeoul)
    expect(await issue(`${year}-12-31T00:00`)).toBe(midnightInSeoul)
    expect(await issue(`${year}-12-31T00:00:00Z`)).toBe(Date.parse(`${year}-12-31T00:00:00Z`))
  })

  it("a time before 1970 is bad input naming the flag", async () => {
    const r = expectExit(await paymux(["--db", db, "webhook", "prune", "--before", "1969-12-31"], { env: seoul }), 2)
    expect(r.stderr).toContain('--before "1969-12-31" is before 1970')
  })
})
