/**
 * Typed reasons a webhook cannot be signed or verified.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * One or more of `webhook-id`, `webhook-timestamp`, `webhook-signature` is absent or empty.
 *
 * @since 0.1.0
 * @category errors
 */
export class MissingHeaders extends Schema.TaggedError<MissingHeaders>()("MissingHeaders", {
  missing: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `missing webhook headers: ${this.missing.join(", ")}`
  }
}

/**
 * The headers are present but malformed (bad timestamp, no parseable `v1` signature).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidSignature extends Schema.TaggedError<InvalidSignature>()("InvalidSignature", {
  detail: Schema.String
}) {
  override get message(): string {
    return `invalid webhook signature header: ${this.detail}`
  }
}

/**
 * Well-formed `v1` signatures were listed but none matched any active secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoMatchingSignature extends Schema.TaggedError<NoMatchingSignature>()("NoMatchingSignature", {
  checked: Schema.Number
}) {
  override get message(): string {
    return `none of the ${this.checked} v1 signature(s) matched an active secret`
  }
}

/**
 * The `webhook-timestamp` lies further in the past than the tolerance allows.
 *
 * @since 0.1.0
 * @category errors
 */
export class TimestampTooOld extends Schema.TaggedError<TimestampTooOld>()("TimestampTooOld", {
  timestamp: Schema.Number,
  now: Schema.Number,
  toleranceSeconds: Schema.Number
}) {
  override get message(): string {
    return `webhook timestamp ${this.timestamp} is more than ${this.toleranceSeconds}s before ${this.now}`
  }
}

/**
 * The `webhook-timestamp` lies further in the future than the tolerance allows.
 *
 * @since 0.1.0
 * @category errors
 */
export class TimestampTooNew extends Schema.TaggedError<TimestampTooNew>()("TimestampTooNew", {
  timestamp: Schema.Number,
  now: Schema.Number,
  toleranceSeconds: Schema.Number
}) {
  override get message(): string {
    return `webhook timestamp ${this.timestamp} is more than ${this.toleranceSeconds}s after ${this.now}`
  }
}

/**
 * A secret is not `whsec_` + base64 of 24-64 bytes, or a rotation would break the rules.
 * Never carries the secret itself.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidSecret extends Schema.TaggedError<InvalidSecret>()("InvalidSecret", {
  detail: Schema.String
}) {
  override get message(): string {
    return `invalid webhook secret: ${this.detail}`
  }
}

/**
 * Every reason `WebhookVerifier.verify` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type VerificationError = MissingHeaders | InvalidSignature | NoMatchingSignature | TimestampTooOld | TimestampTooNew
