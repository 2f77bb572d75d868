/**
 * The unit of work: everything run inside `withTransaction` commits together or not at all, so a
 * change, its audit entry and the webhook it causes (the outbox row) are never split. A store's
 * transactions also run one at a time, across every process that shares it: a use case that reads,
 * decides and writes never meets another's write in between (the memory store holds one lock,
 * SQLite takes the write lock first, PostgreSQL a transaction-level advisory lock). Without that,
 * two processes could each act on what the other was removing (a default naming a deleted
 * channel) or refuse an edit nobody asked to check as stale.
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
    /** Runs the effect in one transaction, after every other one of the store; a failure or defect rolls every write back. Nesting joins the outer transaction. */
    readonly withTransaction: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StoreError, R>
  }
>()("@paymux/store/Transaction") {}
