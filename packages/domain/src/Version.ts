/**
 * Versions for optimistic concurrency.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

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
