/**
 * A merchant's webhook settings per mode: the body encoding and the endpoints (a URL and an
 * optional event filter each), plus the per-request notification URLs a payment may carry.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { isSubscription, type Mode } from "./ChannelTerms.ts"
import { InvalidInput } from "./DomainError.ts"
import { MerchantCode } from "./Identifiers.ts"
import { decodeWith } from "./internal/decode.ts"
import { controlOrBidi } from "./internal/unsafeText.ts"
import type { PaymentChannel } from "./PaymentChannel.ts"
import { Version } from "./Version.ts"

const isUrl = (s: string): boolean | string => {
  if (s.length > 2048) return "a webhook URL is at most 2048 characters"
  if (controlOrBidi.test(s)) {
    return "a webhook URL must not contain control characters or bidirectional overrides (CR, LF, NUL, ESC, U+202E, ...); percent-encode them"
  }
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
 * How a mode's notifications are encoded: `json` sends the event as JSON; `form` sends V1's
 * fields (`imp_uid`, `merchant_uid`, `status`, `cancellation_id`) as
 * `application/x-www-form-urlencoded`, as PortOne V1 does per mode.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ContentType = Schema.Literals(["json", "form"])
/** @since 0.1.0 @category models */
export type ContentType = typeof ContentType.Type

/**
 * The MIME type a content-type setting sends.
 *
 * @since 0.1.0
 * @category getters
 */
export const mimeType = (contentType: ContentType): string =>
  contentType === "json" ? "application/json" : "application/x-www-form-urlencoded"

/** The scheme as the URL parser reads it (`HTTPS://…` is https), or undefined for text that is no URL. */
const schemeOf = (s: string): string | undefined => {
  try {
    return new URL(s).protocol
  } catch {
    return undefined
  }
}

const LiveUrl = WebhookUrl.pipe(
  Schema.check(Schema.makeFilter((s: string) => schemeOf(s) === "https:" || "a live webhook URL must use https"))
)

/**
 * An endpoint's id, stable while its URL or event filter changes, so pending deliveries follow
 * the endpoint: `ep_` and up to 40 letters, digits or underscores.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EndpointId = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) => /^ep_[A-Za-z0-9_]{1,40}$/.test(s) || "an endpoint id is ep_ and up to 40 letters, digits or _")
  ),
  Schema.brand("@paymux/WebhookEndpointId")
)
/** @since 0.1.0 @category models */
export type EndpointId = typeof EndpointId.Type

/**
 * An event type an endpoint subscribes to, as `Transaction.Paid` or `BillingKey.Issued`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EventType = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter(
      (s: string) =>
        (s.length <= 100 && /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/.test(s)) ||
        "an event type is dotted words of letters and digits, e.g. Transaction.Paid (at most 100 characters)"
    )
  )
)

/**
 * The most endpoints a mode may have, and the most notice URLs one notification may name.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxEndpoints = 10

/**
 * An endpoint's event filter: 1 to 50 distinct event types.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Events = Schema.Array(EventType).pipe(
  Schema.check(
    Schema.makeFilter(
      (events: ReadonlyArray<string>) =>
        (events.length >= 1 && events.length <= 50 && new Set(events).size === events.length) ||
        "an event filter lists 1 to 50 distinct event types (leave it out to receive every event)"
    )
  )
)

const endpointOf = <U extends Schema.Top>(url: U) => Schema.Struct({ id: EndpointId, url, events: Schema.optionalKey(Events) })

/**
 * Where a mode's notifications go: a URL and, optionally, the event types it receives (none
 * listed: every event).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Endpoint = endpointOf(WebhookUrl)
/** @since 0.1.0 @category models */
export type Endpoint = typeof Endpoint.Type

