/**
 * Serving the routes (app.ts) per request: the admin services, a guard and the router, run on a
 * `BufferedRequest` (request.ts) and answered as an `Outgoing`, without building a web `Request`
 * or `Response` on the way; a defect is answered as the `internal` problem. Other failures on the
 * server's side are logged where they become problems (run.ts), with their reason.
 */
import type { AdminServices } from "@paymux/admin"
import { Context, Effect, Exit, Layer, Logger, Option, Scope } from "effect"
import { Cookies, HttpEffect, HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { Connection } from "../Auth.ts"
import { type AppOptions, router } from "./app.ts"
import type { Guard } from "./guard.ts"
import { internalProblem } from "./problemResponse.ts"
import { BufferedRequest, type Incoming, pathOf } from "./request.ts"

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

/**
 * A defect (a bug, or input a use case failed to refuse) is answered as the `internal` problem
 * and logged with its kind and stack frames, not its message, which may quote the input. The line
 * goes to stderr (with effect's default logger): stdout is the host's, `paymux serve --json` among them.
 */
const answerDefect = (defect: unknown): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest> =>
  Effect.flatMap(Effect.service(HttpServerRequest.HttpServerRequest), (request) => {
    const kind = defect instanceof Error ? defect.name : typeof defect
    const frames = defect instanceof Error ? (defect.stack ?? "").split("\n").filter((line) => line.startsWith("    at ")) : []
    const answer = internalProblem()
    return Effect.as(
      Effect.logError(`unexpected failure (${kind}) serving ${request.method} ${pathOf(request.url)}`, ...frames).pipe(
        Effect.provideService(Logger.LogToStderr, true)
      ),
      HttpServerResponse.uint8Array(answer.body, { status: answer.status, contentType: answer.headers["content-type"] })
    )
  })

/**
 * The admin services, a guard and the routes, run per request on a `BufferedRequest` (see
 * request.ts) and answered as an `Outgoing`. Like `HttpRouter.toWebHandler` with no request
 * logger, and no tracer unless the services bring one (app.ts), without building a web `Request`
 * or `Response` on the way.
 */
export const makeAppHandler = <E>(
  services: Layer.Layer<AdminServices.AdminServices | Guard, E>,
  options: AppOptions
): {
  readonly handler: (request: Incoming, connection: Connection["Service"]) => Promise<Outgoing>
  readonly dispose: () => Promise<void>
} => {
  const app = router(services, options)

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
