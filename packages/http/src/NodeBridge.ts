/**
 * Serving a web-standard handler from `node:http` on Node 20, without `@effect/platform-node`:
 * the request is rebuilt as a `Request` (body buffered up to a limit), the socket address goes
 * to the handler as the connection's remote address, and the `Response` is written back. A
 * handler from `PaymuxHttp.makeHandler` is given the read request directly, with no `Request`
 * built at all.
 *
 * @since 0.1.0
 */
import { createServer, type IncomingMessage, type RequestListener, STATUS_CODES, type Server, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import type { ConnectionInfo } from "./Auth.ts"
import {
  defaultMaxBodyBytes,
  internalProblem,
  type ProblemOutgoing,
  problem,
  tooLarge,
  withSafetyHeaders
} from "./internal/problemResponse.ts"
import type { Outgoing } from "./internal/serving.ts"
import { type Direct, headersFromRaw, incomingHandler } from "./internal/request.ts"

/**
 * A handler as `PaymuxHttp.makeHandler` returns it.
 *
 * @since 0.1.0
 * @category models
 */
export type WebHandler = (request: Request, connection?: ConnectionInfo) => Promise<Response>

/**
 * @since 0.1.0
 * @category models
 */
export interface ListenerOptions {
  /** Bodies above this many bytes get 413, and are not kept; default 1 MiB. */
  readonly maxBodyBytes?: number | undefined
}

const noBody = new Set(["GET", "HEAD", "OPTIONS", "DELETE"])

const headersOf = (req: IncomingMessage): Headers => {
  const headers = new Headers()
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!)
  return headers
}

const empty = Buffer.alloc(0)

/**
 * The whole body as one buffer: with a `content-length`, the one chunk it usually comes in, or
 * the chunks copied into one buffer of that size; without, the chunks joined at the end.
 */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> =>
  new Promise((resolve, reject) => {
    const length = req.headers["content-length"]
    const declared = length === undefined ? -1 : Number(length)
    if (declared > limit) return resolve("too-large")
    let first: Buffer | undefined
    let whole: Buffer | undefined
    let chunks: Array<Buffer> | undefined
    let size = 0
    req.on("data", (chunk: Buffer) => {
      const at = size
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners("data")
        req.pause()
        first = whole = chunks = undefined
        resolve("too-large")
        return
      }
      if (first === undefined) {
        first = chunk
        return
      }
      if (whole === undefined && chunks === undefined) {
        if (declared >= size) {
          whole = Buffer.allocUnsafe(declared)
          first.copy(whole, 0)
        } else {
          chunks = [first]
        }
      }
      if (whole !== undefined) {
        if (size <= whole.length) {
          chunk.copy(whole, at)
          return
        }
        // More than declared (node:http does not let that happen): keep what came, as chunks.
        chunks = [whole.subarray(0, at)]
        whole = undefined
      }
      chunks!.push(chunk)
    })
    req.on("end", () => {
      if (chunks !== undefined) return resolve(Buffer.concat(chunks, size))
      if (whole !== undefined) return resolve(size === whole.length ? whole : whole.subarray(0, size))
      resolve(first ?? empty)
    })
    req.on("error", reject)
  })

/**
 * The most of a refused body read and dropped after its 413: a declared `Content-Length` up to
 * this, or a body without one that ends within this many bytes more.
 */
const maxDroppedBytes = 16 * 1024 * 1024

/**
 * Answers a body over the limit with 413, and reads and drops the rest of it as it comes, up to
 * `maxDroppedBytes`: a connection closed with unread bytes is reset, and a client still writing
 * its body then saw EPIPE or ECONNRESET instead of the answer. The connection then serves the next
 * request. A declared body longer than that is answered `Connection: close` at once.
 */
const refuseBody = (req: IncomingMessage, res: ServerResponse, limit: number): void => {
  const droppable = Number(req.headers["content-length"] ?? 0) <= maxDroppedBytes
  if (droppable) {
    let dropped = 0
    req.on("data", (chunk: Buffer) => {
      dropped += chunk.length
      if (dropped > maxDroppedBytes) req.socket.destroy()
    })
    req.resume()
  }
  writeOutgoing(res, withSafetyHeaders(tooLarge(limit)), !droppable)
}

/**
 * Sockets whose request was answered before all of it arrived (a refused body, a GET's ignored
 * body): Node reads on, and a timeout there has no request left to answer.
 */
const answeredEarly = new WeakSet<Socket>()

