/**
 * The admin API as an `HttpApi`: every admin use case as an endpoint, the schemas of its bodies
 * and the problems it answers with. The OpenAPI 3.1 document is generated from this value.
 *
 * @since 0.1.0
 */
import { Webhooks } from "@paymux/admin"
import { Schema } from "effect"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { Authentication, RequestErrors } from "./Auth.ts"
import { MaxBodyBytes } from "./internal/maxBodyBytes.ts"
import { addTransport } from "./internal/openApiTransport.ts"
import { ReachesOutside } from "./internal/reachesOutside.ts"
import * as M from "./Models.ts"
import { BadRequest, catalogProblems, Forbidden, Internal, NotFound, Unauthorized, useCaseErrors } from "./Problem.ts"

const merchant = { merchant: Schema.String }
const channel = { merchant: Schema.String, channelKey: Schema.String }
const tier = { merchant: Schema.String, tier: Schema.String }
const group = { merchant: Schema.String, id: Schema.String }
const errors = useCaseErrors
const created = HttpApiSchema.status(201)

// The token request needs no credential, so its body is read and parsed before anyone is known: a
// key and a secret fit in far less, and 1 MiB of JSON cost 0.1-0.3 s of the one thread (limits probe).
const tokenBodyBytes = 4 * 1024

/**
 * `POST /auth/token`: an API key and secret for a 30-minute access token; `DELETE /auth/token`
 * ends it (signing out).
 *
 * @since 0.1.0
 * @category groups
 */
export const AuthGroup = HttpApiGroup.make("auth").add(
  HttpApiEndpoint.post("token", "/auth/token", {
    payload: M.TokenRequest,
    success: M.TokenResponse,
    error: [BadRequest, Unauthorized, Forbidden, Internal, ...Object.values(catalogProblems)]
  })
    .annotate(MaxBodyBytes, tokenBodyBytes)
    .annotate(
      OpenApi.Description,
      `Exchanges an API key and secret for an access token valid 30 minutes. Asking again before expiry returns the same token; with under a minute left its expiry is extended by 5 minutes. A body over ${tokenBodyBytes} bytes is refused with 413: at once when its Content-Length says so, else once that many bytes have arrived, and it is never parsed.`
    ),
  HttpApiEndpoint.delete("revokeToken", "/auth/token", { error: errors })
    .middleware(Authentication)
    .annotate(
      OpenApi.Description,
      "Signs out: ends the access token of the calling key (one token per key, so every tab using it), whichever credential the call presents. The key itself stays valid; POST /auth/token issues a new token."
    )
)

/**
 * Merchant, sub-merchants (tiers) and the audit trail.
 *
 * @since 0.1.0
 * @category groups
 */
export const MerchantsGroup = HttpApiGroup.make("merchants")
  .add(
    HttpApiEndpoint.get("list", "/merchants", { success: Schema.Array(M.MerchantView), error: errors }).annotate(
      OpenApi.Description,
      "The key's own merchant (a key sees only its merchant)."
    ),
    HttpApiEndpoint.get("get", "/merchants/:merchant", { params: merchant, success: M.MerchantView, error: errors }),
    HttpApiEndpoint.patch("update", "/merchants/:merchant", {
      params: merchant,
      payload: M.UpdateMerchant,
      success: M.MerchantView,
      error: errors
    }).annotate(OpenApi.Description, "Sets the policy for an unmatched `pg`: `fallback` to the default channel or `strict` failure."),
    HttpApiEndpoint.get("listSubMerchants", "/merchants/:merchant/sub-merchants", {
      params: merchant,
      success: Schema.Array(M.SubMerchantView),
      error: errors
    }),
    HttpApiEndpoint.post("createSubMerchant", "/merchants/:merchant/sub-merchants", {
      params: merchant,
      payload: M.CreateSubMerchant,
      success: M.SubMerchantView.pipe(created),
      error: errors
    }),
    HttpApiEndpoint.patch("renameSubMerchant", "/merchants/:merchant/sub-merchants/:tier", {
      params: tier,
      payload: M.RenameSubMerchant,
      success: M.SubMerchantView,
      error: errors
    }).annotate(OpenApi.Description, "Renames a tier; with `version`, only if it is still at that version (409 otherwise)."),
    HttpApiEndpoint.delete("removeSubMerchant", "/merchants/:merchant/sub-merchants/:tier", {
      params: tier,
      query: M.VersionQuery,
      error: errors
    }).annotate(
      OpenApi.Description,
      "Deletes a tier and its channel assignments; the channels stay with the parent. With `?version=`, only if it is still at that version."
    ),
    HttpApiEndpoint.get("doctor", "/merchants/:merchant/doctor", { params: merchant, success: M.DoctorReport, error: errors }).annotate(
      OpenApi.Description,
      "Readiness checks: requests without `mode` that a test and a live channel would both serve, modes that need a webhook URL, and channels a `pg` string cannot select (by channel key only, or only as `code.MID`)."
    ),
    HttpApiEndpoint.put("assign", "/merchants/:merchant/sub-merchants/:tier/channels/:channelKey", {
      params: { ...channel, tier: Schema.String },
      success: M.SubMerchantView,
      error: errors
    }).annotate(OpenApi.Description, "Lets a tier use one of its parent's channels."),
    HttpApiEndpoint.delete("unassign", "/merchants/:merchant/sub-merchants/:tier/channels/:channelKey", {
      params: { ...channel, tier: Schema.String },
      success: M.SubMerchantView,
      error: errors
    }),
    HttpApiEndpoint.get("audit", "/merchants/:merchant/audit", {
      params: merchant,
      query: M.AuditQuery,
      success: Schema.Array(M.AuditEntry),
      error: errors
    }).annotate(OpenApi.Description, "Audit entries, newest first.")
  )
  .middleware(Authentication)