const distinct = (endpoints: ReadonlyArray<{ readonly id: string; readonly url: string }>): boolean | string => {
  if (endpoints.length > maxEndpoints) return `a mode has at most ${maxEndpoints} endpoints`
  if (new Set(endpoints.map((e) => e.id)).size !== endpoints.length) return "endpoint ids must be distinct"
  if (new Set(endpoints.map((e) => e.url)).size !== endpoints.length) return "a mode lists each URL once"
  return true
}

const modeOf = <E extends Schema.Top & { readonly Type: { readonly id: string; readonly url: string } }>(endpoint: E) =>
  Schema.Struct({
    contentType: ContentType,
    endpoints: Schema.Array(endpoint).pipe(Schema.check(Schema.makeFilter(distinct)))
  })

/**
 * One mode's settings: the body encoding and the endpoints, oldest first. Most merchants have one
 * endpoint per mode; the signing secrets are per mode, shared by its endpoints.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ModeSettings = modeOf(Endpoint)
/** @since 0.1.0 @category models */
export type ModeSettings = typeof ModeSettings.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const WebhookSettings = Schema.Struct({
  merchant: MerchantCode,
  test: ModeSettings,
  // Live endpoints face customers' payments: https only.
  live: modeOf(endpointOf(LiveUrl)),
  version: Version
})
/** @since 0.1.0 @category models */
export type WebhookSettings = typeof WebhookSettings.Type

/** @since 0.1.0 @category decoding */
export const decode: (input: unknown) => Result.Result<WebhookSettings, InvalidInput> = decodeWith(WebhookSettings)

/**
 * Settings with no endpoints and JSON bodies in both modes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty = (merchant: WebhookSettings["merchant"]): WebhookSettings => ({
  merchant,
  test: { contentType: "json", endpoints: [] },
  live: { contentType: "json", endpoints: [] },
  version: 0
})

const withMode = (settings: WebhookSettings, mode: Mode, next: ModeSettings): Result.Result<WebhookSettings, InvalidInput> =>
  decode({ ...settings, [mode]: next })

/**
 * The mode's first endpoint URL: what a merchant with one endpoint per mode calls "the URL".
 *
 * @since 0.1.0
 * @category getters
 */
export const urlOf = (settings: WebhookSettings, mode: Mode): WebhookUrl | undefined => settings[mode].endpoints[0]?.url

/**
 * Sets (or, with `undefined`, clears) "the URL" of a mode: with no endpoint it adds one with
 * `newId`; with one it changes that endpoint's URL (pending deliveries follow it), and clearing
 * removes it. A mode with several endpoints is changed per endpoint: setting or clearing its URL
 * is `InvalidInput`.
 * Live URLs must be https.
 *
 * @since 0.1.0
 * @category combinators
 */
export const setUrl = (
  settings: WebhookSettings,
  mode: Mode,
  url: string | undefined,
  newId: EndpointId
): Result.Result<WebhookSettings, InvalidInput> => {
  const current = settings[mode]
  const [only, ...more] = current.endpoints
  // Clearing too: a caller that saw one endpoint must not remove another one added since.
  if (more.length > 0) {
    return Result.fail(
      new InvalidInput({
        field: `${mode}.endpoints`,
        value: `${current.endpoints.length} endpoints`,
        rule: "a mode with several endpoints has no single URL; change or remove an endpoint by its id"
      })
    )
  }
  if (url === undefined) return withMode(settings, mode, { ...current, endpoints: [] })
  return withMode(settings, mode, { ...current, endpoints: [{ ...(only ?? { id: newId }), url: url as WebhookUrl }] })
}

/**
 * Sets the body encoding of one mode.
 *
 * @since 0.1.0
 * @category combinators
 */
export const setContentType = (settings: WebhookSettings, mode: Mode, contentType: ContentType): WebhookSettings => ({
  ...settings,
  [mode]: { ...settings[mode], contentType }
})

/**
 * Adds an endpoint to a mode.
 *
 * @since 0.1.0
 * @category combinators
 */
