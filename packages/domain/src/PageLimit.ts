/**
 * How many rows a listing answers: each listing's default and maximum, the one statement that the
 * admin use cases check and that the HTTP API and the CLI describe. A listing is bounded so that
 * no request asks for a whole table at once.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { InvalidInput } from "./DomainError.ts"
import { describe } from "./internal/decode.ts"

/**
 * A listing's bounds: `default` when the caller gives no limit, at most `max`.
 *
 * @since 0.1.0
 * @category models
 */
export interface PageLimit {
  readonly default: number
  readonly max: number
}

/**
 * `Webhooks.history` (admin): deliveries with their attempts.
 *
 * @since 0.1.0
 * @category limits
 */
export const deliveryHistory: PageLimit = { default: 50, max: 500 }

/**
 * `Audit.list` (admin): audit entries.
 *
 * @since 0.1.0
 * @category limits
 */
export const auditEntries: PageLimit = { default: 100, max: 500 }

/**
 * `Webhooks.resendFailed` (admin): dead-lettered deliveries queued again in one call.
 *
 * @since 0.1.0
 * @category limits
 */
export const failedResends: PageLimit = { default: 1000, max: 10_000 }

/**
 * The limit to use: `given`, or the default when there is none; a limit that is not a whole
 * number in `1..max` is `InvalidInput` on `limit`.
 *
 * @since 0.1.0
 * @category checks
 */
export const check = (bounds: PageLimit, given: number | undefined): Result.Result<number, InvalidInput> =>
  given === undefined
    ? Result.succeed(bounds.default)
    : Number.isInteger(given) && given >= 1 && given <= bounds.max
      ? Result.succeed(given)
      : Result.fail(new InvalidInput({ field: "limit", value: describe(given), rule: `a whole number from 1 to ${bounds.max}` }))
