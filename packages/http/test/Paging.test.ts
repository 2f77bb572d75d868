// Regression (scale probe, finding 4): `GET …/webhooks/deliveries` and `GET …/audit` answered only
// their newest page (at most 500 rows); `?after=` (the last id of the page before) reads the rest.
import { Webhooks, WebhookEndpoints, Whitelists } from "@paymux/admin"
import { describe, expect, it } from "vitest"
import { body, serving } from "./fixture.ts"

const s = serving()
/** A request under the fixture merchant's path, with its bearer. */
const call = (path: string) => s.call(`/merchants/${s.f.merchant}${path}`)

/** Every page of `path` at `limit` a page, each after the last id of the one before. */
const allPages = async (path: string, limit: number, idOf: (row: any) => string) => {
  const seen: Array<string> = []
  let after: string | undefined
  for (let pages = 0; pages < 50; pages++) {
    const cursor = after === undefined ? "" : `&after=${encodeURIComponent(after)}`
    const answer = await call(`${path}${path.includes("?") ? "&" : "?"}limit=${limit}${cursor}`)
    expect(answer.status).toBe(200)
    const page: Array<any> = await body(answer)
    seen.push(...page.map(idOf))
    if (page.length < limit) return seen
    after = idOf(page[page.length - 1])
  }
  return expect.fail(`paging ${path} by ${limit} never ended (is after ignored?); read ${seen.length} rows`)
}

describe("paging through history over HTTP", () => {
  it("GET …/webhooks/deliveries?after= reads every delivery once; an unknown cursor is a 404", async () => {
    await s.f.run(WebhookEndpoints.set({ merchant: s.f.merchant, mode: "test", url: "https://shop.example/hook" }))
    for (let i = 0; i < 5; i++) {
      await s.f.run(Webhooks.emit({ merchant: s.f.merchant, mode: "test", eventType: "Transaction.Paid", payload: `{"n":${i}}` }))
    }
    const newestFirst = ((await body(await call("/webhooks/deliveries"))) as Array<any>).map((h) => h.delivery.id)
    expect(newestFirst).toHaveLength(5)
    for (const limit of [1, 2, 5]) {
      expect(await allPages("/webhooks/deliveries", limit, (h) => h.delivery.id), `pages of ${limit}`).toEqual(newestFirst)
    }
    const unknown = await call("/webhooks/deliveries?after=no-such-delivery")
    expect([unknown.status, (await body(unknown)).code]).toEqual([404, "not-found"])
  })

  it("GET …/audit?after= reads every entry once, with and without action; an unknown cursor is a 404", async () => {
    // The test's own address first: a list without it refuses the calls below (403, and a
    // whitelist.deny entry in the very trail being paged) once the server sees the change.
    await s.f.run(Whitelists.set(s.f.merchant, ["127.0.0.1/32", "::1/128"]))
    for (let i = 0; i < 4; i++) await s.f.run(Whitelists.add(s.f.merchant, [`10.1.0.${i}/32`]))
    const newestFirst = ((await body(await call("/audit?limit=500"))) as Array<any>).map((e) => e.id)
    const added = ((await body(await call("/audit?limit=500&action=whitelist.add"))) as Array<any>).map((e) => e.id)
    expect(added).toHaveLength(4)
    for (const limit of [1, 3, 4]) {
      expect(await allPages("/audit", limit, (e) => e.id), `pages of ${limit}`).toEqual(newestFirst)
      expect(await allPages("/audit?action=whitelist.add", limit, (e) => e.id), `whitelist.add, pages of ${limit}`).toEqual(added)
    }
    const unknown = await call("/audit?after=no-such-entry")
    expect([unknown.status, (await body(unknown)).code]).toEqual([404, "not-found"])
  })

  it("the OpenAPI document states the cursor of both listings", async () => {
    const doc = await body(await fetch(`${s.f.url}/openapi.json`))
    for (const path of ["/merchants/{merchant}/webhooks/deliveries", "/merchants/{merchant}/audit"]) {
      const after = (doc.paths[path].get.parameters as Array<any>).find((p) => p.name === "after")
      expect(after, path).toMatchObject({ in: "query", required: false, schema: { type: "string" } })
      expect(after.schema.description, path).toContain("page before")
    }
  })
})
