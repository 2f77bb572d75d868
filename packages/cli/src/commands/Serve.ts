/**
 * `paymux serve`: the admin REST API (@paymux/http) over the `--db` store on Node's http server,
 * until interrupted (Ctrl-C), and the web console at `/` (from `@paymux/console`, or
 * `--console-dir`). Merchants' webhook URLs reach public addresses only, unless the operator
 * passes `--allow-private-webhooks` for the whole server.
 *
 * @since 0.1.0
 */
import { resolve } from "node:path"
import type { PaymuxHttp as Http } from "@paymux/http"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import { Merchants } from "../internal/lazy.ts"
import * as Flags from "../Flags.ts"
import { printableValue } from "../Output.ts"
import { action } from "../Root.ts"
import { layer, parseTarget, readStore, type Target } from "../Store.ts"

// A socket error (EADDRINUSE, EACCES) is about the port; anything else (a bad --trusted-proxy) is not.
const isErrnoError = (e: unknown): e is NodeJS.ErrnoException => e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string"

// What to change for the usual reasons a socket cannot listen.
const listenHint = (code: string | undefined): string =>
  code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EADDRNOTAVAIL"
    ? "--host is not an address of this machine: give one such as 127.0.0.1, ::1 or 0.0.0.0"
    : code === "EACCES"
      ? "ports below 1024 need privileges: pick a --port of 1024 or more"
      : "pick another --port, or --port 0 for any free one"

/** Where the console comes from: a directory to serve, or why none is served. */
type ConsoleSource =
  | { readonly _tag: "Directory"; readonly directory: string; readonly explicit: boolean }
  | { readonly _tag: "None"; readonly note: string | undefined }

// A variable, not a literal: the CLI bundle must not inline @paymux/console, which finds its
// built files relative to its own location (and is not installed everywhere).
const consolePackage = "@paymux/console"

const isNotInstalled = (e: unknown): boolean =>
  (e as NodeJS.ErrnoException | undefined)?.code === "ERR_MODULE_NOT_FOUND" && String((e as Error).message).includes(`'${consolePackage}'`)

/** The console package's `assetsDirectory`, or a one-line reason it cannot be used. */
const consoleFromPackage = (): Promise<ConsoleSource> =>
  import(consolePackage).then(
    (module: { readonly assetsDirectory?: unknown }) =>
      typeof module.assetsDirectory === "string"
        ? { _tag: "Directory", directory: module.assetsDirectory, explicit: false }
        : { _tag: "None", note: `${consolePackage} exports no assetsDirectory` },
    (e: unknown) => ({
      _tag: "None",
      note: isNotInstalled(e)
        ? `${consolePackage} is not installed`
        : `${consolePackage} could not be loaded: ${e instanceof Error ? e.message : String(e)}`
    })
  )

const consoleSource = (enabled: boolean, directory: Option.Option<string>): Effect.Effect<ConsoleSource, CliFailure.CliFailure> => {
  if (Option.isSome(directory)) {
    return enabled
      ? Effect.succeed({ _tag: "Directory", directory: resolve(directory.value), explicit: true })
      : Effect.fail(CliFailure.badInput("--console-dir and --no-console contradict each other", "drop one of them"))
  }
  return enabled ? Effect.promise(consoleFromPackage) : Effect.succeed({ _tag: "None", note: undefined })
}

const consoleFailure = (e: { readonly reason: string; readonly message: string }): CliFailure.CliFailure =>
  new CliFailure.CliFailure({
    exitCode: CliFailure.ExitCode.badInput,
    tag: "ConsoleError",
    message: e.message,
    hint: "pass the console's build output (the directory holding index.html) to --console-dir, or --no-console",
    details: { reason: e.reason }
  })

const notice = (text: string, label = "note") => Effect.sync(() => void process.stderr.write(`${label}: ${printableValue(text)}\n`))

