/**
 * The unit of work: everything run inside `withTransaction` commits together or not at all, so a
 * change, its audit entry and the webhook it causes (the outbox row) are never split.
 *
 * @since 0.1.0
 */
import { Context, type Effect } from "effect"
import type { StoreError } from "./StoreError.ts"

/**
 * @since 0.1.0
 * @category services
 */
export class Transaction extends Context.Service<
  Transaction,
  {
    /** Runs the effect in one transaction; a failure or defect rolls every write back. Nesting joins the outer transaction. */
    readonly withTransaction: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StoreError, R>
  }
>()("@paymux/store/Transaction") {}