export const addEndpoint = (
  settings: WebhookSettings,
  mode: Mode,
  endpoint: { readonly id: string; readonly url: string; readonly events?: ReadonlyArray<string> | undefined }
): Result.Result<WebhookSettings, InvalidInput> =>
  withMode(settings, mode, {
    ...settings[mode],
    endpoints: [
      ...settings[mode].endpoints,
      {
        id: endpoint.id as EndpointId,
        url: endpoint.url as WebhookUrl,
        ...(endpoint.events === undefined ? {} : { events: endpoint.events })
      }
    ]
  })

const notFound = (mode: Mode, id: string) =>
  new InvalidInput({ field: `${mode}.endpoints`, value: JSON.stringify(id), rule: `no ${mode} endpoint has this id` })

/**
 * Changes an endpoint's URL and/or event filter (`events: null` receives every event again).
 *
 * @since 0.1.0
 * @category combinators
 */
export const updateEndpoint = (
  settings: WebhookSettings,
  mode: Mode,
  id: string,
  change: { readonly url?: string | undefined; readonly events?: ReadonlyArray<string> | null | undefined }
): Result.Result<WebhookSettings, InvalidInput> => {
  const endpoints = settings[mode].endpoints
  if (!endpoints.some((e) => e.id === id)) return Result.fail(notFound(mode, id))
  return withMode(settings, mode, {
    ...settings[mode],
    endpoints: endpoints.map((e) => {
      if (e.id !== id) return e
      const { events: _old, ...rest } = e
      const url = (change.url ?? e.url) as WebhookUrl
      if (change.events === undefined) return { ...e, url }
      return change.events === null ? { ...rest, url } : { ...rest, url, events: change.events }
    })
  })
}

/**
 * Removes an endpoint; its pending deliveries are then dead-lettered unsent.
 *
 * @since 0.1.0
 * @category combinators
 */
export const removeEndpoint = (settings: WebhookSettings, mode: Mode, id: string): Result.Result<WebhookSettings, InvalidInput> => {
  const endpoints = settings[mode].endpoints
  if (!endpoints.some((e) => e.id === id)) return Result.fail(notFound(mode, id))
  return withMode(settings, mode, { ...settings[mode], endpoints: endpoints.filter((e) => e.id !== id) })
}

/**
 * Whether an endpoint receives an event type: every type when it lists none.
 *
 * @since 0.1.0
 * @category predicates
 */
export const receives = (endpoint: Endpoint, eventType: string): boolean =>
  endpoint.events === undefined || endpoint.events.includes(eventType)

/**
 * The endpoints of a mode that receive an event type, oldest first.
 *
 * @since 0.1.0
 * @category getters
 */
export const endpointsFor = (settings: WebhookSettings, mode: Mode, eventType: string): ReadonlyArray<Endpoint> =>
  settings[mode].endpoints.filter((e) => receives(e, eventType))

/**
 * Checks per-request notification URLs (V1's `notice_url`, V2's `noticeUrls`) with the rules of
 * the mode's endpoints: at most `maxEndpoints` URLs, each a webhook URL, https in live mode.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeNoticeUrls = (mode: Mode, urls: ReadonlyArray<string>): Result.Result<ReadonlyArray<WebhookUrl>, InvalidInput> =>
  decodeWith(
    Schema.Array(mode === "live" ? LiveUrl : WebhookUrl).pipe(
      Schema.check(
        Schema.makeFilter(
          (list: ReadonlyArray<string>) => (list.length >= 1 && list.length <= maxEndpoints) || `give 1 to ${maxEndpoints} notice URLs`
        )
      )
    ),
    "noticeUrls"
  )(urls)

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
    if (settings[mode].endpoints.length > 0) continue
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
        reason: `${needing.length === 1 ? `1 ${mode} channel takes` : `${needing.length} ${mode} channels take`} virtual-account or subscription payments, which are confirmed only by webhook; set the ${mode} webhook URL`
      })
    }
  }
  return findings
}
