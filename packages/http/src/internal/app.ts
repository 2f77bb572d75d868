/**
 * The endpoint handlers and their composition into one web handler. The group layers stay
 * private to this module: their types name services of packages the public API does not expose.
 */
import {
  AdminContext,
  type AdminServices,
  ApiKeys,
  Audit,
  ChannelGroups,
  Channels,
  Doctor,
  Merchants,
  Resolve,
  WebhookEndpoints,
  Webhooks,
  Whitelists
} from "@paymux/admin"
import { PgCatalog } from "@paymux/domain"
import { Clock, Context, Effect, Exit, Layer, Option, Redacted, References, Scope } from "effect"
import { Cookies, HttpEffect, HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApiBuilder, HttpApiScalar } from "effect/http-api"
import { Api } from "../Api.ts"
import { Connection, currentConnection, layerRequestErrors, Principal } from "../Auth.ts"
import type * as Models from "../Models.ts"
import { BadRequest, NotFound, type UseCaseProblem } from "../Problem.ts"
import { callerOf, Guard, layerAuthentication } from "./guard.ts"
import { internalProblem } from "./problemResponse.ts"
import { BufferedRequest, type Incoming, pathOf } from "./request.ts"
import { own, run } from "./run.ts"

const merchants = HttpApiBuilder.group(Api, "merchants", (h) =>
  h
    .handle("list", () =>
      Effect.flatMap(Effect.service(Principal), (p) => run(p.merchant, () => Effect.map(Merchants.get(p.merchant), (m) => [m])))
    )
    .handle("get", ({ params }) => run(params.merchant, () => Merchants.get(params.merchant)))
    .handle("update", ({ params, payload }) => run(params.merchant, () => Merchants.setPolicy(params.merchant, payload.policy)))
    .handle("listSubMerchants", ({ params }) => run(params.merchant, () => Merchants.listSubMerchants(params.merchant)))
    .handle("createSubMerchant", ({ params, payload }) =>
      run(params.merchant, () => Merchants.createSubMerchant({ merchant: params.merchant, tier: payload.tier, name: payload.name }))
    )
    .handle("renameSubMerchant", ({ params, payload }) =>
      run(params.merchant, () => Merchants.renameSubMerchant(params.merchant, params.tier, payload.name, { version: payload.version }))
    )
    .handle("removeSubMerchant", ({ params, query }) =>
      run(params.merchant, () => Merchants.removeSubMerchant(params.merchant, params.tier, { version: query.version }))
    )
    .handle("doctor", ({ params }) => run(params.merchant, () => Doctor.check(params.merchant)))
    .handle("assign", ({ params }) => run(params.merchant, () => Channels.assign(params.merchant, params.tier, params.channelKey)))
    .handle("unassign", ({ params }) => run(params.merchant, () => Channels.unassign(params.merchant, params.tier, params.channelKey)))
    .handle("audit", ({ params, query }) =>
      run(params.merchant, () =>
        Audit.list(params.merchant, {
          ...(query.limit === undefined ? {} : { limit: query.limit }),
          ...(query.action === undefined ? {} : { action: query.action })
        })
      )
    )
)

const channels = HttpApiBuilder.group(Api, "channels", (h) =>
  h
    .handle("add", ({ params, payload }) =>
      run(params.merchant, () => Effect.flatMap(Channels.add({ ...payload, merchant: params.merchant }), Channels.view))
    )
    .handle("list", ({ params, query }) =>
      run(params.merchant, (principal) =>
        Effect.flatMap(
          principal.tier === undefined ? Channels.list(params.merchant, query) : Channels.listForTier(params.merchant, principal.tier),
          (list) =>
            Effect.forEach(
              list.filter((c) => query.mode === undefined || c.mode === query.mode),
              Channels.view
            )
        )
      )
    )
    .handle("get", ({ params }) =>
      run(params.merchant, () => Effect.flatMap(Channels.get(params.merchant, params.channelKey), Channels.view))
    )
    .handle("edit", ({ params, payload }) =>
      run(params.merchant, () => {
        const { version, ...patch } = payload
        return Effect.flatMap(Channels.edit(params.merchant, params.channelKey, patch, { version }), Channels.view)
      })
    )
    .handle("remove", ({ params, query }) =>
      run(params.merchant, () => Channels.remove(params.merchant, params.channelKey, { version: query.version }))
    )
    .handle("enable", ({ params }) =>
      run(params.merchant, () => Effect.flatMap(Channels.setEnabled(params.merchant, params.channelKey, true), Channels.view))
    )
    .handle("disable", ({ params }) =>
      run(params.merchant, () => Effect.flatMap(Channels.setEnabled(params.merchant, params.channelKey, false), Channels.view))
    )
    .handle("setDefault", ({ params }) => run(params.merchant, () => Channels.setDefault(params.merchant, params.channelKey)))
)

