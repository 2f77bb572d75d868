import { once } from "node:events"
import { request } from "node:http"
import { connect, type Socket } from "node:net"
import { describe, expect, it } from "vitest"
import { NodeBridge } from "../src/index.ts"
import { serving } from "./fixture.ts"

/** A GET over a keep-alive connection: the status and body, or the socket error's code. */
const get = (url: string): Promise<string> =>
  new Promise((resolve) => {
    request(url, { headers: { connection: "keep-alive" } }, (res) => {
      let body = ""
      res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")))
      res.on("end", () => resolve(`${res.statusCode} ${body}`))
    })
      .on("error", (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`))
      .end()
  })

describe("NodeBridge.listen", () => {
  // Regression (soak probe N1): close dropped every connection at once, so a request in flight
  // when `paymux serve` got SIGTERM was reset instead of answered.
  it("close lets a request in flight finish, then stops", async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    let arrived: () => void = () => {}
    const started = new Promise<void>((resolve) => (arrived = resolve))
    const listening = await NodeBridge.listen(
      async (req) => {
        if (new URL(req.url).pathname === "/slow") {
          arrived()
          await gate
        }
        return new Response("answered")
      },
      { port: 0 }
    )
    expect(await get(`${listening.url}/fast`)).toBe("200 answered") // leaves an idle keep-alive socket
    const slow = get(`${listening.url}/slow`)
    await started
    const closed = listening.close()
    expect(await get(`${listening.url}/fast`)).toMatch(/^error ECONNREFUSED$/) // no longer accepting
    release()
    expect(await slow).toBe("200 answered")
    await closed
    expect(listening.server.listening).toBe(false)
  })
})

/** Writes raw bytes to the server and reads its whole answer, until it closes the connection. */
const raw = (url: string, bytes: string): Promise<{ readonly head: string; readonly body: string }> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const socket = connect(Number(port), hostname, () => socket.write(bytes))
    let text = ""
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")))
    socket.on("error", reject)
    socket.on("close", () => {
      const split = text.indexOf("\r\n\r\n")
      resolve({ head: text.slice(0, split).toLowerCase(), body: text.slice(split + 4) })
    })
  })

interface Answer {
  readonly head: string
  readonly body: string
}

/**
 * Writes raw bytes on one connection and reads `count` answers, each as long as its Content-Length
 * says; with fewer if the connection ends first (`error` then names a socket error).
 */
const answers = (
  url: string,
  bytes: string,
  count = 1
): Promise<{ readonly answers: ReadonlyArray<Answer>; readonly error: string | undefined }> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url)
    const read: Array<Answer> = []
    let error: string | undefined
    let text = ""
    const socket = connect(Number(port), hostname, () => socket.write(bytes))
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1")
      for (;;) {
        const split = text.indexOf("\r\n\r\n")
        if (split === -1) return
        const head = text.slice(0, split).toLowerCase()
        const length = Number(/\r\ncontent-length: (\d+)/.exec(head)?.[1] ?? 0)
        if (text.length < split + 4 + length) return
        read.push({ head, body: text.slice(split + 4, split + 4 + length) })
        text = text.slice(split + 4 + length)
        if (read.length === count) return socket.destroy()
      }
    })
    socket.on("error", (e: NodeJS.ErrnoException) => (error = e.code))
    socket.on("close", () => resolve({ answers: read, error }))
  })

/** A JSON object of `size` bytes with as many keys as fit: the widest body of that size. */
const wide = (size: number): string => {
  let keys = ""
  for (let i = 0; keys.length + `"k${i}":0,`.length + 2 <= size; i++) keys += `"k${i}":0,`
  const json = `{${keys.slice(0, -1)}}`
  return json + " ".repeat(size - json.length)
}

// Regression (limits probe 1): POST /auth/token needs no credential, yet its body was read and
// parsed up to the server's 1 MiB: a 1 MiB object of 96k keys cost 80-300 ms of the one thread,
// and 4 clients sending it stalled everyone's requests for seconds.
describe("the body limit of an endpoint", () => {
  const server = serving()
  const token = (path: string, framing: string, body = "") =>
    `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${framing}\r\n\r\n${body}`

  it("a token request over 4 KiB is a 413 before its body is read, however its path is spelled", async () => {
    for (const path of ["/auth/token", "/AUTH//token/", "/auth/%74oken"]) {
      // Only the headers are sent: the answer cannot wait for the body.
      const declared = await answers(server.f.url, token(path, "content-length: 1048576"))
      expect(declared.answers[0]?.head).toMatch(/^http\/1\.1 413 /)
      expect(JSON.parse(declared.answers[0]!.body)).toMatchObject({
        code: "body-too-large",
        detail: "request bodies are limited to 4096 bytes"
      })
    }
    // Without a length, reading stops at the limit: this body never ends.
    const chunked = await answers(server.f.url, token("/auth/token", "transfer-encoding: chunked", `1400\r\n${wide(5120)}\r\n`))
    expect(chunked.answers[0]?.head).toMatch(/^http\/1\.1 413 /)
    // The web-standard handler holds the same limit.
    const web = await server.f.api.handler(new Request("http://x/auth/token", { method: "POST", body: wide(4097) }))
    expect([web.status, ((await web.json()) as { code: string }).code]).toEqual([413, "body-too-large"])
  })

  it("4 KiB still reach the token endpoint, and other endpoints keep the server's limit", async () => {
    const exact = await answers(server.f.url, token("/auth/token", "content-length: 4096", wide(4096)))
    expect(exact.answers[0]?.head).toMatch(/^http\/1\.1 400 /) // read and decoded: a key and a secret are missing
    expect(JSON.parse(exact.answers[0]!.body)).toMatchObject({ code: "invalid-payload" })
    const check = await fetch(`${server.f.url}/merchants/${server.f.merchant}/whitelist/check`, {
      method: "POST",
      headers: { authorization: server.f.bearer, "content-type": "application/json" },
      body: JSON.stringify({ ip: "192.0.2.1" }) + " ".repeat(64 * 1024)
    })
    expect(check.status).toBe(200)
  })
})

// Regression (OpenAPI fuzz probe): answers written by the bridge itself lacked the safety headers
// every API answer carries, and requests Node's parser refused got its bare 400 or 431.
describe("NodeBridge's own answers", () => {
  const limit = 64
  const start = () => NodeBridge.listen(async () => new Response("ok"), { port: 0, maxBodyBytes: limit })

  it("a body over the limit is a 413 problem with nosniff and no-store", async () => {
    const listening = await start()
    try {
      const response = await fetch(`${listening.url}/x`, { method: "POST", body: "x".repeat(limit + 1) })
      expect(response.status).toBe(413)
      expect([response.headers.get("x-content-type-options"), response.headers.get("cache-control")]).toEqual(["nosniff", "no-store"])
      expect(((await response.json()) as { code: string }).code).toBe("body-too-large")
    } finally {
      await listening.close()
    }
  })

  // Regression (limits probe 10): a declared body over the limit was answered and the connection
  // closed at once, with the body unread, so the client still writing it was reset and often saw
  // EPIPE or ECONNRESET, never the 413 (14 of 36 sends).
  it("a body over the limit is read and dropped after its 413, and the connection serves the next request", async () => {
    const listening = await start()
    try {
      const post = (framing: string, body: string) => `POST /x HTTP/1.1\r\nhost: x\r\n${framing}\r\n\r\n${body}`
      const next = "GET /after HTTP/1.1\r\nhost: x\r\n\r\n"
      const size = 4 * 1024 * 1024
      const declared = await answers(listening.url, post(`content-length: ${size}`, "x".repeat(size)) + next, 2)
      expect(declared.error).toBeUndefined()
      expect(declared.answers.map((a) => a.head.slice(0, 12))).toEqual(["http/1.1 413", "http/1.1 200"])
      const chunk = "x".repeat(1000)
      const chunked = await answers(
        listening.url,
        post("transfer-encoding: chunked", `3e8\r\n${chunk}\r\n`.repeat(64) + "0\r\n\r\n") + next,
        2
      )
      expect(chunked.answers.map((a) => a.head.slice(0, 12))).toEqual(["http/1.1 413", "http/1.1 200"])
    } finally {
      await listening.close()
    }
  })

  it("a declared body over 16 MiB is refused with Connection: close, and a body that stops coming is not answered twice", async () => {
    const listening = await NodeBridge.listen(async () => new Response("ok"), {
      port: 0,
      maxBodyBytes: limit,
      headersTimeoutMillis: 200,
      requestTimeoutMillis: 200
    })
    try {
      const huge = await answers(listening.url, `POST /x HTTP/1.1\r\nhost: x\r\ncontent-length: ${16 * 1024 * 1024 + 1}\r\n\r\n`, 2)
      expect(huge.answers).toHaveLength(1)
      expect(huge.answers[0]!.head).toMatch(/^http\/1\.1 413 /)
      expect(huge.answers[0]!.head).toContain("\r\nconnection: close")
      // The 413 is written at once; the request then runs out of time while its body is dropped.
      const stalled = await answers(listening.url, `POST /x HTTP/1.1\r\nhost: x\r\ncontent-length: ${limit + 10}\r\n\r\nabc`, 2)
      expect(stalled.answers.map((a) => a.head.slice(0, 12))).toEqual(["http/1.1 413"])
    } finally {
      await listening.close()
    }
  })

  it("headers over Node's limit are a 431 problem, and bytes that are not HTTP a 400 problem, both with the safety headers", async () => {
    const listening = await start()
    try {
      const big = await raw(listening.url, `GET / HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${"a".repeat(20_000)}\r\n\r\n`)
      expect(big.head).toMatch(/^http\/1\.1 431 /)
      expect(big.head).toContain("content-type: application/problem+json")
      expect(big.head).toContain("x-content-type-options: nosniff")
      expect(big.head).toContain("cache-control: no-store")
      expect(JSON.parse(big.body)).toMatchObject({ status: 431, code: "headers-too-large" })
      const garbage = await raw(listening.url, "NOT HTTP AT ALL\r\n\r\n")
      expect(garbage.head).toMatch(/^http\/1\.1 400 /)
      expect(JSON.parse(garbage.body)).toMatchObject({ status: 400, code: "malformed-request" })
    } finally {
      await listening.close()
    }
  })
})

// Regression (limits probe 2 and 7): Node's defaults held a connection that sent its request slowly
// (or nothing) for 60-90 s, a body for 5 minutes, and then answered 400 `malformed-request`, "not
// valid HTTP/1.1", even to a connection that had sent no byte; and nothing bounded the connections,
// so 20k idle ones from one client used up the server's file descriptors.
describe("what one client may hold", () => {
  const timeouts = { headersTimeoutMillis: 200, requestTimeoutMillis: 400 }
  const start = (options: Partial<NodeBridge.ListenOptions> = {}) =>
    NodeBridge.listen(async () => new Response("ok"), { port: 0, ...timeouts, ...options })

  it("a request that does not arrive in time is a 408 problem, and a connection that sent nothing is closed unanswered", async () => {
    const listening = await start()
    const accepted: Array<Socket> = []
    listening.server.on("connection", (socket: Socket) => accepted.push(socket))
    const { hostname, port } = new URL(listening.url)
    // Neither reads its answer nor closes its side.
    const deaf = connect(Number(port), hostname, () => deaf.write("GET / HTTP/1.1\r\nhost: x\r\n"))
    try {
      const [headers, body, nothing] = await Promise.all([
        raw(listening.url, "GET / HTTP/1.1\r\nhost: x\r\n"),
        // The headers come in time, the body does not.
        raw(listening.url, "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nabc"),
        raw(listening.url, "")
      ])
      // Every connection is closed on the server's side, the deaf client's too.
      await Promise.all(accepted.map((socket) => (socket.destroyed ? undefined : once(socket, "close"))))
      expect(accepted).toHaveLength(4)
      expect(headers.head).toMatch(/^http\/1\.1 408 /)
      expect(headers.head).toContain("connection: close")
      expect(headers.head).toContain("x-content-type-options: nosniff")
      expect(JSON.parse(headers.body)).toMatchObject({
        type: "https://paymux.dev/problems/request-timeout",
        title: "Request Timeout",
        status: 408,
        code: "request-timeout"
      })
      // One answer, the 408, and no other after it.
      expect(body.head).toMatch(/^http\/1\.1 408 /)
      expect(JSON.parse(body.body)).toMatchObject({ status: 408, code: "request-timeout" })
      expect(nothing).toEqual({ head: "", body: "" })
    } finally {
      deaf.destroy()
      await listening.close()
    }
  })

  it("past maxConnections a new connection is closed unanswered, until one of the others ends", async () => {
    const listening = await start({ maxConnections: 2, headersTimeoutMillis: 60_000, requestTimeoutMillis: 60_000 })
    const accepted: Array<Socket> = []
    const both = new Promise<void>((resolve) =>
      listening.server.on("connection", (socket: Socket) => {
        if (accepted.push(socket) === 2) resolve()
      })
    )
    const { hostname, port } = new URL(listening.url)
    const idle = [connect(Number(port), hostname), connect(Number(port), hostname)]
    try {
      await both
      expect(await get(`${listening.url}/`)).toMatch(/^error /)
      idle[0]!.destroy()
      await once(accepted[0]!, "close")
      expect(await get(`${listening.url}/`)).toBe("200 ok")
    } finally {
      for (const socket of idle) socket.destroy()
      await listening.close()
    }
  })

  it("refuses bounds that are not whole numbers of at least 1, and headers that may take longer than the request", async () => {
    await expect(start({ maxConnections: 0 })).rejects.toThrow("maxConnections must be a whole number of at least 1, got 0")
    await expect(start({ headersTimeoutMillis: 1.5 })).rejects.toThrow(RangeError)
    await expect(start({ headersTimeoutMillis: 500, requestTimeoutMillis: 100 })).rejects.toThrow(
      "headersTimeoutMillis (500) must not be over requestTimeoutMillis (100)"
    )
  })
})
