/**
 * The request and response bodies of the admin API. Requests use plain types (the domain checks
 * formats and answers with the field that broke a rule); responses mirror the admin views, with
 * secrets masked or absent except the one-time display of a new API or webhook secret.
 *
 * @since 0.1.0
 */
import { ChannelGroup, ChannelTerms, Merchant, PageLimit, PaymentChannel, PgCatalog, SubMerchant, WebhookSettings } from "@paymux/domain"
import { Audit, Doctor, Webhooks } from "@paymux/admin"
import { Resolution } from "@paymux/channel-resolver"
import { Schema, SchemaTransformation, Struct } from "effect"
import { shownOnce } from "./internal/shownOnce.ts"
import { Rejection } from "./Problem.ts"

/** A whole number's bounds, as the server checks them and the OpenAPI document states them. */
interface WholeNumberBounds {
  readonly minimum: number
  readonly maximum: number
}

/** A listing's `limit`: 1 to the listing's maximum. */
const limitBounds = (bounds: PageLimit.PageLimit): WholeNumberBounds => ({ minimum: 1, maximum: bounds.max })

/** A `version`: any number a query string can write in 15 digits (a version counts up from 1). */
const versionBounds: WholeNumberBounds = { minimum: 0, maximum: 999_999_999_999_999 }

/** A listing's `limit` in a body: a whole number in the listing's bounds, described with its default. */
const limitOf = (bounds: PageLimit.PageLimit) =>
  Schema.Int.pipe(Schema.check(Schema.isBetween(limitBounds(bounds)))).annotate({
    description: `at most this many (default ${bounds.default})`
  })

/**
 * Query text: a string to the decoder, but with no JSON Schema of its own (a declaration compiles to
 * `{}`, where `Schema.String` is `type: string`), so that the document can state the number the text
 * stands for (see `wholeNumberParam`). It is already a query string's value: no string-tree codec.
 */
const QueryText = Schema.declare((u: unknown): u is string => typeof u === "string", {
  expected: "string",
  toCodecStringTree: () => undefined
})

/**
 * A whole number in a query string, within `bounds`: decimal digits only. `Number()` (what
 * `NumberFromString` applies) also read `0x10` as 16, `1e2` as 100 and ` 10` as 10. The URL carries
 * text, but the document declares `type: integer` with the same bounds, so generated clients take a
 * number (and write it in decimal digits); declaring the text (`type: string`) made them refuse one.
 */
const wholeNumberParam = (bounds: WholeNumberBounds, description: string) =>
  QueryText.annotate({ description }).pipe(
    Schema.check(
      Schema.isPattern(/^[0-9]{1,15}$/, {
        expected: "a whole number written in decimal digits",
        toJsonSchema: () => ({ type: "integer", minimum: bounds.minimum, maximum: bounds.maximum })
      })
    ),
    Schema.decodeTo(Schema.Int.pipe(Schema.check(Schema.isBetween(bounds))), SchemaTransformation.numberFromString)
  )

/** The same `limit` as a query parameter (a string in the URL). */
const limitParam = (bounds: PageLimit.PageLimit) =>
  wholeNumberParam(limitBounds(bounds), `a whole number, 1 to ${bounds.max} (default ${bounds.default})`)

/**
 * A listing's cursor as a query parameter: the last id of the page before (the listing is newest
 * first, so the next page holds the rows older than it). An id the listing does not hold is a 404.
 */
const afterParam = (what: string) =>
  Schema.String.annotate({
    description: `the last ${what} id of the page before: the next page holds the older ones (404 when the listing holds no such id)`
  })

const Text = Schema.String
const Millis = Schema.Int.annotate({ description: "epoch milliseconds" })
const Credentials = Schema.Record(Schema.String, Schema.String)

/** @since 0.1.0 @category schemas */
export const TokenRequest = Schema.Struct({ apiKey: Text, apiSecret: Text })

/** @since 0.1.0 @category schemas */
export const TokenResponse = Schema.Struct({
  accessToken: Text,
  tokenType: Schema.Literal("Bearer"),
  expiresAt: Millis,
  now: Millis
})

/** @since 0.1.0 @category schemas */
export const MerchantView = Merchant.Merchant

/** @since 0.1.0 @category schemas */
export const UpdateMerchant = Schema.Struct({ policy: Merchant.DefaultChannelPolicy })

/** @since 0.1.0 @category schemas */
export const SubMerchantView = SubMerchant.SubMerchant

/** @since 0.1.0 @category schemas */
export const CreateSubMerchant = Schema.Struct({ tier: Text, name: Schema.optionalKey(Text) })

