/**
 * The records the webhook outbox keeps: deliveries, their attempts and statuses. Schemas, so that
 * storage adapters encode and decode exactly these shapes. Times are epoch milliseconds.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Input, Timestamp } from "@paymux/domain"
import { Result, Schema } from "effect"
import * as StoreError from "./StoreError.ts"

/**
 * `pending` until delivered or dead-lettered; a pending delivery may carry a lease while a
 * worker is sending it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Status = Schema.Literals(["pending", "delivered", "dead"])

/**
 * @since 0.1.0
 * @category models
 */
export type Status = typeof Status.Type

/**
 * Which of the merchant's endpoints a delivery goes to. A test endpoint may use plain `http`; a
 * loopback or private address is refused in either mode unless the operator allows it
 * (`privateTargets` of the dispatcher).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Mode = Schema.Literals(["live", "test"])

/**
 * What created the delivery.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Trigger = Schema.Literals(["event", "resend"])

/**
 * A worker's claim on a delivery, valid until `until`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Lease = Schema.Struct({ workerId: Schema.String, until: Schema.Number })

/**
 * One message to one endpoint. `messageId` is sent as `webhook-id` on every attempt, so
 * receivers can deduplicate retries. `url` is the endpoint when the delivery was queued; a
 * dispatcher may send to the endpoint configured at the time of the attempt instead, and each
 * attempt records the URL it used. `endpointId` names the merchant's configured endpoint the
 * delivery is for (its URL may change); `null` means the fixed `url` (a per-request notice URL,
 * or an explicit resend target).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Delivery = Schema.Struct({
  id: Schema.String,
  messageId: Schema.String,
  /** The tenant (merchant code) the delivery belongs to; history is queried per tenant. */
  merchant: Schema.NullOr(Schema.String),
  mode: Mode,
  url: Schema.String,
  endpointId: Schema.NullOr(Schema.String),
  eventType: Schema.String,
  subject: Schema.NullOr(Schema.String),
  contentType: Schema.String,
  payload: Schema.String,
  status: Status,
  attempts: Schema.Int,
  maxAttempts: Schema.Int,
  nextAttemptAt: Schema.Number,
  lease: Schema.NullOr(Lease),
  trigger: Trigger,
  resendOf: Schema.NullOr(Schema.String),
  lastError: Schema.NullOr(Schema.String),
  createdAt: Schema.Number,
  updatedAt: Schema.Number
})

/**
 * @since 0.1.0
 * @category models
 */
export type Delivery = typeof Delivery.Type

/**
 * What the caller supplies to enqueue. `merchant` names the tenant; `subject` groups history
 * (a payment id, say).
 * `maxAttempts` defaults to 6: the first try and five retries.
 *
 * @since 0.1.0
 * @category schemas
 */
export const NewDelivery = Schema.Struct({
  id: Schema.optionalKey(Schema.String),
  messageId: Schema.optionalKey(Schema.String),
  merchant: Schema.optionalKey(Schema.String),
  mode: Mode,
  url: Schema.String,
  endpointId: Schema.optionalKey(Schema.String),
  eventType: Schema.String,
  subject: Schema.optionalKey(Schema.String),
  contentType: Schema.optionalKey(Schema.String),
  payload: Schema.String,
  // At most what the SQL stores' INTEGER column holds.
  maxAttempts: Schema.optionalKey(
    Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1), Schema.isLessThanOrEqualTo(2_147_483_647)))
  ),
  availableAt: Schema.optionalKey(Timestamp.Timestamp)
})

/**
 * @since 0.1.0
 * @category models
 */
export type NewDelivery = typeof NewDelivery.Type

/**
 * How an attempt ended: delivered (2xx), retry (a network error or any other status but 410), or
 * failed for good (410 Gone, a refused URL).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Outcome = Schema.Literals(["delivered", "retry", "failed"])

/**
 * @since 0.1.0
 * @category models
 */
export type Outcome = typeof Outcome.Type

/**
 * One POST. `url` is where it went (the endpoint configured when it was made);
 * `responseExcerpt` holds at most 1 KiB of the receiver's answer.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Attempt = Schema.Struct({
  deliveryId: Schema.String,
  number: Schema.Int,
  workerId: Schema.String,
  url: Schema.String,
  startedAt: Schema.Number,
  latencyMillis: Schema.Number,
  httpStatus: Schema.NullOr(Schema.Int),
  error: Schema.NullOr(Schema.String),
  responseExcerpt: Schema.String,
  outcome: Outcome
})

/**
 * @since 0.1.0
 * @category models
 */
export type Attempt = typeof Attempt.Type

/**
 * A delivery with every attempt made so far, oldest first.
 *
 * @since 0.1.0
 * @category schemas
 */
export const History = Schema.Struct({ delivery: Delivery, attempts: Schema.Array(Attempt) })

/**
 * @since 0.1.0
 * @category models
 */
export type History = typeof History.Type

/**
 * Where a resend goes: by default where the original goes (its endpoint as configured now, or
 * its fixed URL); `url` sends it to that URL instead.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResendOptions {
  readonly url?: string | undefined
}

/**
 * A fresh `webhook-id`: `msg_` and 32 hex digits. Every attempt and resend of a message keeps it,
 * so receivers deduplicate on it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const newMessageId = (): string => `msg_${randomUUID().replaceAll("-", "")}`

/**
 * The pending delivery an outbox stores for an enqueue: defaults filled in (a fresh id and
 * `webhook-id`, JSON, six attempts, due now). Every adapter builds its row from this, so they
 * agree on the defaults.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromNew = (input: NewDelivery, now: number): Delivery => ({
  id: input.id ?? randomUUID(),
  messageId: input.messageId ?? newMessageId(),
  merchant: input.merchant ?? null,
  mode: input.mode,
  url: input.url,
  endpointId: input.endpointId ?? null,
  eventType: input.eventType,
  subject: input.subject ?? null,
  contentType: input.contentType ?? "application/json",
  payload: input.payload,
  status: "pending",
  attempts: 0,
  maxAttempts: input.maxAttempts ?? 6,
  nextAttemptAt: input.availableAt ?? now,
  lease: null,
  trigger: "event",
  resendOf: null,
  lastError: null,
  createdAt: now,
  updatedAt: now
})

const checkNew = Input.decoder(NewDelivery)
const checkNow = Timestamp.decodeAs("now")

/**
 * `fromNew` for an enqueue as a caller made it: a count or time that is not a whole number in
 * range (`maxAttempts` of 1.5, `availableAt` or `now` with a fraction of a millisecond) is
 * `InvalidInput` in every store, where PostgreSQL would round it and the others keep it. Every
 * adapter's `enqueue` builds its row with it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const checkedNew = (input: NewDelivery, now: number): Result.Result<Delivery, StoreError.StoreError> => {
  const checked = Result.andThen(checkNew(input), checkNow(now))
  return Result.isFailure(checked)
    ? Result.fail(StoreError.invalidInput("delivery", checked.failure.message))
    : Result.succeed(fromNew(input, now))
}

/**
 * A fresh delivery of the same message (same `messageId`, so receivers deduplicate), due now.
 * With `url`, it goes to that URL (fixed) instead of the original's endpoint.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resendOf = (original: Delivery, now: number, options: ResendOptions = {}): Delivery => ({
  ...original,
  ...(options.url === undefined ? {} : { url: options.url, endpointId: null }),
  id: randomUUID(),
  status: "pending",
  attempts: 0,
  nextAttemptAt: now,
  lease: null,
  trigger: "resend",
  resendOf: original.id,
  lastError: null,
  createdAt: now,
  updatedAt: now
})
