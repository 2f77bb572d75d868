/**
 * Authentication for the admin API: the security middleware that turns a bearer credential into
 * a `Principal`, enforces the merchant's whitelist, reads the `Tier` header and runs the endpoint
 * with the admin `Actor` set to the key; and the middleware that renders request decoding
 * failures as 400 problems naming the field.
 *
 * @since 0.1.0
 */
import { AdminContext } from "@paymux/admin"
import { Context, Effect, Layer, Redacted } from "effect"
import { HttpServerRequest } from "effect/http"
import { HttpApiMiddleware, HttpApiSecurity, OpenApi } from "effect/http-api"
import * as SchemaIssue from "effect/SchemaIssue"
import { Guard } from "./internal/guard.ts"
import { BadRequest, Forbidden, Internal, NotFound, Unauthorized, Unavailable } from "./Problem.ts"

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
 * `Authorization: Bearer <key id>.<secret>`.
 *
 * @since 0.1.0
 * @category middleware
 */
export class Authentication extends HttpApiMiddleware.Service<Authentication, {
  provides: Principal
}>()("@paymux/http/Authentication", {
  security: {
    bearer: HttpApiSecurity.bearer.pipe(HttpApiSecurity.annotate(
      OpenApi.Description,
      "An access token from POST /auth/token, or `<key id>.<secret>` (e.g. `ak_….sk_…`)."
    ))
  },
  error: [Unauthorized, Forbidden, NotFound, Unavailable, Internal]
}) {}

/**
 * Renders request decoding failures (wrong types, unknown fields, bad params) as 400 problems.
 *
 * @since 0.1.0
 * @category middleware
 */
export class RequestErrors extends HttpApiMiddleware.Service<RequestErrors>()("@paymux/http/RequestErrors", {
  error: BadRequest
}) {}

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

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
  const field = path.length > 0 ? path.join(".") : slot
  return Effect.fail(new BadRequest({
    code: `invalid-${slot}`,
    detail: first === undefined ? `the request ${slot} is invalid` : `${field}: ${first.message}`,
    field
  }))
})

/**
 * The connection of the current request; unknown when the host passed none.
 *
 * @since 0.1.0
 * @category services
 */
export const currentConnection: Effect.Effect<ConnectionInfo> = Effect.map(
  Effect.serviceOption(Connection),
  (o) => (o._tag === "Some" ? o.value : {})
)

const header = (value: string | undefined): string | undefined => (value === undefined || value === "" ? undefined : value)

/**
 * The authentication middleware over a `Guard` (built by `PaymuxHttp.makeHandler`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerAuthentication: Layer.Layer<Authentication, never, Guard> = Layer.effect(
  Authentication,
  Effect.gen(function*() {
    const guard = yield* Guard
    return Authentication.of({
      // Plain flatMaps rather than a generator: this runs on every call.
      bearer: (httpEffect, { credential }) =>
        Effect.flatMap(Effect.service(HttpServerRequest.HttpServerRequest), (request) =>
          Effect.flatMap(currentConnection, (connection) =>
            Effect.flatMap(
              guard.enter(Redacted.value(credential), {
                remoteAddress: connection.remoteAddress,
                forwardedFor: request.headers["x-forwarded-for"],
                method: request.method,
                path: request.url
              }, header(request.headers["tier"])),
              ({ identity, tier }) =>
                httpEffect.pipe(
                  Effect.provideService(Principal, { keyId: identity.keyId, merchant: identity.merchant, tier }),
                  AdminContext.withActor({ kind: "api-key", id: identity.keyId })
                )
            )))
    })
  })
)
