/**
 * Instants as epoch milliseconds. The domain never reads the clock: callers pass `now`.
 *
 * @since 0.1.0
 */
import { type Result, Schema } from "effect"
import type { InvalidInput } from "./DomainError.ts"
import { decodeWith } from "./internal/decode.ts"

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
 * Checks a timestamp given as `field` (of a request, say), reporting a bad one as `InvalidInput`
 * on that field.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeAs = (field: string): ((input: unknown) => Result.Result<Timestamp, InvalidInput>) => decodeWith(Timestamp, field)
