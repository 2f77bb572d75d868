import { describe, expect, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { RetryPolicy } from "../src/index.ts"

describe("RetryPolicy", () => {
  it("classifies statuses", () => {
    expect([200, 204, 299].map(RetryPolicy.classifyStatus)).toEqual(["delivered", "delivered", "delivered"])
    expect([408, 429, 500, 503, 599].map(RetryPolicy.classifyStatus)).toEqual(Array(5).fill("retry"))
    expect([301, 400, 401, 404, 410].map(RetryPolicy.classifyStatus)).toEqual(Array(5).fill("failed"))
  })

  // Regression: delivered is 2xx only; 300 is not (redirects are not followed), the boundary
  // the mutation probe moved (R02).
  it("classifies the 2xx/3xx boundary: 299 delivered, 300, 301, 399 failed, 199 failed", () => {
    expect([199, 200, 299, 300, 301, 399].map(RetryPolicy.classifyStatus)).toEqual([
      "failed",
      "delivered",
      "delivered",
      "failed",
      "failed",
      "failed"
    ])
  })

  it("parses Retry-After seconds and HTTP dates", () => {
    const now = Date.parse("2024-01-01T00:00:00Z")
    expect(RetryPolicy.parseRetryAfter("120", now)).toBe(120_000)
    expect(RetryPolicy.parseRetryAfter("Mon, 01 Jan 2024 00:02:00 GMT", now)).toBe(120_000)
    expect(RetryPolicy.parseRetryAfter("Sun, 31 Dec 2023 00:00:00 GMT", now)).toBe(0)
    expect(RetryPolicy.parseRetryAfter("soon", now)).toBeUndefined()
    expect(RetryPolicy.parseRetryAfter(undefined, now)).toBeUndefined()
    expect(RetryPolicy.parseRetryAfter("999999999", now)).toBe(RetryPolicy.maxRetryAfterMillis)
  })

  test.prop([
    fc.integer({ min: 1, max: 12 }),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    fc.option(fc.nat(10_000_000), { nil: undefined })
  ])("full jitter stays in [Retry-After, step), and past the schedule its last step repeats", (attempt, random, retryAfterMillis) => {
    const steps = [1, 4, 16, 64, 256]
    const base = steps[Math.min(attempt, steps.length) - 1]! * 60_000
    const d = RetryPolicy.delayAfter({ attempt, random, retryAfterMillis })
    expect(d).toBeGreaterThanOrEqual(Math.max(Math.floor(base * random), retryAfterMillis ?? 0))
    expect(d).toBeLessThanOrEqual(Math.max(base, retryAfterMillis ?? 0))
  })
})
