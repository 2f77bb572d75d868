/**
 * RFC 9457 problems. Every admin failure answers with the problem of its code in the admin error
 * table (`ErrorCatalog`): its status, and a `type` that ends in the code
 * (`https://paymux.dev/problems/channel-not-found`). The per-status classes below serve the
 * answers the HTTP layer gives itself (authentication, the whitelist, a tier header that
 * disagrees with the body).
 *
 * @since 0.1.0
 */
import { type AdminError, ErrorCatalog, PaymuxError } from "@paymux/admin"
import { Schema } from "effect"
import { HttpApiError } from "effect/http-api"

const base = ErrorCatalog.problemTypeBase

/**
 * 400: the request is malformed. `field` names the offending field (a dotted path) when one is.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends HttpApiError.Problem<BadRequest>()(
  "BadRequest",
  {
    type: `${base}bad-request`,
    status: 400,
    title: ErrorCatalog.titleOf(400)
  },
  {
    code: Schema.String,
    detail: Schema.String,
    field: Schema.optionalKey(Schema.String),
    suggestions: Schema.optionalKey(Schema.Array(Schema.String))
  }
) {}

/**
 * 401: the credentials do not authenticate. Never says which part was wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends HttpApiError.Problem<Unauthorized>()(
  "Unauthorized",
  {
    type: `${base}unauthorized`,
    status: 401,
    title: ErrorCatalog.titleOf(401)
  },
  { code: Schema.String, detail: Schema.String }
) {}

/**
 * 403: the merchant's security whitelist refuses the client address.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends HttpApiError.Problem<Forbidden>()(
  "Forbidden",
  {
    type: `${base}forbidden`,
    status: 403,
    title: ErrorCatalog.titleOf(403)
  },
  {
    code: Schema.String,
    detail: Schema.String,
    address: Schema.optionalKey(Schema.String).annotate({ description: "the client address the whitelist refused" })
  }
) {}

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
export class NotFound extends HttpApiError.Problem<NotFound>()(
  "NotFound",
  {
    type: `${base}not-found`,
    status: 404,
    title: ErrorCatalog.titleOf(404)
  },
  {
    code: Schema.String,
    detail: Schema.String,
    rejected: Schema.optionalKey(Schema.Array(Rejection))
  }
) {}

/**
 * 409: a stale version or a uniqueness rule.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends HttpApiError.Problem<Conflict>()(
  "Conflict",
  {
    type: `${base}conflict`,
    status: 409,
    title: ErrorCatalog.titleOf(409)
  },
  { code: Schema.String, detail: Schema.String }
) {}

/**
 * 422: well-formed, but a rule of the console forbids it (`rule` is the domain's rule code).
 *
 * @since 0.1.0
 * @category errors
 */
export class Unprocessable extends HttpApiError.Problem<Unprocessable>()(
  "Unprocessable",
  {
    type: `${base}unprocessable`,
    status: 422,
    title: ErrorCatalog.titleOf(422)
  },
  {
    code: Schema.String,
    detail: Schema.String,
    rule: Schema.optionalKey(Schema.String)
  }
) {}

/**
 * 413: a request body over the limit (`body-too-large`): the server's, or an endpoint's own smaller
 * one (`POST /auth/token`). Answered before the request reaches an endpoint, on any method that
 * carries a body.
 *
 * @since 0.1.0
 * @category errors
 */
export class ContentTooLarge extends HttpApiError.Problem<ContentTooLarge>()(
  "ContentTooLarge",
  {
    type: `${base}content-too-large`,
    status: 413,
    title: ErrorCatalog.titleOf(413)
  },
  { code: Schema.String, detail: Schema.String, field: Schema.optionalKey(Schema.String) }
) {}

/**
 * 415: a request body that is not JSON (`unsupported-media-type`). Answered before the request
 * reaches an endpoint, on any method that carries a body.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedMediaType extends HttpApiError.Problem<UnsupportedMediaType>()(
  "UnsupportedMediaType",
  {
    type: `${base}unsupported-media-type`,
    status: 415,
    title: ErrorCatalog.titleOf(415)
  },
  { code: Schema.String, detail: Schema.String }
) {}

/**
 * 500: stored data is corrupt. Details stay in the server's logs.
 *
 * @since 0.1.0
 * @category errors
 */
export class Internal extends HttpApiError.Problem<Internal>()(
  "Internal",
  {
    type: `${base}internal`,
    status: 500,
    title: ErrorCatalog.titleOf(500)
  },
  { code: Schema.String, detail: Schema.String }
) {}

