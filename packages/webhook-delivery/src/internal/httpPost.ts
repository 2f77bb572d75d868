import * as http from "node:http"
import * as https from "node:https"
import type { LookupFunction } from "node:net"
import { performance } from "node:perf_hooks"
import { Effect, Result } from "effect"
import * as UrlGuard from "../UrlGuard.ts"

const EXCERPT_BYTES = 1024

export interface PostRequest {
  /** A URL that passed the guard's static rules; its host is resolved and checked at connect time. */
  readonly target: UrlGuard.Checked
  readonly guard: UrlGuard.Options
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly connectTimeoutMillis: number
  readonly readTimeoutMillis: number
  readonly agents?: Agents | undefined
}

/**
 * Kept-alive connections, one pool per mode: the guard admits a connection for the mode of the
 * delivery that opened it (test mode may reach loopback under `privateTargets: "test-mode"`), so a
 * live delivery never reuses a socket a test delivery opened.
 */
export type Agents = Readonly<Record<UrlGuard.Mode, { readonly http: http.Agent; readonly https: https.Agent }>>

export type PostResult =
  | {
      readonly _tag: "Response"
      readonly status: number
      readonly retryAfter: string | undefined
      readonly excerpt: string
      readonly latencyMillis: number
    }
  | { readonly _tag: "NetworkError"; readonly error: string; readonly latencyMillis: number }
  | { readonly _tag: "Refused"; readonly error: string; readonly reason: string; readonly latencyMillis: number }

const makePool = (maxSockets: number) => ({
  http: new http.Agent({ keepAlive: true, maxSockets }),
  https: new https.Agent({ keepAlive: true, maxSockets })
})

export const makeAgents = (maxSockets: number): Agents => ({ test: makePool(maxSockets), live: makePool(maxSockets) })

export const destroyAgents = (agents: Agents): void => {
  for (const pool of Object.values(agents)) {
    pool.http.destroy()
    pool.https.destroy()
  }
}

/** Carries a guard refusal through the socket's lookup callback. */
class RefusedAtConnect extends Error {
  constructor(readonly refusal: UrlGuard.UrlRefused) {
    super(refusal.message)
  }
}

/**
 * The socket's DNS lookup: resolves the host and lets the connection go only to addresses the
 * guard allows. Node calls it for host names only; literal addresses were judged by `checkUrl`.
 */
const guardedLookup =
  (target: UrlGuard.Checked, guard: UrlGuard.Options): LookupFunction =>
  (hostname, options, callback) => {
    const resolver = guard.resolver ?? UrlGuard.systemResolver
    const answer = callback as unknown as (
      error: Error | null,
      address?: string | ReadonlyArray<{ address: string; family: number }>,
      family?: number
    ) => void
    resolver(hostname).then(
      (resolved) => {
        const checked = UrlGuard.checkAddresses(target, resolved, guard)
        if (Result.isFailure(checked)) return answer(new RefusedAtConnect(checked.failure))
        const addresses = checked.success
        if ((options as { all?: boolean }).all) answer(null, addresses)
        else answer(null, addresses[0]!.address, addresses[0]!.family)
      },
      // Not a refusal: DNS fails for a moment (EAI_AGAIN, a SERVFAIL) as networks do, so the
      // attempt is a network error and is retried; it dead-lettered the delivery at once.
      (error: unknown) => {
        const code = typeof error === "object" && error !== null && "code" in error ? ` (${String(error.code)})` : ""
        answer(new Error(`host ${hostname} does not resolve${code}`))
      }
    )
  }

const isRedirect = (status: number): boolean => status >= 300 && status < 400

/**
 * POSTs once. Never fails: a refused address comes back as `Refused`, transport problems as
 * `NetworkError`. Redirects are not followed, and neither a refused nor a redirecting target
 * yields a response excerpt.
 */
export const post = (request: PostRequest): Effect.Effect<PostResult> =>
  Effect.callback<PostResult>((resume) => {
    const started = performance.now()
    const latency = (): number => Math.round((performance.now() - started) * 100) / 100
    const url = request.target.url
    const isHttps = url.protocol === "https:"
    const body = Buffer.from(request.body, "utf8")
    let settled = false
    const finish = (result: PostResult): void => {
      if (settled) return
      settled = true
      clearTimeout(connectTimer)
      clearTimeout(readTimer)
      resume(Effect.succeed(result))
    }
    const options: https.RequestOptions = {
      method: "POST",
      headers: { ...request.headers, "content-length": String(body.length) },
      lookup: guardedLookup(request.target, request.guard),
      agent: request.agents ? request.agents[request.guard.mode][isHttps ? "https" : "http"] : false
    }
    const req = (isHttps ? https : http).request(url, options, (res) => {
      clearTimeout(connectTimer)
      const chunks: Array<Buffer> = []
      let kept = 0
      const keep = !isRedirect(res.statusCode ?? 0)
      res.on("data", (chunk: Buffer) => {
        if (keep && kept < EXCERPT_BYTES) {
          const part = chunk.subarray(0, EXCERPT_BYTES - kept)
          chunks.push(part)
          kept += part.length
        }
      })
      res.on("end", () =>
        finish({
          _tag: "Response",
          status: res.statusCode ?? 0,
          retryAfter: res.headers["retry-after"],
          // An excerpt is text to read. NUL, which PostgreSQL's text cannot hold (the attempt could
          // then never be recorded, and the message would go out again and again), shows as U+FFFD,
          // as bytes that are not UTF-8 already do.
          excerpt: Buffer.concat(chunks, kept).toString("utf8").replaceAll("\u0000", "\uFFFD"),
          latencyMillis: latency()
        })
      )
      res.on("error", (e) => finish({ _tag: "NetworkError", error: e.message, latencyMillis: latency() }))
    })
    const fail = (message: string): void => {
      finish({ _tag: "NetworkError", error: message, latencyMillis: latency() })
      req.destroy()
    }
    // Two budgets, as PortOne's sender has: one to connect, then one for the whole answer.
    const connectTimer = setTimeout(() => fail(`connect timeout after ${request.connectTimeoutMillis} ms`), request.connectTimeoutMillis)
    let readTimer: ReturnType<typeof setTimeout> | undefined
    const connected = (): void => {
      clearTimeout(connectTimer)
      readTimer = setTimeout(() => fail(`read timeout after ${request.readTimeoutMillis} ms`), request.readTimeoutMillis)
    }
    req.on("socket", (socket) => {
      if (!socket.connecting) connected()
      else socket.once("connect", connected)
    })
    req.on("error", (e) =>
      finish(
        e instanceof RefusedAtConnect
          ? { _tag: "Refused", error: e.refusal.message, reason: e.refusal.reason, latencyMillis: latency() }
          : { _tag: "NetworkError", error: e.message, latencyMillis: latency() }
      )
    )
    req.end(body)
    return Effect.sync(() => {
      settled = true
      clearTimeout(connectTimer)
      clearTimeout(readTimer)
      req.destroy()
    })
  })
