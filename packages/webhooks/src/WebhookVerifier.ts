/**
 * Verifies Standard Webhooks signatures: any listed `v1` signature may match any active secret,
 * other versions are ignored, comparison is constant-time, and the timestamp must lie within the
 * tolerance in either direction.
 *
 * @since 0.1.0
 */
import { timingSafeEqual, type KeyObject } from "node:crypto"
import { Clock, Effect, Result } from "effect"
import {
  InvalidSignature,
  type InvalidSecret,
  MissingHeaders,
  NoMatchingSignature,
  TimestampTooNew,
  TimestampTooOld,
  type VerificationError
} from "./WebhookError.ts"
import * as WebhookSecret from "./WebhookSecret.ts"
import { digestBase64 } from "./internal/hmac.ts"
import type { SecretImpl } from "./internal/secret.ts"

/**
 * Request headers: a `Headers` instance or a plain object (Node's `IncomingHttpHeaders` fits).
 * Names are matched case-insensitively.
 *
 * @since 0.1.0
 * @category models
 */
export type HeadersInput =
  | { readonly get: (name: string) => string | null }
  | { readonly [name: string]: string | ReadonlyArray<string> | undefined }

/**
 * Options for `make`. `toleranceSeconds` defaults to 300; anything but a finite number >= 0 is a
 * `RangeError` (a `NaN` from an unset setting would otherwise accept every timestamp, turning
 * replay protection off). Secrets are read as
 * `WebhookSecret.parse(s, "verify")` does: Paymux's `whsec_` secrets and PortOne's, with or
 * without the prefix.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly secrets: ReadonlyArray<WebhookSecret.SecretInput>
  readonly toleranceSeconds?: number | undefined
}

/**
 * What a successful verification established.
 *
 * @since 0.1.0
 * @category models
 */
export interface Verified {
  readonly id: string
  readonly timestamp: number
}

/**
 * `now` is a `Date` or epoch milliseconds (as `Date.now()` returns). An invalid `Date` or a
 * number that is not finite is a `RangeError`: compared with it, every timestamp would pass.
 *
 * @since 0.1.0
 * @category models
 */
export interface VerifyOptions {
  readonly now: Date | number
}

/**
 * A verifier whose keys were decoded once, at construction.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookVerifier {
  readonly verify: (body: string | Uint8Array, headers: HeadersInput, options: VerifyOptions) => Result.Result<Verified, VerificationError>
  /** As `verify`, taking `now` from `Clock`. */
  readonly verifyEffect: (body: string | Uint8Array, headers: HeadersInput) => Effect.Effect<Verified, VerificationError>
  toString(): string
  toJSON(): unknown
}

const first = (v: string | ReadonlyArray<string> | undefined): string | undefined =>
  v === undefined ? undefined : typeof v === "string" ? v : v.join(" ")

const header = (headers: HeadersInput, name: string): string | undefined => {
  if (typeof headers.get === "function") {
    return (headers as { get: (n: string) => string | null }).get(name) ?? undefined
  }
  const record = headers as { readonly [name: string]: string | ReadonlyArray<string> | undefined }
  const direct = record[name]
  if (direct !== undefined) return first(direct)
  for (const key in record) {
    if (key.length === name.length && key.toLowerCase() === name) return first(record[key])
  }
  return undefined
}

const TIMESTAMP = /^[0-9]{1,15}$/
const BASE64_DIGEST_LENGTH = 44
// Scratch space for the constant-time compare; verification is synchronous, so sharing is safe.
const expectedScratch = Buffer.alloc(BASE64_DIGEST_LENGTH)
const candidateScratch = Buffer.alloc(BASE64_DIGEST_LENGTH)

const build = (keys: ReadonlyArray<KeyObject>, toleranceSeconds: number): WebhookVerifier => {
  const verify = (body: string | Uint8Array, headers: HeadersInput, options: VerifyOptions): Result.Result<Verified, VerificationError> => {
    const id = header(headers, "webhook-id")
    const ts = header(headers, "webhook-timestamp")
    const sig = header(headers, "webhook-signature")
    if (!id || !ts || !sig) {
      const missing: Array<string> = []
      if (!id) missing.push("webhook-id")
      if (!ts) missing.push("webhook-timestamp")
      if (!sig) missing.push("webhook-signature")
      return Result.fail(new MissingHeaders({ missing }))
    }
    if (!TIMESTAMP.test(ts)) return Result.fail(new InvalidSignature({ detail: "webhook-timestamp is not an integer" }))
    const timestamp = Number(ts)
    const nowMs = typeof options.now === "number" ? options.now : options.now.getTime()
    if (!Number.isFinite(nowMs)) throw new RangeError(`now must be a valid date or finite epoch milliseconds, got ${String(options.now)}`)
    const now = Math.floor(nowMs / 1000)
    if (now - timestamp > toleranceSeconds) {
      return Result.fail(new TimestampTooOld({ timestamp, now, toleranceSeconds }))
    }
    if (timestamp - now > toleranceSeconds) {
      return Result.fail(new TimestampTooNew({ timestamp, now, toleranceSeconds }))
    }
    // Collect the candidates first, so each HMAC is computed once. Signatures are compared as
    // their canonical base64 text (44 bytes for SHA-256): cheaper than decoding, equally exact.
    let candidates: Array<string> | undefined
    let listed = 0
    let start = 0
    while (start <= sig.length) {
      let end = sig.indexOf(" ", start)
      if (end === -1) end = sig.length
      if (end - start > 3 && sig.charCodeAt(start) === 118 && sig.startsWith("v1,", start)) {
        listed++
        if (end - start - 3 === BASE64_DIGEST_LENGTH) (candidates ??= []).push(sig.slice(start + 3, end))
      }
      start = end + 1
    }
    if (listed === 0) return Result.fail(new InvalidSignature({ detail: "no v1 signature listed" }))
    if (candidates !== undefined) {
      const prefix = `${id}.${ts}.`
      for (let k = 0; k < keys.length; k++) {
        expectedScratch.write(digestBase64(keys[k]!, prefix, body), 0, "latin1")
        for (let c = 0; c < candidates.length; c++) {
          candidateScratch.write(candidates[c]!, 0, "latin1")
          if (timingSafeEqual(expectedScratch, candidateScratch)) return Result.succeed({ id, timestamp })
        }
      }
    }
    return Result.fail(new NoMatchingSignature({ checked: listed }))
  }
  return {
    verify,
    verifyEffect: (body, headers) => Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.fromResult(verify(body, headers, { now }))),
    toString: () => `WebhookVerifier(${keys.length} secret(s), tolerance ${toleranceSeconds}s)`,
    toJSON: () => ({ _id: "WebhookVerifier", secrets: keys.length, toleranceSeconds })
  }
}

/**
 * Builds a verifier, or fails with `InvalidSecret`. A `toleranceSeconds` that is not a finite number
 * >= 0 throws a `RangeError`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeResult = (options: Options): Result.Result<WebhookVerifier, InvalidSecret> => {
  const toleranceSeconds = options.toleranceSeconds ?? 300
  if (!(Number.isFinite(toleranceSeconds) && toleranceSeconds >= 0)) {
    throw new RangeError(`toleranceSeconds must be a finite number of seconds, at least 0, got ${toleranceSeconds}`)
  }
  return Result.map(WebhookSecret.parseActive(options.secrets, "verify"), (active) =>
    build(
      active.map((s) => (s as SecretImpl).key),
      toleranceSeconds
    )
  )
}

/**
 * Builds a verifier, throwing `InvalidSecret` when a secret is malformed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): WebhookVerifier => Result.getOrThrow(makeResult(options))
