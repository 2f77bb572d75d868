/**
 * A request as the front layer sees it: method, URL, lower-cased headers and the body already
 * read into one buffer. The handler builds it once per request, from a web `Request` or (through
 * `NodeBridge`) straight from a `node:http` `IncomingMessage`, and hands the HttpApi a
 * `BufferedRequest`: an `HttpServerRequest` (Effect's public interface, checked by the compiler)
 * over the buffer, so no web `Request` is built and no field of Effect's own request class is
 * touched. Building, streaming and re-reading undici `Request`s and their abort signals cost more
 * than the rest of a cached resolve.
 */
import { Effect, Inspectable, Option, Stream } from "effect"
import { Headers, HttpIncomingMessage, HttpServerError, HttpServerRequest, type Multipart, UrlParams } from "effect/http"
import type { ConnectionInfo } from "../Auth.ts"
import type { BodyLimit } from "./bodyLimits.ts"
import type { Outgoing } from "./serving.ts"

/** Lower-cased header names; repeated headers joined with ", " (as `Headers` does). */
export type IncomingHeaders = Record<string, string>

export interface Incoming {
  readonly method: string
  /** Absolute (`http://host/path?query`) or origin-form (`/path?query`). */
  readonly url: string
  readonly headers: IncomingHeaders
  /** The whole body; `undefined` when there is none. */
  readonly body: Uint8Array | undefined
  /** The body as text, when the front layer already decoded it (it checks bodies are UTF-8). */
  readonly text?: string | undefined
}

/** Where a handler of `PaymuxHttp.makeHandler` keeps its `Direct` side (the `NodeBridge` fast path). */
export const incomingHandler: unique symbol = Symbol.for("@paymux/http/internal/incomingHandler")

/** What `NodeBridge` reads a request with and hands it to. */
export interface Direct {
  /** The most body bytes a request to `method` and `url` may carry, asked before any is read. */
  readonly bodyLimit: BodyLimit
  /** Answers a request already read. */
  readonly handle: (incoming: Incoming, connection: ConnectionInfo) => Promise<Outgoing>
}

/** The path of an absolute or origin-form URL, without the query. */
export const pathOf = (url: string): string => {
  let start = 0
  if (url[0] !== "/") {
    const scheme = url.indexOf("//")
    start = scheme === -1 ? 0 : url.indexOf("/", scheme + 2)
    if (start === -1) return "/"
  }
  const q = url.indexOf("?", start)
  const hash = url.indexOf("#", start)
  const end = q === -1 ? (hash === -1 ? url.length : hash) : hash === -1 ? q : Math.min(q, hash)
  return url.slice(start, end)
}

/** `rawHeaders` (name, value, name, value, ...) as lower-cased headers. */
export const headersFromRaw = (raw: ReadonlyArray<string>): IncomingHeaders => {
  const out: IncomingHeaders = {}
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase()
    const value = raw[i + 1]!
    const seen = out[name]
    out[name] = seen === undefined ? value : `${seen}, ${value}`
  }
  return out
}

export const headersFromWeb = (headers: Headers): IncomingHeaders => {
  const out: IncomingHeaders = {}
  headers.forEach((value, name) => {
    out[name] = value
  })
  return out
}

const toArrayBuffer = (bytes: Uint8Array | undefined): ArrayBuffer => {
  if (bytes === undefined) return new ArrayBuffer(0)
  // A copy: node buffers may be views into a shared pool.
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

const decoder = new TextDecoder()

const removeHost = (url: string): string => {
  if (url[0] === "/") return url
  const index = url.indexOf("/", url.indexOf("//") + 2)
  return index === -1 ? "/" : url.slice(index)
}

/**
 * An `HttpServerRequest` over an `Incoming` whose body is already in memory. The HttpApi reads
 * the body through `text` (JSON payloads) and parses it once; `json` and `arrayBuffer` answer
 * from the same buffer. Not upgradeable, no multipart (the API takes JSON only).
 */
export class BufferedRequest extends Inspectable.Class implements HttpServerRequest.HttpServerRequest {
  readonly [HttpServerRequest.TypeId] = HttpServerRequest.TypeId
  readonly [HttpIncomingMessage.TypeId] = HttpIncomingMessage.TypeId
  readonly source: Incoming
  readonly url: string
  readonly originalUrl: string
  readonly method: string
  readonly remoteAddress: Option.Option<string>
  readonly peerAddress: Option.Option<string>
  readonly protocol: "http" | "https" | undefined = undefined
  #headers: Headers.Headers | undefined
  #text: string | undefined
  constructor(incoming: Incoming, url?: string, headers?: Headers.Headers, remoteAddress?: Option.Option<string>) {
    super()
    this.source = incoming
    this.originalUrl = incoming.url
    this.url = url ?? removeHost(incoming.url)
    this.method = incoming.method.toUpperCase()
    this.#headers = headers
    this.#text = incoming.text
    this.remoteAddress = remoteAddress ?? Option.none()
    this.peerAddress = this.remoteAddress
  }
  get headers(): Headers.Headers {
    return (this.#headers ??= Headers.fromRecordUnsafe(this.source.headers))
  }
  get cookies(): Record<string, string> {
    return {}
  }
  toJSON(): unknown {
    return { _id: "HttpServerRequest", method: this.method, url: this.url }
  }
  private parseError(cause: unknown): HttpServerError.HttpServerError {
    return new HttpServerError.HttpServerError({ reason: new HttpServerError.RequestParseError({ request: this, cause }) })
  }
  get text(): Effect.Effect<string, HttpServerError.HttpServerError> {
    this.#text ??= this.source.body === undefined ? "" : decoder.decode(this.source.body)
    return Effect.succeed(this.#text)
  }
  get json(): Effect.Effect<any, HttpServerError.HttpServerError> {
    return Effect.flatMap(this.text, (text) => Effect.try({ try: () => JSON.parse(text), catch: (cause) => this.parseError(cause) }))
  }
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpServerError.HttpServerError> {
    return Effect.sync(() => toArrayBuffer(this.source.body))
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpServerError.HttpServerError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({ try: () => UrlParams.fromInput(new URLSearchParams(text)), catch: (cause) => this.parseError(cause) })
    )
  }
  get stream(): Stream.Stream<Uint8Array, HttpServerError.HttpServerError> {
    const body = this.source.body
    return body === undefined ? Stream.empty : Stream.make(body)
  }
  get multipart(): Effect.Effect<Multipart.Persisted, Multipart.MultipartError, never> {
    return Effect.die(new Error("multipart bodies are not accepted"))
  }
  get multipartStream(): Stream.Stream<Multipart.Part, Multipart.MultipartError> {
    return Stream.die(new Error("multipart bodies are not accepted"))
  }
  get upgrade(): Effect.Effect<never, HttpServerError.HttpServerError> {
    return this.upgradeWith()
  }
  upgradeWith(): Effect.Effect<never, HttpServerError.HttpServerError> {
    return Effect.fail(this.parseError("not an upgradeable request"))
  }
  modify(options: {
    readonly url?: string
    readonly headers?: Headers.Headers
    readonly remoteAddress?: Option.Option<string>
    readonly peerAddress?: Option.Option<string>
    readonly protocol?: "http" | "https"
  }): HttpServerRequest.HttpServerRequest {
    return new BufferedRequest(
      this.source,
      options.url ?? this.url,
      options.headers ?? this.#headers,
      options.remoteAddress ?? this.remoteAddress
    )
  }
}
