import { Channels, ErrorCatalog, Merchants } from "@paymux/admin"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Problem } from "../src/index.ts"
import { body, type Fixture, start } from "./fixture.ts"

const catalogued = ErrorCatalog.codes.filter((c): c is Exclude<ErrorCatalog.Code, "internal"> => c !== "internal")

describe("problems of admin failures come from the error table", () => {
  it("every code answers with its row's status, a type ending in the code, the code and retryable", () => {
    for (const code of catalogued) {
      const problem = Problem.fromError(ErrorCatalog.example(code))
      const entry = ErrorCatalog.entry(code)
      expect(problem, code).toBeInstanceOf(Problem.catalogProblems[code])
      expect(problem.code).toBe(code)
      expect(problem.status, code).toBe(entry.status)
      expect(problem.title, code).toBe(entry.title)
      expect(problem.type).toBe(`https://paymux.dev/problems/${code}`)
      expect(problem.retryable, code).toBe(entry.retryable)
      const wire = Schema.encodeUnknownSync(Problem.catalogProblems[code])(problem) as Record<string, unknown>
      expect(wire, code).toMatchObject({ type: ErrorCatalog.problemType(code), status: entry.status, code, retryable: entry.retryable })
    }
  })

  it("carries the typed extensions of the codes that have them", () => {
    expect(Problem.fromError(ErrorCatalog.example("invalid-input"))).toMatchObject({ field: "merchant" })
    expect(Problem.fromError(ErrorCatalog.example("invalid-cidr"))).toMatchObject({ field: "rules.0" })
    expect(Problem.fromError(ErrorCatalog.example("invalid-pg"))).toMatchObject({ field: "pg", suggestions: ["kcp"] })
    expect(Problem.fromError(ErrorCatalog.example("rule-violation"))).toMatchObject({ rule: "test-mid-required" })
    expect(Problem.fromError(ErrorCatalog.example("channel-not-found")).rejected?.[0]?.reason).toBe("pay-method-unsupported")
  })

  it("keeps the store's and the configuration's inner words out of the answer", () => {
    expect(Problem.fromError(ErrorCatalog.example("store-unavailable")).detail).not.toContain("connection refused")
    expect(Problem.fromError(ErrorCatalog.example("configuration")).detail).not.toContain("PAYMUX_PEPPER")
    expect(Problem.fromError(ErrorCatalog.example("store-corrupt")).detail).not.toContain("decrypt")
    expect(Problem.fromError(ErrorCatalog.example("outcome-unknown")).detail).not.toContain("Connection is closed")
  })

  it("tells a resolution miss (an answer) from a failure of the call", () => {
    expect(catalogued.filter(Problem.isResolutionMiss).sort()).toEqual(
      ["channel-not-found", "invalid-pg", "no-channel-configured", "unknown-merchant", "unknown-tier"].sort()
    )
    expect(Problem.isResolutionMiss("bad-request")).toBe(false)
  })
})

describe("problem responses over HTTP (first-use #33)", () => {
  let f: Fixture
  beforeAll(async () => {
    f = await start()
  })
  afterAll(() => f.close())

  const post = (path: string, payload: string) =>
    fetch(`${f.url}/merchants/${f.merchant}${path}`, {
      method: "POST",
      headers: { authorization: f.bearer, "content-type": "application/json" },
      body: payload
    })

  it("a resolve miss has type .../channel-not-found, the same as its code", async () => {
    await f.run(Merchants.setPolicy(f.merchant, "strict"))
    await f.run(Channels.add({ merchant: f.merchant, mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] }))
    const miss = await post("/resolve", JSON.stringify({ mode: "test", pg: "kcp", payMethod: "phone" }))
    expect(miss.status).toBe(404)
    expect(miss.headers.get("content-type")).toContain("application/problem+json")
    const problem = await body(miss)
    expect(problem).toMatchObject({
      type: "https://paymux.dev/problems/channel-not-found",
      code: "channel-not-found",
      status: 404,
      retryable: false
    })
    expect(problem.rejected[0].reason).toBe("pay-method-unsupported")
  })

  it("an unknown pg answers 400 with type .../invalid-pg and the suggestions", async () => {
    const bad = await post("/resolve", JSON.stringify({ mode: "test", pg: "kcp ", payMethod: "card" }))
    expect(bad.status).toBe(400)
    expect(await body(bad)).toMatchObject({ type: "https://paymux.dev/problems/invalid-pg", code: "invalid-pg", field: "pg" })
  })

  it("a credential that does not authenticate gets the table's unauthenticated problem, type and all", async () => {
    const bad = await fetch(`${f.url}/merchants`, { headers: { authorization: "Bearer ak_000000000000000000000000.sk_nope" } })
    expect(bad.status).toBe(401)
    expect(await body(bad)).toMatchObject({ type: ErrorCatalog.problemType("unauthenticated"), code: "unauthenticated", retryable: false })
  })

  it("a body that is not JSON is a 400 with code invalid-json (a transport answer: its type is bad-request)", async () => {
    const bad = await post("/resolve", "{not json")
    expect(bad.status).toBe(400)
    expect(await body(bad)).toMatchObject({ type: "https://paymux.dev/problems/bad-request", code: "invalid-json", field: "body" })
  })

  it("the HTTP layer's own answers share one type per status: invalid-json is bad-request however the body failed", async () => {
    const base = ErrorCatalog.problemTypeBase
    const notUtf8 = await fetch(`${f.url}/merchants/${f.merchant}/resolve`, {
      method: "POST",
      headers: { authorization: f.bearer, "content-type": "application/json" },
      body: new Uint8Array([0x7b, 0xff, 0x7d])
    })
    expect([notUtf8.status, await body(notUtf8)]).toMatchObject([
      400,
      { type: `${base}bad-request`, title: ErrorCatalog.titleOf(400), code: "invalid-json" }
    ])
    const noRoute = await fetch(`${f.url}/nowhere`, { headers: { authorization: f.bearer } })
    expect([noRoute.status, await body(noRoute)]).toMatchObject([
      404,
      { type: `${base}not-found`, title: ErrorCatalog.titleOf(404), code: "route-not-found" }
    ])
    // Regression (HTTP probe): a path segment over 100 characters answered "no endpoint" for a
    // route that exists, quoting the whole path back (10 kB of it).
    const longId = await fetch(`${f.url}/merchants/${f.merchant}/channels/${"x".repeat(101)}`, { headers: { authorization: f.bearer } })
    expect([longId.status, (await body(longId)).code]).toEqual([400, "invalid-input"])
    const longPath = await fetch(`${f.url}/nowhere/${"y".repeat(10_000)}`, { headers: { authorization: f.bearer } })
    const longProblem = await body(longPath)
    expect([longPath.status, longProblem.code]).toEqual([404, "route-not-found"])
    expect(longProblem.detail.length).toBeLessThan(300)
    const big = await post("/resolve", `"${"x".repeat(1024 * 1024)}"`)
    expect([big.status, await body(big)]).toMatchObject([
      413,
      { type: `${base}content-too-large`, title: ErrorCatalog.titleOf(413), code: "body-too-large" }
    ])
  })

  it("the OpenAPI document declares the problem type of every code", async () => {
    const doc = JSON.stringify(await body(await fetch(`${f.url}/openapi.json`)))
    for (const code of catalogued) expect(doc, code).toContain(ErrorCatalog.problemType(code))
  })
})
