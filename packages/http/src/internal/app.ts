/**
 * The endpoint handlers and their composition into one web handler. The group layers stay
 * private to this module: their types name services of packages the public API does not expose.
 */
import { type AdminError, ApiKeys, Audit, ChannelGroups, Channels, Merchants, Resolve, Webhooks, Whitelists } from "@paymux/admin"
import { Identifiers } from "@paymux/domain"
import { Repositories } from "@paymux/store"
import { Clock, Effect, Layer, Redacted, References } from "effect"
import { HttpRouter, HttpServer, HttpServerRequest } from "effect/http"
import { HttpApiBuilder, HttpApiScalar } from "effect/http-api"
import { Api } from "../Api.ts"
import { Connection, currentConnection, layerAuthentication, layerRequestErrors, Principal } from "../Auth.ts"
import type * as Models from "../Models.ts"
import { BadRequest, type UseCaseProblem } from "../Problem.ts"
import { Guard } from "./guard.ts"
import { run } from "./run.ts"

const merchants = HttpApiBuilder.group(Api, "merchants", (h) =>
  h
    .handle("list", () => Effect.flatMap(Effect.service(Principal), (p) => run(p.merchant, () => Effect.map(Merchants.get(p.merchant), (m) => [m]))))
    .handle("get", ({ params }) => run(params.merchant, () => Merchants.get(params.merchant)))
    .handle("update", ({ params, payload }) => run(params.merchant, () => Merchants.setPolicy(params.merchant, payload.policy)))
    .handle("listSubMerchants", ({ params }) => run(params.merchant, () => Merchants.listSubMerchants(params.merchant)))
    .handle("createSubMerchant", ({ params, payload }) =>
      run(params.merchant, () => Merchants.createSubMerchant({ merchant: params.merchant, tier: payload.tier, name: payload.name })))
    .handle("assign", ({ params }) => run(params.merchant, () => Channels.assign(params.merchant, params.tier, params.channelKey)))
    .handle("unassign", ({ params }) => run(params.merchant, () => Channels.unassign(params.merchant, params.tier, params.channelKey)))
    .handle("audit", ({ params, query }) =>
      run(params.merchant, () =>
        Audit.list(params.merchant, {
          ...(query.limit === undefined ? {} : { limit: query.limit }),
          ...(query.action === undefined ? {} : { action: query.action })
        })))
)


const listForTier = (merchant: string, tier: string) =>
  Effect.gen(function*() {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const t = yield* Effect.fromResult(Identifiers.decodeTierCode(tier))
    const channels = yield* Repositories.ChannelRepository
    return yield* channels.listForTier(code, t)
  })

const channels = HttpApiBuilder.group(Api, "channels", (h) =>
  h
    .handle("add", ({ params, payload }) =>
      run(params.merchant, () => Effect.flatMap(Channels.add({ ...payload, merchant: params.merchant }), Channels.view)))
    .handle("list", ({ params, query }) =>
      run(params.merchant, (principal) =>
        Effect.flatMap(
          principal.tier === undefined ? Channels.list(params.merchant, query) : listForTier(params.merchant, principal.tier),
          (list) => Effect.forEach(list.filter((c) => query.mode === undefined || c.mode === query.mode), Channels.view)
        )))
    .handle("get", ({ params }) => run(params.merchant, () => Effect.flatMap(Channels.get(params.merchant, params.channelKey), Channels.view)))
    .handle("edit", ({ params, payload }) =>
      run(params.merchant, () => {
        const { version, ...patch } = payload
        return Effect.flatMap(Channels.edit(params.merchant, params.channelKey, patch, { version }), Channels.view)
      }))
    .handle("remove", ({ params }) => run(params.merchant, () => Channels.remove(params.merchant, params.channelKey)))
    .handle("enable", ({ params }) =>
      run(params.merchant, () => Effect.flatMap(Channels.setEnabled(params.merchant, params.channelKey, true), Channels.view)))
    .handle("disable", ({ params }) =>
      run(params.merchant, () => Effect.flatMap(Channels.setEnabled(params.merchant, params.channelKey, false), Channels.view)))
    .handle("setDefault", ({ params }) => run(params.merchant, () => Channels.setDefault(params.merchant, params.channelKey)))
)

