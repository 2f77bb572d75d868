/**
 * Instants as epoch milliseconds. The domain never reads the clock: callers pass `now`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The last instant a JavaScript `Date` can hold (8.64e15 ms, in the year 275760): every
 * `Timestamp` renders with `new Date(t).toISOString()`.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxTimestamp = 8_640_000_000_000_000

/**
 * Milliseconds since the Unix epoch: an integer from 0 to `maxTimestamp`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp = Schema.Int.pipe(
  Schema.check(
    Schema.makeFilter(
      (t: number) =>
        (t >= 0 && t <= maxTimestamp) ||
        "a timestamp is epoch milliseconds from 0 to 8640000000000000 (the last date a JavaScript Date holds)"
    )
  )
)
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
 * What a display name must not contain: control characters (C0, DEL, C1), bidirectional
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069: they make a name read
 * differently from what it is), and lone UTF-16 surrogates (no store can keep them byte-exact;
 * they came back as U+FFFD).
 */
const unsafeInName =
  /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * A display name: 1-100 characters, not blank, no surrounding whitespace, no control or
 * bidirectional-override characters and no lone surrogates.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DisplayName = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter(
      (s: string) =>
        (s.length >= 1 && s.length <= 100 && s.trim() === s && !unsafeInName.test(s)) ||
        "a name is 1-100 characters without surrounding whitespace, control characters, bidirectional overrides (U+202A-U+202E, U+2066-U+2069) or lone surrogates"
    )
  )
)