const groups_ = HttpApiBuilder.group(Api, "channelGroups", (h) =>
  h
    .handle("create", ({ params, payload }) => run(params.merchant, () => ChannelGroups.create({ ...payload, merchant: params.merchant })))
    .handle("list", ({ params }) => run(params.merchant, () => ChannelGroups.list(params.merchant)))
    .handle("edit", ({ params, payload }) =>
      run(params.merchant, () => {
        const { version, ...patch } = payload
        return ChannelGroups.edit(params.merchant, params.id, patch, { version })
      })
    )
    .handle("remove", ({ params, query }) =>
      run(params.merchant, () => ChannelGroups.remove(params.merchant, params.id, { version: query.version }))
    )
)

const resolve = HttpApiBuilder.group(Api, "resolve", (h) =>
  h.handle("resolve", ({ params, payload }) =>
    Effect.gen(function* () {
      const principal = yield* Principal
      if (principal.tier !== undefined && payload.tier !== undefined && payload.tier !== principal.tier) {
        return yield* new BadRequest({
          code: "tier-mismatch",
          detail: `the Tier header (${principal.tier}) and the body's tier (${payload.tier}) differ`,
          field: "tier"
        })
      }
      return yield* resolveFor(params.merchant, { ...payload, tier: principal.tier ?? payload.tier })
    })
  )
)

/** The resolve use case with its answer shaped for the wire (shared with the benchmark). */
const resolveFor = (
  merchant: string,
  request: Omit<Parameters<typeof Resolve.resolve>[0], "merchant">
): Effect.Effect<typeof Models.ResolutionView.Type, UseCaseProblem, AdminServices.AdminServices | Principal> =>
  run(merchant, () =>
    Effect.gen(function* () {
      const resolution = yield* Resolve.resolve({ ...request, merchant })
      const channel = yield* Channels.view(resolution.channel)
      const f = resolution.fellBack
      const w = resolution.warning
      return {
        channel,
        mode: resolution.mode,
        via: resolution.via,
        ...(w === undefined ? {} : { warning: { reason: w.reason, test: w.test, live: w.live, detail: w.detail } }),
        ...(f === undefined ? {} : { fellBack: { reason: f.reason, pg: f.pg, detail: f.detail, rejected: f.rejected } })
      }
    })
  )

const auth = HttpApiBuilder.group(Api, "auth", (h) =>
  h.handle("token", ({ payload }) =>
    Effect.gen(function* () {
      const guard = yield* Guard
      const connection = yield* currentConnection
      const request = yield* HttpServerRequest.HttpServerRequest
      const identity = yield* guard.exchange(payload.apiKey, payload.apiSecret, callerOf(request, connection))
      const now = yield* Clock.currentTimeMillis
      const token = guard.tokens.issue({ keyId: identity.keyId, merchant: identity.merchant, secretHash: identity.generation }, now)
      return { accessToken: token.token, tokenType: "Bearer" as const, expiresAt: token.expiresAt, now }
    })
  )
)

const reveal = (secret: Redacted.Redacted<string>): string => Redacted.value(secret)

