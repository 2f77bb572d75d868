/**
 * The bytes a mode sends. JSON modes send the event as given; form modes send V1's fields,
 * form-encoded, because that is what a form setting means to a V1 receiver. The signature is
 * computed over exactly these bytes at send time.
 */
import { WebhookSettings } from "@paymux/domain"
import { Notification } from "@paymux/webhooks"
import { Result, Schema } from "effect"

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
export const TestFormat = Schema.Literals(["v1", "v2"])
export type TestFormat = typeof TestFormat.Type

/**
 * The shape a mode's notifications carry, which its content type implies: a form mode sends V1's
 * fields (`eventBody`), a JSON mode V2 events.
 */
export const formatOf = (contentType: WebhookSettings.ContentType): TestFormat => (contentType === "form" ? "v1" : "v2")

/** What a mode of this content type sends, for a refusal. */
const sends = { form: "V1's fields form-encoded", json: "V2 events as JSON" } as const

/**
 * The test body of a format in a mode of a content type, or why there is none. A test carries
 * only the shape the mode's notifications carry: V1's fields as JSON (which Paymux never sends)
 * would pass a V1 receiver that every real notification of a JSON mode breaks, and a V2 event is
 * JSON only (PortOne's newest V2 webhook version is too).
 */
export const testBody = (
  mode: string,
  contentType: WebhookSettings.ContentType,
  format: TestFormat,
  now: number
): Result.Result<Body, string> => {
  const sent = formatOf(contentType)
  if (format !== sent) {
    const other = contentType === "form" ? "json" : "form"
    return Result.fail(
      `the ${mode} mode sends ${sends[contentType]}, so a ${format} test would not show how its receiver takes them: ` +
        `test with format ${sent} (the default), or set the ${mode} content type to ${other} to send ${sends[other]}`
    )
  }
  return Result.succeed(
    format === "v2"
      ? { body: Notification.eventBody("Webhook.Test", {}, now), contentType: WebhookSettings.mimeType("json") }
      : Notification.encodeV1({ imp_uid: "imp_webhook_test", merchant_uid: `webhook-test-${now}`, status: "paid" }, contentType)
  )
}
