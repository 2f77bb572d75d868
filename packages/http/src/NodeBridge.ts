/**
 * Serving a web-standard handler from `node:http` on Node 20, without `@effect/platform-node`:
 * the request is rebuilt as a `Request` (body buffered up to a limit), the socket address goes
 * to the handler as the connection's remote address, and the `Response` is written back.
 *
 * @since 0.1.0
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { ConnectionInfo } from "./Auth.ts"
import { problemResponse } from "./internal/problemResponse.ts"

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
  /** Bodies above this many bytes get 413 without being read further; default 1 MiB. */
  readonly maxBodyBytes?: number | undefined
}

const noBody = new Set(["GET", "HEAD", "OPTIONS", "DELETE"])

const headersOf = (req: IncomingMessage): Headers => {
  const headers = new Headers()
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!)
  return headers
}

const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0")
    if (declared > limit) return resolve("too-large")
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners("data")
        req.pause()
        resolve("too-large")
        return
      }
      chunks.push(chunk)
    })
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)))
    req.on("error", reject)
  })

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

/**
 * A `node:http` request listener over a web handler.
 *
 * @since 0.1.0
 * @category constructors
 */
export const listener = (handler: WebHandler, options: ListenerOptions = {}): RequestListener => {
  const limit = options.maxBodyBytes ?? 1024 * 1024
  return (req, res) => {
    const run = async (): Promise<void> => {
      const method = req.method ?? "GET"
      const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`
      const connection = { remoteAddress: req.socket.remoteAddress }
      if (noBody.has(method)) {
        return write(res, await handler(new Request(url, { method, headers: headersOf(req) }), connection), false)
      }
      const body = await readBody(req, limit)
      if (body === "too-large") {
        // Stop reading a body we will not use, and close the connection after answering.
        return write(res, problemResponse(413, "body-too-large", `request bodies are limited to ${limit} bytes`, { field: "body" }), true)
      }
      const request = new Request(url, { method, headers: headersOf(req), ...(body.length > 0 ? { body } : {}) })
      return write(res, await handler(request, connection), false)
    }
    run().catch(() => {
      if (!res.headersSent) void write(res, problemResponse(500, "internal", "the request could not be served"), true)
      else res.destroy()
    })
  }
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
  readonly close: () => Promise<void>
}

/**
 * Starts a `node:http` server for a web handler (port 0 picks a free port).
 *
 * @since 0.1.0
 * @category constructors
 */
export const listen = (
  handler: WebHandler,
  options: ListenerOptions & { readonly port: number; readonly host?: string | undefined }
): Promise<Listening> =>
  new Promise((resolve, reject) => {
    const host = options.host ?? "127.0.0.1"
    const server = createServer({ keepAliveTimeout: 5_000 }, listener(handler, options))
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
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
