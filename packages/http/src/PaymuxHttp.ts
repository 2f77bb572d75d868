/**
 * The admin API as a web-standard handler: `(Request) => Promise<Response>`, mountable in any
 * host (node:http through `NodeBridge`, Bun, Deno, Hono, Next.js route handlers). In front of the
 * `HttpApi` it enforces the body limit, refuses malformed JSON and applies `Idempotency-Key`.
 *
 * @since 0.1.0
 */
import { AdminError, ResolverCache } from "@paymux/admin"
import { ClientIp } from "@paymux/whitelist"
import { Effect, Layer, type Scope } from "effect"
import type { ConnectionInfo } from "./Auth.ts"
import * as Idempotency from "./Idempotency.ts"
import * as NodeBridge from "./NodeBridge.ts"
import { makeWebHandler } from "./internal/app.ts"
import * as Guard from "./internal/guard.ts"
import { problemResponse } from "./internal/problemResponse.ts"
import * as Tokens from "./Tokens.ts"

/**
 * The store services the handler runs the use cases with: every admin service but the resolver
 * cache, which the handler adds (e.g. `Memory.layer()` or `SqliteStore.layer(...)`).
 *
 * @since 0.1.0
 * @category models
 */
export type StoreServices = Exclude<AdminError.AdminServices, ResolverCache.ResolverCache>

/**
 * @since 0.1.0
 * @category models
 */
export interface Options<E = never> {
  /** The store (and any admin services); built once when the handler is made. */
  readonly layer: Layer.Layer<StoreServices, E>
  /**
   * Proxies whose `X-Forwarded-For` entries are believed (CIDR rules). Default: none, so the
   * client address is the socket address the host passes.
   */
  readonly trustedProxies?: ReadonlyArray<string> | undefined
  /** Request body limit in bytes; default 1 MiB. Larger bodies get 413. */
  readonly maxBodyBytes?: number | undefined
  /** `/docs`: Scalar loaded from its CDN (default), inlined (a 3 MB page), or none. */
  readonly docs?: "cdn" | "inline" | "none" | undefined
  /** How long `Idempotency-Key` responses are kept; default 24 hours. */
  readonly idempotencyTtlMillis?: number | undefined
  /** How long a merchant's resolver index is reused; default 5 s (see admin's ResolverCache). */
  readonly resolverCacheTtlMillis?: number | undefined
}

/**
 * A mounted API: call `handler` per request, `dispose` on shutdown.
 *
 * @since 0.1.0
 * @category models
 */
export interface PaymuxHandler {
  /**
   * Answers one request. Pass the connection's remote address as the second argument: the
   * whitelist needs it (without it, an enforced whitelist denies).
   */
  readonly handler: (request: Request, connection?: ConnectionInfo) => Promise<Response>
  readonly dispose: () => Promise<void>
  /** The in-memory access tokens (lost on restart). */
  readonly tokens: Tokens.Tokens
}

/** @since 0.1.0 @category constants */
export const defaultMaxBodyBytes = 1024 * 1024

const bodyMethods = new Set(["POST", "PUT", "PATCH"])

const readBody = async (request: Request, limit: number): Promise<Uint8Array | "too-large"> => {
  const declared = request.headers.get("content-length")
  if (declared !== null && Number(declared) > limit) return "too-large"
  if (request.body === null) return new Uint8Array(0)
  const chunks: Array<Uint8Array> = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      return "too-large"
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}

// JSON is the only body format; text/plain is accepted too, as `fetch` sends it for string bodies.
const isJson = (contentType: string | null): boolean =>
  contentType === null || /^(application\/([a-z0-9.+-]*\+)?json|text\/plain)\s*(;|$)/i.test(contentType)

const checkJson = (body: Uint8Array, contentType: string | null): Response | undefined => {
  if (body.byteLength === 0) return undefined
  if (!isJson(contentType)) {
    return problemResponse(415, "unsupported-media-type", `request bodies are JSON (application/json), not ${contentType}`)
  }
  try {
    JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body))
    return undefined
  } catch (e) {
    const why = e instanceof SyntaxError ? e.message : "the body is not valid UTF-8"
    return problemResponse(400, "invalid-json", `the request body is not valid JSON: ${why}`, { field: "body" })
  }
}

const store = async (response: Response): Promise<{ readonly stored: Idempotency.StoredResponse; readonly response: Response }> => {
  const body = new Uint8Array(await response.arrayBuffer())
  const headers = [...response.headers.entries()] as ReadonlyArray<readonly [string, string]>
  return { stored: { status: response.status, headers, body }, response: new Response(body.byteLength === 0 ? null : body, { status: response.status, headers: response.headers }) }
}

const replay = (stored: Idempotency.StoredResponse): Response => {
  const headers = new Headers(stored.headers as Array<[string, string]>)
  headers.set("idempotent-replayed", "true")
  return new Response(stored.body.byteLength === 0 ? null : stored.body, { status: stored.status, headers })
}

