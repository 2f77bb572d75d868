/**
 * Authentication for the admin API: the security middleware that turns a bearer credential into
 * a `Principal`, enforces the merchant's whitelist, reads the `Tier` header and runs the endpoint
 * with the admin `Actor` set to the key; and the middleware that renders request decoding
 * failures as 400 problems naming the field.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { HttpApiMiddleware, HttpApiSecurity, OpenApi } from "effect/http-api"
import * as SchemaIssue from "effect/SchemaIssue"
import {
  BadRequest,
  ContentTooLarge,
  catalogProblems,
  Conflict,
  Forbidden,
  Internal,
  NotFound,
  Unauthorized,
  Unprocessable,
  UnsupportedMediaType
} from "./Problem.ts"

/**
 * What the host knows about the connection a request came on. Pass it as the second argument
 * of the handler; without it the client address is unknown, and an enforced whitelist denies.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectionInfo {
  /** The socket peer address (`req.socket.remoteAddress` in node:http). */
  readonly remoteAddress?: string | undefined
}

/**
 * @since 0.1.0
 * @category services
 */
export class Connection extends Context.Service<Connection, ConnectionInfo>()("@paymux/http/Connection") {}

/**
 * The authenticated caller: the key, its merchant, and the tier it acts for.
 *
 * @since 0.1.0
 * @category models
 */
export interface PrincipalInfo {
  readonly keyId: string
  readonly merchant: string
  readonly tier?: string | undefined
}

/**
 * @since 0.1.0
 * @category services
 */
export class Principal extends Context.Service<Principal, PrincipalInfo>()("@paymux/http/Principal") {}

/**
 * Bearer authentication: `Authorization: Bearer <access token>` or
 * `Authorization: Bearer <key id>.<secret>`, then the merchant's whitelist, the `Tier` header
 * and `Idempotency-Key`. The handler from `PaymuxHttp.makeHandler` provides it.
 *
 * @since 0.1.0
 * @category middleware
 */
export class Authentication extends HttpApiMiddleware.Service<
  Authentication,
  {
    provides: Principal
  }
>()("@paymux/http/Authentication", {
  security: {
    bearer: HttpApiSecurity.bearer.pipe(
      HttpApiSecurity.annotate(OpenApi.Description, "An access token from POST /auth/token, or `<key id>.<secret>` (e.g. `ak_….sk_…`).")
    )
  },
  // The idempotency problems (400, 409, 422) are answered here too: the key is applied after
  // authentication, so a replay passes the same checks as a new call.
  error: [Unauthorized, Forbidden, NotFound, BadRequest, Conflict, Unprocessable, Internal, ...Object.values(catalogProblems)]
}) {}

/**
 * Renders request decoding failures (wrong types, unknown fields, bad params) as 400 problems.
 *
 * @since 0.1.0
 * @category middleware
 */
export class RequestErrors extends HttpApiMiddleware.Service<RequestErrors>()("@paymux/http/RequestErrors", {
  // 413 and 415 are answered before the HttpApi, on the methods whose bodies are read; they are
  // declared here so the OpenAPI document has them (internal/openApiTransport.ts keeps them there).
  error: [BadRequest, ContentTooLarge, UnsupportedMediaType]
}) {}

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

// What the HttpApi says when a JSON payload does not parse (a test pins it).
const notJson = "Expected a valid JSON body"

const segment = (s: PropertyKey | { readonly key: PropertyKey }): string => {
  const key = typeof s === "object" && s !== null ? s.key : s
  return String(key)
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layerRequestErrors: Layer.Layer<RequestErrors> = HttpApiMiddleware.layerSchemaErrorTransform(RequestErrors, (error) => {
  const slot = error.kind.toLowerCase()
  const first = formatIssues(error.cause.issue).issues[0]
  const path = (first?.path ?? []).map(segment)
  // The HttpApi parses the body (once) before decoding it; its parse failure is this issue.
  if (slot === "payload" && path.length === 0 && first?.message === notJson) {
    return Effect.fail(new BadRequest({ code: "invalid-json", detail: "the request body is not valid JSON", field: "body" }))
  }
  const field = path.length > 0 ? path.join(".") : slot
  return Effect.fail(
    new BadRequest({
      code: `invalid-${slot}`,
      detail: first === undefined ? `the request ${slot} is invalid` : `${field}: ${first.message}`,
      field
    })
  )
})

/**
 * The connection of the current request; unknown when the host passed none.
 *
 * @since 0.1.0
 * @category services
 */
export const currentConnection: Effect.Effect<ConnectionInfo> = Effect.map(Effect.serviceOption(Connection), (o) =>
  o._tag === "Some" ? o.value : {}
)