/** @since 0.1.0 @category schemas */
export const RenameSubMerchant = Schema.Struct({ name: Text, version: Schema.optionalKey(Schema.Int) })

/** @since 0.1.0 @category schemas */
export const VersionQuery = Schema.Struct({
  version: Schema.optionalKey(wholeNumberParam(versionBounds, "the version the resource must still be at"))
})

/** @since 0.1.0 @category schemas */
export const ChannelView = Schema.Struct({ ...PaymentChannel.PaymentChannel.fields, credentials: Credentials })

/** @since 0.1.0 @category schemas */
export const AddChannel = Schema.Struct({
  mode: ChannelTerms.Mode,
  pg: Text,
  mid: Schema.optionalKey(Text),
  name: Schema.optionalKey(Text),
  paymentType: ChannelTerms.PaymentType,
  payMethods: Schema.Array(Text),
  taxType: Schema.optionalKey(ChannelTerms.TaxType),
  credentials: Schema.optionalKey(Credentials),
  enabled: Schema.optionalKey(Schema.Boolean)
})

/** @since 0.1.0 @category schemas */
export const EditChannel = Schema.Struct({
  name: Schema.optionalKey(Text),
  mode: Schema.optionalKey(ChannelTerms.Mode),
  mid: Schema.optionalKey(Schema.NullOr(Text)),
  payMethods: Schema.optionalKey(Schema.Array(Text)),
  taxType: Schema.optionalKey(ChannelTerms.TaxType),
  credentials: Schema.optionalKey(Credentials),
  enabled: Schema.optionalKey(Schema.Boolean),
  version: Schema.optionalKey(Schema.Int)
})

/** @since 0.1.0 @category schemas */
export const ListChannelsQuery = Schema.Struct({ mode: Schema.optionalKey(ChannelTerms.Mode) })

/** @since 0.1.0 @category schemas */
export const GroupView = ChannelGroup.ChannelGroup

/** @since 0.1.0 @category schemas */
export const CreateGroup = Schema.Struct({
  name: Text,
  mode: ChannelTerms.Mode,
  members: Schema.Array(Schema.Struct({ channel: Text, weight: Schema.Int }))
})

/** @since 0.1.0 @category schemas */
export const EditGroup = Schema.Struct({
  name: Schema.optionalKey(Text),
  members: Schema.optionalKey(Schema.Array(Schema.Struct({ channel: Text, weight: Schema.Int }))),
  version: Schema.optionalKey(Schema.Int)
})

/**
 * The resolver's request without `merchant`, which the path names.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ResolveRequest = Resolution.ResolveRequest.mapFields(Struct.omit(["merchant"]))

/** @since 0.1.0 @category schemas */
export const ResolutionView = Schema.Struct({
  channel: ChannelView,
  mode: ChannelTerms.Mode.annotate({ description: "the chosen channel's mode: the request's, or the channel's own when it gave none" }),
  via: Schema.Literals(["channelKey", "group", "pg", "default"]),
  warning: Schema.optionalKey(
    Schema.Struct({
      reason: Schema.Literal("both-modes-match"),
      test: Text,
      live: Text,
      detail: Text
    }).annotate({ description: "the request gave no mode and a test and a live channel both serve it; the older was chosen" })
  ),
  fellBack: Schema.optionalKey(
    Schema.Struct({
      reason: Schema.Literals(["pg-unmatched", "pg-invalid"]),
      pg: Text,
      detail: Text,
      rejected: Schema.Array(Rejection)
    })
  )
})

/** @since 0.1.0 @category schemas */
export const WebhookEndpointView = Schema.Struct({
  id: Text,
  url: Text,
  events: Schema.optionalKey(Schema.Array(Text)).annotate({ description: "the event types it receives; absent: every event" }),
  consecutiveFailures: Schema.Int,
  failingSince: Schema.NullOr(Millis),
  disabledAt: Schema.NullOr(Millis).annotate({ description: "set when Paymux disabled it after days of failures" })
})

const WebhookModeView = Schema.Struct({ contentType: WebhookSettings.ContentType, endpoints: Schema.Array(WebhookEndpointView) })

/** @since 0.1.0 @category schemas */
export const WebhookSettingsView = Schema.Struct({
  merchant: Text,
  test: WebhookModeView,
  live: WebhookModeView,
  activeSecrets: Schema.Struct({ test: Schema.Int, live: Schema.Int }),
  version: Schema.Int
})

