/**
 * A merchant's webhook settings: a notification URL per mode and the body encoding.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { isSubscription, type Mode } from "./ChannelTerms.ts"
import { type InvalidInput } from "./DomainError.ts"
import { MerchantCode } from "./Identifiers.ts"
import { decodeWith } from "./internal/decode.ts"
import type { PaymentChannel } from "./PaymentChannel.ts"
import { Version } from "./Version.ts"

/**
 * C0 controls, DEL and C1 controls. The URL parser drops or encodes some of them, but the text is
 * stored as given: CR/LF forge lines and ESC sequences recolour an operator's terminal, and
 * PostgreSQL refuses NUL.
 */
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/

const isUrl = (s: string): boolean | string => {
  if (s.length > 2048) return "a webhook URL is at most 2048 characters"
  if (controlCharacter.test(s)) return "a webhook URL must not contain control characters (CR, LF, NUL, ESC, ...); percent-encode them"
  if (s.trim() !== s) return "a webhook URL must not have surrounding whitespace"
  let url: URL
  try {
    url = new URL(s)
  } catch {
    return "a webhook URL is an absolute http:// or https:// URL"
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "a webhook URL uses http or https"
  if (url.username !== "" || url.password !== "") return "a webhook URL must not carry a user name or password"
  if (url.hash !== "") return "a webhook URL must not have a #fragment"
  return true
}

/**
 * An absolute http(s) URL of at most 2048 characters, without credentials, fragment, control
 * characters or surrounding whitespace.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebhookUrl = Schema.String.pipe(Schema.check(Schema.makeFilter(isUrl)), Schema.brand("@paymux/WebhookUrl"))
/** @since 0.1.0 @category models */
export type WebhookUrl = typeof WebhookUrl.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const ContentType = Schema.Literals(["json", "form"])
/** @since 0.1.0 @category models */
export type ContentType = typeof ContentType.Type

const LiveUrl = WebhookUrl.pipe(
  Schema.check(Schema.makeFilter((s: string) => s.startsWith("https://") || "a live webhook URL must use https"))
)

/**
 * @since 0.1.0
 * @category schemas
 */
export const WebhookSettings = Schema.Struct({
  merchant: MerchantCode,
  urls: Schema.Struct({ test: Schema.optionalKey(WebhookUrl), live: Schema.optionalKey(LiveUrl) }),
  contentType: ContentType,
  version: Version
})
/** @since 0.1.0 @category models */
export type WebhookSettings = typeof WebhookSettings.Type

/** @since 0.1.0 @category decoding */
export const decode: (input: unknown) => Result.Result<WebhookSettings, InvalidInput> = decodeWith(WebhookSettings)

/**
 * Settings with no URLs and JSON bodies.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty = (merchant: WebhookSettings["merchant"]): WebhookSettings => ({ merchant, urls: {}, contentType: "json", version: 0 })

/**
 * Sets (or, with `undefined`, clears) the URL of one mode. Live URLs must be https.
 *
 * @since 0.1.0
 * @category combinators
 */
export const setUrl = (settings: WebhookSettings, mode: Mode, url: string | undefined): Result.Result<WebhookSettings, InvalidInput> => {
  const { [mode]: _old, ...rest } = settings.urls
  return decode({ ...settings, urls: url === undefined ? rest : { ...rest, [mode]: url } })
}

/**
 * @since 0.1.0
 * @category combinators
 */
export const setContentType = (settings: WebhookSettings, contentType: ContentType): WebhookSettings => ({ ...settings, contentType })

/**
 * A readiness finding: a mode whose channels need a webhook URL that is not set.
 *
 * @since 0.1.0
 * @category models
 */
export interface MissingWebhook {
  readonly mode: Mode
  readonly channels: ReadonlyArray<PaymentChannel["key"]>
  readonly reason: string
}

/**
 * Modes that need a webhook and have none: virtual-account deposits and subscription payments
 * arrive only by webhook, so an enabled channel with `vbank` or a subscription type needs the
 * URL of its mode.
 *
 * @since 0.1.0
 * @category getters
 */
export const readiness = (settings: WebhookSettings, channels: ReadonlyArray<PaymentChannel>): ReadonlyArray<MissingWebhook> => {
  const findings: Array<MissingWebhook> = []
  for (const mode of ["test", "live"] as const) {
    if (settings.urls[mode] !== undefined) continue
    const needing = channels.filter(
      (c) =>
        c.enabled &&
        c.mode === mode &&
        c.merchant === settings.merchant &&
        (isSubscription(c.paymentType) || c.payMethods.includes("vbank" as PaymentChannel["payMethods"][number]))
    )
    if (needing.length > 0) {
      findings.push({
        mode,
        channels: needing.map((c) => c.key),
        reason: `${needing.length} ${mode} channel(s) take virtual-account or subscription payments, which are confirmed only by webhook; set the ${mode} webhook URL`
      })
    }
  }
  return findings
}