/**
 * Payment channels: the console's channel cards.
 *
 * @since 0.1.0
 * @category groups
 */
export const ChannelsGroup = HttpApiGroup.make("channels")
  .add(
    HttpApiEndpoint.post("add", "/merchants/:merchant/channels", {
      params: merchant,
      payload: M.AddChannel,
      success: M.ChannelView.pipe(created),
      error: errors
    }).annotate(
      OpenApi.Description,
      "Adds a channel. A test channel without `mid` uses the PG's shared test credential (Naver Pay, Toss and PayPal need the test MID the PG issued)."
    ),
    HttpApiEndpoint.get("list", "/merchants/:merchant/channels", {
      params: merchant,
      query: M.ListChannelsQuery,
      success: Schema.Array(M.ChannelView),
      error: errors
    }).annotate(
      OpenApi.Description,
      "Channels oldest first, secrets masked. With a `Tier` header, only the channels assigned to that tier."
    ),
    HttpApiEndpoint.get("get", "/merchants/:merchant/channels/:channelKey", { params: channel, success: M.ChannelView, error: errors }),
    HttpApiEndpoint.patch("edit", "/merchants/:merchant/channels/:channelKey", {
      params: channel,
      payload: M.EditChannel,
      success: M.ChannelView,
      error: errors
    }).annotate(OpenApi.Description, "Edits a channel; with `version`, only if it is still at that version (409 otherwise)."),
    HttpApiEndpoint.delete("remove", "/merchants/:merchant/channels/:channelKey", {
      params: channel,
      query: M.VersionQuery,
      error: errors
    }).annotate(
      OpenApi.Description,
      "Removes a channel (it leaves its tiers and groups, whose other members keep their shares; a group's only member cannot be removed). With `?version=`, only if it is still at that version."
    ),
    HttpApiEndpoint.post("enable", "/merchants/:merchant/channels/:channelKey/enable", {
      params: channel,
      success: M.ChannelView,
      error: errors
    }),
    HttpApiEndpoint.post("disable", "/merchants/:merchant/channels/:channelKey/disable", {
      params: channel,
      success: M.ChannelView,
      error: errors
    }),
    HttpApiEndpoint.post("setDefault", "/merchants/:merchant/channels/:channelKey/default", {
      params: channel,
      success: M.MerchantView,
      error: errors
    }).annotate(OpenApi.Description, "Makes the channel the default of its mode.")
  )
  .middleware(Authentication)

/**
 * Channel groups (weighted routing).
 *
 * @since 0.1.0
 * @category groups
 */
