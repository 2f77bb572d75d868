/**
 * The endpoints the console reads: `GET /pg` and `GET /pg/{code}` (the catalog it draws its forms
 * and cards from, served without credentials, equal to the domain's catalog) and the caller's
 * address as the whitelist judges it.
 */
import { PgCatalog } from "@paymux/domain"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Models } from "../src/index.ts"
import { type Fixture, start } from "./fixture.ts"

let f: Fixture
beforeAll(async () => {
  f = await start()
})
afterAll(() => f.close())

const decodeList = Schema.decodeUnknownSync(Schema.Array(Models.PgView))

describe("GET /pg", () => {
  it("lists every PG of the built-in catalog, by code, without a credential", async () => {
    const response = await fetch(`${f.url}/pg`)
    expect(response.status).toBe(200)
    const body = decodeList(await response.json())
    expect(body.map((p) => p.code)).toEqual(PgCatalog.list(PgCatalog.builtIn).map((p) => p.code))
    expect(body.length).toBeGreaterThan(20)
  })

  it("says which PGs take a PG-provided test MID (Naver Pay, Toss, PayPal)", async () => {
    const body = decodeList(await (await fetch(`${f.url}/pg`)).json())
    const provided = body.filter((p) => p.test.kind === "pg-provided").map((p) => p.code)
    expect(provided).toEqual(expect.arrayContaining(["naverpay", "tosspayments", "paypal_v2"]))
    expect(provided).not.toContain("kcp")
  })
})

describe("GET /pg/{code}", () => {
  it("answers one PG with its credential fields, secret markers and shared test MIDs", async () => {
    const response = await fetch(`${f.url}/pg/kcp`)
    expect(response.status).toBe(200)
    const kcp = Schema.decodeUnknownSync(Models.PgView)(await response.json())
    const expected = PgCatalog.builtIn.providers.get("kcp")!
    expect(kcp.credentialFields).toEqual(expected.credentialFields)
    expect(kcp.credentialFields.some((field) => field.secret)).toBe(true)
    expect(kcp.test.kind).toBe("shared")
  })

  it("answers an unknown code with a 404 problem naming the closest codes", async () => {
    const response = await fetch(`${f.url}/pg/tosspayment`)
    expect(response.status).toBe(404)
    expect(response.headers.get("content-type")).toContain("application/problem+json")
    const problem = (await response.json()) as { code: string; detail: string }
    expect(problem.code).toBe("not-found")
    expect(problem.detail).toContain("did you mean tosspayments")
  })
})

describe("GET /merchants/{merchant}/whitelist/caller", () => {
  it("answers the address the whitelist judges, for the key's own merchant only", async () => {
    const response = await fetch(`${f.url}/merchants/${f.merchant}/whitelist/caller`, { headers: { authorization: f.bearer } })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ip: "127.0.0.1" })
    const other = await fetch(`${f.url}/merchants/imp00000001/whitelist/caller`, { headers: { authorization: f.bearer } })
    expect(other.status).toBe(404)
    const anonymous = await fetch(`${f.url}/merchants/${f.merchant}/whitelist/caller`)
    expect(anonymous.status).toBe(401)
  })

  it("reads X-Forwarded-For only behind a trusted proxy", async () => {
    const proxied = await start({ trustedProxies: ["127.0.0.1/32"] })
    try {
      const headers = { authorization: proxied.bearer, "x-forwarded-for": "203.0.113.9" }
      const response = await fetch(`${proxied.url}/merchants/${proxied.merchant}/whitelist/caller`, { headers })
      expect(await response.json()).toEqual({ ip: "203.0.113.9" })
    } finally {
      await proxied.close()
    }
    const direct = await fetch(`${f.url}/merchants/${f.merchant}/whitelist/caller`, {
      headers: { authorization: f.bearer, "x-forwarded-for": "203.0.113.9" }
    })
    expect(await direct.json()).toEqual({ ip: "127.0.0.1" })
  })
})
