/**
 * The webhook outbox port: where deliveries wait, get leased to a worker, and record their
 * attempts. Every store provides it (`Memory.layer`, `SqlStore`), and it fails with the store's
 * one error, `StoreError`. Enqueue in the same transaction as the state change that caused the
 * webhook (the stores take the ambient transaction), so no event is lost between the two.
 *
 * @since 0.1.0
 */
import { Context, type Effect } from "effect"
import type { Attempt, Delivery, History, NewDelivery, ResendOptions, Status } from "./Delivery.ts"
import * as StoreError from "./StoreError.ts"

/**
 * Which deliveries `history` returns, and in which order (newest first unless `order` says
 * otherwise). A caller that must not hold a whole history in memory reads it in pages: `limit`
 * rows at a time, each page `after` the last id of the one before.
 *
 * @since 0.1.0
 * @category models
 */
export interface HistoryFilter {
  /** Only this tenant's deliveries: how a multi-merchant host keeps histories apart. */
  readonly merchant?: string | undefined
  readonly subject?: string | undefined
  /**
   * Only the deliveries of this message (this `messageId`, the `webhook-id`): the original and
   * its resends.
   */
  readonly messageId?: string | undefined
  readonly status?: Status | undefined
  /** Only deliveries created at or after this time (epoch milliseconds). */
  readonly since?: number | undefined
  /**
   * Only deliveries due before this time (epoch milliseconds): `nextAttemptAt < dueBefore`. With
   * `status: "pending"`, the queued deliveries overdue for an attempt, whatever their queue order.
   */
  readonly dueBefore?: number | undefined
  /**
   * `newest` first (the default), or `oldest` first: in the order the deliveries were queued, as
   * `claim` hands them out.
   */
  readonly order?: "newest" | "oldest" | undefined
  /**
   * A delivery id: only the deliveries that come after it in `order`, whether or not it matches
   * the other fields (the cursor of the next page). An id no delivery has, or one pruned since the
   * page before, is `NotFound`, never an empty page that would end the reading silently.
   */
  readonly after?: string | undefined
  readonly limit?: number | undefined
}

/**
 * The dead deliveries `resendable` and `coveredDead` look at, the window: those of `merchant`
 * created at or after `since` (epoch milliseconds), of `mode` when it is given. `url` is where
 * resends of them would go instead of each one's own target.
 *
 * Terms both operations use:
 * - A dead delivery's target is `url` when given, else its `endpointId`, else its own `url`.
 * - A dead delivery is covered when a delivery of the same merchant and message (`messageId`),
 *   created at or after `since`, of `mode` when given, is `delivered` or `pending` with the same
 *   target, where that delivery's target is its `endpointId`, else its `url` (never the filter's
 *   `url`): the message already went, or is queued to go, where a resend would send it.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeadWindow {
  readonly merchant: string
  readonly since: number
  readonly mode?: Delivery["mode"] | undefined
  readonly url?: string | undefined
}

/**
 * The window of `resendable`, and how many deliveries it answers at most.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResendableFilter extends DeadWindow {
  readonly limit: number
}

/**
 * What becomes of a delivery once an attempt is recorded: `Complete` (delivered), `Retry` at
 * `at` (still pending, due then), or `DeadLetter` with the reason.
 *
 * @since 0.1.0
 * @category models
 */
export type AfterAttempt =
  | { readonly _tag: "Complete" }
  | { readonly _tag: "Retry"; readonly at: number }
  | { readonly _tag: "DeadLetter"; readonly reason: string }

/**
 * The operations every store provides. Times are epoch milliseconds. Every call that changes a
 * leased delivery names the worker and fails with a `Conflict` (see `leaseLost`) unless that
 * worker holds the lease, so a late worker can never complete a delivery twice. An unknown
 * delivery is `NotFound`; a second delivery with an existing id is `Conflict`.
 *
 * @since 0.1.0
 * @category models
 */