const groups_ = HttpApiBuilder.group(Api, "channelGroups", (h) =>
  h
    .handle("create", ({ params, payload }) => run(params.merchant, () => ChannelGroups.create({ ...payload, merchant: params.merchant })))
    .handle("list", ({ params }) => run(params.merchant, () => ChannelGroups.list(params.merchant)))
)

const resolve = HttpApiBuilder.group(Api, "resolve", (h) =>
  h.handle("resolve", ({ params, payload }) =>
    Effect.gen(function*() {
      const principal = yield* Principal
      if (principal.tier !== undefined && payload.tier !== undefined && payload.tier !== principal.tier) {
        return yield* new BadRequest({ code: "tier-mismatch", detail: `the Tier header (${principal.tier}) and the body's tier (${payload.tier}) differ`, field: "tier" })
      }
      return yield* resolveFor(params.merchant, { ...payload, tier: principal.tier ?? payload.tier })
    }))
)

/** The resolve use case with its answer shaped for the wire (shared with the benchmark). */
const resolveFor = (
  merchant: string,
  request: Omit<Parameters<typeof Resolve.resolve>[0], "merchant">
): Effect.Effect<typeof Models.ResolutionView.Type, UseCaseProblem, AdminError.AdminServices | Principal> =>
  run(merchant, () =>
    Effect.gen(function*() {
      const resolution = yield* Resolve.resolve({ ...request, merchant })
      const channel = yield* Channels.view(resolution.channel)
      const f = resolution.fellBack
      return f === undefined
        ? { channel, via: resolution.via }
        : { channel, via: resolution.via, fellBack: { reason: f.reason, pg: f.pg, detail: f.detail, rejected: f.rejected } }
    }))

const auth = HttpApiBuilder.group(Api, "auth", (h) =>
  h.handle("token", ({ payload }) =>
    Effect.gen(function*() {
      const guard = yield* Guard
      const connection = yield* currentConnection
      const request = yield* HttpServerRequest.HttpServerRequest
      const identity = yield* guard.verifySecret(payload.apiKey, payload.apiSecret)
      yield* guard.admit(identity, {
        remoteAddress: connection.remoteAddress,
        forwardedFor: request.headers["x-forwarded-for"],
        method: request.method,
        path: request.url
      })
      const now = yield* Clock.currentTimeMillis
      const token = guard.tokens.issue(identity, now)
      return { accessToken: token.token, tokenType: "Bearer" as const, expiresAt: token.expiresAt, now }
    }))
)

const reveal = (secret: Redacted.Redacted<string>): string => Redacted.value(secret)

const webhooks = HttpApiBuilder.group(Api, "webhooks", (h) =>
  h
    .handle("show", ({ params }) => run(params.merchant, () => Webhooks.show(params.merchant)))
    .handle("set", ({ params, payload }) =>
      run(params.merchant, () =>
        Effect.map(Webhooks.set({ merchant: params.merchant, mode: params.mode, ...payload }), (r) =>
          r.newSecret === undefined ? { settings: r.settings } : { settings: r.settings, newSecret: reveal(r.newSecret) })))
    .handle("test", ({ params }) =>
      run(params.merchant, () =>
        Effect.map(Webhooks.test(params.merchant, params.mode), (r) => ({
          url: r.url,
          ok: r.ok,
          httpStatus: r.httpStatus,
          latencyMillis: r.latencyMillis,
          responseExcerpt: r.responseExcerpt,
          error: r.error
        }))))
    .handle("rotateSecret", ({ params }) =>
      run(params.merchant, () => Effect.map(Webhooks.rotateSecret(params.merchant, params.mode), (s) => ({ secret: reveal(s) }))))
    .handle("retireSecret", ({ params }) => run(params.merchant, () => Webhooks.retireSecret(params.merchant, params.mode)))
    .handle("history", ({ params, query }) =>
      run(params.merchant, () => Webhooks.history(params.merchant, query.limit === undefined ? {} : { limit: query.limit })))
    .handle("resend", ({ params }) => run(params.merchant, () => Webhooks.resend(params.merchant, params.deliveryId)))
    .handle("readiness", ({ params }) => run(params.merchant, () => Webhooks.readiness(params.merchant)))
)

