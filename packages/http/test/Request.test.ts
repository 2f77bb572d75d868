/**
 * The request path hands the HttpApi the buffer it read as an `HttpServerRequest` of its own
 * (internal/request.ts): these tests pin what that relies on, so an Effect upgrade that changes
 * how the HttpApi reads a body fails here rather than in production.
 */
import { afterEach, describe, expect, it, vi } from "vitest"
import { body, serving } from "./fixture.ts"

describe("request bodies", () => {
  const server = serving()
  afterEach(() => vi.restoreAllMocks())

  it("a JSON body is parsed once on its way to the decoder", async () => {
    const payload = JSON.stringify({ tier: "P01", name: "parsed once" })
    const parse = vi.spyOn(JSON, "parse")
    const response = await server.f.api.handler(
      new Request(`http://localhost/merchants/${server.f.merchant}/sub-merchants`, {
        method: "POST",
        headers: { authorization: server.f.bearer, "content-type": "application/json" },
        body: payload
      }),
      { remoteAddress: "127.0.0.1" }
    )
    const parsedBody = parse.mock.calls.filter(([text]) => text === payload).length
    parse.mockRestore()
    expect(response.status).toBe(201)
    expect(parsedBody).toBe(1)
    expect((await body(response)).tier).toBe("P01")
  })

  it("a body that is not JSON is a 400 invalid-json problem (the HttpApi's own parse failure, renamed)", async () => {
    const response = await fetch(`${server.f.url}/merchants/${server.f.merchant}/sub-merchants`, {
      method: "POST",
      headers: { authorization: server.f.bearer, "content-type": "application/json" },
      body: '{"tier": '
    })
    expect(response.status).toBe(400)
    expect(response.headers.get("content-type")).toContain("application/problem+json")
    const problem = await body(response)
    expect(problem.code).toBe("invalid-json")
    expect(problem.field).toBe("body")
  })

  it("a body that is not UTF-8 is refused before the HttpApi sees it", async () => {
    const response = await fetch(`${server.f.url}/merchants/${server.f.merchant}/sub-merchants`, {
      method: "POST",
      headers: { authorization: server.f.bearer, "content-type": "application/json" },
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])
    })
    expect(response.status).toBe(400)
    expect((await body(response)).code).toBe("invalid-json")
  })
})