export interface OutboxShape {
  /**
   * Stores a new pending delivery, due at `availableAt` (default: now). Built with
   * `Delivery.checkedNew`: a time or count that is not a whole number in range is `InvalidInput`.
   */
  readonly enqueue: (input: NewDelivery, now: number) => Effect.Effect<Delivery, StoreError.StoreError>
  /**
   * Leases up to `limit` pending deliveries that are due and not leased, or whose lease expired,
   * in the order they fell due (`nextAttemptAt`), and in the order they were queued among those
   * due at the same time: a new delivery is due when queued, so new ones go out in queue order,
   * and a retry due an hour ago goes before them. A live lease is never handed out again, not
   * even to the worker that holds it.
   *
   * `asOf`, an earlier time (default `now`), narrows the claim to what was claimable then: due by
   * `asOf`, and not leased at `asOf` (never leased, given back since, or its lease ended by then); the
   * lease still runs from `now`. A run that passes its start time (`paymux webhook dispatch
   * --once`) so attempts what was due when it started, each delivery once: one it attempted is
   * due again after that (a retry) or leased past it (an attempt it could not record). An `asOf`
   * after `now` counts as `now`.
   */
  readonly claim: (options: {
    readonly workerId: string
    readonly now: number
    readonly leaseMillis: number
    readonly limit: number
    readonly asOf?: number | undefined
  }) => Effect.Effect<ReadonlyArray<Delivery>, StoreError.StoreError>
  /**
   * Extends the worker's lease to `now + leaseMillis` while it is still working on the delivery;
   * never shortens it (a clock that stepped back would otherwise end a lease another worker then
   * takes while this one still sends).
   */
  readonly renew: (options: {
    readonly deliveryId: string
    readonly workerId: string
    readonly now: number
    readonly leaseMillis: number
  }) => Effect.Effect<Delivery, StoreError.StoreError>
  /**
   * Appends an attempt, counts it, and applies `next` in the same operation (one transaction),
   * dropping the lease: a worker killed right after it leaves either nothing or both. A delivered
   * attempt must complete the delivery and only a delivered one may (`InvalidInput` otherwise,
   * nothing recorded), so no delivered attempt is ever left on a delivery another worker claims.
   */
  readonly recordAttempt: (
    attempt: Attempt,
    options: { readonly now: number; readonly next: AfterAttempt }
  ) => Effect.Effect<Delivery, StoreError.StoreError>
  /** Marks the delivery dead with a reason, without an attempt (it cannot be sent), and drops the lease. */
  readonly deadLetter: (options: {
    readonly deliveryId: string
    readonly workerId: string
    readonly now: number
    readonly reason: string
  }) => Effect.Effect<Delivery, StoreError.StoreError>
  /** Gives the lease back without an attempt (graceful shutdown). */
  readonly release: (options: { readonly deliveryId: string; readonly workerId: string }) => Effect.Effect<void, StoreError.StoreError>
  /** One delivery with its attempts. */
  readonly get: (deliveryId: string) => Effect.Effect<History, StoreError.StoreError>
  /**
   * Deliveries with their attempts, newest first unless `filter.order` says otherwise. An
   * `after` that names no delivery is `NotFound`.
   */
  readonly history: (filter: HistoryFilter) => Effect.Effect<ReadonlyArray<History>, StoreError.StoreError>
  /**
   * Enqueues a fresh delivery of the same message (same `messageId`), due now, to the original's
   * endpoint or to `options.url`.
   */
  readonly resend: (deliveryId: string, now: number, options?: ResendOptions) => Effect.Effect<Delivery, StoreError.StoreError>
  /**
   * The dead deliveries of the window (see `DeadWindow`) worth resending, oldest first (in the
   * order they were queued, as `claim` hands them out), at most `limit`: each one that is not
   * covered and is the oldest dead delivery of its message and target among the window's. Resending
   * each of them (to `url` when given) queues every (message, target) the window left undelivered
   * exactly once; the younger dead deliveries of the same message and target are then covered by
   * that resend. Deliveries come without their attempts. An adapter answers it in one query, not
   * one per delivery: the SQL stores in one statement, which finds each dead delivery's message
   * through an index.
   */
  readonly resendable: (filter: ResendableFilter) => Effect.Effect<ReadonlyArray<Delivery>, StoreError.StoreError>
  /** How many of the window's dead deliveries (see `DeadWindow`) are covered, by the same definition. */
  readonly coveredDead: (window: DeadWindow) => Effect.Effect<number, StoreError.StoreError>
  /**
   * Deletes up to `limit` finished deliveries (delivered or dead) last changed before `before`,
   * oldest first, with their attempts, and answers how many it deleted. Pending deliveries are
   * never deleted. Nothing else does: the outbox keeps every delivery until this is called.
   */
  readonly prune: (options: { readonly before: number; readonly limit: number }) => Effect.Effect<number, StoreError.StoreError>
}

/**
 * The outbox port.
 *
 * @since 0.1.0
 * @category services
 */
export class Outbox extends Context.Service<Outbox, OutboxShape>()("@paymux/store/Outbox") {}

/**
 * The entity name outbox errors carry (`StoreError` `NotFound` / `Conflict`).
 *
 * @since 0.1.0
 * @category constants
 */
export const entity = "delivery"

/**
 * The error of a change by a worker that no longer holds the delivery's lease: a `Conflict`
 * whose detail names the worker.
 *
 * @since 0.1.0
 * @category errors
 */
export const leaseLost = (deliveryId: string, workerId: string): StoreError.StoreError =>
  StoreError.conflict(entity, deliveryId, `worker ${workerId} no longer holds the lease`)

/**
 * The time a claim judges due times and leases at: `asOf` when given and not after `now`, else
 * `now` (see `OutboxShape.claim`). Adapters compare with it.
 *
 * @since 0.1.0
 * @category getters
 */
export const claimableAt = (options: { readonly now: number; readonly asOf?: number | undefined }): number =>
  options.asOf === undefined ? options.now : Math.min(options.asOf, options.now)

/**
 * The error of a lookup of an unknown delivery.
 *
 * @since 0.1.0
 * @category errors
 */
export const notFound = (deliveryId: string): StoreError.StoreError => StoreError.notFound(entity, deliveryId)

/**
 * The error of an attempt whose outcome does not fit `next` (a delivered attempt that does not
 * complete, or a completion by an attempt that did not deliver), or `undefined` when they fit.
 * Adapters check it before they write anything.
 *
 * @since 0.1.0
 * @category errors
 */
export const invalidAttempt = (attempt: Attempt, next: AfterAttempt): StoreError.StoreError | undefined =>
  (attempt.outcome === "delivered") === (next._tag === "Complete")
    ? undefined
    : StoreError.invalidInput(
        entity,
        attempt.outcome === "delivered"
          ? `attempt ${attempt.number} of ${attempt.deliveryId} delivered it, so it must complete the delivery (next: Complete), not ${next._tag}`
          : `attempt ${attempt.number} of ${attempt.deliveryId} ended ${attempt.outcome}, so it cannot complete the delivery`
      )
