/**
 * The bytes a mode sends. JSON modes send the event as given; form modes send V1's fields,
 * form-encoded, because that is what a form setting means to a V1 receiver. The signature is
 * computed over exactly these bytes at send time.
 */
import { WebhookSettings } from "@paymux/domain"
import { Notification } from "@paymux/webhooks"
import { Result } from "effect"

/** A body and the MIME type it goes out with. */
export interface Body {
  readonly body: string
  readonly contentType: string
}

/**
 * The body of an event for a mode's content type; `undefined` for a form mode when the event has
 * no V1 form (V1 never sent it) and no `v1` fields were given.
 */
export const eventBody = (contentType: WebhookSettings.ContentType, payload: string, v1: Notification.V1 | undefined): Body | undefined => {
  if (contentType === "json") return { body: payload, contentType: WebhookSettings.mimeType("json") }
  const parsed = Notification.parse(payload)
  const fields = v1 ?? (Result.isSuccess(parsed) ? Notification.toV1(parsed.success) : undefined)
  return fields === undefined ? undefined : Notification.encodeV1(fields, "form")
}

/** Which shape a test send carries: V1's fields, or a V2 `Webhook.Test` event. */
export type TestFormat = "v1" | "v2"

/**
 * The test body of a format in a content type. A V2 event is JSON only (PortOne's newest V2
 * webhook version is too), so `v2` in a form mode has no body.
 */
export const testBody = (contentType: WebhookSettings.ContentType, format: TestFormat, now: number): Body | undefined => {
  if (format === "v2") {
    if (contentType === "form") return undefined
    return {
      body: Notification.eventBody("Webhook.Test", {}, now),
      contentType: WebhookSettings.mimeType("json")
    }
  }
  return Notification.encodeV1({ imp_uid: "imp_webhook_test", merchant_uid: `webhook-test-${now}`, status: "paid" }, contentType)
}
