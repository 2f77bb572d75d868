/**
 * What the page shows of a failed call: the problem+json the API answered, read from the error
 * class the typed client decoded it into, or a plain sentence when no problem came back.
 */
import { Problem as Problems } from "@paymux/http"
import { Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { problemOf } from "../app/src/api.ts"

describe("problemOf", () => {
  it("reads a decoded problem: status, code, detail, field and suggestions", () => {
    const error = new Problems.catalogProblems["invalid-pg"]({
      code: "invalid-pg",
      detail: 'pg "kcpp" is not a PG code; did you mean kcp?',
      retryable: false,
      field: "pg",
      suggestions: ["kcp"]
    })
    expect(problemOf(error)).toEqual({
      status: 400,
      code: "invalid-pg",
      detail: 'pg "kcpp" is not a PG code; did you mean kcp?',
      field: "pg",
      suggestions: ["kcp"],
      rejected: undefined
    })
  })

  it("keeps a miss's rejected candidates", () => {
    const rejected = [{ channel: "ck", pg: "kcp.A1", mode: "live", reason: "pay-method-unsupported", detail: "takes card" }]
    const error = new Problems.NotFound({ code: "channel-not-found", detail: "no channel", rejected })
    expect(problemOf(error)).toMatchObject({ status: 404, rejected })
  })

  it("says the server answered a status when the body was not a problem", () => {
    expect(problemOf({ _tag: "ResponseError", response: { status: 502 } })).toMatchObject({
      status: 502,
      code: "unexpected",
      detail: "the server answered 502"
    })
  })

  it("says the answer could not be read when it does not match the API's schema", () => {
    const decoded = Schema.decodeUnknownResult(Schema.Array(Schema.String))([1])
    expect(Result.isFailure(decoded)).toBe(true)
    if (Result.isFailure(decoded)) {
      expect(problemOf(decoded.failure)).toMatchObject({ code: "unreadable-answer", detail: "the server's answer could not be read" })
    }
  })

  it("says the server could not be reached when nothing answered", () => {
    expect(problemOf(new TypeError("Failed to fetch"))).toMatchObject({ status: undefined, code: "network" })
    expect(problemOf(undefined).detail).toBe("the server could not be reached")
  })
})
