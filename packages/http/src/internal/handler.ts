/**
 * The handler behind `PaymuxHttp.makeHandler`: the front layer (body limit, media type, UTF-8)
 * over the HttpApi, which parses the JSON once and decodes it; with the guard either real or, for
 * the benchmark's baseline and tests only, one that checks nothing. Not exported from the package.
 */
import { Access, AccessCache, CacheSync, ResolverCache } from "@paymux/admin"
import { Layer } from "effect"
import type { ConnectionInfo } from "../Auth.ts"
import type { Options, PaymuxHandler } from "../PaymuxHttp.ts"
import * as Tokens from "../Tokens.ts"
import { bodyLimits } from "./bodyLimits.ts"
import * as Guard from "./guard.ts"
import { makeAppHandler, type Outgoing } from "./serving.ts"
import { maxBodyDepth, nestsDeeperThan } from "./jsonDepth.ts"
import { bodyMethods, defaultMaxBodyBytes, internalProblem, problem, tooLarge, withSafetyHeaders } from "./problemResponse.ts"
import { type Direct, headersFromWeb, type Incoming, incomingHandler, pathOf } from "./request.ts"
import type { ConsoleAssets } from "./staticAssets.ts"

/** `{ unguarded: merchant }`: every call is the merchant's, from anywhere (benchmark, tests). */
export type GuardMode = "on" | { readonly unguarded: string }

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
const isJson = (contentType: string | undefined): boolean =>
  contentType === undefined || /^(application\/([a-z0-9.+-]*\+)?json|text\/plain)\s*(;|$)/i.test(contentType)

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** The body as text, or the problem to answer: the HttpApi then parses the text once. */
const textOf = (body: Uint8Array, contentType: string | undefined): string | Outgoing => {
  if (!isJson(contentType)) {
    return problem(415, "unsupported-media-type", `request bodies are JSON (application/json), not ${contentType}`)
  }
  try {
    return utf8.decode(body)
  } catch {
    return problem(400, "invalid-json", "the request body is not valid JSON: the body is not valid UTF-8", { field: "body" })
  }
}

/** An `Outgoing` as a web `Response`, for callers of the web-standard handler. */
const toResponse = (outgoing: Outgoing): Response => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(outgoing.headers)) {
    if (typeof value === "string") headers.set(name, value)
    else for (const v of value) headers.append(name, v)
  }
  return new Response(outgoing.body === undefined || outgoing.body.byteLength === 0 ? null : outgoing.body, {
    status: outgoing.status,
    headers
  })
}

/**
 * A change sent with `If-Match` or `If-Unmodified-Since` expects the server to refuse it when the
 * resource changed since; this API checks a `version` instead, so it refuses such a request
 * rather than apply it unconditionally (a stale `If-Match` overwrote a newer edit).
 */
const unsupportedPrecondition = (incoming: Incoming): Outgoing | undefined => {
  if (incoming.method === "GET" || incoming.method === "HEAD" || incoming.method === "OPTIONS") return undefined
  const header = ["if-match", "if-unmodified-since"].find((name) => incoming.headers[name] !== undefined)
  if (header === undefined) return undefined
  return problem(
    400,
    "precondition-unsupported",
    `this API does not evaluate ${header}: send the version you read as "version" in the body (or ?version= on DELETE), and a change made since is refused with 409`,
    { field: header }
  )
}

// The most of a path a 404 quotes (a 10 kB path was echoed whole).
const clipped = (path: string): string => (path.length > 200 ? `${path.slice(0, 200)}…` : path)

