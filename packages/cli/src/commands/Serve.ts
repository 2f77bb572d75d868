/**
 * `paymux serve`: the admin REST API (@paymux/http) over the `--db` store on Node's http server,
 * until interrupted (Ctrl-C). Merchants' webhook URLs reach public addresses only, unless the
 * operator passes `--allow-private-webhooks` for the whole server.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import { Merchants } from "../internal/lazy.ts"
import * as Flags from "../Flags.ts"
import { action } from "../Root.ts"
import { layer, parseTarget, withStore } from "../Store.ts"

// A socket error (EADDRINUSE, EACCES) is about the port; anything else (a bad --trusted-proxy) is not.
const isErrnoError = (e: unknown): e is NodeJS.ErrnoException => e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string"

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "serve",
  {
    port: Flag.Int("port").pipe(Flag.withDescription("TCP port (0 picks a free one)"), Flag.withDefault(8080)),
    host: Flag.String("host").pipe(Flag.withDescription("Interface to listen on"), Flag.withDefault("127.0.0.1")),
    trustedProxy: Flag.String("trusted-proxy").pipe(
      Flag.withDescription("A proxy (CIDR) whose X-Forwarded-For is believed (repeatable)"),
      Flag.atLeast(0)
    ),
    docs: Flag.Literals("docs", ["cdn", "inline", "none"] as const).pipe(
      Flag.withDescription("The /docs page: Scalar from its CDN, inlined, or none"),
      Flag.withDefault("cdn" as const)
    ),
    authCacheTtl: Flag.Int("auth-cache-ttl").pipe(
      Flag.withDescription(
        "Milliseconds an API key or whitelist read from the store is reused (0: read every call); changes made elsewhere arrive sooner through the store's change feed"
      ),
      Flag.withDefault(1_000)
    ),
    allowPrivate: Flags.allowPrivateWebhooks
  },
  ({ allowPrivate, authCacheTtl, docs, host, port, trustedProxy }) =>
    action((ctx) =>
      Effect.gen(function* () {
        // Open (and migrate) the store first, so a wrong --db fails here with exit 3, not per request.
        yield* withStore(ctx, Merchants.list())
        const target = yield* parseTarget(ctx.db)
        const { PaymuxHttp } = yield* Effect.promise(() => import("@paymux/http"))
        const {
          Webhooks: { PrivateTargets }
        } = yield* Effect.promise(() => import("@paymux/admin"))
        const server = yield* Effect.acquireRelease(
          Effect.tryPromise({
            try: () =>
              PaymuxHttp.serve({
                port,
                host,
                // The server's one webhook policy, seen by every use case it runs.
                layer: Layer.merge(
                  layer(target, { announceKeyFile: false }),
                  Layer.succeed(PrivateTargets, allowPrivate ? "allow" : "refuse")
                ),
                trustedProxies: trustedProxy,
                authCacheTtlMillis: authCacheTtl,
                docs
              }),
            catch: (e) =>
              isErrnoError(e)
                ? CliFailure.badInput(`cannot listen on ${host}:${port}: ${e.code}`, "pick another --port, or --port 0 for any free one")
                : CliFailure.fromError(e)
          }),
          (s) => Effect.promise(() => s.close())
        )
        yield* ctx.out.result(
          { url: server.url, host: server.host, port: server.port, openapi: `${server.url}/openapi.json`, docs: `${server.url}/docs` },
          () =>
            [
              `Paymux API listening on ${server.url}`,
              `  OpenAPI: ${server.url}/openapi.json`,
              `  docs:    ${server.url}/docs`,
              "Ctrl-C stops it."
            ].join("\n")
        )
        return yield* Effect.never
      }).pipe(Effect.scoped)
    )
).pipe(Command.withDescription("Serve the admin REST API (OpenAPI at /openapi.json, docs at /docs)"))
