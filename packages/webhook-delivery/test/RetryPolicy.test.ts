import { describe, expect, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { RetryPolicy } from "../src/index.ts"

describe("RetryPolicy", () => {
  // Conformance audit 2026-12 (A7): PortOne resends on merchant errors as on network errors, so
  // only 410 Gone ends a delivery at once; 4xx and 3xx (never followed) are retried.
  it("classifies statuses: 2xx delivered, 410 failed, every other status retried", () => {
    expect([200, 204, 299].map(RetryPolicy.classifyStatus)).toEqual(["delivered", "delivered", "delivered"])
    expect([100, 199, 300, 301, 399, 400, 401, 404, 408, 409, 429, 500, 503, 599].map(RetryPolicy.classifyStatus)).toEqual(
      Array(14).fill("retry")
    )
    expect(RetryPolicy.classifyStatus(410)).toBe("failed")
  })

  // An oracle apart from the implementation: a status is delivered exactly when its hundreds
  // digit is 2, and failed exactly when it is 410.
  test.prop([fc.integer({ min: 100, max: 999 })])("every status is delivered, failed or retried by its class", (status) => {
    const expected = String(status).startsWith("2") ? "delivered" : String(status) === "410" ? "failed" : "retry"
    expect(RetryPolicy.classifyStatus(status)).toBe(expected)
  })

  it("parses Retry-After seconds and HTTP dates", () => {
    const now = Date.parse("2024-01-01T00:00:00Z")
    expect(RetryPolicy.parseRetryAfter("120", now)).toBe(120_000)
    expect(RetryPolicy.parseRetryAfter("Mon, 01 Jan 2024 00:02:00 GMT", now)).toBe(120_000)
    expect(RetryPolicy.parseRetryAfter("Sun, 31 Dec 2023 00:00:00 GMT", now)).toBe(0)
    expect(RetryPolicy.parseRetryAfter("soon", now)).toBeUndefined()
    expect(RetryPolicy.parseRetryAfter(undefined, now)).toBeUndefined()
    expect(RetryPolicy.parseRetryAfter("999999999", now)).toBe(RetryPolicy.maxRetryAfterMillis)
    // An HTTP date is clamped too, so a receiver cannot park a delivery for decades (mutation probe R04).
    expect(RetryPolicy.parseRetryAfter("Fri, 01 Jan 2100 00:00:00 GMT", now)).toBe(RetryPolicy.maxRetryAfterMillis)
    // Surrounding whitespace is trimmed before the delay-seconds form is tried (mutation probe R07).
    expect(RetryPolicy.parseRetryAfter(" 120 ", now)).toBe(120_000)
    expect(RetryPolicy.parseRetryAfter("\t120", now)).toBe(120_000)
  })

  // Time probe, finding 6: Date.parse read a date without a zone in the dispatcher's time zone (10
  // minutes under UTC, 0 under Asia/Seoul) and took forms HTTP does not have; "-5" and "1.5" were 0.
  it("reads Retry-After as RFC 9110 does, in GMT whatever the process's time zone, and ignores every other form", () => {
    const now = Date.parse("2026-12-01T00:00:00Z")
    const original = process.env.TZ
    try {
      for (const tz of ["UTC", "Asia/Seoul", "America/Los_Angeles"]) {
        process.env.TZ = tz
        expect(RetryPolicy.parseRetryAfter("Tue, 01 Dec 2026 00:10:00 GMT", now)).toBe(600_000)
        expect(RetryPolicy.parseRetryAfter("Tuesday, 01-Dec-26 00:10:00 GMT", now)).toBe(600_000)
        expect(RetryPolicy.parseRetryAfter("Tue Dec  1 00:10:00 2026", now)).toBe(600_000)
        for (const text of [
          "Tue, 01 Dec 2026 00:10:00",
          "Tue, 01 Dec 2026 00:10:00 UTC",
          "2026-12-01T00:10:00",
          "2026-12-01T00:10:00Z",
          "12/1/2026 00:10",
          "Dec 2",
          "1 2",
          "-5",
          "1.5",
          "tue, 01 dec 2026 00:10:00 gmt",
          "Mon, 31 Feb 2026 00:10:00 GMT",
          "Tue, 01 Dec 2026 24:00:00 GMT"
        ]) {
          expect([tz, text, RetryPolicy.parseRetryAfter(text, now)]).toEqual([tz, text, undefined])
        }
      }
    } finally {
      if (original === undefined) delete process.env.TZ
      else process.env.TZ = original
    }
  })

  test.prop([
    fc.integer({ min: 1, max: 12 }),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    fc.option(fc.nat(10_000_000), { nil: undefined })
  ])("full jitter stays in [Retry-After, step), and past the schedule its last step repeats", (attempt, random, retryAfterMillis) => {
    const steps = [1, 4, 16, 64, 256]
    const base = steps[Math.min(attempt, steps.length) - 1]! * 60_000
    const d = RetryPolicy.delayAfter({ attempt, random, retryAfterMillis })
    // The exact value, not bounds: a delay without jitter, or rounded up, is caught here.
    expect(d).toBe(Math.max(Math.floor(base * random), retryAfterMillis ?? 0))
    if (retryAfterMillis === undefined || retryAfterMillis < base) expect(d).toBeLessThan(base)
  })

  // Time probe, finding 5: the dispatcher takes steps from 0 to a week (10 080 minutes); with any
  // such schedule the wait is a whole number of milliseconds, at most a week or the Retry-After cap.
  test.prop([
    fc.array(fc.double({ min: 0, max: 10_080, noNaN: true }), { maxLength: 8 }),
    fc.integer({ min: 1, max: 1000 }),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    fc.option(fc.string(), { nil: undefined })
  ])("every schedule the dispatcher takes gives a finite whole wait", (scheduleMinutes, attempt, random, header) => {
    const retryAfterMillis = RetryPolicy.parseRetryAfter(header, Date.parse("2026-12-01T00:00:00Z"))
    const d = RetryPolicy.delayAfter({ attempt, random, retryAfterMillis, scheduleMinutes })
    expect(Number.isSafeInteger(d) && d >= 0).toBe(true)
    expect(d).toBeLessThanOrEqual(Math.max(10_080 * 60_000, RetryPolicy.maxRetryAfterMillis))
  })
})
