/**
 * Signs webhook messages the Standard Webhooks way: one `v1,<base64 HMAC-SHA256>` per active
 * secret over `${id}.${timestamp}.${body}` (raw bytes), space-separated.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Result } from "effect"
import type { KeyObject } from "node:crypto"
import type { InvalidSecret } from "./WebhookError.ts"
import * as WebhookSecret from "./WebhookSecret.ts"
import { type Body, digestBase64 } from "./internal/hmac.ts"
import type { SecretImpl } from "./internal/secret.ts"

/**
 * A message to sign. `timestamp` is in whole seconds since the epoch; a value of 10^11 or more is
 * refused as milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface Message {
  readonly id: string
  readonly timestamp: number
  readonly body: string | Uint8Array
}

/**
 * The three headers to send with the body.
 *
 * @since 0.1.0
 * @category models
 */
export type SignedHeaders = {
  readonly "webhook-id": string
  readonly "webhook-timestamp": string
  readonly "webhook-signature": string
}

/**
 * Options for `make`: one or two active secrets (two while rotating).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly secrets: ReadonlyArray<WebhookSecret.SecretInput>
}

/**
 * A signer whose keys were decoded once, at construction.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookSigner {
  /** Signs with the given timestamp; synchronous and allocation-light. */
  readonly sign: (message: Message) => SignedHeaders
  /** Signs with only the signature header value (`v1,... v1,...`). */
  readonly signature: (message: Message) => string
  /** Signs with the current time from `Clock`. */
  readonly signNow: (message: Omit<Message, "timestamp">) => Effect.Effect<SignedHeaders>
  toString(): string
  toJSON(): unknown
}

const maxTimestampSeconds = 1e11

const validate = (message: Message): string => {
  if (!Number.isSafeInteger(message.timestamp) || message.timestamp < 0) {
    throw new RangeError("webhook timestamp must be a non-negative integer number of seconds")
  }
  // Milliseconds (Date.now()) are refused rather than signed: every receiver would reject the
  // message as too new, and nothing would say why. 10^11 seconds is the year 5138.
  if (message.timestamp >= maxTimestampSeconds) {
    throw new RangeError(`webhook timestamp must be in seconds, not milliseconds (got ${message.timestamp})`)
  }
  // A dot would make the signed content ambiguous; a control character (a newline) has no place
  // in the header the id is sent in, and would forge lines wherever the headers are printed.
  if (message.id.length === 0 || message.id.includes(".") || /[\u0000-\u001f\u007f]/.test(message.id)) {
    throw new RangeError("webhook id must be non-empty, without '.' or control characters")
  }
  return `${message.id}.${message.timestamp}.`
}

const build = (keys: ReadonlyArray<KeyObject>): WebhookSigner => {
  const single = keys.length === 1 ? keys[0]! : undefined
  const signature = (message: Message): string => {
    const prefix = validate(message)
    const body: Body = message.body
    if (single !== undefined) return "v1," + digestBase64(single, prefix, body)
    let out = ""
    for (let i = 0; i < keys.length; i++) {
      out += (i === 0 ? "v1," : " v1,") + digestBase64(keys[i]!, prefix, body)
    }
    return out
  }
  const sign = (message: Message): SignedHeaders => ({
    "webhook-id": message.id,
    "webhook-timestamp": String(message.timestamp),
    "webhook-signature": signature(message)
  })
  return {
    sign,
    signature,
    signNow: (message) => Effect.map(Clock.currentTimeMillis, (ms) => sign({ ...message, timestamp: Math.floor(ms / 1000) })),
    toString: () => `WebhookSigner(${keys.length} secret(s))`,
    toJSON: () => ({ _id: "WebhookSigner", secrets: keys.length })
  }
}

/**
 * Builds a signer, or fails with `InvalidSecret`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeResult = (options: Options): Result.Result<WebhookSigner, InvalidSecret> =>
  Result.map(WebhookSecret.parseActive(options.secrets), (active) => build(active.map((s) => (s as SecretImpl).key)))

/**
 * Builds a signer, throwing `InvalidSecret` when a secret is malformed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): WebhookSigner => Result.getOrThrow(makeResult(options))
