/**
 * `GET /pg` and `GET /pg/{code}`: the catalog the console draws its forms and cards from, served
 * without credentials, equal to the domain's catalog.
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
    const problem = await response.json()
    expect(problem.code).toBe("not-found")
    expect(problem.detail).toContain("did you mean tosspayments")
  })
})