/**
 * The body of the problem of an admin failure: the table's `code`, a `detail` for people,
 * `retryable` from the table, and the extensions of the codes that have them (`field` for bad
 * input, `rule` for a rule violation, `suggestions` for a bad `pg`, `rejected` for a resolution
 * miss).
 *
 * @since 0.1.0
 * @category models
 */
export interface CatalogProblem {
  readonly _tag: string
  readonly type: string
  readonly status: number
  readonly title: string
  readonly instance?: string
  readonly code: ErrorCatalog.Code
  readonly detail: string
  readonly retryable: boolean
  readonly field?: string
  readonly rule?: string
  readonly suggestions?: ReadonlyArray<string>
  readonly rejected?: ReadonlyArray<typeof Rejection.Type>
}

const catalogFields = {
  code: Schema.Literals(ErrorCatalog.codes),
  detail: Schema.String,
  retryable: Schema.Boolean,
  field: Schema.optionalKey(Schema.String),
  rule: Schema.optionalKey(Schema.String),
  suggestions: Schema.optionalKey(Schema.Array(Schema.String)),
  rejected: Schema.optionalKey(Schema.Array(Rejection))
}

// `channel-not-found` -> `ChannelNotFoundProblem` (the per-status classes own the bare names).
const tagOf = (code: ErrorCatalog.Code): string =>
  code
    .split("-")
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("") + "Problem"

const catalogProblem = (code: ErrorCatalog.Code) => {
  const entry = ErrorCatalog.entry(code)
  return HttpApiError.Problem<CatalogProblem>()(
    tagOf(code),
    { type: ErrorCatalog.problemType(code), status: entry.status, title: entry.title },
    catalogFields
  )
}

/**
 * One problem class per code of the admin error table, keyed by code.
 *
 * @since 0.1.0
 * @category errors
 */
export const catalogProblems: { readonly [C in ErrorCatalog.Code]: ReturnType<typeof catalogProblem> } = Object.fromEntries(
  ErrorCatalog.codes.map((code) => [code, catalogProblem(code)])
) as { readonly [C in ErrorCatalog.Code]: ReturnType<typeof catalogProblem> }

/**
 * Every problem a use-case endpoint may answer with.
 *
 * @since 0.1.0
 * @category models
 */
export type UseCaseProblem = BadRequest | NotFound | CatalogProblem

/**
 * The problem classes every use-case endpoint declares (for OpenAPI and clients).
 *
 * @since 0.1.0
 * @category schemas
 */
export const useCaseErrors = [BadRequest, NotFound, ...Object.values(catalogProblems)] as const

// The extensions a code carries besides `code`, `detail` and `retryable`.
const extensionsOf = (c: ErrorCatalog.Classified): Pick<CatalogProblem, "field" | "rule" | "suggestions" | "rejected"> => {
  switch (c.code) {
    case "invalid-input":
      return { field: c.error.field }
    case "invalid-cidr":
      return { field: c.error.index === undefined ? "rules" : `rules.${c.error.index}` }
    case "invalid-pg":
      return { field: "pg", suggestions: c.error.suggestions }
    case "rule-violation":
      return { rule: c.error.rule }
    case "channel-not-found":
      return { rejected: c.error.rejected }
    default:
      return {}
  }
}

// What a person reads. Store and configuration failures keep their inner words for the server's
// log line (they may name hosts or files); the rest say what was wrong.
const detailOf = (c: ErrorCatalog.Classified): string => {
  switch (c.code) {
    case "rule-violation":
      return c.error.detail
    case "store-unavailable":
      return "the store is unavailable; retry later"
    case "outcome-unknown":
      return "the connection to the store was lost while the change was being committed, so it may or may not have been saved; read it back before making it again"
    case "store-corrupt":
      return "stored data could not be read"
    case "configuration":
      return "the server's configuration is not usable"
    default:
      return c.error.message
  }
}

/**
 * Maps an admin failure to the problem of its code. Codes are stable; details may change.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromError = (error: AdminError.AdminError): CatalogProblem => {
  const c = ErrorCatalog.classify(error)
  return new catalogProblems[c.code]({
    code: c.code,
    detail: detailOf(c),
    retryable: ErrorCatalog.entry(c.code).retryable,
    ...extensionsOf(c)
  })
}

/**
 * Whether a problem's `code` is resolution's own answer that no channel serves the request (a miss
 * to show with its candidates), rather than a failure of the call.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isResolutionMiss = (code: string): boolean => (PaymuxError.resolutionCodes as ReadonlyArray<string>).includes(code)