/** @since 0.1.0 @category schemas */
export const SetWebhook = Schema.Struct({
  url: Schema.optionalKey(Schema.NullOr(Text)),
  contentType: Schema.optionalKey(WebhookSettings.ContentType)
})

/** @since 0.1.0 @category schemas */
export const SetWebhookResult = Schema.Struct({
  settings: WebhookSettingsView,
  newSecret: Schema.optionalKey(shownOnce(Text)).annotate({ description: "shown once: the first signing secret of the mode" })
})

/** @since 0.1.0 @category schemas */
export const NewSecret = Schema.Struct({ secret: shownOnce(Text).annotate({ description: "shown once" }) })

/** @since 0.1.0 @category schemas */
export const ModeParams = Schema.Struct({ merchant: Text, mode: ChannelTerms.Mode })

/** @since 0.1.0 @category schemas */
export const TestSendView = Schema.Struct({
  url: Text,
  endpointId: Text,
  format: Schema.Literals(["v1", "v2"]),
  contentType: Text,
  outcome: Schema.Literals(["answered", "refused", "unreachable"]).annotate({
    description: "answered: see httpStatus; refused: the URL guard refused the target, nothing was sent; unreachable: no answer, see error"
  }),
  ok: Schema.Boolean,
  httpStatus: Schema.NullOr(Schema.Int),
  latencyMillis: Schema.Number,
  responseExcerpt: Text,
  error: Schema.NullOr(Text)
})

const DeliveryView = Schema.Struct({
  id: Text,
  messageId: Text,
  mode: ChannelTerms.Mode,
  url: Text,
  endpointId: Schema.NullOr(Text).annotate({ description: "the endpoint it is for; null: the fixed url (a notice URL or resend target)" }),
  eventType: Text,
  subject: Schema.NullOr(Text),
  status: Schema.Literals(["pending", "delivered", "dead"]),
  attempts: Schema.Int,
  maxAttempts: Schema.Int,
  nextAttemptAt: Schema.Number,
  trigger: Schema.Literals(["event", "resend"]),
  resendOf: Schema.NullOr(Text),
  lastError: Schema.NullOr(Text),
  createdAt: Schema.Number,
  updatedAt: Schema.Number
})

/** @since 0.1.0 @category schemas */
export const DeliveryHistory = Schema.Struct({
  delivery: DeliveryView,
  attempts: Schema.Array(
    Schema.Struct({
      number: Schema.Int,
      startedAt: Schema.Number,
      latencyMillis: Schema.Number,
      httpStatus: Schema.NullOr(Schema.Int),
      error: Schema.NullOr(Text),
      responseExcerpt: Text,
      outcome: Schema.Literals(["delivered", "retry", "failed"])
    })
  )
})

/** @since 0.1.0 @category schemas */
export const Delivery = DeliveryView

/** @since 0.1.0 @category schemas */
export const HistoryQuery = Schema.Struct({
  limit: Schema.optionalKey(limitParam(PageLimit.deliveryHistory)),
  after: Schema.optionalKey(afterParam("delivery"))
})

/** @since 0.1.0 @category schemas */
export const Readiness = Schema.Array(Schema.Struct({ mode: ChannelTerms.Mode, channels: Schema.Array(Text), reason: Text }))

/** @since 0.1.0 @category schemas */
export const DoctorReport = Doctor.Report

/** @since 0.1.0 @category schemas */
export const WhitelistView = Schema.Struct({
  merchant: Text,
  rules: Schema.Array(Text),
  denyByDefault: Schema.Boolean,
  enforced: Schema.Boolean,
  version: Schema.Int
})

/** @since 0.1.0 @category schemas */
export const SetWhitelist = Schema.Struct({
  rules: Schema.Array(Text),
  denyByDefault: Schema.optionalKey(Schema.Boolean),
  version: Schema.optionalKey(Schema.Int).annotate({ description: "the version the list was read at: a later change answers 409" })
})

/** @since 0.1.0 @category schemas */
export const WhitelistRules = Schema.Struct({ rules: Schema.Array(Text) })

/** @since 0.1.0 @category schemas */
export const CallerAddress = Schema.Struct({
  ip: Schema.NullOr(Text).annotate({ description: "null when the address cannot be determined" })
})

/** @since 0.1.0 @category schemas */
export const CheckAddress = Schema.Struct({ ip: Text })

/** @since 0.1.0 @category schemas */
export const CheckResult = Schema.Struct({
  ip: Text,
  allowed: Schema.Boolean,
  enforced: Schema.Boolean,
  matchedRule: Schema.optionalKey(Text)
})