const webhooks = HttpApiBuilder.group(Api, "webhooks", (h) =>
  h
    .handle("show", ({ params }) => run(params.merchant, () => WebhookEndpoints.show(params.merchant)))
    .handle("set", ({ params, payload }) =>
      run(params.merchant, () =>
        Effect.map(WebhookEndpoints.set({ merchant: params.merchant, mode: params.mode, ...payload }), (r) =>
          r.newSecret === undefined ? { settings: r.settings } : { settings: r.settings, newSecret: reveal(r.newSecret) }
        )
      )
    )
    .handle("test", ({ params, query }) =>
      run(params.merchant, () =>
        Effect.map(Webhooks.test(params.merchant, params.mode, { format: query.format, endpointId: query.endpoint }), (r) => ({
          url: r.url,
          endpointId: r.endpointId,
          format: r.format,
          contentType: r.contentType,
          outcome: r.outcome,
          ok: r.ok,
          httpStatus: r.httpStatus,
          latencyMillis: r.latencyMillis,
          responseExcerpt: r.responseExcerpt,
          error: r.error
        }))
      )
    )
    .handle("rotateSecret", ({ params }) =>
      run(params.merchant, () => Effect.map(Webhooks.rotateSecret(params.merchant, params.mode), (s) => ({ secret: reveal(s) })))
    )
    .handle("retireSecret", ({ params }) => run(params.merchant, () => Webhooks.retireSecret(params.merchant, params.mode)))
    .handle("history", ({ params, query }) =>
      run(params.merchant, () => Webhooks.history(params.merchant, query.limit === undefined ? {} : { limit: query.limit }))
    )
    .handle("emit", ({ params, payload }) => run(params.merchant, () => Webhooks.emitEvent({ ...params, ...payload })))
    .handle("resend", ({ params, query }) => run(params.merchant, () => Webhooks.resend(params.merchant, params.deliveryId, query)))
    .handle("readiness", ({ params }) => run(params.merchant, () => WebhookEndpoints.readiness(params.merchant)))
    .handle("addEndpoint", ({ params, payload }) =>
      run(params.merchant, () =>
        Effect.map(WebhookEndpoints.addEndpoint({ ...params, ...payload }), ({ newSecret, ...r }) =>
          newSecret === undefined ? r : { ...r, newSecret: reveal(newSecret) }
        )
      )
    )
    .handle("updateEndpoint", ({ params, payload }) =>
      run(params.merchant, () => WebhookEndpoints.updateEndpoint({ ...params, ...payload }))
    )
    .handle("removeEndpoint", ({ params }) => run(params.merchant, () => WebhookEndpoints.removeEndpoint(params)))
    .handle("enableEndpoint", ({ params }) => run(params.merchant, () => WebhookEndpoints.enableEndpoint(params)))
    .handle("resendFailed", ({ params, payload }) =>
      run(params.merchant, () => Webhooks.resendFailed({ merchant: params.merchant, ...payload }))
    )
)

const whitelist = HttpApiBuilder.group(Api, "whitelist", (h) =>
  h
    .handle("show", ({ params }) => run(params.merchant, () => Whitelists.show(params.merchant)))
    .handle("set", ({ params, payload }) =>
      run(params.merchant, () =>
        payload.denyByDefault === undefined
          ? Whitelists.set(params.merchant, payload.rules)
          : Effect.andThen(
              Whitelists.set(params.merchant, payload.rules),
              Whitelists.setDenyByDefault(params.merchant, payload.denyByDefault)
            )
      )
    )
    .handle("add", ({ params, payload }) => run(params.merchant, () => Whitelists.add(params.merchant, payload.rules)))
    .handle("remove", ({ params, payload }) => run(params.merchant, () => Whitelists.remove(params.merchant, payload.rules)))
    .handle("caller", ({ params }) =>
      Effect.flatMap(own(params.merchant), () =>
        Effect.gen(function* () {
          const guard = yield* Guard
          const request = yield* HttpServerRequest.HttpServerRequest
          const connection = yield* currentConnection
          return { ip: guard.addressOf(callerOf(request, connection)) ?? null }
        })
      )
    )
    .handle("check", ({ params, payload }) => run(params.merchant, () => Whitelists.check(params.merchant, payload.ip)))
)

