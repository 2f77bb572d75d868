import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Clock from "effect/Clock"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Flags from "../src/Flags.ts"

const now = Date.parse("2026-12-06T00:00:00Z")
// "now" is the Clock's: a clock stopped at `now`.
const stopped: Clock.Clock = {
  currentTimeMillisUnsafe: () => now,
  currentTimeMillis: Effect.succeed(now),
  currentTimeNanosUnsafe: () => BigInt(now) * 1_000_000n,
  currentTimeNanos: Effect.succeed(BigInt(now) * 1_000_000n),
  monotonicTimeNanosUnsafe: () => BigInt(now) * 1_000_000n,
  monotonicTimeNanos: Effect.succeed(BigInt(now) * 1_000_000n),
  sleep: () => Effect.void
}
const parse = (text: string, direction: "ahead" | "ago") =>
  Effect.runSyncExit(Flags.parseTime("since", text, direction).pipe(Effect.provideService(Clock.Clock, stopped)))
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
        // Back past 1970 is refused (see below).
        const ago = now - n * unitMillis[unit]
        expect(timeOf(`${n}${unit}`, "ago")).toBe(ago >= 0 ? ago : "refused")
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

/** Runs `body` with the process's time zone set to `tz` (Node reads TZ again when it is assigned). */
const inZone = <A>(tz: string, body: () => A): A => {
  const saved = process.env.TZ
  process.env.TZ = tz
  try {
    return body()
  } finally {
    if (saved === undefined) delete process.env.TZ
    else process.env.TZ = saved
  }
}

// Regression (time probe, finding 7): a date alone was read as UTC midnight but a date-time without
// an offset as local time, 9 hours apart in Seoul; a time before 1970 passed the parser.
describe("Flags.parseTime: one rule for times without an offset", () => {
  it("a date alone is local midnight, as a date-time without an offset is local time", () => {
    inZone("Asia/Seoul", () => {
      expect(timeOf("2026-12-31", "ahead")).toBe(Date.parse("2026-12-30T15:00:00Z"))
      expect(timeOf("2026-12-31T00:00", "ahead")).toBe(Date.parse("2026-12-30T15:00:00Z"))
      expect(timeOf("2026-12-31T00:00:00Z", "ahead")).toBe(Date.parse("2026-12-31T00:00:00Z"))
    })
    inZone("America/Los_Angeles", () => expect(timeOf("2026-12-31", "ago")).toBe(Date.parse("2026-12-31T08:00:00Z")))
    inZone("UTC", () => expect(timeOf("2026-12-31", "ago")).toBe(Date.parse("2026-12-31T00:00:00Z")))
  })

  it("a time before 1970 is refused as such, naming the flag", () => {
    inZone("UTC", () => {
      for (const text of ["1969-12-31", "1969-12-31T23:59:59Z", "0000-01-01", "30000d"]) {
        const exit = parse(text, "ago")
        expect(Exit.isFailure(exit), text).toBe(true)
        expect(JSON.stringify(exit), text).toContain(`--since \\"${text}\\" is before 1970`)
      }
      expect(timeOf("1970-01-01T00:00:00Z", "ago")).toBe(0)
      expect(timeOf("0", "ago")).toBe(0)
    })
  })
})
