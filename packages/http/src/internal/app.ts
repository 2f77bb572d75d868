/**
 * The endpoint handlers: which admin use case answers each endpoint, composed into the API's
 * routes. The group layers stay private to this module: their types name services of packages
 * the public API does not expose. Serving them per request is serving.ts.
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
  WebhookSecrets,
  Whitelists
} from "@paymux/admin"
import { PgCatalog } from "@paymux/domain"
import { ChangeFeed, StoreError } from "@paymux/store"
import { Clock, Context, Effect, Layer, Redacted, References, Tracer } from "effect"
import { HttpRouter, HttpServer, HttpServerRequest, UrlParams } from "effect/http"
import { HttpApiBuilder, HttpApiScalar } from "effect/http-api"
import { Api } from "../Api.ts"
import { currentConnection, layerRequestErrors, Principal } from "../Auth.ts"
import type * as Models from "../Models.ts"
import { BadRequest, NotFound, type UseCaseProblem } from "../Problem.ts"
import { callerOf, Guard, layerAuthentication } from "./guard.ts"
import { failWith, own, run } from "./run.ts"

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
      run(params.merchant, () => Audit.list(params.merchant, { limit: query.limit, action: query.action, after: query.after }))
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
): Effect.Effect<
  typeof Models.ResolutionView.Type,
  UseCaseProblem,
  AdminServices.AdminServices | Principal | HttpServerRequest.HttpServerRequest
> =>
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
  h
    .handle("token", ({ payload }) =>
      Effect.gen(function* () {
        const guard = yield* Guard
        const connection = yield* currentConnection
        const request = yield* HttpServerRequest.HttpServerRequest
        const identity = yield* guard.exchange(payload.apiKey, payload.apiSecret, callerOf(request, connection))
        const now = yield* Clock.currentTimeMillis
        const token = guard.tokens.issue(
          { keyId: identity.keyId, merchant: identity.merchant, secretHash: identity.generation, expiresAt: identity.expiresAt },
          now
        )
        return { accessToken: token.token, tokenType: "Bearer" as const, expiresAt: token.expiresAt, now }
      })
    )
    .handle("revokeToken", () =>
      Effect.gen(function* () {
        const guard = yield* Guard
        const principal = yield* Principal
        guard.tokens.revoke(principal.keyId)
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
      run(params.merchant, () => Effect.map(WebhookSecrets.rotate(params.merchant, params.mode), (s) => ({ secret: reveal(s) })))
    )
    .handle("retireSecret", ({ params }) => run(params.merchant, () => WebhookSecrets.retire(params.merchant, params.mode)))
    .handle("cancelSecretRotation", ({ params }) => run(params.merchant, () => WebhookSecrets.cancelRotation(params.merchant, params.mode)))
    .handle("history", ({ params, query }) =>
      run(params.merchant, () => Webhooks.history(params.merchant, { limit: query.limit, after: query.after }))
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
        Whitelists.set(params.merchant, payload.rules, { denyByDefault: payload.denyByDefault, version: payload.version })
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

/**
 * How long `/health` waits for the store's answer. A store that hangs (a stopped server, a network
 * that drops packets) held the check as long as it did, a minute and more; a load balancer needs
 * an answer within its own timeout (5 s is common).
 */
const healthTimeoutSeconds = 2

const health = HttpApiBuilder.group(Api, "health", (h) =>
  h.handle("check", () =>
    Effect.flatMap(Effect.service(ChangeFeed.ChangeFeed), (feed) =>
      Effect.as(
        Effect.catch(
          Effect.timeoutOrElse(feed.cursor, {
            duration: `${healthTimeoutSeconds} seconds`,
            orElse: () => Effect.fail(StoreError.unavailable(`the store did not answer a read within ${healthTimeoutSeconds} s`))
          }),
          failWith
        ),
        { status: "ok" as const }
      )
    )
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

// The Scalar release the CDN page loads, pinned (the one effect's inline bundle carries): with
// `latest`, whatever is published next would run on the console's origin unreviewed.
const scalarVersion = "1.43.5"

/**
 * How the router matches paths; bodyLimits.ts finds endpoints with the same rules. It does not
 * match a path segment longer than `maxParamLength` (find-my-way's default is 100): a 101-character
 * id then answered "no endpoint" for a route that exists, instead of the endpoint's 400 naming the
 * bad field. Longer segments still get the 404.
 */
export const routerConfig = { maxParamLength: 1024 }

/**
 * The API's routes, each answered by its group's handler, with `/openapi.json` and the `/docs`
 * page, over the admin services and a guard: the router serving.ts runs per request.
 */
export const router = <E>(
  services: Layer.Layer<AdminServices.AdminServices | Guard, E>,
  options: AppOptions
): Layer.Layer<HttpRouter.HttpRouter, E> => {
  const groups = Layer.mergeAll(auth, merchants, channels, groups_, resolve, webhooks, whitelist, apiKeys, pg, health).pipe(
    Layer.provide(layerAuthentication)
  )
  const api = HttpApiBuilder.layer(Api, { openapiPath: "/openapi.json" }).pipe(Layer.provide(groups), Layer.provide(layerRequestErrors))
  const docs =
    options.docs === "none"
      ? Layer.empty
      : options.docs === "inline"
        ? HttpApiScalar.layer(Api, { path: "/docs" })
        : HttpApiScalar.layerCdn(Api, { path: "/docs", version: scalarVersion })
  // The services go in the base context every request starts from, rather than being provided
  // to each request again by a router middleware.
  return Layer.mergeAll(api, docs).pipe(
    Layer.provideMerge(Layer.provide(HttpRouter.layer, Layer.succeed(HttpRouter.RouterConfig, routerConfig))),
    Layer.provide(HttpServer.layerServices),
    Layer.provideMerge(Layer.provideMerge(tracing, services))
  ) as unknown as Layer.Layer<HttpRouter.HttpRouter, E>
}

/**
 * Spans only when the services bring a tracer. Per-request spans cost more than the rest of a
 * cached resolve, and effect's native tracer (in force when none is provided) exports nowhere, so
 * then tracing is off, store statements included; with a tracer (an embedder's OpenTelemetry, say)
 * requests and statements are traced. Span attributes then carry no query value: the API takes
 * no secret in the query, but a client may put a token there, and `resend?url=` names a receiver
 * URL that may hold one.
 */
const tracing: Layer.Layer<never> = Layer.effectContext(
  Effect.map(Effect.tracer, (tracer) =>
    tracer === Tracer.nativeTracer ? Context.make(References.TracerEnabled, false) : Context.make(UrlParams.CurrentRedactedNames, [/^/])
  )
)
