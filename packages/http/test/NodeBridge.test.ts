import { request } from "node:http"
import { connect } from "node:net"
import { describe, expect, it } from "vitest"
import { NodeBridge } from "../src/index.ts"

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
