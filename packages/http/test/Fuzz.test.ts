import { Memory } from "@paymux/store"
import { Effect } from "effect"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { body, type Fixture, serving, start } from "./fixture.ts"

let f: Fixture
let endpoints: Array<{ method: string; path: string }>

beforeAll(async () => {
  f = await start()
  const doc = await body(await fetch(`${f.url}/openapi.json`))
  const channel = await body(
    await fetch(`${f.url}/merchants/${f.merchant}/channels`, {
      method: "POST",
      headers: { authorization: f.bearer, "content-type": "application/json" },
      body: JSON.stringify({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] })
    })
  )
  const values: Record<string, string> = {
    merchant: f.merchant,
    channelKey: channel.key,
    tier: "T01",
    mode: "test",
    keyId: "ak_000000000000000000000000",
    deliveryId: "d1"
  }
  endpoints = []
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of ["post", "put", "patch"]) {
      // Rotating or revoking the fixture's own key would end the run; they are covered in Flow.
      if (item[method] !== undefined)
        endpoints.push({ method: method.toUpperCase(), path: path.replace(/\{(\w+)\}/g, (_, p: string) => values[p] ?? p) })
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
  }, 120_000)

  it("objects with the right keys and random values never get a 5xx", async () => {
    const keys = [
      "mode",
      "pg",
      "mid",
      "name",
      "paymentType",
      "payMethods",
      "credentials",
      "url",
      "rules",
      "ip",
      "tier",
      "members",
      "policy",
      "expiresAt",
      "version",
      "apiKey",
      "apiSecret",
      "channelKey",
      "groupId",
      "contentType",
      "enabled",
      "denyByDefault"
    ]
    const field = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(
        "test",
        "live",
        "kcp",
        "kcp.T0000",
        "window.general",
        "card",
        "1.1.1.1/24",
        "::1",
        "T01",
        "strict",
        "http://127.0.0.1:1/x",
        ""
      )
    )
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.dictionary(fc.constantFrom(...keys), field, { maxKeys: 6 }), async (i, value) => {
        const endpoint = endpoints[i % endpoints.length]!
        const response = await send(endpoint, JSON.stringify(value))
        await response.arrayBuffer()
        expect(response.status, `${endpoint.method} ${endpoint.path} ${JSON.stringify(value)}`).toBeLessThan(500)
      }),
      { numRuns: 400 }
    )
  }, 120_000)

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
  }, 120_000)
})

/**
 * Whole requests: any method, a path from the API's own templates with each parameter and the
 * query drawn at random (or a random path), random headers (credentials good and bad, `Tier`,
 * `X-Forwarded-For`, media types, `Idempotency-Key`) and random bodies. The only 5xx allowed is
 * the documented 503 `store-unavailable`, and only after the test made a store write fail.
 */
describe("whole requests", () => {
  const server = serving({ authCacheTtlMillis: 0 })
  let templates: Array<string> = []
  beforeAll(async () => {
    const doc = await body(await fetch(`${server.f.url}/openapi.json`))
    templates = Object.keys(doc.paths)
  })

  // fetch refuses these methods itself.
  const forbidden = new Set(["CONNECT", "TRACE", "TRACK"])
  const method = fc.oneof(
    fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
    fc.stringMatching(/^[A-Z]{1,10}$/).filter((m) => !forbidden.has(m))
  )
  const printable = (maxLength: number) =>
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength })
  const segment = fc.oneof(
    fc.constantFrom("imp10000000", "imp00000000", "T01", "test", "live", "ak_000000000000000000000000", "..", ".", "%00", "%2F", "%ZZ", ""),
    fc.string({ maxLength: 40 }).map(encodeURIComponent),
    fc.string({ minLength: 300, maxLength: 2000 }).map(encodeURIComponent)
  )
  const query = fc.option(
    fc.dictionary(fc.constantFrom("limit", "action", "mode", "x", "limit[]"), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
    { nil: undefined }
  )
  const path = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.nat(), fc.array(segment, { minLength: 5, maxLength: 5 }), fc.boolean()) },
    { weight: 1, arbitrary: fc.array(segment, { maxLength: 6 }).map((parts) => [-1, parts, false] as const) }
  )
  const headers = fc.record(
    {
      authorization: fc.option(
        fc.oneof(
          fc.constant("valid"),
          fc.constant("Bearer "),
          fc.constant("Bearer at_x"),
          printable(80).map((s) => `Bearer ${s}`),
          printable(40)
        ),
        { nil: undefined }
      ),
      tier: fc.option(fc.oneof(fc.constantFrom("T01", "t01", "ZZZ", ""), printable(10)), { nil: undefined }),
      "x-forwarded-for": fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), printable(60)), { nil: undefined }),
      "content-type": fc.option(
        fc.oneof(
          fc.constantFrom(
            "application/json",
            "application/merge-patch+json",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/json; charset=latin1"
          ),
          printable(40)
        ),
        { nil: undefined }
      ),
      "idempotency-key": fc.option(fc.oneof(printable(20), fc.constant(""), printable(300)), { nil: undefined })
    },
    { requiredKeys: [] }
  )
  const payload = fc.option(
    fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .dictionary(
          fc.constantFrom("tier", "name", "rules", "ip", "mode", "pg", "url", "policy", "expiresAt", "version", "members"),
          fc.jsonValue({ maxDepth: 2 }),
          { maxKeys: 4 }
        )
        .map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 300 }),
      fc.constant("[".repeat(5000))
    ),
    { nil: undefined }
  )
  const storeFails = fc.nat({ max: 49 }).map((n) => n === 0)

  it("a few thousand random requests: no 5xx but a 503 from a failed store write", async () => {
    const f = server.f
    let armed = 0
    let unavailable = 0
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(method, path, query, headers, payload, storeFails, async (m, [template, parts, fill], q, h, data, fail) => {
        const base =
          template < 0
            ? `/${parts.join("/")}`
            : templates[template % templates.length]!.replace(/\{(\w+)\}/g, (_, name: string) => {
                const next = parts.shift() ?? ""
                return fill && name === "merchant" ? f.merchant : next
              })
        const url = `${f.url}${base}${q === undefined ? "" : `?${new URLSearchParams(q)}`}`
        const sent: Record<string, string> = {}
        for (const [name, value] of Object.entries(h)) if (value !== undefined) sent[name] = value
        if (sent["authorization"] === "valid") sent["authorization"] = f.bearer
        if (fail) {
          await f.run(Effect.flatMap(Effect.service(Memory.MemoryInspector), (i) => i.failNextWrite))
          armed++
        }
        const withBody = data !== undefined && m !== "GET" && m !== "HEAD"
        const response = await fetch(url, { method: m, headers: sent, ...(withBody ? { body: data } : {}) })
        const text = await response.text()
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
        const what = `${m} ${base} ${JSON.stringify(sent)} -> ${response.status} ${text.slice(0, 300)}`
        if (response.status >= 500) {
          expect(response.status, what).toBe(503)
          expect(JSON.parse(text).code, what).toBe("store-unavailable")
          unavailable++
          expect(unavailable, what).toBeLessThanOrEqual(armed)
        }
        if (text !== "" && m !== "HEAD") expect(response.headers.get("content-type") ?? "", what).toMatch(/json|html/)
      }),
      { numRuns: 3000 }
    )
    expect(armed).toBeGreaterThan(0)
    // The run reached the endpoints, not only the front door.
    expect([...statuses.keys()].filter((s) => s >= 200 && s < 300).length).toBeGreaterThan(0)
    expect(statuses.get(401) ?? 0).toBeGreaterThan(0)
  }, 600_000)
})