export const GroupsGroup = HttpApiGroup.make("channelGroups")
  .add(
    HttpApiEndpoint.post("create", "/merchants/:merchant/channel-groups", {
      params: merchant,
      payload: M.CreateGroup,
      success: M.GroupView.pipe(created),
      error: errors
    }),
    HttpApiEndpoint.get("list", "/merchants/:merchant/channel-groups", {
      params: merchant,
      success: Schema.Array(M.GroupView),
      error: errors
    }),
    HttpApiEndpoint.patch("edit", "/merchants/:merchant/channel-groups/:id", {
      params: group,
      payload: M.EditGroup,
      success: M.GroupView,
      error: errors
    }).annotate(
      OpenApi.Description,
      "Edits the name, members or weights under the rules of create; with `version`, only if it is still at that version (409 otherwise)."
    ),
    HttpApiEndpoint.delete("remove", "/merchants/:merchant/channel-groups/:id", {
      params: group,
      query: M.VersionQuery,
      error: errors
    }).annotate(OpenApi.Description, "Deletes a group; its channels stay. With `?version=`, only if it is still at that version.")
  )
  .middleware(Authentication)

/**
 * Resolving a `request_pay`.
 *
 * @since 0.1.0
 * @category groups
 */
export const ResolveGroup = HttpApiGroup.make("resolve")
  .add(
    HttpApiEndpoint.post("resolve", "/merchants/:merchant/resolve", {
      params: merchant,
      payload: M.ResolveRequest,
      success: M.ResolutionView,
      error: errors
    }).annotate(
      OpenApi.Description,
      "Picks the channel that serves a request_pay. A miss is a 404 problem listing every rejected candidate and why. The `Tier` header (or `tier`) scopes the search to a sub-merchant."
    )
  )
  .middleware(Authentication)

/**
 * Webhook settings, secrets, test send, delivery history and resend.
 *
 * @since 0.1.0
 * @category groups
 */
