import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Flags from "../src/Flags.ts"

const now = Date.parse("2026-12-06T00:00:00Z")
const parse = (text: string, direction: "ahead" | "ago") => Effect.runSyncExit(Flags.parseTime("since", text, direction, now))
const timeOf = (text: string, direction: "ahead" | "ago"): number | "refused" => {
  const exit = parse(text, direction)
  return Exit.isSuccess(exit) ? exit.value : "refused"
}

// The oracle: milliseconds per unit written out apart from the parser's table.
const unitMillis = { h: 60 * 60 * 1000, d: 24 * 60 * 60 * 1000 }

describe("Flags.parseTime: --since and --expires take the same forms", () => {
  it("property: a duration counts from now, forward for --expires and back for --since", () => {
    fc.assert(
      fc.property(fc.nat({ max: 100_000 }), fc.constantFrom("h" as const, "d" as const), (n, unit) => {
        expect(timeOf(`${n}${unit}`, "ahead")).toBe(now + n * unitMillis[unit])
        expect(timeOf(`${n}${unit}`, "ago")).toBe(now - n * unitMillis[unit])
      })
    )
  })

  it("property: an ISO time and epoch milliseconds name the same instant in either direction", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom("ahead" as const, "ago" as const), (t, direction) => {
        expect(timeOf(new Date(t).toISOString(), direction)).toBe(t)
        expect(timeOf(String(t), direction)).toBe(t)
      })
    )
  })

  it("anything else is bad input (exit 2) naming the flag, with the forms it takes", () => {
    for (const text of ["last tuesday", "-5h", "5 h", "5w", "", "h"]) expect(timeOf(text, "ago"), text).toBe("refused")
    // Regression (docs probe): Date.parse also read these, as dates in 2001 and 2003.
    for (const text of ["-1", "hello 5", "Dec 25", "1/2/3", "2026 12 6"]) expect(timeOf(text, "ago"), text).toBe("refused")
    // A time no date can hold is refused as such, not passed on.
    for (const text of ["99999999999999999", "1000000000d"]) expect(timeOf(text, "ago"), text).toBe("refused")
    const exit = parse("soon", "ago")
    expect(Exit.isFailure(exit)).toBe(true)
    expect(JSON.stringify(exit)).toContain("--since")
  })
})