const write = async (res: ServerResponse, response: Response, closeAfter: boolean): Promise<void> => {
  const headers: Record<string, string | Array<string>> = {}
  response.headers.forEach((value, name) => {
    if (name === "set-cookie") return
    headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers["set-cookie"] = cookies
  if (closeAfter) headers["connection"] = "close"
  const body = response.body === null ? undefined : Buffer.from(await response.arrayBuffer())
  if (body !== undefined) headers["content-length"] = String(body.length)
  res.writeHead(response.status, headers)
  res.end(body)
}

const writeOutgoing = (res: ServerResponse, response: Outgoing, closeAfter = false): void => {
  const headers = response.headers
  const body = response.body
  if (closeAfter) headers["connection"] = "close"
  // Without a body (HEAD, 204, 304) the headers stay as the API wrote them.
  if (body !== undefined) headers["content-length"] = String(body.byteLength)
  res.writeHead(response.status, headers)
  res.end(body)
}

/**
 * A `node:http` request listener over a web handler. A handler of `PaymuxHttp.makeHandler` is
 * given the read request directly, and sets the body limit of each request (an endpoint may take
 * less than `maxBodyBytes`) before a byte of its body is read.
 *
 * @since 0.1.0
 * @category constructors
 */
export const listener = (handler: WebHandler, options: ListenerOptions = {}): RequestListener => {
  const limit = options.maxBodyBytes ?? defaultMaxBodyBytes
  const direct = (handler as { readonly [incomingHandler]?: Direct })[incomingHandler]
  return (req, res) => {
    const run = async (): Promise<void> => {
      const method = req.method ?? "GET"
      if (direct !== undefined) {
        const connection = { remoteAddress: req.socket.remoteAddress }
        const url = req.url ?? "/"
        if (noBody.has(method))
          return writeOutgoing(
            res,
            await direct.handle({ method, url, headers: headersFromRaw(req.rawHeaders), body: undefined }, connection)
          )
        const bodyLimit = Math.min(limit, direct.bodyLimit(method, url))
        const body = await readBody(req, bodyLimit)
        if (body === "too-large") return refuseBody(req, res, bodyLimit)
        const incoming = { method, url, headers: headersFromRaw(req.rawHeaders), body: body.length > 0 ? body : undefined }
        return writeOutgoing(res, await direct.handle(incoming, connection))
      }
      const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`
      const connection = { remoteAddress: req.socket.remoteAddress }
      if (noBody.has(method)) {
        return write(res, await handler(new Request(url, { method, headers: headersOf(req) }), connection), false)
      }
      const body = await readBody(req, limit)
      if (body === "too-large") return refuseBody(req, res, limit)
      const request = new Request(url, { method, headers: headersOf(req), ...(body.length > 0 ? { body } : {}) })
      return write(res, await handler(request, connection), false)
    }
    run()
      .catch(() => {
        if (!res.headersSent) writeOutgoing(res, withSafetyHeaders(internalProblem()), true)
        else res.destroy()
      })
      .then(() => {
        if (req.complete) return
        answeredEarly.add(req.socket)
        req.once("end", () => answeredEarly.delete(req.socket))
      })
  }
}

/**
 * The headers of a request must arrive within this many milliseconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultHeadersTimeoutMillis = 10_000

/**
 * A whole request must arrive within this many milliseconds: ample for a body of 1 MiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRequestTimeoutMillis = 30_000

/**
 * How many connections `listen` holds open at once, idle keep-alive ones included.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxConnections = 1_000

interface Timeouts {
  readonly headersTimeoutMillis: number
  readonly requestTimeoutMillis: number
}

/** The problem for a request Node's HTTP parser refused, or that did not arrive in time. */
const clientProblem = (code: string | undefined, timeouts: Timeouts): ProblemOutgoing => {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return problem(431, "headers-too-large", "the request's headers are larger than the server reads (16 KiB)")
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return problem(
        408,
        "request-timeout",
        `the request did not arrive in time: its headers within ${timeouts.headersTimeoutMillis} ms, all of it within ${timeouts.requestTimeoutMillis} ms`
      )
    default:
      return problem(400, "malformed-request", "the request is not valid HTTP/1.1")
  }
}

/**
 * A request Node's HTTP parser refuses (headers over its 16 KiB limit, bytes that are not HTTP), or
 * that does not arrive in time, is answered as a problem like any other answer, not with Node's
 * bare status line, and the connection is closed once the answer is written, whether or not the
 * client reads it or closes its side (a client that did neither held the socket for good). A
 * connection that sent nothing, or whose request was answered already, is closed without an
 * answer: there is no request to answer.
 */
const answerClientError = (error: Error & { readonly code?: string }, socket: Socket, timeouts: Timeouts): void => {
  if (!socket.writable || socket.bytesRead === 0 || answeredEarly.has(socket)) return void socket.destroy()
  const answer = withSafetyHeaders(clientProblem(error.code, timeouts))
  const head = Object.entries({ ...answer.headers, "content-length": String(answer.body.byteLength), connection: "close" })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")
  socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\n${head}\r\n`), answer.body]), () =>
    socket.destroy()
  )
}

