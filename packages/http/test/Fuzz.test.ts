import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { body, type Fixture, start } from "./fixture.ts"

let f: Fixture
let endpoints: Array<{ method: string; path: string }>

beforeAll(async () => {
  f = await start()
  const doc = await body(await fetch(`${f.url}/openapi.json`))
  const channel = await body(await fetch(`${f.url}/merchants/${f.merchant}/channels`, {
    method: "POST",
    headers: { authorization: f.bearer, "content-type": "application/json" },
    body: JSON.stringify({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] })
  }))
  const values: Record<string, string> = { merchant: f.merchant, channelKey: channel.key, tier: "T01", mode: "test", keyId: "ak_000000000000000000000000", deliveryId: "d1" }
  endpoints = []
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of ["post", "put", "patch"]) {
      // Rotating or revoking the fixture's own key would end the run; they are covered in Flow.
      if (item[method] !== undefined) endpoints.push({ method: method.toUpperCase(), path: path.replace(/\{(\w+)\}/g, (_, p: string) => values[p] ?? p) })
    }
  }
})
afterAll(() => f.close())

const send = (endpoint: { method: string; path: string }, payload: Uint8Array | string) =>
  fetch(`${f.url}${endpoint.path}`, {
    method: endpoint.method,
    headers: { authorization: f.bearer, "content-type": "application/json" },
    body: payload
  })

describe("request bodies", () => {
  it("random JSON to every POST/PUT/PATCH endpoint never gets a 5xx", async () => {
    expect(endpoints.length).toBeGreaterThan(20)
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.jsonValue({ maxDepth: 3 }), async (i, value) => {
        const endpoint = endpoints[i % endpoints.length]!
        const response = await send(endpoint, JSON.stringify(value))
        await response.arrayBuffer()
        expect(response.status, `${endpoint.method} ${endpoint.path} ${JSON.stringify(value)}`).toBeLessThan(500)
      }),
      { numRuns: 400 }
    )
  })

  it("objects with the right keys and random values never get a 5xx", async () => {
    const keys = ["mode", "pg", "mid", "name", "paymentType", "payMethods", "credentials", "url", "rules", "ip", "tier", "members", "policy", "expiresAt", "version", "apiKey", "apiSecret", "channelKey", "groupId", "contentType", "enabled", "denyByDefault"]
    const field = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom("test", "live", "kcp", "kcp.T0000", "window.general", "card", "1.1.1.1/24", "::1", "T01", "strict", "http://127.0.0.1:1/x", ""))
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.dictionary(fc.constantFrom(...keys), field, { maxKeys: 6 }), async (i, value) => {
        const endpoint = endpoints[i % endpoints.length]!
        const response = await send(endpoint, JSON.stringify(value))
        await response.arrayBuffer()
        expect(response.status, `${endpoint.method} ${endpoint.path} ${JSON.stringify(value)}`).toBeLessThan(500)
      }),
      { numRuns: 400 }
    )
  })

  it("random bytes never get a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.uint8Array({ maxLength: 512 }), async (i, bytes) => {
        const endpoint = endpoints[i % endpoints.length]!
        const response = await send(endpoint, bytes)
        await response.arrayBuffer()
        expect(response.status).toBeLessThan(500)
        expect(response.headers.get("content-type") ?? "").toMatch(/json|^$/)
      }),
      { numRuns: 300 }
    )
  })
})
