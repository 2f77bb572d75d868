/**
 * A request as the front layer sees it: method, URL, lower-cased headers and the body already
 * read into one buffer. The handler builds it once per request, from a web `Request` or (through
 * `NodeBridge`) straight from a `node:http` `IncomingMessage`, and hands the HttpApi a small
 * `Request`-shaped view of it: building, streaming and re-reading undici `Request`s and their
 * abort signals cost more than the rest of a cached resolve.
 */

/** Lower-cased header names; repeated headers joined with ", " (as `Headers` does). */
export type IncomingHeaders = Record<string, string>

export interface Incoming {
  readonly method: string
  /** Absolute (`http://host/path?query`) or origin-form (`/path?query`). */
  readonly url: string
  readonly headers: IncomingHeaders
  /** The whole body; `undefined` when there is none. */
  readonly body: Uint8Array | undefined
}

/** Calls the handler with an already read request (the `NodeBridge` fast path). */
export const incomingHandler: unique symbol = Symbol.for("@paymux/http/internal/incomingHandler")

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

/**
 * What `HttpServerRequest.fromWeb` reads of a web `Request` (method, url, headers, the body,
 * `signal`), over an `Incoming`. Without a signal the request is not interrupted on client abort,
 * as with a `Request` built without one.
 */
export class IncomingView {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHeaders
  readonly signal: AbortSignal | undefined = undefined
  readonly bytes: Uint8Array | undefined
  constructor(incoming: Incoming) {
    this.method = incoming.method
    this.url = incoming.url
    this.headers = incoming.headers
    this.bytes = incoming.body
  }
  get body(): ReadableStream<Uint8Array> | null {
    const bytes = this.bytes
    if (bytes === undefined) return null
    return new ReadableStream({
      start(controller) {
        controller.enqueue(bytes)
        controller.close()
      }
    })
  }
  get bodyUsed(): boolean {
    return false
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(toArrayBuffer(this.bytes))
  }
  arrayBufferSync(): ArrayBuffer {
    return toArrayBuffer(this.bytes)
  }
  text(): Promise<string> {
    return Promise.resolve(this.bytes === undefined ? "" : decoder.decode(this.bytes))
  }
  json(): Promise<unknown> {
    return this.text().then((t) => JSON.parse(t))
  }
}
