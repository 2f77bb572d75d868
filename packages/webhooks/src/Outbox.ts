/**
 * The outbox port: where deliveries wait, get leased to a worker, and record their attempts.
 * Storage adapters implement `Outbox`; the in-memory adapter ships here (`layerMemory`).
 * Enqueue in the same transaction as the state change that caused the webhook (the SQL adapters
 * take the ambient transaction), so no event is lost between the two.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import type { Attempt, Delivery, History, NewDelivery, Status } from "./Delivery.ts"
import { makeMemory } from "./internal/memoryOutbox.ts"

/**
 * Why an outbox call failed.
 *
 * @since 0.1.0
 * @category errors
 */
export const OutboxErrorReason = Schema.Union([
  Schema.TaggedStruct("NotFound", { deliveryId: Schema.String }),
  Schema.TaggedStruct("LeaseLost", { deliveryId: Schema.String, workerId: Schema.String }),
  Schema.TaggedStruct("Conflict", { detail: Schema.String }),
  Schema.TaggedStruct("Unavailable", { detail: Schema.String })
])

/**
 * @since 0.1.0
 * @category errors
 */
export type OutboxErrorReason = typeof OutboxErrorReason.Type

/**
 * The single error of the port.
 *
 * @since 0.1.0
 * @category errors
 */
export class OutboxError extends Schema.TaggedError<OutboxError>()("OutboxError", {
  reason: OutboxErrorReason,
  cause: Schema.optionalKey(Schema.Defect())
}) {
  override get message(): string {
    const r = this.reason
    switch (r._tag) {
      case "NotFound":
        return `delivery ${r.deliveryId} not found`
      case "LeaseLost":
        return `worker ${r.workerId} no longer holds the lease on ${r.deliveryId}`
      case "Conflict":
      case "Unavailable":
        return `outbox ${r._tag.toLowerCase()}: ${r.detail}`
    }
  }
}

/**
 * Which deliveries `history` returns, newest first.
 *
 * @since 0.1.0
 * @category models
 */
export interface HistoryFilter {
  /** Only this tenant's deliveries: how a multi-merchant host keeps histories apart. */
  readonly merchant?: string
  readonly subject?: string
  readonly status?: Status
  readonly limit?: number
}

/**
 * The operations every storage adapter provides. Times are epoch milliseconds. Every call that
 * changes a leased delivery names the worker, and fails with `LeaseLost` unless that worker holds
 * the lease, so a late worker can never complete a delivery twice.
 *
 * @since 0.1.0
 * @category models
 */
export interface OutboxShape {
  /** Stores a new pending delivery, due at `availableAt` (default: now). */
  readonly enqueue: (input: NewDelivery, now: number) => Effect.Effect<Delivery, OutboxError>
  /** Leases up to `limit` pending deliveries that are due and not leased (or whose lease expired). */
  readonly claim: (options: {
    readonly workerId: string
    readonly now: number
    readonly leaseMillis: number
    readonly limit: number
  }) => Effect.Effect<ReadonlyArray<Delivery>, OutboxError>
  /**
   * Appends an attempt and counts it. With `retryAt`, also reschedules the delivery and drops
   * the lease; without it the lease is kept for `complete` or `deadLetter`.
   */
  readonly recordAttempt: (
    attempt: Attempt,
    options: { readonly now: number; readonly retryAt?: number }
  ) => Effect.Effect<Delivery, OutboxError>
  /** Marks the delivery delivered and drops the lease. */
  readonly complete: (
    options: { readonly deliveryId: string; readonly workerId: string; readonly now: number }
  ) => Effect.Effect<Delivery, OutboxError>
  /** Marks the delivery dead with a reason and drops the lease. */
  readonly deadLetter: (options: {
    readonly deliveryId: string
    readonly workerId: string
    readonly now: number
    readonly reason: string
  }) => Effect.Effect<Delivery, OutboxError>
  /** Gives the lease back without an attempt (graceful shutdown). */
  readonly release: (
    options: { readonly deliveryId: string; readonly workerId: string }
  ) => Effect.Effect<void, OutboxError>
  /** One delivery with its attempts. */
  readonly get: (deliveryId: string) => Effect.Effect<History, OutboxError>
  /** Deliveries with their attempts, newest first. */
  readonly history: (filter: HistoryFilter) => Effect.Effect<ReadonlyArray<History>, OutboxError>
  /** Enqueues a fresh delivery of the same message (same `messageId`), due now. */
  readonly resend: (deliveryId: string, now: number) => Effect.Effect<Delivery, OutboxError>
}

/**
 * The outbox port.
 *
 * @since 0.1.0
 * @category services
 */
export class Outbox extends Context.Service<Outbox, OutboxShape>()("@paymux/webhooks/Outbox") {}

/**
 * A fresh in-memory outbox (for tests, demos and single-process use).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemoryOutbox = (): OutboxShape => makeMemory()

/**
 * Provides an in-memory `Outbox`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Outbox> = Layer.effect(Outbox, Effect.sync(makeMemory))