const whitelist = HttpApiBuilder.group(Api, "whitelist", (h) =>
  h
    .handle("show", ({ params }) => run(params.merchant, () => Whitelists.show(params.merchant)))
    .handle("set", ({ params, payload }) =>
      run(params.merchant, () =>
        payload.denyByDefault === undefined
          ? Whitelists.set(params.merchant, payload.rules)
          : Effect.andThen(Whitelists.set(params.merchant, payload.rules), Whitelists.setDenyByDefault(params.merchant, payload.denyByDefault))))
    .handle("add", ({ params, payload }) => run(params.merchant, () => Whitelists.add(params.merchant, payload.rules)))
    .handle("remove", ({ params, payload }) => run(params.merchant, () => Whitelists.remove(params.merchant, payload.rules)))
    .handle("check", ({ params, payload }) => run(params.merchant, () => Whitelists.check(params.merchant, payload.ip)))
)

const issued = (k: ApiKeys.IssuedKey) => ({ key: k.key, secret: reveal(k.secret) })

const apiKeys = HttpApiBuilder.group(Api, "apiKeys", (h) =>
  h
    .handle("issue", ({ params, payload }) => run(params.merchant, () => Effect.map(ApiKeys.issue({ merchant: params.merchant, ...payload }), issued)))
    .handle("list", ({ params }) => run(params.merchant, () => ApiKeys.list(params.merchant)))
    .handle("rotate", ({ params }) => run(params.merchant, () => Effect.map(ApiKeys.rotate(params.merchant, params.keyId), issued)))
    .handle("revoke", ({ params }) => run(params.merchant, () => ApiKeys.revoke(params.merchant, params.keyId)))
)

/** Options of the composed application. */
export interface AppOptions {
  readonly docs: "cdn" | "inline" | "none"
}

/**
 * The web handler over the admin services and a guard. The second argument of `handler` carries
 * the connection's remote address.
 */
export const makeWebHandler = <E>(
  services: Layer.Layer<AdminError.AdminServices | Guard, E>,
  options: AppOptions
): {
  readonly handler: (request: Request, connection: Connection["Service"]) => Promise<Response>
  readonly dispose: () => Promise<void>
} => {
  const groups = Layer.mergeAll(
    auth,
    merchants,
    channels,
    groups_,
    resolve,
    webhooks,
    whitelist,
    apiKeys
  ).pipe(Layer.provide(layerAuthentication))
  const routes = HttpApiBuilder.layer(Api, { openapiPath: "/openapi.json" }).pipe(
    Layer.provide(groups),
    Layer.provide(layerRequestErrors)
  )
  const docs = options.docs === "none"
    ? Layer.empty
    : options.docs === "inline"
    ? HttpApiScalar.layer(Api, { path: "/docs" })
    : HttpApiScalar.layerCdn(Api, { path: "/docs" })
  const app = Layer.mergeAll(routes, docs).pipe(
    HttpRouter.provideRequest(services),
    Layer.provide(HttpServer.layerServices),
    Layer.provide(services)
  )
  // Per-request spans cost more than the rest of a cached resolve; no tracer is installed here.
  const web = HttpRouter.toWebHandler(app.pipe(Layer.provideMerge(Layer.succeed(References.TracerEnabled, false))), { disableLogger: true })
  return {
    handler: (request, connection) => web.handler(request, Connection.context(connection)),
    dispose: web.dispose
  }
}
