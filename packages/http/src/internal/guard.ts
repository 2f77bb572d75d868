/**
 * The checks in front of every authenticated call, as the HTTP layer states them: the bearer
 * credential and the client address are read from the request, admin's `Access` use cases decide
 * (authentication, whitelist admission with its audit row, the tier), and their answers become
 * problems. Then `Idempotency-Key` is applied, so a replay has passed every check a new call does.
 */
import { Access, AdminContext, AdminError, type AdminServices, Idempotency as Records } from "@paymux/admin"
import { StoreError, Transaction } from "@paymux/store"
import { Context, Effect, Layer, Redacted } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import type { HttpApiEndpoint } from "effect/http-api"
import { Authentication, Connection, Principal } from "../Auth.ts"
import * as Idempotency from "../Idempotency.ts"
import {
  BadRequest,
  type CatalogProblem,
  Conflict,
  Forbidden,
  fromError,
  Internal,
  NotFound,
  Unauthorized,
  Unprocessable
} from "../Problem.ts"
import * as Tokens from "../Tokens.ts"
import { ReachesOutside } from "./reachesOutside.ts"
import { problemOf } from "./run.ts"
import { showsSecretIn } from "./shownOnce.ts"

export type Identity = Access.Identity

/** What the guard reads of a request. */
export interface Caller {
  readonly remoteAddress: string | undefined
  readonly forwardedFor: string | ReadonlyArray<string> | undefined
  readonly method: string
  readonly url: string
}

type GuardProblem = Unauthorized | Forbidden | NotFound | Internal | CatalogProblem

export interface GuardService {
  readonly tokens: Tokens.Tokens
  /** A key id and secret as given to `POST /auth/token`, admitted by the whitelist. */
  readonly exchange: (
    keyId: string,
    secret: string,
    caller: Caller
  ) => Effect.Effect<Identity, Exclude<GuardProblem, NotFound>, AdminServices.AdminServices>
  /** A bearer credential, the whitelist and the `Tier` header, in one. */
  readonly enter: (
    credential: string,
    caller: Caller,
    tierHeader: string | undefined
  ) => Effect.Effect<{ readonly identity: Identity; readonly tier: string | undefined }, GuardProblem, AdminServices.AdminServices>
  readonly idempotency: Records.Options
  /** The client address the whitelist would judge for this caller (behind trusted proxies). */
  readonly addressOf: (caller: Caller) => string | undefined
}

export class Guard extends Context.Service<Guard, GuardService>()("@paymux/http/internal/Guard") {}

// The table's answer for a credential that does not authenticate, as every surface gives it.
const unauthorized = fromError(new AdminError.Unauthenticated())

const refused = (ip: string | undefined) =>
  ip === undefined
    ? new Forbidden({
        code: "address-not-allowed",
        detail: "the client address could not be determined and the merchant's whitelist is enforced"
      })
    : new Forbidden({ code: "address-not-allowed", detail: `${ip} is not on the merchant's security whitelist`, address: ip })

const credentialOf = (tokens: Tokens.Tokens, credential: string, now: number): Access.Credential | undefined => {
  if (credential.startsWith(Tokens.prefix)) {
    const token = tokens.lookup(credential, now)
    return token === undefined ? undefined : { _tag: "Token", keyId: token.keyId, generation: token.secretHash }
  }
  const dot = credential.indexOf(".")
  if (dot <= 0 || dot === credential.length - 1) return undefined
  return { _tag: "Secret", keyId: credential.slice(0, dot), secret: credential.slice(dot + 1) }
}

export interface GuardOptions {
  readonly tokens: Tokens.Tokens
  readonly clientIp: Access.AddressResolver
  readonly idempotency: Records.Options
}

export const make = (options: GuardOptions): GuardService => {
  const { tokens, clientIp } = options
  const callOf = (caller: Caller): Access.Call => ({
    ip: clientIp.resolve(caller.remoteAddress, caller.forwardedFor),
    method: caller.method,
    url: caller.url
  })
  return {
    tokens,
    idempotency: options.idempotency,
    addressOf: (caller) => callOf(caller).ip,
    exchange: (keyId, secret, caller) => {
      const call = callOf(caller)
      return Access.authenticate({ _tag: "Secret", keyId, secret }).pipe(
        Effect.flatMap((identity) =>
          Effect.flatMap(Access.admit(identity, call), (admission) =>
            admission.allowed ? Effect.succeed(identity) : Effect.fail(refused(call.ip))
          )
        ),
        Effect.catch(
          (e): Effect.Effect<never, Exclude<GuardProblem, NotFound>> =>
            e._tag === "Forbidden"
              ? Effect.fail(e)
              : // Authentication and admission fail with no NotFound; should one appear, it is internal.
                Effect.mapError(problemOf(e, caller), (problem) =>
                  problem._tag === "NotFound" ? new Internal({ code: "internal", detail: "the request could not be served" }) : problem
                )
        )
      )
    },
    enter: (credential, caller, tierHeader) =>
      Effect.flatMap(
        Effect.clockWith((clock) => clock.currentTimeMillis),
        (now) => {
          const presented = credentialOf(tokens, credential, now)
          if (presented === undefined) return Effect.fail(unauthorized)
          const call = callOf(caller)
          return Effect.matchEffect(Access.enter(presented, call, tierHeader), {
            onFailure: (e) => problemOf(e, caller),
            onSuccess: (entry) =>
              entry.admission.allowed ? Effect.succeed({ identity: entry.identity, tier: entry.tier }) : Effect.fail(refused(call.ip))
          })
        }
      )
  }
}