export const WebhooksGroup = HttpApiGroup.make("webhooks")
  .add(
    HttpApiEndpoint.get("show", "/merchants/:merchant/webhooks", { params: merchant, success: M.WebhookSettingsView, error: errors }),
    HttpApiEndpoint.put("set", "/merchants/:merchant/webhooks/:mode", {
      params: M.ModeParams,
      payload: M.SetWebhook,
      success: M.SetWebhookResult,
      error: errors
    }).annotate(
      OpenApi.Description,
      "Sets (or with `url: null` clears) the URL of a mode; a mode with several endpoints is changed per endpoint. The first URL of a mode creates its signing secret, returned once as `newSecret`."
    ),
    HttpApiEndpoint.post("test", "/merchants/:merchant/webhooks/:mode/test", {
      params: M.ModeParams,
      query: M.TestSendQuery,
      success: M.TestSendView,
      error: errors
    })
      .annotate(
        OpenApi.Description,
        "Posts a signed test notification to a saved endpoint of the mode and reports the receiver's answer. The body has the shape the mode's notifications carry: V1's fields form-encoded in a form mode (`format=v1`), a JSON Webhook.Test event in a JSON mode (`format=v2`); the other format is a 422 `webhook-not-sent` naming what the mode sends."
      )
      .annotate(ReachesOutside, true),
    HttpApiEndpoint.post("rotateSecret", "/merchants/:merchant/webhooks/:mode/secrets/rotate", {
      params: M.ModeParams,
      success: M.NewSecret.pipe(created),
      error: errors
    }).annotate(
      OpenApi.Description,
      "Starts a rotation: a new secret, returned once, signs beside the current one until `…/secrets/retire`. Its answer is never replayed; if it was lost, `…/secrets/cancel-rotation` and rotate again."
    ),
    HttpApiEndpoint.post("retireSecret", "/merchants/:merchant/webhooks/:mode/secrets/retire", { params: M.ModeParams, error: errors }),
    HttpApiEndpoint.post("cancelSecretRotation", "/merchants/:merchant/webhooks/:mode/secrets/cancel-rotation", {
      params: M.ModeParams,
      error: errors
    }).annotate(
      OpenApi.Description,
      "Cancels a rotation: the newer secret, the one the rotation added, stops signing and the older one signs alone again. For a rotation whose new secret was lost (its answer never arrived): retiring would leave only that secret signing. Rotate again afterwards. With one active secret, 422 `rule-violation` (`webhook-secret-rotation`)."
    ),
    HttpApiEndpoint.get("history", "/merchants/:merchant/webhooks/deliveries", {
      params: merchant,
      query: M.HistoryQuery,
      success: Schema.Array(M.DeliveryHistory),
      error: errors
    }),
    HttpApiEndpoint.post("resend", "/merchants/:merchant/webhooks/deliveries/:deliveryId/resend", {
      params: { merchant: Schema.String, deliveryId: Schema.String },
      query: M.ResendQuery,
      success: M.Delivery.pipe(HttpApiSchema.status(202)),
      error: errors
    }).annotate(
      OpenApi.Description,
      "Queues the same message again: to where the delivery goes now (its endpoint's URL today), or to `url`."
    ),
    HttpApiEndpoint.get("readiness", "/merchants/:merchant/webhooks/readiness", { params: merchant, success: M.Readiness, error: errors }),
    HttpApiEndpoint.post("emit", "/merchants/:merchant/webhooks/:mode/notifications", {
      params: M.ModeParams,
      payload: M.EmitNotification,
      success: Schema.Array(M.Delivery).pipe(HttpApiSchema.status(202)),
      error: errors
    }).annotate(
      OpenApi.Description,
      `Queues a notification of an event (\`{ type, timestamp, data }\`, timestamped now) for the mode's endpoints that receive its type, or for the payment's own \`noticeUrls\`: one delivery per target, sent by the dispatcher with retries. The event as JSON is at most ${Webhooks.maxPayloadBytes / 1024} KiB (a 400 \`invalid-input\` on \`data\` otherwise): ids and a status, as PortOne's webhooks carry; the receiver fetches the details. For hosts that run Paymux as a service and report payment events over HTTP.`
    ),
    // Endpoints with event filters, endpoint health and bulk resend (issue 17).
    HttpApiEndpoint.post("addEndpoint", "/merchants/:merchant/webhooks/:mode/endpoints", {
      params: M.ModeParams,
      payload: M.AddEndpoint,
      success: M.AddEndpointResult.pipe(created),
      error: errors
    }).annotate(OpenApi.Description, "Adds an endpoint to the mode, optionally receiving only the listed event types."),
    HttpApiEndpoint.patch("updateEndpoint", "/merchants/:merchant/webhooks/:mode/endpoints/:endpointId", {
      params: M.EndpointParams,
      payload: M.UpdateEndpoint,
      success: M.WebhookSettingsView,
      error: errors
    }),
    HttpApiEndpoint.delete("removeEndpoint", "/merchants/:merchant/webhooks/:mode/endpoints/:endpointId", {
      params: M.EndpointParams,
      success: M.WebhookSettingsView,
      error: errors
    }),
    HttpApiEndpoint.post("enableEndpoint", "/merchants/:merchant/webhooks/:mode/endpoints/:endpointId/enable", {
      params: M.EndpointParams,
      success: M.WebhookSettingsView,
      error: errors
    }).annotate(OpenApi.Description, "Enables an endpoint Paymux disabled after days of failures, and forgets its failures."),
    HttpApiEndpoint.post("resendFailed", "/merchants/:merchant/webhooks/deliveries/resend-failed", {
      params: merchant,
      payload: M.ResendFailed,
      success: M.ResendFailedResult.pipe(HttpApiSchema.status(202)),
      error: errors
    }).annotate(
      OpenApi.Description,
      "Resends every dead-lettered delivery created since `since` (epoch ms), each once: a message already delivered or queued again to the same target is left alone."
    )
  )
  .middleware(Authentication)

/**
 * The security whitelist.
 *
 * @since 0.1.0
 * @category groups
 */
export const WhitelistGroup = HttpApiGroup.make("whitelist")
  .add(
    HttpApiEndpoint.get("show", "/merchants/:merchant/whitelist", { params: merchant, success: M.WhitelistView, error: errors }),
    HttpApiEndpoint.put("set", "/merchants/:merchant/whitelist", {
      params: merchant,
      payload: M.SetWhitelist,
      success: M.WhitelistView,
      error: errors
    }).annotate(
      OpenApi.Description,
      "Replaces the list (stored normalised). Rules with host bits set are refused with the canonical form suggested. With `version`, only if the list is still at that version (409 otherwise)."
    ),
    HttpApiEndpoint.post("add", "/merchants/:merchant/whitelist/add", {
      params: merchant,
      payload: M.WhitelistRules,
      success: M.WhitelistView,
      error: errors
    }),
    HttpApiEndpoint.post("remove", "/merchants/:merchant/whitelist/remove", {
      params: merchant,
      payload: M.WhitelistRules,
      success: M.WhitelistView,
      error: errors
    }),
    HttpApiEndpoint.get("caller", "/merchants/:merchant/whitelist/caller", {
      params: merchant,
      success: M.CallerAddress,
      error: errors
    }).annotate(
      OpenApi.Description,
      "The address this request came from as the whitelist reads it (behind trusted proxies), so an editor can warn before a change locks its user out."
    ),
    HttpApiEndpoint.post("check", "/merchants/:merchant/whitelist/check", {
      params: merchant,
      payload: M.CheckAddress,
      success: M.CheckResult,
      error: errors
    })
  )
  .middleware(Authentication)

