/**
 * The admin API as a web-standard handler: `(Request) => Promise<Response>`, mountable in any
 * host (node:http through `NodeBridge`, Bun, Deno, Hono, Next.js route handlers). In front of the
 * `HttpApi` it enforces the body limit, refuses malformed JSON and applies `Idempotency-Key`.
 * With `console`, it also serves the web console's built files at `/`.
 *
 * @since 0.1.0
 */
import type { AdminServices, ResolverCache } from "@paymux/admin"
import { Data, Effect, type Layer, type Scope } from "effect"
import type { ConnectionInfo } from "./Auth.ts"
import { build } from "./internal/handler.ts"
import { defaultMaxBodyBytes as maxBodyBytes } from "./internal/problemResponse.ts"
import * as StaticAssets from "./internal/staticAssets.ts"
import * as NodeBridge from "./NodeBridge.ts"
import type * as Tokens from "./Tokens.ts"

/**
 * The store services the handler runs the use cases with: every admin service but the resolver
 * cache, which the handler adds (e.g. `Memory.layer()` or `SqliteStore.layer(...)`).
 *
 * @since 0.1.0
 * @category models
 */
export type StoreServices = Exclude<AdminServices.AdminServices, ResolverCache.ResolverCache>

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
  /**
   * `/docs`: Scalar inlined (default; a 3 MB page, no third-party script on this origin), loaded
   * from its CDN (a pinned release, without an integrity check), or none.
   */
  readonly docs?: "cdn" | "inline" | "none" | undefined
  /** How long `Idempotency-Key` responses are kept; default 24 hours. A whole number of milliseconds of at least 1, else a RangeError when the handler is made. */
  readonly idempotencyTtlMillis?: number | undefined
  /** How many bytes of `Idempotency-Key` responses are kept per merchant; default 32 MiB (oldest go first); `Infinity` keeps all. */
  readonly idempotencyMaxBytes?: number | undefined
  /** How long a merchant's resolver index is reused; default admin's `ResolverCache.defaultTtlMillis` (5 s). */
  readonly resolverCacheTtlMillis?: number | undefined
  /**
   * How long admin's `AccessCache` reuses an API key read from the store, a verified key id and
   * secret, and a merchant's whitelist rules; default 1 s (`0`: read the store on every call).
   * Rotating or revoking a key and changing a whitelist through this handler apply at once; the
   * same change made by another process (another server, the CLI) applies within admin's
   * `CacheSync` bound (250 ms polling; milliseconds on PostgreSQL), and within this time at worst.
   */
  readonly authCacheTtlMillis?: number | undefined
  /**
   * Serves the web console from a directory of built static files (`@paymux/console`'s
   * `assetsDirectory`): `GET /` answers its `index.html`, and every other file is answered at its
   * path when no API route matches (API routes are never shadowed). The files are read once, here.
   * Files under `assets/` (content-hashed by Vite) are cached for a year, the rest revalidated by
   * `ETag`; every console response carries a strict Content-Security-Policy. Default: no console.
   */
  readonly console?: ConsoleOptions | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ConsoleOptions {
  /** The built console (it must hold an `index.html`). */
  readonly directory: string
}

/**
 * The `console.directory` cannot be served: it does not exist or is not a directory (`NotFound`),
 * has no `index.html` (`NoIndex`), is beyond the size bounds (`TooLarge`), or cannot be read
 * (`Unreadable`).
 *
 * @since 0.1.0
 * @category errors
 */
export class ConsoleError extends Data.TaggedError("ConsoleError")<{
  readonly reason: "NotFound" | "NoIndex" | "TooLarge" | "Unreadable"
  readonly directory: string
  readonly message: string
}> {}

/**
 * The Content-Security-Policy of the console's responses: everything from the console's own origin,
 * nothing inline, no framing.
 *
 * @since 0.1.0
 * @category constants
 */
export const consoleContentSecurityPolicy: string = StaticAssets.contentSecurityPolicy

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
export const defaultMaxBodyBytes: number = maxBodyBytes

const loadConsole = (console: ConsoleOptions | undefined): StaticAssets.ConsoleAssets | undefined => {
  if (console === undefined) return undefined
  const loaded = StaticAssets.load(console.directory)
  if ("failure" in loaded) throw new ConsoleError({ ...loaded.failure, directory: console.directory })
  return loaded.assets
}

/**
 * Builds the handler. The layer is built once, here; `dispose` releases it. Throws
 * `ConsoleError` when `console` names a directory that cannot be served.
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
export const makeHandler = <E>(options: Options<E>): PaymuxHandler => build(options, "on", loadConsole(options.console))

/**
 * Builds the handler as a scoped Effect: disposed when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <E>(options: Options<E>): Effect.Effect<PaymuxHandler, ConsoleError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.suspend(() => {
      try {
        return Effect.succeed(makeHandler(options))
      } catch (e) {
        // Only the console's directory is checked while building; anything else is a defect.
        return e instanceof ConsoleError ? Effect.fail(e) : Effect.die(e)
      }
    }),
    (h) => Effect.promise(h.dispose)
  )

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
  /** Stops accepting, lets the requests in flight finish (up to `NodeBridge.closeGraceMillis`), then disposes the handler. */
  readonly close: () => Promise<void>
}

/**
 * Serves the API (and the console, with `console`) from `node:http` on `host` (default
 * 127.0.0.1) and `port` (0 picks one), holding clients to `NodeBridge.listen`'s bounds
 * (`maxConnections`, `headersTimeoutMillis`, `requestTimeoutMillis`). Rejects with `ConsoleError`
 * when `console` names a directory that cannot be served, and with a `RangeError` when a bound is
 * not a whole number of at least 1 (or the headers timeout is longer than the request's).
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
export const serve = async <E>(options: Options<E> & NodeBridge.ListenOptions): Promise<Server> => {
  const api = makeHandler(options)
  try {
    const listening = await NodeBridge.listen(api.handler, {
      port: options.port,
      host: options.host,
      maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes,
      maxConnections: options.maxConnections,
      headersTimeoutMillis: options.headersTimeoutMillis,
      requestTimeoutMillis: options.requestTimeoutMillis
    })
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
