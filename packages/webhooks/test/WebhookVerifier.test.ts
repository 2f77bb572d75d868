import { createHmac } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import { Effect, Result } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { WebhookError, WebhookSecret, WebhookSigner, WebhookVerifier } from "../src/index.ts"

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
const TS = 1614265330
const BODY = '{"test": 2432232314}'
const SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
const NOW = TS * 1000

const headers = (sig = SIG, ts = String(TS)) => ({ "webhook-id": ID, "webhook-timestamp": ts, "webhook-signature": sig })
const verifier = WebhookVerifier.make({ secrets: [SECRET] })
const tagOf = (r: Result.Result<unknown, { readonly _tag: string }>) => (Result.isFailure(r) ? r.failure._tag : "ok")
const failureOf = <E>(r: Result.Result<unknown, E>): E | undefined => (Result.isFailure(r) ? r.failure : undefined)

const independent = (secret: string, id: string, ts: number | string, body: Uint8Array): string =>
  "v1," +
  createHmac("sha256", Buffer.from(secret.slice(6), "base64"))
    .update(Buffer.concat([Buffer.from(`${id}.${ts}.`), body]))
    .digest("base64")

describe("WebhookVerifier", () => {
  it("accepts the spec example", () => {
    const r = verifier.verify(BODY, headers(), { now: NOW })
    expect(r).toEqual(Result.succeed({ id: ID, timestamp: TS }))
    expect(tagOf(verifier.verify(BODY, headers(), { now: new Date(NOW) }))).toBe("ok")
  })

  it("accepts any listed v1 signature and ignores other versions", () => {
    const sig = `v2,abc v1a,zzz v1,${Buffer.alloc(32).toString("base64")} ${SIG} v1,short`
    expect(tagOf(verifier.verify(BODY, headers(sig), { now: NOW }))).toBe("ok")
    // Without the valid one, near-miss versions are not v1 signatures: `v1a,` and `v1=` are
    // other tokens, even when the text after them is the valid digest (mutation probe V14).
    for (const nearMiss of ["v1a,zzz", `v1=${SIG.slice(3)}`, `v2,abc v1a,zzz v1=${SIG.slice(3)}`]) {
      expect(failureOf(verifier.verify(BODY, headers(nearMiss), { now: NOW })), nearMiss).toEqual(
        new WebhookError.InvalidSignature({ detail: "no v1 signature listed" })
      )
    }
  })

  // Regression (mutation probe V10): a signature is exactly 44 base64 characters; a valid one
  // with more after it is a different token, not a prefix match.
  it("refuses a valid signature followed by extra characters", () => {
    for (const extra of ["A", "AAAA", "=="]) {
      expect(failureOf(verifier.verify(BODY, headers(SIG + extra), { now: NOW })), extra).toEqual(
        new WebhookError.NoMatchingSignature({ checked: 1 })
      )
    }
  })

  // Regression (mutation probe V07): the signed content holds the timestamp header as sent, so a
  // timestamp with leading zeros is signed over its own text, not over the number it spells.
  it("signs over the timestamp header text, leading zeros included", () => {
    const ts = `0${TS}`
    const signedOver = (text: string) => ({
      "webhook-id": ID,
      "webhook-timestamp": ts,
      "webhook-signature": independent(SECRET, ID, text, Buffer.from(BODY))
    })
    expect(verifier.verify(BODY, signedOver(ts), { now: NOW })).toEqual(Result.succeed({ id: ID, timestamp: TS }))
    expect(tagOf(verifier.verify(BODY, signedOver(String(TS)), { now: NOW }))).toBe("NoMatchingSignature")
  })

  it("reports each failure with its own reason", () => {
    expect(tagOf(verifier.verify(BODY, { "webhook-id": ID }, { now: NOW }))).toBe("MissingHeaders")
    const missing = verifier.verify(BODY, { "webhook-id": "", "webhook-timestamp": "1" }, { now: NOW })
    expect(Result.isFailure(missing) && missing.failure._tag === "MissingHeaders" && missing.failure.missing).toEqual([
      "webhook-id",
      "webhook-signature"
    ])
    // webhook-id alone missing, with a signature over the text "undefined" as the id (mutation probe V12).
    const noId = { "webhook-timestamp": String(TS), "webhook-signature": independent(SECRET, "undefined", TS, Buffer.from(BODY)) }
    expect(failureOf(verifier.verify(BODY, noId, { now: NOW }))).toEqual(new WebhookError.MissingHeaders({ missing: ["webhook-id"] }))
    expect(tagOf(verifier.verify(BODY, headers("v2,abc"), { now: NOW }))).toBe("InvalidSignature")
    expect(tagOf(verifier.verify(BODY, headers(SIG, "12x"), { now: NOW }))).toBe("InvalidSignature")
    expect(tagOf(verifier.verify(BODY + " ", headers(), { now: NOW }))).toBe("NoMatchingSignature")
    expect(tagOf(verifier.verify(BODY, headers(), { now: NOW + 301_000 }))).toBe("TimestampTooOld")
    expect(tagOf(verifier.verify(BODY, headers(), { now: NOW - 301_000 }))).toBe("TimestampTooNew")
    const other = WebhookVerifier.make({ secrets: [WebhookSecret.generate()] })
    expect(tagOf(other.verify(BODY, headers(), { now: NOW }))).toBe("NoMatchingSignature")
  })

  // Regression (mutation probe H8): the timestamp header is decimal digits only. These spell
  // 1700000000 to Number() and carry a valid signature over their own text, so only the format
  // is wrong.
  it("refuses a correctly signed timestamp header that is not plain decimal digits", () => {
    const now = 1_700_000_000_000
    const signed = (ts: string) => ({
      "webhook-id": ID,
      "webhook-timestamp": ts,
      "webhook-signature": independent(SECRET, ID, ts, Buffer.from(BODY))
    })
    expect(verifier.verify(BODY, signed("1700000000"), { now })).toEqual(Result.succeed({ id: ID, timestamp: 1_700_000_000 }))
    for (const ts of ["1.7e9", "0x6553f100", "1700000000.0"]) {
      const r = verifier.verify(BODY, signed(ts), { now })
      const failure = Result.isFailure(r) ? r.failure : undefined
      expect(failure, ts).toBeInstanceOf(WebhookError.InvalidSignature)
      expect(failure?.message, ts).toBe("invalid webhook signature header: webhook-timestamp is not an integer")
    }
  })

  // Regression: the tolerance is inclusive in both directions; a timestamp exactly tolerance
  // seconds ahead or behind is accepted, one second more is refused (mutation probe H02).
  it("accepts a timestamp exactly the tolerance away in either direction, refuses one second more", () => {
    for (const tolerance of [0, 1, 300]) {
      const v = WebhookVerifier.make({ secrets: [SECRET], toleranceSeconds: tolerance })
      const at = (skew: number, ms = 0) => tagOf(v.verify(BODY, headers(), { now: (TS + skew) * 1000 + ms }))
      // Future skew: the signed timestamp lies ahead of now.
      expect([tolerance, at(-tolerance)]).toEqual([tolerance, "ok"])
      expect([tolerance, at(-tolerance - 1)]).toEqual([tolerance, "TimestampTooNew"])
      expect([tolerance, at(-tolerance - 1, 999)]).toEqual([tolerance, "TimestampTooNew"])
      // Past skew: the signed timestamp lies behind now (milliseconds are floored away).
      expect([tolerance, at(tolerance, 999)]).toEqual([tolerance, "ok"])
      expect([tolerance, at(tolerance + 1)]).toEqual([tolerance, "TimestampTooOld"])
    }
  })

  // Regression (time probe): a tolerance of NaN (Number() of an unset setting) or Infinity, or a
  // `now` that is an invalid Date or NaN, made both bounds compare false: a 1970 timestamp and one
  // in the year 33658 were accepted, turning replay protection off without a word.
  it("refuses a tolerance or a now that would accept every timestamp", () => {
    for (const toleranceSeconds of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      expect(() => WebhookVerifier.make({ secrets: [SECRET], toleranceSeconds }), String(toleranceSeconds)).toThrow(
        `toleranceSeconds must be a finite number of seconds, at least 0, got ${toleranceSeconds}`
      )
      expect(() => WebhookVerifier.makeResult({ secrets: [SECRET], toleranceSeconds })).toThrow(RangeError)
    }
    const ancient = { ...headers(independent(SECRET, ID, 0, Buffer.from(BODY)), "0") }
    for (const now of [new Date(Number.NaN), Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => verifier.verify(BODY, ancient, { now }), String(now)).toThrow(RangeError)
      expect(() => verifier.verify(BODY, headers(), { now })).toThrow("now must be a valid date or finite epoch milliseconds")
    }
    expect(tagOf(verifier.verify(BODY, ancient, { now: NOW }))).toBe("TimestampTooOld")
  })

  it("reads a Headers instance and arrays of values", () => {
    const h = new Headers(headers())
    expect(tagOf(verifier.verify(BODY, h, { now: NOW }))).toBe("ok")
    const arr = { ...headers(), "webhook-signature": ["v2,x", SIG] }
    expect(tagOf(verifier.verify(BODY, arr, { now: NOW }))).toBe("ok")
  })

  it("accepts signatures from either secret during a rotation", () => {
    const old = WebhookSecret.parseUnsafe(SECRET)
    const rotated = Result.getOrThrow(WebhookSecret.rotate([old]))
    const both = WebhookVerifier.make({ secrets: rotated })
    expect(tagOf(both.verify(BODY, headers(), { now: NOW }))).toBe("ok")
    const fresh = WebhookSigner.make({ secrets: [rotated[1]!] }).sign({ id: ID, timestamp: TS, body: BODY })
    expect(tagOf(both.verify(BODY, fresh, { now: NOW }))).toBe("ok")
    const retired = WebhookVerifier.make({ secrets: Result.getOrThrow(WebhookSecret.retire(rotated)) })
    expect(tagOf(retired.verify(BODY, headers(), { now: NOW }))).toBe("NoMatchingSignature")
  })

  it("after a cancelled rotation the older secret verifies and the newer no longer does", () => {
    const rotated = Result.getOrThrow(WebhookSecret.rotate([WebhookSecret.parseUnsafe(SECRET)]))
    const fresh = WebhookSigner.make({ secrets: [rotated[1]!] }).sign({ id: ID, timestamp: TS, body: BODY })
    const cancelled = Result.getOrThrow(WebhookSecret.cancelRotation(rotated))
    const verifier = WebhookVerifier.make({ secrets: cancelled })
    expect(tagOf(verifier.verify(BODY, headers(), { now: NOW }))).toBe("ok")
    expect(tagOf(verifier.verify(BODY, fresh, { now: NOW }))).toBe("NoMatchingSignature")
    // What it signs is the signature computed independently for the older secret.
    expect(WebhookSigner.make({ secrets: cancelled }).sign({ id: ID, timestamp: TS, body: BODY })["webhook-signature"]).toBe(SIG)
  })

  it("never reveals secrets", () => {
    expect(String(verifier)).not.toContain("MfKQ9r8")
    expect(JSON.stringify(verifier)).not.toContain("MfKQ9r8")
  })

  it.effect("verifyEffect takes now from Clock", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW + 300_000)
      expect(yield* verifier.verifyEffect(BODY, headers())).toEqual({ id: ID, timestamp: TS })
      yield* TestClock.adjust(1000)
      const error = yield* Effect.flip(verifier.verifyEffect(BODY, headers()))
      expect(error._tag).toBe("TimestampTooOld")
    })
  )

  const secretArb = fc
    .integer({ min: 24, max: 64 })
    .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => "whsec_" + Buffer.from(b).toString("base64")))

  test.prop([secretArb, fc.uint8Array({ maxLength: 2048 }), fc.integer({ min: 0, max: 1e11 - 1 })])(
    "verifies any body bytes (incl. invalid UTF-8) against an independent signature",
    (secret, body, ts) => {
      const id = "msg_prop"
      const v = WebhookVerifier.make({ secrets: [secret] })
      const h = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": independent(secret, id, ts, body) }
      expect(tagOf(v.verify(body, h, { now: ts * 1000 }))).toBe("ok")
      expect(WebhookSigner.make({ secrets: [secret] }).signature({ id, timestamp: ts, body })).toBe(h["webhook-signature"])
    }
  )

  // Skews drawn anywhere, and (regression, mutation probe H02) at and just past both boundaries.
  const toleranceAndSkew = fc
    .integer({ min: 0, max: 3600 })
    .chain((tolerance) =>
      fc.tuple(
        fc.constant(tolerance),
        fc.oneof(fc.integer({ min: -4000, max: 4000 }), fc.constantFrom(-tolerance - 1, -tolerance, tolerance, tolerance + 1))
      )
    )

  test.prop([toleranceAndSkew, fc.integer({ min: 0, max: 999 })])(
    "accepts exactly the timestamps within the tolerance, in both directions",
    ([tolerance, skew], ms) => {
      const v = WebhookVerifier.make({ secrets: [SECRET], toleranceSeconds: tolerance })
      const now = (TS + skew) * 1000 + ms
      const tag = tagOf(v.verify(BODY, headers(), { now }))
      expect(tag).toBe(skew > tolerance ? "TimestampTooOld" : skew < -tolerance ? "TimestampTooNew" : "ok")
    }
  )

  test.prop([fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.nat(), fc.integer({ min: 1, max: 255 })])(
    "fails when any byte of the body is changed",
    (body, index, flip) => {
      const signer = WebhookSigner.make({ secrets: [SECRET] })
      const h = signer.sign({ id: ID, timestamp: TS, body })
      const tampered = Uint8Array.from(body)
      tampered[index % body.length] = tampered[index % body.length]! ^ flip
      expect(tagOf(verifier.verify(tampered, h, { now: NOW }))).toBe("NoMatchingSignature")
    }
  )

  test.prop([fc.nat(), fc.integer({ min: 1, max: 255 })])("fails when any byte of the signature is changed", (index, flip) => {
    const raw = Buffer.from(SIG.slice(3), "base64")
    raw[index % 32] = raw[index % 32]! ^ flip
    expect(tagOf(verifier.verify(BODY, headers("v1," + raw.toString("base64")), { now: NOW }))).toBe("NoMatchingSignature")
  })

  test.prop([fc.array(fc.boolean(), { minLength: 48, maxLength: 48 })])("treats header names case-insensitively", (mask) => {
    let i = 0
    const scramble = (name: string) => [...name].map((c) => (mask[i++ % mask.length] ? c.toUpperCase() : c)).join("")
    const h: Record<string, string> = {}
    for (const [k, v] of Object.entries(headers())) h[scramble(k)] = v
    expect(tagOf(verifier.verify(BODY, h, { now: NOW }))).toBe("ok")
  })

  // Regression (mutation probe V08): a header name is matched whole; one that merely starts with
  // "webhook-id" is not the id.
  it("does not read a longer header name as webhook-id", () => {
    const { "webhook-id": id, ...rest } = headers()
    for (const name of ["Webhook-Id-Extra", "webhook-idx"]) {
      expect(failureOf(verifier.verify(BODY, { [name]: id, ...rest }, { now: NOW })), name).toEqual(
        new WebhookError.MissingHeaders({ missing: ["webhook-id"] })
      )
    }
  })
})