/** @since 0.1.0 @category schemas */
export const ApiKeyView = Schema.Struct({
  id: Text,
  merchant: Text,
  name: Text,
  createdAt: Millis,
  expiresAt: Schema.optionalKey(Millis),
  revokedAt: Schema.optionalKey(Millis),
  status: Schema.Literals(["active", "expired", "revoked"])
})

/** @since 0.1.0 @category schemas */
export const IssueApiKey = Schema.Struct({ name: Text, expiresAt: Schema.optionalKey(Schema.Int) })

/** @since 0.1.0 @category schemas */
export const IssuedApiKey = Schema.Struct({
  key: ApiKeyView,
  secret: shownOnce(Text).annotate({ description: "shown once; present it as `Bearer <key id>.<secret>` or exchange it at /auth/token" })
})

/** @since 0.1.0 @category schemas */
export const AuditEntry = Audit.AuditEntry

/** @since 0.1.0 @category schemas */
export const AuditQuery = Schema.Struct({
  limit: Schema.optionalKey(limitParam(PageLimit.auditEntries)),
  action: Schema.optionalKey(Text),
  after: Schema.optionalKey(afterParam("entry"))
})

/** @since 0.1.0 @category schemas */
export const PgView = PgCatalog.PgProvider

// Webhook endpoints, test-send options and resends (issue 17).

/** @since 0.1.0 @category schemas */
export const TestSendQuery = Schema.Struct({
  format: Schema.optionalKey(Schema.Literals(["v1", "v2"])).annotate({
    description:
      "v1: V1 fields form-encoded, for a form mode; v2: a JSON Webhook.Test event, for a JSON mode. Default: what the mode sends; the other is refused (webhook-not-sent)"
  }),
  endpoint: Schema.optionalKey(Text).annotate({ description: "the endpoint id (default: the mode's first endpoint)" })
})

/** @since 0.1.0 @category schemas */
export const EndpointParams = Schema.Struct({ merchant: Text, mode: ChannelTerms.Mode, endpointId: Text })

/** @since 0.1.0 @category schemas */
export const AddEndpoint = Schema.Struct({
  url: Text,
  events: Schema.optionalKey(Schema.Array(Text)).annotate({ description: "event types it receives; leave out for every event" })
})

/** @since 0.1.0 @category schemas */
export const AddEndpointResult = Schema.Struct({
  settings: WebhookSettingsView,
  endpointId: Text,
  newSecret: Schema.optionalKey(shownOnce(Text)).annotate({ description: "shown once: the first signing secret of the mode" })
})

/** @since 0.1.0 @category schemas */
export const UpdateEndpoint = Schema.Struct({
  url: Schema.optionalKey(Text),
  events: Schema.optionalKey(Schema.NullOr(Schema.Array(Text))).annotate({ description: "null: every event again" })
})

/** @since 0.1.0 @category schemas */
export const ResendQuery = Schema.Struct({
  url: Schema.optionalKey(Text).annotate({ description: "send to this URL instead of where the delivery goes now" })
})

/** @since 0.1.0 @category schemas */
export const ResendFailed = Schema.Struct({
  since: Millis,
  mode: Schema.optionalKey(ChannelTerms.Mode),
  url: Schema.optionalKey(Text),
  limit: Schema.optionalKey(limitOf(PageLimit.failedResends))
})

/** @since 0.1.0 @category schemas */
export const ResendFailedResult = Schema.Struct({ queued: Schema.Array(DeliveryView), alreadyHandled: Schema.Int })

/** @since 0.1.0 @category schemas */
export const EmitNotification = Schema.Struct({
  type: Text.annotate({ description: "the event type, e.g. `Transaction.Paid`" }),
  data: Schema.Record(Schema.String, Schema.Unknown).annotate({
    description: `the event's data, sent as the event's \`data\`: ids and a status, not the details (the receiver fetches those); the event as JSON, data included, is at most ${Webhooks.maxPayloadBytes} bytes (${Webhooks.maxPayloadBytes / 1024} KiB)`
  }),
  subject: Schema.optionalKey(Text).annotate({ description: "what the event is about (a payment id), kept with the delivery" }),
  noticeUrls: Schema.optionalKey(Schema.Array(Text)).annotate({
    description: `this payment's own notification URLs (V1 \`notice_url\`, V2 \`noticeUrls\`), 1 to ${WebhookSettings.maxEndpoints}, instead of the mode's endpoints`
  })
})

/**
 * The answer of `GET /health`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Health = Schema.Struct({ status: Schema.Literal("ok") })
