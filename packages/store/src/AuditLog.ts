/**
 * The audit trail: who changed what, with before and after (secrets already redacted by the
 * caller). Appended in the same transaction as the change it records.
 *
 * @since 0.1.0
 */
import { Timestamp } from "@paymux/domain"
import { Context, type Effect, Schema } from "effect"
import type { StoreError } from "./StoreError.ts"

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
 * @since 0.1.0
 * @category services
 */
export class AuditLog extends Context.Service<
  AuditLog,
  {
    /** Fails with `Conflict` when the id exists, and with `InvalidInput` when `before` or `after` is not a JSON value (a BigInt, a cycle) or `at` is not a `Timestamp`. */
    readonly append: (entry: AuditEntry) => Effect.Effect<void, StoreError>
    /** Newest appended first (the reverse of the order of appending, whatever the entries' `at`). */
    readonly list: (
      merchant: string,
      options?: { readonly limit?: number; readonly action?: string }
    ) => Effect.Effect<ReadonlyArray<AuditEntry>, StoreError>
  }
>()("@paymux/store/AuditLog") {}
