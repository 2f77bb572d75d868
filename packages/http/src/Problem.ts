/**
 * RFC 9457 problems: one class per HTTP status, each with a stable `code` for programs and a
 * `detail` for people, and the mapping from every admin failure onto them.
 *
 * @since 0.1.0
 */
import type { AdminError } from "@paymux/admin"
import { Schema } from "effect"
import { HttpApiError } from "effect/http-api"

const base = "https://paymux.dev/problems/"

/**
 * 400: the request is malformed. `field` names the offending field (a dotted path) when one is.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends HttpApiError.Problem<BadRequest>()("BadRequest", {
  type: `${base}bad-request`,
  status: 400,
  title: "Bad Request"
}, {
  code: Schema.String,
  detail: Schema.String,
  field: Schema.optionalKey(Schema.String),
  suggestions: Schema.optionalKey(Schema.Array(Schema.String))
}) {}

/**
 * 401: the credentials do not authenticate. Never says which part was wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends HttpApiError.Problem<Unauthorized>()("Unauthorized", {
  type: `${base}unauthorized`,
  status: 401,
  title: "Unauthorized"
}, { code: Schema.String, detail: Schema.String }) {}

/**
 * 403: the merchant's security whitelist refuses the client address.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends HttpApiError.Problem<Forbidden>()("Forbidden", {
  type: `${base}forbidden`,
  status: 403,
  title: "Forbidden"
}, { code: Schema.String, detail: Schema.String }) {}

/**
 * A candidate channel a resolution rejected, and why.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Rejection = Schema.Struct({
  channel: Schema.String,
  pg: Schema.String,
  mode: Schema.String,
  reason: Schema.String,
  detail: Schema.String
})

/**
 * 404: no such resource for this key's merchant (another merchant's resources look missing too).
 * A resolution miss lists the `rejected` candidates.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends HttpApiError.Problem<NotFound>()("NotFound", {
  type: `${base}not-found`,
  status: 404,
  title: "Not Found"
}, {
  code: Schema.String,
  detail: Schema.String,
  rejected: Schema.optionalKey(Schema.Array(Rejection))
}) {}

/**
 * 409: a stale version or a uniqueness rule.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends HttpApiError.Problem<Conflict>()("Conflict", {
  type: `${base}conflict`,
  status: 409,
  title: "Conflict"
}, { code: Schema.String, detail: Schema.String }) {}

/**
 * 422: well-formed, but a rule of the console forbids it (`rule` is the domain's rule code).
 *
 * @since 0.1.0
 * @category errors
 */
export class Unprocessable extends HttpApiError.Problem<Unprocessable>()("Unprocessable", {
  type: `${base}unprocessable`,
  status: 422,
  title: "Unprocessable Content"
}, {
  code: Schema.String,
  detail: Schema.String,
  rule: Schema.optionalKey(Schema.String)
}) {}

/**
 * 503: the store is unavailable (retryable) or cannot serve this release.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unavailable extends HttpApiError.Problem<Unavailable>()("Unavailable", {
  type: `${base}unavailable`,
  status: 503,
  title: "Service Unavailable"
}, { code: Schema.String, detail: Schema.String }) {}

/**
 * 500: stored data is corrupt. Details stay in the server's logs.
 *
 * @since 0.1.0
 * @category errors
 */
export class Internal extends HttpApiError.Problem<Internal>()("Internal", {
  type: `${base}internal`,
  status: 500,
  title: "Internal Server Error"
}, { code: Schema.String, detail: Schema.String }) {}

/**
 * Every problem a use-case endpoint may answer with.
 *
 * @since 0.1.0
 * @category models
 */
export type UseCaseProblem = BadRequest | NotFound | Conflict | Unprocessable | Unavailable | Internal

/**
 * The problem classes every use-case endpoint declares (for OpenAPI and clients).
 *
 * @since 0.1.0
 * @category schemas
 */
export const useCaseErrors = [BadRequest, NotFound, Conflict, Unprocessable, Unavailable, Internal] as const

/**
 * Maps an admin or resolution failure to its problem. Codes are stable; messages may change.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromError = (error: AdminError.AdminError): UseCaseProblem => {
  switch (error._tag) {
    case "InvalidInput":
      return new BadRequest({ code: "invalid-input", detail: error.message, field: error.field })
    case "RuleViolation":
      return new Unprocessable({ code: "rule-violation", detail: error.detail, rule: error.rule })
    case "InvalidCidr":
      return new BadRequest({ code: "invalid-cidr", detail: error.message, field: error.index === undefined ? "rules" : `rules.${error.index}` })
    case "WebhookNotSent":
      return new Unprocessable({ code: "webhook-not-sent", detail: error.message, rule: "webhook-not-sent" })
    case "Unauthenticated":
      // Only reachable through a use case that verifies keys; the middleware answers 401 itself.
      return new Unprocessable({ code: "unauthenticated", detail: error.message })
    case "StoreError": {
      const r = error.reason
      switch (r._tag) {
        case "NotFound":
          return new NotFound({ code: "not-found", detail: `${r.entity} ${r.id} not found` })
        case "Conflict":
          return new Conflict({ code: "conflict", detail: error.message })
        case "Unavailable":
          return new Unavailable({ code: "store-unavailable", detail: "the store is unavailable; retry later" })
        case "SchemaTooNew":
          return new Unavailable({ code: "schema-too-new", detail: error.message })
        case "Corrupt":
          return new Internal({ code: "store-corrupt", detail: "stored data could not be read" })
        case "KeyMismatch":
        case "Misconfigured":
          // Operator problems: the caller learns no key id or fingerprint, the server's log does.
          return new Unavailable({ code: "store-keys", detail: "the store's keys are not configured correctly; retry later" })
      }
      break
    }
    case "ChannelNotFound":
      return new NotFound({ code: "channel-not-found", detail: error.message, rejected: error.rejected })
    case "NoChannelConfigured":
      return new NotFound({ code: "no-channel-configured", detail: error.message })
    case "UnknownTier":
      return new NotFound({ code: "unknown-tier", detail: `tier ${JSON.stringify(error.tier)} is not a sub-merchant of ${error.merchant}` })
    case "UnknownMerchant":
      return new NotFound({ code: "not-found", detail: error.message })
    case "InvalidPgSelector":
      return new BadRequest({ code: `invalid-pg`, detail: error.message, field: "pg", suggestions: error.suggestions })
  }
  return new Internal({ code: "internal", detail: "unexpected failure" })
}