const pg = HttpApiBuilder.group(Api, "pg", (h) =>
  h
    .handle("list", () => Effect.map(Effect.service(AdminContext.Catalog), PgCatalog.list))
    .handle("get", ({ params }) =>
      Effect.flatMap(Effect.service(AdminContext.Catalog), (catalog) => {
        const provider = catalog.providers.get(params.code)
        if (provider !== undefined) return Effect.succeed(provider)
        const near = PgCatalog.suggest(catalog, params.code)
        const hint = near.length > 0 ? `; did you mean ${near.join(" or ")}?` : ""
        return Effect.fail(new NotFound({ code: "not-found", detail: `no PG ${JSON.stringify(params.code)} in the catalog${hint}` }))
      })
    )
)

const issued = (k: ApiKeys.IssuedKey) => ({ key: k.key, secret: reveal(k.secret) })

const apiKeys = HttpApiBuilder.group(Api, "apiKeys", (h) =>
  h
    .handle("issue", ({ params, payload }) =>
      run(params.merchant, () => Effect.map(ApiKeys.issue({ merchant: params.merchant, ...payload }), issued))
    )
    .handle("list", ({ params }) => run(params.merchant, () => ApiKeys.list(params.merchant)))
    .handle("rotate", ({ params }) => run(params.merchant, () => Effect.map(ApiKeys.rotate(params.merchant, params.keyId), issued)))
    .handle("revoke", ({ params }) => run(params.merchant, () => ApiKeys.revoke(params.merchant, params.keyId)))
)

/** Options of the composed application. */
export interface AppOptions {
  readonly docs: "cdn" | "inline" | "none"
}

/** A response as the front layer and the bridge use it: no web `Response` built. */
export interface Outgoing {
  readonly status: number
  /** Lower-case names; `set-cookie` as a list. */
  readonly headers: Record<string, string | Array<string>>
  readonly body: Uint8Array | undefined
}

const encoder = new TextEncoder()
const respond = Symbol.for("@paymux/http/internal/respond")

type Responding = HttpServerRequest.HttpServerRequest & { [respond]?: (response: HttpServerResponse.HttpServerResponse) => void }

const plainHeaders = (headers: Readonly<Record<string, string>>): Record<string, string | Array<string>> => {
  const out: Record<string, string | Array<string>> = {}
  for (const name of Object.keys(headers)) out[name] = headers[name]!
  return out
}

/** An effect response as an `Outgoing`: directly for the bodies the API writes, else via `toWeb`. */
const toOutgoing = async (
  response: HttpServerResponse.HttpServerResponse,
  withoutBody: boolean,
  context: Context.Context<never>
): Promise<Outgoing> => {
  const body = response.body
  const omits = HttpServerResponse.omitsBody(response, withoutBody)
  if (Cookies.isEmpty(response.cookies) && (omits || body._tag === "Empty" || body._tag === "Uint8Array")) {
    const headers = plainHeaders(response.headers)
    if (omits || body._tag !== "Uint8Array") return { status: response.status, headers, body: undefined }
    return { status: response.status, headers, body: body.text === undefined ? body.body : encoder.encode(body.text) }
  }
  // Streams, raw and form bodies, cookies: what the API does not write; the general path.
  const web = HttpServerResponse.toWeb(omits ? response : HttpEffect.scopeTransferToStream(response), { withoutBody, context })
  const headers: Record<string, string | Array<string>> = {}
  web.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value
  })
  const cookies = web.headers.getSetCookie()
  if (cookies.length > 0) headers["set-cookie"] = cookies
  return { status: web.status, headers, body: web.body === null ? undefined : new Uint8Array(await web.arrayBuffer()) }
}

// The Scalar release the CDN page loads, pinned (the one effect's inline bundle carries): with
// `latest`, whatever is published next would run on the console's origin unreviewed.
const scalarVersion = "1.43.5"

/**
 * A defect (a bug, or input a use case failed to refuse) is answered as the `internal` problem
 * and logged with its kind and stack frames, not its message, which may quote the input.
 */