/**
 * A guard that checks nothing: every credential is a key of `merchant`, every address is
 * admitted (the tier is still checked). For the benchmark's baseline and tests only.
 */
export const makeUnguarded = (options: GuardOptions & { readonly merchant: string }): GuardService => {
  const identity: Identity = { keyId: "ak_unguarded", merchant: options.merchant, generation: "" }
  return {
    tokens: options.tokens,
    idempotency: options.idempotency,
    addressOf: (caller) => options.clientIp.resolve(caller.remoteAddress, caller.forwardedFor),
    exchange: () => Effect.succeed(identity),
    enter: (_credential, caller, tierHeader) =>
      tierHeader === undefined
        ? Effect.succeed({ identity, tier: undefined })
        : Effect.catch(
            Effect.map(Access.tier(identity, tierHeader), (tier) => ({ identity, tier })),
            (e) => problemOf(e, caller)
          )
  }
}

/**
 * The path as its route spells it, with the parameters the router decoded: the request's own
 * spelling (letter case, doubled or trailing slashes, percent-encoding) does not change it.
 */
const routePath = (route: HttpRouter.RouteContext["Service"]): string =>
  route.route.path.replace(/:(\w+)/g, (_, name: string) => route.params[name] ?? "")

const storedOf = (response: HttpServerResponse.HttpServerResponse): Records.StoredResponse | undefined => {
  const body = response.body
  if (body._tag !== "Uint8Array" && body._tag !== "Empty") return undefined
  const headers: Array<readonly [string, string]> = Object.entries(response.headers)
  if (body._tag === "Empty") return { status: response.status, headers, body: new Uint8Array(0) }
  if (body.contentType !== undefined && response.headers["content-type"] === undefined) headers.push(["content-type", body.contentType])
  return { status: response.status, headers, body: body.body }
}

const replayOf = (stored: Records.StoredResponse): HttpServerResponse.HttpServerResponse => {
  const headers: Record<string, string> = {}
  for (const [name, value] of stored.headers) if (name !== "content-type") headers[name] = value
  headers["idempotent-replayed"] = "true"
  const contentType = stored.headers.find(([name]) => name === "content-type")?.[1]
  return stored.body.byteLength === 0
    ? HttpServerResponse.empty({ status: stored.status, headers })
    : HttpServerResponse.uint8Array(stored.body, { status: stored.status, headers, ...(contentType === undefined ? {} : { contentType }) })
}

type IdempotencyProblem = BadRequest | Conflict | Unprocessable | CatalogProblem

const withheld = () =>
  new Conflict({
    code: "idempotency-secret-not-replayable",
    detail:
      "the request with this Idempotency-Key succeeded, but its response carried a one-time secret that is not kept; list the resource to see what was created"
  })

/**
 * Runs an authenticated call under its `Idempotency-Key`, if any (POST only): the record is
 * scoped to the key id, the tier and the route, and only a call to the key's own merchant is
 * looked up (any other is answered 404 by the endpoint, and errors are not stored). Records
 * live in the store, so a retry that reaches another process is answered the same way.
 */
