/**
 * Instants as epoch milliseconds. The domain never reads the clock: callers pass `now`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Milliseconds since the Unix epoch, a non-negative integer.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))
/** @since 0.1.0 @category models */
export type Timestamp = typeof Timestamp.Type

/**
 * An aggregate's version for optimistic concurrency: a store accepts an update only when the
 * version it holds equals the one the update was read at, and then increments it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Version = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))
/** @since 0.1.0 @category models */
export type Version = typeof Version.Type

/**
 * A display name: 1-100 characters, not blank, no surrounding whitespace.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DisplayName = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) =>
      (s.length >= 1 && s.length <= 100 && s.trim() === s && !/[\u0000-\u001f\u007f]/.test(s)) ||
      "a name is 1-100 characters without control characters or surrounding whitespace"
    )
  )
)
