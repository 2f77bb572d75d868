/**
 * The audit trail: who changed what, with before and after (secrets already redacted by the
 * caller). Appended in the same transaction as the change it records.
 *
 * @since 0.1.0
 */
import { Timestamp } from "@paymux/domain"
import { Context, type Effect, Schema } from "effect"
import * as StoreError from "./StoreError.ts"

/**
 * @since 0.1.0
 * @category schemas
 */
export const AuditEntry = Schema.Struct({
  id: Schema.String,
  merchant: Schema.String,
  actor: Schema.String,
  action: Schema.String,
  target: Schema.String,
  before: Schema.NullOr(Schema.Unknown),
  after: Schema.NullOr(Schema.Unknown),
  /** Epoch milliseconds, a whole number (`Timestamp`). */
  at: Timestamp.Timestamp
})
/** @since 0.1.0 @category models */
export type AuditEntry = typeof AuditEntry.Type

/**
 * Which of a merchant's entries `list` returns. A caller that must not hold a whole trail in
 * memory reads it in pages: `limit` entries at a time, each page `after` the last id of the one
 * before.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListOptions {
  readonly limit?: number | undefined
  /** Only the entries of this action. */
  readonly action?: string | undefined
  /**
   * An entry id of the merchant: only the entries that come after it in the list's order (appended
   * before it), whether or not it is of `action` (the cursor of the next page). An id that is not
   * one of the merchant's entries is `NotFound`, never an empty page that would end the reading
   * silently.
   */
  readonly after?: string | undefined
}

/**
 * @since 0.1.0
 * @category services
 */
export class AuditLog extends Context.Service<
  AuditLog,
  {
    /** Fails with `Conflict` when the id exists, and with `InvalidInput` when `before` or `after` is not a JSON value (a BigInt, a cycle) or `at` is not a `Timestamp`. */
    readonly append: (entry: AuditEntry) => Effect.Effect<void, StoreError.StoreError>
    /** Newest appended first (the reverse of the order of appending, whatever the entries' `at`). */
    readonly list: (merchant: string, options?: ListOptions) => Effect.Effect<ReadonlyArray<AuditEntry>, StoreError.StoreError>
    /**
     * Deletes up to `limit` entries of every merchant whose `at` is before `before` (epoch
     * milliseconds), the earliest appended first, and answers how many: a retention limit for a
     * trail that otherwise grows for good. A `before` that is not a `Timestamp` is `InvalidInput`
     * and deletes nothing.
     */
    readonly prune: (options: { readonly before: number; readonly limit: number }) => Effect.Effect<number, StoreError.StoreError>
  }
>()("@paymux/store/AuditLog") {}

/**
 * The entity name audit-log errors carry (`StoreError` `NotFound` / `Conflict`).
 *
 * @since 0.1.0
 * @category constants
 */
export const entity = "audit entry"

/**
 * The error of a cursor (`ListOptions.after`) that is not one of the merchant's entries.
 *
 * @since 0.1.0
 * @category errors
 */
export const notFound = (entryId: string): StoreError.StoreError => StoreError.notFound(entity, entryId)
