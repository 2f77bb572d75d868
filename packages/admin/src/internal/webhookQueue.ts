/**
 * Queuing one message for several targets: one `webhook-id` for all of them, the body encoded
 * for the mode, each target a delivery in the outbox. Shared by `Webhooks.emit` and the
 * endpoint-disabled event of `WebhookEndpoints.recordAttempt`.
 */
import { type ChannelTerms, DomainError, type Identifiers, type WebhookSettings } from "@paymux/domain"
import { Delivery, Outbox, Transaction, type StoreError } from "@paymux/store"
import { Notification } from "@paymux/webhooks"
import { Clock, Effect } from "effect"
import type { AdminServices } from "../AdminServices.ts"
import { eventBody } from "./webhookBodies.ts"

export interface QueueTarget {
  readonly url: string
  readonly endpointId?: string
}

export const toTarget = (e: WebhookSettings.Endpoint): QueueTarget => ({ url: e.url, endpointId: e.id })

/** Queues one message (one `webhook-id`) to each target, encoded for the mode. */
export const queue = (
  merchant: Identifiers.MerchantCode,
  mode: ChannelTerms.Mode,
  contentType: WebhookSettings.ContentType,
  event: {
    readonly eventType: string
    readonly payload: string
    readonly subject?: string | undefined
    readonly v1?: Notification.V1 | undefined
  },
  targets: ReadonlyArray<QueueTarget>
): Effect.Effect<ReadonlyArray<Delivery.Delivery>, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const body = eventBody(contentType, event.payload, event.v1)
    // A form mode skips events V1 never sent, as documented. One V1 did send but whose data lacks
    // what V1's fields need was skipped just as quietly: a notification lost without a word.
    if (body === undefined && targets.length > 0 && Notification.sentByV1(event.eventType)) {
      return yield* new DomainError.InvalidInput({
        field: "data",
        value: "an object",
        rule: `the ${mode} mode sends V1's form fields, and a ${event.eventType} event needs data.transactionId and data.paymentId for them`
      })
    }
    if (body === undefined || targets.length === 0) return []
    const outbox = yield* Outbox.Outbox
    const tx = yield* Transaction.Transaction
    const now = yield* Clock.currentTimeMillis
    const messageId = Delivery.newMessageId()
    // Several targets in one transaction (the caller's, when there is one): a message reaches all
    // of them or none, so a retry after a failure cannot send it twice to the ones it reached. One
    // target is one write, which needs no transaction (nor to wait for the store's other ones).
    const atomically = targets.length > 1 ? tx.withTransaction : <A, E, R>(self: Effect.Effect<A, E, R>) => self
    return yield* atomically(
      Effect.forEach(targets, (target) =>
        outbox.enqueue(
          {
            merchant,
            mode,
            url: target.url,
            ...(target.endpointId === undefined ? {} : { endpointId: target.endpointId }),
            messageId,
            eventType: event.eventType,
            payload: body.body,
            contentType: body.contentType,
            ...(event.subject === undefined ? {} : { subject: event.subject })
          },
          now
        )
      )
    )
  })
