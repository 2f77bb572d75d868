/**
 * Versions for optimistic concurrency.
 *
 * @since 0.1.0
 */
import { type Result, Schema } from "effect"
import type { InvalidInput } from "./DomainError.ts"
import { decodeWith } from "./internal/decode.ts"

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
 * Checks a version given as `field` (the one a change expects, say): a whole number, 0 or more,
 * else `InvalidInput` on that field.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeAs = (field: string): ((input: unknown) => Result.Result<Version, InvalidInput>) => decodeWith(Version, field)