/** A whole number of at least 1, or a RangeError naming the option. */
const positive = (name: string, value: number): number => {
  if (!(Number.isSafeInteger(value) && value >= 1)) throw new RangeError(`${name} must be a whole number of at least 1, got ${value}`)
  return value
}

/**
 * A listening server.
 *
 * @since 0.1.0
 * @category models
 */
export interface Listening {
  readonly server: Server
  readonly url: string
  readonly port: number
  readonly host: string
  /** Stops accepting; the requests in flight finish first (up to `closeGraceMillis`). */
  readonly close: () => Promise<void>
}

/**
 * How long `close` lets the requests in flight finish before it drops their connections.
 *
 * @since 0.1.0
 * @category constants
 */
export const closeGraceMillis = 10_000

/**
 * Where `listen` serves, and what a client may hold: connections, and the time to send a request.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListenOptions extends ListenerOptions {
  /** 0 picks a free port. */
  readonly port: number
  /** Default 127.0.0.1. */
  readonly host?: string | undefined
  /**
   * Connections open at once, idle keep-alive ones included; past it a new connection is closed as
   * soon as it is accepted, unanswered. Default `defaultMaxConnections`.
   */
  readonly maxConnections?: number | undefined
  /**
   * Milliseconds to send a request's headers, from its first byte; then 408. A new connection that
   * sends no byte in this time is closed unanswered. Default `defaultHeadersTimeoutMillis`.
   */
  readonly headersTimeoutMillis?: number | undefined
  /** Milliseconds to send a whole request, body included; then 408. Default `defaultRequestTimeoutMillis`. */
  readonly requestTimeoutMillis?: number | undefined
}

/**
 * Starts a `node:http` server for a web handler (port 0 picks a free port). Rejects with a
 * RangeError when a bound is not a whole number of at least 1, or the headers may take longer than
 * the whole request.
 *
 * @since 0.1.0
 * @category constructors
 */
export const listen = (handler: WebHandler, options: ListenOptions): Promise<Listening> =>
  new Promise((resolve, reject) => {
    const host = options.host ?? "127.0.0.1"
    const timeouts = {
      headersTimeoutMillis: positive("headersTimeoutMillis", options.headersTimeoutMillis ?? defaultHeadersTimeoutMillis),
      requestTimeoutMillis: positive("requestTimeoutMillis", options.requestTimeoutMillis ?? defaultRequestTimeoutMillis)
    }
    if (timeouts.headersTimeoutMillis > timeouts.requestTimeoutMillis) {
      throw new RangeError(
        `headersTimeoutMillis (${timeouts.headersTimeoutMillis}) must not be over requestTimeoutMillis (${timeouts.requestTimeoutMillis})`
      )
    }
    const server = createServer(
      {
        keepAliveTimeout: 5_000,
        headersTimeout: timeouts.headersTimeoutMillis,
        requestTimeout: timeouts.requestTimeoutMillis,
        // Node looks for late requests this often (every 30 s by default, which held one for up to
        // 90 s): a request that runs out of time is ended within a second of it.
        connectionsCheckingInterval: Math.min(1_000, timeouts.headersTimeoutMillis)
      },
      listener(handler, options)
    )
    server.maxConnections = positive("maxConnections", options.maxConnections ?? defaultMaxConnections)
    server.on("clientError", (error: Error & { readonly code?: string }, socket: Socket) => answerClientError(error, socket, timeouts))
    server.once("error", reject)
    server.listen(options.port, host, () => {
      server.off("error", reject)
      const port = (server.address() as AddressInfo).port
      const shown = host.includes(":") ? `[${host}]` : host
      resolve({
        server,
        url: `http://${shown}:${port}`,
        port,
        host,
        close: () =>
          new Promise<void>((done) => {
            // Stop accepting and let the requests in flight finish (for up to closeGraceMillis).
            // Node closes a keep-alive socket only while it is idle, so idle ones are closed again
            // as the requests on them end.
            const sweep = setInterval(() => server.closeIdleConnections(), 50)
            const deadline = setTimeout(() => server.closeAllConnections(), closeGraceMillis)
            server.close(() => {
              clearInterval(sweep)
              clearTimeout(deadline)
              done()
            })
            server.closeIdleConnections()
          })
      })
    })
  })