const answerDefect = (defect: unknown): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest> =>
  Effect.flatMap(Effect.service(HttpServerRequest.HttpServerRequest), (request) => {
    const kind = defect instanceof Error ? defect.name : typeof defect
    const frames = defect instanceof Error ? (defect.stack ?? "").split("\n").filter((line) => line.startsWith("    at ")) : []
    const answer = internalProblem()
    return Effect.as(
      Effect.logError(`unexpected failure (${kind}) serving ${request.method} ${pathOf(request.url)}`, ...frames),
      HttpServerResponse.uint8Array(answer.body, { status: answer.status, contentType: answer.headers["content-type"] })
    )
  })

/**
 * The admin services, a guard and the routes, run per request on a `BufferedRequest` (see
 * request.ts) and answered as an `Outgoing`. Like `HttpRouter.toWebHandler` with no logger and
 * no tracer, without building a web `Request` or `Response` on the way.
 */
export const makeAppHandler = <E>(
  services: Layer.Layer<AdminServices.AdminServices | Guard, E>,
  options: AppOptions
): {
  readonly handler: (request: Incoming, connection: Connection["Service"]) => Promise<Outgoing>
  readonly dispose: () => Promise<void>
} => {
  const groups = Layer.mergeAll(auth, merchants, channels, groups_, resolve, webhooks, whitelist, apiKeys, pg).pipe(
    Layer.provide(layerAuthentication)
  )
  const routes = HttpApiBuilder.layer(Api, { openapiPath: "/openapi.json" }).pipe(Layer.provide(groups), Layer.provide(layerRequestErrors))
  const docs =
    options.docs === "none"
      ? Layer.empty
      : options.docs === "inline"
        ? HttpApiScalar.layer(Api, { path: "/docs" })
        : HttpApiScalar.layerCdn(Api, { path: "/docs", version: scalarVersion })
  // The services go in the base context every request starts from, rather than being provided
  // to each request again by a router middleware.
  const app = Layer.mergeAll(routes, docs).pipe(
    Layer.provideMerge(HttpRouter.layer),
    Layer.provide(HttpServer.layerServices),
    Layer.provideMerge(services),
    // Per-request spans cost more than the rest of a cached resolve; no tracer is installed here.
    Layer.provideMerge(Layer.succeed(References.TracerEnabled, false))
  ) as unknown as Layer.Layer<HttpRouter.HttpRouter, E>

  const scope = Scope.makeUnsafe()
  let disposing: Promise<void> | undefined
  const dispose = () => (disposing ??= Effect.runPromise(Scope.close(scope, Exit.void)))
  let handled: Effect.Effect<void> | undefined
  let base: Context.Context<never> | undefined
  const ready = Effect.runPromise(Layer.buildWithScope(app, scope)).then((context) => {
    // The router's effect, made once like toWebHandler does.
    const routed = Context.get(context, HttpRouter.HttpRouter).asHttpEffect()
    handled = HttpEffect.toHandled(Effect.catchDefect(routed, answerDefect), (request, response) => {
      const done = (request as Responding)[respond]
      if (done !== undefined) done(response)
      return Effect.void
    }) as Effect.Effect<void>
    base = context as Context.Context<never>
  })
  // A failed build must not be an unhandled rejection at startup; every request rejects with it.
  ready.catch(() => undefined)

  const run = (incoming: Incoming, connection: Connection["Service"]): Promise<Outgoing> => {
    const context = base!
    return new Promise<HttpServerResponse.HttpServerResponse>((resolve) => {
      const request = new BufferedRequest(
        incoming,
        undefined,
        undefined,
        connection.remoteAddress === undefined ? Option.none() : Option.some(connection.remoteAddress)
      ) as Responding
      request[respond] = resolve
      const requestContext = Context.add(Context.add(context, Connection, connection), HttpServerRequest.HttpServerRequest, request)
      Effect.runForkWith(requestContext)(handled!)
    }).then((response) => toOutgoing(response, incoming.method === "HEAD", context))
  }
  const handler = (incoming: Incoming, connection: Connection["Service"]): Promise<Outgoing> =>
    base !== undefined ? run(incoming, connection) : ready.then(() => run(incoming, connection))
  return { handler, dispose }
}