// The store a note names; never a postgres:// URL, which may hold a password.
const storeName = (target: Target): string =>
  target.kind === "sqlite-file"
    ? `the database ${target.path}`
    : target.kind === "memory"
      ? "the :memory: database"
      : "the PostgreSQL database"

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "serve",
  {
    port: Flag.Int("port").pipe(
      Flag.withDescription("TCP port (0 picks a free one)"),
      Flag.filter(
        (n) => n >= 0 && n <= 65535,
        (n) => `--port must be between 0 and 65535, got ${n}`
      ),
      Flag.withDefault(8080)
    ),
    host: Flag.String("host").pipe(Flag.withDescription("Interface to listen on"), Flag.withDefault("127.0.0.1")),
    trustedProxy: Flag.String("trusted-proxy").pipe(
      Flag.withDescription("A proxy (CIDR) whose X-Forwarded-For is believed (repeatable)"),
      Flag.atLeast(0)
    ),
    docs: Flag.Literals("docs", ["inline", "cdn", "none"] as const).pipe(
      Flag.withDescription("The /docs page: Scalar inlined (no third-party script), from its CDN, or none"),
      Flag.withDefault("inline" as const)
    ),
    authCacheTtl: Flag.Int("auth-cache-ttl").pipe(
      Flag.withDescription(
        "Milliseconds an API key or whitelist read from the store is reused (default 1000; 0: read every call); changes made elsewhere arrive sooner through the store's change feed"
      ),
      Flag.filter(
        (n) => n >= 0,
        (n) => `--auth-cache-ttl must be 0 or more milliseconds, got ${n}`
      ),
      // Absent, the HTTP server's own default applies (admin's AccessCache.defaultTtlMillis).
      Flag.optional
    ),
    maxConnections: Flag.Int("max-connections").pipe(
      Flag.withDescription(
        "Connections held open at once, idle keep-alive ones included (default 1000); past it a new one is closed unanswered until others end"
      ),
      Flag.filter(
        (n) => n >= 1,
        (n) => `--max-connections must be 1 or more, got ${n}`
      ),
      // Absent, the HTTP server's own default applies (NodeBridge.defaultMaxConnections).
      Flag.optional
    ),
    allowPrivate: Flags.allowPrivateWebhooks,
    console: Flag.Boolean("console").pipe(
      Flag.withDescription("Serve the web console at / (from @paymux/console); --no-console serves the API only"),
      Flag.withDefault(true)
    ),
    consoleDir: Flag.String("console-dir").pipe(
      Flag.withDescription("Serve the console from this directory of built files (it must hold index.html)"),
      Flag.optional
    )
  },
  ({ allowPrivate, authCacheTtl, console, consoleDir, docs, host, maxConnections, port, trustedProxy }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const target = yield* parseTarget(ctx.db)
        const { PaymuxHttp } = yield* Effect.promise(() => import("@paymux/http"))
        const {
          Webhooks: { PrivateTargets }
        } = yield* Effect.promise(() => import("@paymux/admin"))
        const source = yield* consoleSource(console, consoleDir)
        // The server's store waits behind this gate. Starting the server checks the console
        // directory and --trusted-proxy, then takes the port; only then is the store opened, so a
        // bad flag or a port in use leaves no new database or key file behind.
        const gate = yield* Deferred.make<void>()
        const storeLayer = Layer.unwrap(
          Effect.as(
            Deferred.await(gate),
            // The server's one webhook policy, seen by every use case it runs.
            Layer.merge(layer(target, { announceStore: false }), Layer.succeed(PrivateTargets, allowPrivate ? "allow" : "refuse"))
          )
        )
        const serveWith = (directory: string | undefined) =>
          Effect.tryPromise({
            try: () =>
              PaymuxHttp.serve({
                port,
                host,
                layer: storeLayer,
                trustedProxies: trustedProxy,
                authCacheTtlMillis: Option.getOrUndefined(authCacheTtl),
                maxConnections: Option.getOrUndefined(maxConnections),
                docs,
                console: directory === undefined ? undefined : { directory }
              }),
            // Anything else reaches `action`, which maps it onto its failure.
            catch: (e): unknown =>
              isErrnoError(e) ? CliFailure.badInput(`cannot listen on ${host}:${port}: ${e.code}`, listenHint(e.code)) : e
          })
        const apiOnly = (note: string | undefined) => Effect.map(serveWith(undefined), (server) => ({ server, console: false, note }))
        const served =
          source._tag === "None"
            ? apiOnly(source.note)
            : serveWith(source.directory).pipe(
                Effect.map((server) => ({ server, console: true, note: undefined })),
                // An explicit --console-dir must be usable; a broken build of the installed
                // package costs the console, not the API.
                Effect.catchIf(
                  (e): e is Http.ConsoleError => e instanceof PaymuxHttp.ConsoleError,
                  (e) => (source.explicit ? Effect.fail(consoleFailure(e)) : apiOnly(`the console is not served: ${e.message}`))
                )
              )
        // Interrupting the gate ends a store build still waiting behind it (the server did not
        // start, or the store check below failed), so closing the server never waits on it.
        const { server, ...shown } = yield* Effect.acquireRelease(
          Effect.onError(served, () => Deferred.interrupt(gate)),
          (s) =>
            Effect.andThen(
              Deferred.interrupt(gate),
              Effect.promise(() => s.server.close())
            )
        )
        // Open (and migrate) the store before announcing the server, so a wrong --db fails here
        // with exit 3, not per request. A missing SQLite file is refused, not created: a server
        // over a new, empty database (a volume not mounted, a typo) would look healthy.
        const merchants = yield* readStore(ctx, Merchants.list())
        yield* Deferred.succeed(gate, undefined)
        if (shown.note !== undefined) yield* notice(`${shown.note}; serving the API only`)
        // A database without merchants (not yet set up): without this, every sign-in just fails.
        if (merchants.length === 0) {
          yield* notice(
            `${storeName(target)} has no merchant, so no API key can sign in: create one with paymux merchant create (or check --db)`
          )
        }
        if (allowPrivate) {
          yield* notice("--allow-private-webhooks: merchants' webhook URLs may reach loopback and private network addresses", "warning")
        }
        const consoleUrl = shown.console ? `${server.url}/` : null
        // `--docs none` serves no page, so none is announced (it announced a URL that answered 404).
        const docsUrl = docs === "none" ? null : `${server.url}/docs`
        yield* ctx.out.result(
          {
            url: server.url,
            host: server.host,
            port: server.port,
            console: consoleUrl,
            openapi: `${server.url}/openapi.json`,
            docs: docsUrl
          },
          () =>
            [
              `Paymux API listening on ${server.url}`,
              ...(consoleUrl === null ? [] : [`  console: ${consoleUrl}`]),
              `  OpenAPI: ${server.url}/openapi.json`,
              ...(docsUrl === null ? [] : [`  docs:    ${docsUrl}`]),
              "Ctrl-C stops it."
            ].join("\n")
        )
        return yield* Effect.never
      }).pipe(Effect.scoped)
    )
).pipe(Command.withDescription("Serve the admin REST API (OpenAPI at /openapi.json, docs at /docs) and the web console at /"))
