import { request } from "node:http"
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
