import * as http from "node:http"
import * as https from "node:https"
import type { LookupFunction } from "node:net"
import { performance } from "node:perf_hooks"
import { Effect } from "effect"

export const EXCERPT_BYTES = 1024

export interface PostRequest {
  readonly url: URL
  /** The address the SSRF guard approved; the connection goes there and nowhere else. */
  readonly address: string
  readonly family: 4 | 6
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly connectTimeoutMillis: number
  readonly totalTimeoutMillis: number
  readonly agents?: Agents | undefined
}

export interface Agents {
  readonly http: http.Agent
  readonly https: https.Agent
}

export type PostResult =
  | {
    readonly _tag: "Response"
    readonly status: number
    readonly retryAfter: string | undefined
    readonly excerpt: string
    readonly latencyMillis: number
  }
  | { readonly _tag: "NetworkError"; readonly error: string; readonly latencyMillis: number }

export const makeAgents = (maxSockets: number): Agents => ({
  http: new http.Agent({ keepAlive: true, maxSockets }),
  https: new https.Agent({ keepAlive: true, maxSockets })
})

export const destroyAgents = (agents: Agents): void => {
  agents.http.destroy()
  agents.https.destroy()
}

const pinned = (address: string, family: 4 | 6): LookupFunction => (_hostname, options, callback) => {
  if ((options as { all?: boolean }).all) {
    ;(callback as unknown as (e: null, a: ReadonlyArray<{ address: string; family: number }>) => void)(null, [
      { address, family }
    ])
  } else {
    callback(null, address, family)
  }
}

/** POSTs once. Never fails: transport problems come back as `NetworkError`. */
export const post = (request: PostRequest): Effect.Effect<PostResult> =>
  Effect.callback<PostResult>((resume) => {
    const started = performance.now()
    const latency = (): number => Math.round((performance.now() - started) * 100) / 100
    const isHttps = request.url.protocol === "https:"
    const body = Buffer.from(request.body, "utf8")
    let settled = false
    const finish = (result: PostResult): void => {
      if (settled) return
      settled = true
      clearTimeout(connectTimer)
      clearTimeout(totalTimer)
      resume(Effect.succeed(result))
    }
    const options: https.RequestOptions = {
      method: "POST",
      headers: { ...request.headers, "content-length": String(body.length) },
      lookup: pinned(request.address, request.family),
      agent: request.agents ? (isHttps ? request.agents.https : request.agents.http) : false
    }
    const req = (isHttps ? https : http).request(request.url, options, (res) => {
      clearTimeout(connectTimer)
      const chunks: Array<Buffer> = []
      let kept = 0
      res.on("data", (chunk: Buffer) => {
        if (kept < EXCERPT_BYTES) {
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
          excerpt: Buffer.concat(chunks, kept).toString("utf8"),
          latencyMillis: latency()
        }))
      res.on("error", (e) => finish({ _tag: "NetworkError", error: e.message, latencyMillis: latency() }))
    })
    const fail = (message: string): void => {
      finish({ _tag: "NetworkError", error: message, latencyMillis: latency() })
      req.destroy()
    }
    const connectTimer = setTimeout(() => fail(`connect timeout after ${request.connectTimeoutMillis} ms`), request.connectTimeoutMillis)
    const totalTimer = setTimeout(() => fail(`timeout after ${request.totalTimeoutMillis} ms`), request.totalTimeoutMillis)
    req.on("socket", (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer)
      else socket.once("connect", () => clearTimeout(connectTimer))
    })
    req.on("error", (e) => finish({ _tag: "NetworkError", error: e.message, latencyMillis: latency() }))
    req.end(body)
    return Effect.sync(() => {
      settled = true
      clearTimeout(connectTimer)
      clearTimeout(totalTimer)
      req.destroy()
    })
  })