/**
 * API keys.
 *
 * @since 0.1.0
 * @category groups
 */
export const ApiKeysGroup = HttpApiGroup.make("apiKeys")
  .add(
    HttpApiEndpoint.post("issue", "/merchants/:merchant/api-keys", {
      params: merchant,
      payload: M.IssueApiKey,
      success: M.IssuedApiKey.pipe(created),
      error: errors
    }).annotate(OpenApi.Description, "Issues a key; the secret is in this response only."),
    HttpApiEndpoint.get("list", "/merchants/:merchant/api-keys", { params: merchant, success: Schema.Array(M.ApiKeyView), error: errors }),
    HttpApiEndpoint.post("rotate", "/merchants/:merchant/api-keys/:keyId/rotate", {
      params: { merchant: Schema.String, keyId: Schema.String },
      success: M.IssuedApiKey,
      error: errors
    }).annotate(OpenApi.Description, "Replaces the secret; the old one (and tokens issued for it) stop working at once."),
    HttpApiEndpoint.delete("revoke", "/merchants/:merchant/api-keys/:keyId", {
      params: { merchant: Schema.String, keyId: Schema.String },
      success: M.ApiKeyView,
      error: errors
    })
  )
  .middleware(Authentication)

/**
 * The PG catalog: codes, names, the credential fields a channel asks for (labels, required,
 * format hints, which are secret), pay methods per payment type and how each PG is tested. Public
 * data, so no credential is needed; the console reads it to draw its forms and cards.
 *
 * @since 0.1.0
 * @category groups
 */
export const PgGroup = HttpApiGroup.make("pg").add(
  HttpApiEndpoint.get("list", "/pg", { success: Schema.Array(M.PgView), error: [Internal] }).annotate(
    OpenApi.Description,
    "Every PG of the catalog in force (the built-in one unless the host extended it), ordered by code."
  ),
  HttpApiEndpoint.get("get", "/pg/:code", { params: { code: Schema.String }, success: M.PgView, error: [NotFound, Internal] }).annotate(
    OpenApi.Description,
    "One PG. An unknown code is a 404 whose detail names the closest known codes."
  )
)

/**
 * `GET /health`: 200 when this process serves and its store answers (one read of the change
 * feed's cursor), 503 `store-unavailable` when it does not: what a load balancer checks. Public,
 * as it says nothing about any merchant.
 *
 * @since 0.1.0
 * @category groups
 */
export const HealthGroup = HttpApiGroup.make("health").add(
  HttpApiEndpoint.get("check", "/health", { success: M.Health, error: [catalogProblems["store-unavailable"], Internal] }).annotate(
    OpenApi.Description,
    'Whether this process serves and its store answers: 200 `{ status: "ok" }`, or 503 `store-unavailable`. For load balancers; no credential is needed.'
  )
)

/**
 * The whole admin API. Request bodies with unknown fields are refused.
 *
 * @since 0.1.0
 * @category api
 */
export const Api = HttpApi.make("paymux")
  .add(AuthGroup)
  .add(MerchantsGroup)
  .add(ChannelsGroup)
  .add(GroupsGroup)
  .add(ResolveGroup)
  .add(WebhooksGroup)
  .add(WhitelistGroup)
  .add(ApiKeysGroup)
  .add(PgGroup)
  .add(HealthGroup)
  .middleware(RequestErrors)
  .annotate(HttpApi.PayloadParseOptions, { onExcessProperty: "error" })
  .annotate(OpenApi.Transform, addTransport)
  .annotate(OpenApi.Title, "Paymux admin API")
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(
    OpenApi.Description,
    "The Integrate-payment console as a REST API. Errors are RFC 9457 problems with a stable `code`. Authenticate with `Authorization: Bearer <access token>` (from POST /auth/token) or `Authorization: Bearer <key id>.<secret>`; act for a sub-merchant with a `Tier` header. POSTs accept an `Idempotency-Key` header."
  )