export const build = <E>(options: Options<E>, mode: GuardMode, assets?: ConsoleAssets): PaymuxHandler => {
  const bodyLimit = bodyLimits(options.maxBodyBytes ?? defaultMaxBodyBytes)
  const tokens = Tokens.make()
  const idempotency = { ttlMillis: options.idempotencyTtlMillis, maxBytes: options.idempotencyMaxBytes }
  // Refused here, as a bad trusted proxy is, rather than by the store on every request.
  if (idempotency.ttlMillis !== undefined && !(Number.isSafeInteger(idempotency.ttlMillis) && idempotency.ttlMillis >= 1)) {
    throw new RangeError(`idempotencyTtlMillis must be a whole number of milliseconds of at least 1, got ${idempotency.ttlMillis}`)
  }
  if (idempotency.maxBytes !== undefined && !(idempotency.maxBytes >= 0)) {
    throw new RangeError(`idempotencyMaxBytes must be a number of at least 0 (Infinity: no budget), got ${idempotency.maxBytes}`)
  }
  const clientIp = Access.addressResolver({ trustedProxies: options.trustedProxies ?? [] })
  // The caches follow changes other processes make to the same store (CacheSync).
  const admin = Layer.provideMerge(
    CacheSync.layer(),
    Layer.mergeAll(
      options.layer,
      ResolverCache.layer({ ttlMillis: options.resolverCacheTtlMillis }),
      AccessCache.layer({ ttlMillis: options.authCacheTtlMillis })
    )
  )
  const guardOptions = { tokens, clientIp, idempotency }
  const guard = Layer.succeed(
    Guard.Guard,
    mode === "on" ? Guard.make(guardOptions) : Guard.makeUnguarded({ ...guardOptions, merchant: mode.unguarded })
  )
  const app = makeAppHandler(Layer.merge(admin, guard), { docs: options.docs ?? "inline" })

  const inner = (incoming: Incoming, connection: ConnectionInfo): Promise<Outgoing> =>
    app.handler(incoming, connection).then((response) => {
      // The router answers unknown routes with an empty 404: the console's files are served there
      // (so no API route is ever shadowed), and anything else gets a problem body.
      if (response.status === 404 && response.headers["content-type"] === undefined) {
        const file = assets?.answer(incoming)
        if (file !== undefined) return file
        return problem(404, "route-not-found", `no endpoint ${incoming.method} ${clipped(pathOf(incoming.url))}`)
      }
      return response
    })

  const handle = async (incoming: Incoming, connection: ConnectionInfo): Promise<Outgoing> => {
    const precondition = unsupportedPrecondition(incoming)
    if (precondition !== undefined) return precondition
    if (!bodyMethods.has(incoming.method)) return inner(incoming, connection)
    // Its callers read the body up to `bodyLimit` and answered a larger one with 413 already.
    const body = incoming.body
    const size = body === undefined ? 0 : body.byteLength
    const contentType = incoming.headers["content-type"]
    if (body === undefined || size === 0) {
      // No body to type: the HttpApi then reads it as empty JSON whatever the header said.
      if (contentType === undefined) return inner(body === undefined ? incoming : { ...incoming, body: undefined }, connection)
      const { "content-type": _, ...headers } = incoming.headers
      return inner({ ...incoming, headers, body: undefined }, connection)
    }
    const text = textOf(body, contentType)
    if (typeof text !== "string") return text
    if (nestsDeeperThan(text, maxBodyDepth)) {
      return problem(400, "invalid-json", `the request body nests deeper than ${maxBodyDepth} levels of objects and arrays`, {
        field: "body"
      })
    }
    // The HttpApi decodes JSON whatever the JSON-like media type was (and text/plain, see isJson).
    const headers = contentType === "application/json" ? incoming.headers : { ...incoming.headers, "content-type": "application/json" }
    return inner({ ...incoming, headers, text }, connection)
  }

  const fromWeb = async (request: Request, connection: ConnectionInfo): Promise<Outgoing> => {
    const headers = headersFromWeb(request.headers)
    if (!bodyMethods.has(request.method)) return handle({ method: request.method, url: request.url, headers, body: undefined }, connection)
    const limit = bodyLimit(request.method, request.url)
    const body = await readBody(request, limit)
    if (body === "too-large") return tooLarge(limit)
    return handle({ method: request.method, url: request.url, headers, body }, connection)
  }

  const handler = (request: Request, connection: ConnectionInfo = {}): Promise<Response> =>
    fromWeb(request, connection).catch(internalProblem).then(withSafetyHeaders).then(toResponse)
  // NodeBridge reads requests itself, up to their body limit, passes them here and writes the
  // answer: no `Request` or `Response` is built.
  const direct: Direct = {
    handle: (incoming, connection) => handle(incoming, connection).catch(internalProblem).then(withSafetyHeaders),
    bodyLimit
  }
  Object.defineProperty(handler, incomingHandler, { value: direct })

  return { handler, dispose: app.dispose, tokens }
}

/** The same handler and its guard, as the benchmark's baseline: no auth, no whitelist. */
export const makeUnguardedHandler = <E>(options: Options<E>, merchant: string): PaymuxHandler => build(options, { unguarded: merchant })
