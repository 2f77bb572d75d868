/**
 * Admin's AccessCache (the handler's) keeps keys, verified secrets and whitelist rules for a short time. Changes made
 * through the handler must apply to the very next call; changes made elsewhere (another process,
 * here: the store directly) apply when the entry expires. The handlers here keep entries for a
 * minute, so only invalidation can explain a change seen at once (no timing is asserted).
 */
import { ApiKeys, Whitelists } from "@paymux/admin"
import { Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { body, client, type Fixture, start } from "./fixture.ts"

const inside = { "x-forwarded-for": "198.51.100.7" }
const outside = { "x-forwarded-for": "203.0.113.9" }

describe("auth and whitelist caches, invalidated by this handler's own writes", () => {
  let f: Fixture
  let call: ReturnType<typeof client>
  beforeAll(async () => {
    f = await start({ trustedProxies: ["127.0.0.1/32"], authCacheTtlMillis: 60_000 })
    call = client(f)
  })
  afterAll(() => f.close())
  const m = () => `/merchants/${f.merchant}`

  it("rotating a key refuses its old secret and old token at once", async () => {
    const issued = await body(await call(`${m()}/api-keys`, { body: { name: "cached" } }))
    const old = `Bearer ${issued.key.id}.${issued.secret}`
    const token = (await body(await call("/auth/token", { body: { apiKey: issued.key.id, apiSecret: issued.secret } }))).accessToken
    // Twice each: the second call is answered from the cache.
    for (let i = 0; i < 2; i++) {
      expect((await call("/merchants", { auth: old })).status).toBe(200)
      expect((await call("/merchants", { auth: `Bearer ${token}` })).status).toBe(200)
    }
    const rotated = await call(`${m()}/api-keys/${issued.key.id}/rotate`, { body: {}, auth: old })
    expect(rotated.status).toBe(200)
    const secret = (await body(rotated)).secret
    expect((await call("/merchants", { auth: old })).status).toBe(401)
    expect((await call("/merchants", { auth: `Bearer ${token}` })).status).toBe(401)
    expect((await call("/merchants", { auth: `Bearer ${issued.key.id}.${secret}` })).status).toBe(200)
  })

  it("revoking a key refuses it at once, also when it revokes itself", async () => {
    const issued = await body(await call(`${m()}/api-keys`, { body: { name: "revoked" } }))
    const bearer = `Bearer ${issued.key.id}.${issued.secret}`
    expect((await call("/merchants", { auth: bearer })).status).toBe(200)
    expect((await call("/merchants", { auth: bearer })).status).toBe(200)
    expect((await call(`${m()}/api-keys/${issued.key.id}`, { method: "DELETE", auth: bearer })).status).toBe(200)
    expect((await call("/merchants", { auth: bearer })).status).toBe(401)
  })

  it("a whitelist change is enforced on the next call: set, add, remove", async () => {
    // Cached as "not enforced" first.
    expect((await call("/merchants", { headers: outside })).status).toBe(200)
    expect((await call("/merchants", { headers: outside })).status).toBe(200)
    expect((await call(`${m()}/whitelist`, { method: "PUT", body: { rules: ["198.51.100.0/24"] }, headers: inside })).status).toBe(200)
    expect((await call("/merchants", { headers: outside })).status).toBe(403)
    expect((await call("/merchants", { headers: inside })).status).toBe(200)
    expect((await call(`${m()}/whitelist/add`, { body: { rules: ["203.0.113.0/24"] }, headers: inside })).status).toBe(200)
    expect((await call("/merchants", { headers: outside })).status).toBe(200)
    expect((await call(`${m()}/whitelist/remove`, { body: { rules: ["203.0.113.0/24"] }, headers: inside })).status).toBe(200)
    expect((await call("/merchants", { headers: outside })).status).toBe(403)
    expect((await call(`${m()}/whitelist`, { method: "PUT", body: { rules: [] }, headers: inside })).status).toBe(200)
    expect((await call("/merchants", { headers: outside })).status).toBe(200)
  })

  it("deny-by-default set through the handler applies at once", async () => {
    expect((await call("/merchants", { headers: inside })).status).toBe(200)
    const set = await call(`${m()}/whitelist`, { method: "PUT", body: { rules: [], denyByDefault: true }, headers: inside })
    expect(set.status).toBe(200)
    expect((await call("/merchants", { headers: inside })).status).toBe(403)
    // An unlock made outside this handler (the CLI, another process) arrives through the store's
    // change feed (admin's CacheSync, 250 ms polling here), well before the 60 s cache entry ends.
    await f.run(Whitelists.setDenyByDefault(f.merchant, false))
    const started = Date.now()
    while ((await call("/merchants", { headers: inside })).status === 403) {
      expect(Date.now() - started).toBeLessThan(2_000)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  })
})

describe("changes made outside the handler (another process)", () => {
  it("apply when the cache entry expires: kept for the cache time, at once without a cache", async () => {
    const cached = await start({ trustedProxies: ["127.0.0.1/32"], authCacheTtlMillis: 60_000 })
    const uncached = await start({ trustedProxies: ["127.0.0.1/32"], authCacheTtlMillis: 0 })
    try {
      for (const f of [cached, uncached]) {
        const call = client(f)
        expect((await call("/merchants", { headers: outside })).status).toBe(200)
        await f.run(Whitelists.set(f.merchant, ["198.51.100.0/24"]))
        await f.run(ApiKeys.rotate(f.merchant, f.keyId))
      }
      // The cached handler still answers from what it read before the changes...
      expect((await client(cached)("/merchants", { headers: outside })).status).toBe(200)
      // ...the uncached one sees the rotation (401) and, with a valid secret, the whitelist (403).
      expect((await client(uncached)("/merchants", { headers: outside })).status).toBe(401)
      const fresh = await uncached.run(ApiKeys.rotate(uncached.merchant, uncached.keyId))
      const bearer = `Bearer ${uncached.keyId}.${Redacted.value(fresh.secret)}`
      expect((await client(uncached)("/merchants", { headers: outside, auth: bearer })).status).toBe(403)
      expect((await client(uncached)("/merchants", { headers: inside, auth: bearer })).status).toBe(200)
    } finally {
      await cached.close()
      await uncached.close()
    }
  })
})