/**
 * Builds the handler. The layer is built once, here; `dispose` releases it.
 *
 * @example
 * ```ts
 * import { Memory } from "@paymux/store"
 * import { PaymuxHttp } from "@paymux/http"
 * const api = PaymuxHttp.makeHandler({ layer: Memory.layer() })
 * const response = await api.handler(new Request("http://localhost/openapi.json"))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeHandler = <E>(options: Options<E>): PaymuxHandler => {
  const limit = options.maxBodyBytes ?? defaultMaxBodyBytes
  const tokens = Tokens.make()
  const idempotency = Idempotency.make({ ttlMillis: options.idempotencyTtlMillis })
  const clientIp = ClientIp.makeSync({ trustedProxies: options.trustedProxies ?? [] })
  const admin = Layer.merge(options.layer, ResolverCache.layer({ ttlMillis: options.resolverCacheTtlMillis ?? 5_000 }))
  const guard = Layer.effect(Guard.Guard, Guard.make({ tokens, clientIp })).pipe(Layer.provide(admin))
  const web = makeWebHandler(Layer.merge(admin, guard), { docs: options.docs ?? "cdn" })

  const inner = (request: Request, connection: ConnectionInfo): Promise<Response> =>
    web.handler(request, connection).then(async (response) => {
      // The router answers unknown routes with an empty 404: give them a problem body too.
      if (response.status === 404 && response.headers.get("content-type") === null) {
        return problemResponse(404, "route-not-found", `no endpoint ${request.method} ${new URL(request.url).pathname}`)
      }
      return response
    })

  const handle = async (request: Request, connection: ConnectionInfo): Promise<Response> => {
    if (!bodyMethods.has(request.method)) return inner(request, connection)
    const body = await readBody(request, limit)
    if (body === "too-large") return problemResponse(413, "body-too-large", `request bodies are limited to ${limit} bytes`, { field: "body" })
    const invalid = checkJson(body, request.headers.get("content-type"))
    if (invalid !== undefined) return invalid
    const headers = new Headers(request.headers)
    if (body.byteLength > 0) headers.set("content-type", "application/json")
    const forward = new Request(request.url, { method: request.method, headers, ...(body.byteLength > 0 ? { body } : {}) })
    const key = request.headers.get(Idempotency.headerName)
    if (key === null || request.method !== "POST") return inner(forward, connection)
    if (key.length === 0 || key.length > 255) {
      return problemResponse(400, "invalid-idempotency-key", "an Idempotency-Key is 1-255 characters", { field: "Idempotency-Key" })
    }
    const scope = `${request.headers.get("authorization") ?? ""}\n${request.headers.get("tier") ?? ""}\n${request.method} ${new URL(request.url).pathname}`
    const found = idempotency.begin(scope, key, body, Date.now())
    switch (found._tag) {
      case "Replay":
        return replay(found.response)
      case "Mismatch":
        return problemResponse(422, "idempotency-key-reused", "this Idempotency-Key was used with a different request body", { field: "Idempotency-Key" })
      case "InFlight":
        return problemResponse(409, "idempotency-key-in-use", "a request with this Idempotency-Key is still running; retry later", { field: "Idempotency-Key" })
      case "New": {
        try {
          const { stored, response } = await store(await inner(forward, connection))
          found.complete(stored)
          return response
        } catch (e) {
          found.complete(undefined)
          throw e
        }
      }
    }
  }

  return {
    handler: (request, connection = {}) =>
      handle(request, connection).catch(() => problemResponse(500, "internal", "the request could not be served")),
    dispose: web.dispose,
    tokens
  }
}

/**
 * Builds the handler as a scoped Effect: disposed when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <E>(options: Options<E>): Effect.Effect<PaymuxHandler, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.sync(() => makeHandler(options)), (h) => Effect.promise(h.dispose))

/**
 * A running server: what `paymux serve` prints and stops.
 *
 * @since 0.1.0
 * @category models
 */
export interface Server {
  readonly url: string
  readonly port: number
  readonly host: string
  /** Stops accepting, closes connections and disposes the handler. */
  readonly close: () => Promise<void>
}

/**
 * Serves the API from `node:http` on `host` (default 127.0.0.1) and `port` (0 picks one).
 *
 * @example
 * ```ts
 * const server = await PaymuxHttp.serve({ port: 8080, layer: SqliteStore.layer({ filename: "paymux.db" }) })
 * console.log(`listening on ${server.url}`)
 * process.once("SIGINT", () => server.close())
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve = async <E>(options: Options<E> & { readonly port: number; readonly host?: string | undefined }): Promise<Server> => {
  const api = makeHandler(options)
  try {
    const listening = await NodeBridge.listen(api.handler, { port: options.port, host: options.host, maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes })
    return {
      url: listening.url,
      port: listening.port,
      host: listening.host,
      close: async () => {
        await listening.close()
        await api.dispose()
      }
    }
  } catch (e) {
    await api.dispose()
    throw e
  }
}