const idempotent = <E, R>(
  options: Records.Options,
  request: HttpServerRequest.HttpServerRequest,
  identity: Identity,
  tier: string | undefined,
  endpoint: HttpApiEndpoint.Top,
  run: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
): Effect.Effect<HttpServerResponse.HttpServerResponse, E | IdempotencyProblem, R | AdminServices.AdminServices> => {
  const key = request.headers[Idempotency.headerName]
  if (key === undefined || request.method !== "POST") return run
  if (key.length === 0 || key.length > Idempotency.maxKeyLength) {
    return Effect.fail(
      new BadRequest({
        code: "invalid-idempotency-key",
        detail: `an Idempotency-Key is 1-${Idempotency.maxKeyLength} characters`,
        field: "Idempotency-Key"
      })
    )
  }
  return Effect.flatMap(Effect.serviceOption(HttpRouter.RouteContext), (matched) => {
    if (matched._tag === "None" || matched.value.params["merchant"] !== identity.merchant) return run
    const route = matched.value
    const scope = `${identity.keyId}\n${tier ?? ""}\n${request.method} ${routePath(route)}`
    return Effect.flatMap(Effect.orDie(request.arrayBuffer), (buffer) =>
      Effect.flatMap(
        Effect.clockWith((clock) => clock.currentTimeMillis),
        (now): Effect.Effect<HttpServerResponse.HttpServerResponse, E | IdempotencyProblem, R | AdminServices.AdminServices> => {
          const mark = request.url.indexOf("?")
          const query = mark === -1 ? "" : request.url.slice(mark + 1)
          const lookup = Records.begin({ scope, key, merchant: identity.merchant, query, body: new Uint8Array(buffer), now, options })
          return Effect.flatMap(
            // A store that cannot be asked is the catalog's problem (`store-unavailable`, retryable);
            // the call is not run, as its outcome could not be recorded.
            Effect.catch(lookup, (e) => problemOf(e, request)),
            (found): Effect.Effect<HttpServerResponse.HttpServerResponse, E | IdempotencyProblem, R | AdminServices.AdminServices> => {
              switch (found._tag) {
                case "Replay":
                  return Effect.succeed(replayOf(found.response))
                case "Withheld":
                  return Effect.fail(withheld())
                case "Mismatch":
                  return Effect.fail(
                    new Unprocessable({
                      code: "idempotency-key-reused",
                      detail: "this Idempotency-Key was used with a different request (query string or body)"
                    })
                  )
                case "InFlight":
                  return Effect.fail(
                    new Conflict({
                      code: "idempotency-key-in-use",
                      detail: "a request with this Idempotency-Key is still running; retry later"
                    })
                  )
                case "New": {
                  const outcomeOf = (response: HttpServerResponse.HttpServerResponse): Records.Outcome => {
                    const stored = storedOf(response)
                    if (stored === undefined || !Records.isStorable(stored.status)) return undefined
                    return showsSecretIn(endpoint, stored.body) ? "withheld" : stored
                  }
                  // A failed call leaves no record: the next try runs it again at once.
                  const unrecorded = Effect.ignore(found.complete(undefined))
                  if (Context.get(endpoint.annotations, ReachesOutside)) {
                    // The response stands even if it could not be recorded: a retry then runs again.
                    return run.pipe(
                      Effect.onExit((exit) => (exit._tag === "Failure" ? unrecorded : Effect.ignore(found.complete(outcomeOf(exit.value)))))
                    )
                  }
                  // The call's changes and its record commit together: a process that dies between
                  // the two leaves neither, so a retry runs the call once more over nothing (it ran
                  // again over committed changes, and a notification went out twice under two
                  // webhook-ids). A record that cannot be written fails the call, changes undone.
                  return Effect.flatMap(Effect.service(Transaction.Transaction), (tx) =>
                    tx.withTransaction(Effect.tap(run, (response) => found.complete(outcomeOf(response)))).pipe(
                      Effect.catch(
                        (e): Effect.Effect<never, E | IdempotencyProblem> =>
                          e instanceof StoreError.StoreError ? problemOf(e, request) : Effect.fail(e)
                      ),
                      Effect.onError(() => unrecorded)
                    )
                  )
                }
              }
            }
          )
        }
      )
    )
  })
}

const header = (value: string | undefined): string | undefined => (value === undefined || value === "" ? undefined : value)

/** The caller as the guard reads it from the current request and connection. */
export const callerOf = (
  request: HttpServerRequest.HttpServerRequest,
  connection: { readonly remoteAddress?: string | undefined }
): Caller => ({
  remoteAddress: connection.remoteAddress,
  forwardedFor: request.headers["x-forwarded-for"],
  method: request.method,
  url: request.url
})

/** The authentication middleware over the `Guard` of this handler. */
export const layerAuthentication: Layer.Layer<Authentication, never, Guard | AdminServices.AdminServices> = Layer.effect(
  Authentication,
  Effect.gen(function* () {
    const guard = yield* Guard
    const services = yield* Effect.context<AdminServices.AdminServices>()
    return Authentication.of({
      // Plain flatMaps rather than a generator: this runs on every call.
      bearer: (httpEffect, { credential, endpoint }) =>
        Effect.flatMap(Effect.service(HttpServerRequest.HttpServerRequest), (request) =>
          Effect.flatMap(Effect.serviceOption(Connection), (connection) =>
            Effect.flatMap(
              Effect.provideContext(
                guard.enter(
                  Redacted.value(credential),
                  callerOf(request, connection._tag === "Some" ? connection.value : {}),
                  header(request.headers["tier"])
                ),
                services
              ),
              ({ identity, tier }) =>
                idempotent(guard.idempotency, request, identity, tier, endpoint, httpEffect).pipe(
                  Effect.provideService(Principal, { keyId: identity.keyId, merchant: identity.merchant, tier }),
                  AdminContext.withActor({ kind: "api-key", id: identity.keyId }),
                  Effect.provideContext(services)
                )
            )
          )
        )
    })
  })
)
