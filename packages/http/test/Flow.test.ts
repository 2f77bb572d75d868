import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { ApiKeys, Merchants } from "@paymux/admin"
import { AuditLog } from "@paymux/store"
import { Effect, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { body, type Fixture, start } from "./fixture.ts"

let f: Fixture
let receiver: Server
const received: Array<{ headers: Record<string, unknown>; body: string }> = []

beforeAll(async () => {
  f = await start({ trustedProxies: ["127.0.0.1/32"] })
  receiver = createServer((req, res) => {
    let data = ""
    req.on("data", (c) => (data += c))
    req.on("end", () => {
      received.push({ headers: req.headers, body: data })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r))
})
afterAll(async () => {
  await f.close()
  await new Promise((r) => receiver.close(r))
})

const call = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; auth?: string | null } = {}) =>
  fetch(`${f.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(init.auth === null ? {} : { authorization: init.auth ?? f.bearer }),
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers
    },
    ...(init.body === undefined ? {} : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) })
  })

const m = () => `/merchants/${f.merchant}`

describe("auth", () => {
  it("exchanges a key for a token, returns the same token again, and accepts it as a bearer", async () => {
    const first = await call("/auth/token", { auth: null, body: { apiKey: f.keyId, apiSecret: f.secret } })
    expect(first.status).toBe(200)
    const a = await body(first)
    expect(a.accessToken).toMatch(/^at_/)
    expect(a.expiresAt - a.now).toBe(30 * 60_000)
    const b = await body(await call("/auth/token", { auth: null, body: { apiKey: f.keyId, apiSecret: f.secret } }))
    expect(b.accessToken).toBe(a.accessToken)
    const me = await call("/merchants", { auth: `Bearer ${a.accessToken}` })
    expect(me.status).toBe(200)
    expect((await body(me))[0].code).toBe(f.merchant)
  })

  it("signs out: DELETE /auth/token ends the key's token, not the key", async () => {
    const issued = await body(await call(`${m()}/api-keys`, { body: { name: "signing out" } }))
    const exchange = () => call("/auth/token", { auth: null, body: { apiKey: issued.key.id, apiSecret: issued.secret } })
    const token = (await body(await exchange())).accessToken
    // Another key's token lives on: signing out ends the caller's own.
    const other = (await body(await call("/auth/token", { auth: null, body: { apiKey: f.keyId, apiSecret: f.secret } }))).accessToken
    const out = await call("/auth/token", { method: "DELETE", auth: `Bearer ${token}` })
    expect(out.status).toBe(204)
    expect((await call("/merchants", { auth: `Bearer ${token}` })).status).toBe(401)
    expect((await call("/auth/token", { method: "DELETE", auth: `Bearer ${token}` })).status).toBe(401)
    expect((await call("/merchants", { auth: `Bearer ${other}` })).status).toBe(200)
    expect((await call("/merchants", { auth: `Bearer ${issued.key.id}.${issued.secret}` })).status).toBe(200)
    const again = (await body(await exchange())).accessToken
    expect(again).not.toBe(token)
    // Signing out with the key and secret ends the key's token too.
    expect((await call("/auth/token", { method: "DELETE", auth: `Bearer ${issued.key.id}.${issued.secret}` })).status).toBe(204)
    expect((await call("/merchants", { auth: `Bearer ${again}` })).status).toBe(401)
  })

  it("gives a key that expires within 30 minutes a token that ends with it", async () => {
    const expiresAt = Date.now() + 120_000
    const short = await body(await call(`${m()}/api-keys`, { body: { name: "two minutes", expiresAt } }))
    const token = await body(await call("/auth/token", { auth: null, body: { apiKey: short.key.id, apiSecret: short.secret } }))
    expect(token.expiresAt).toBe(expiresAt)
  })

  it("answers 401 with the same problem whatever part is wrong", async () => {
    const shapes = [
      await call("/merchants", { auth: `Bearer ${f.keyId}.sk_wrong` }),
      await call("/merchants", { auth: `Bearer ak_${"0".repeat(24)}.${f.secret}` }),
      await call("/merchants", { auth: "Bearer at_nope" }),
      await call("/merchants", { auth: null }),
      await call("/auth/token", { auth: null, body: { apiKey: f.keyId, apiSecret: "sk_wrong" } })
    ]
    const bodies = await Promise.all(
      shapes.map(async (r) => ({ status: r.status, type: r.headers.get("content-type"), body: await body(r) }))
    )
    for (const b of bodies) {
      expect(b.status).toBe(401)
      expect(b.type).toContain("application/problem+json")
      expect(b.body).toEqual(bodies[0]!.body)
    }
  })

  it("rotation ends the old secret and its tokens at once; revocation ends the key", async () => {
    const issued = await body(await call(`${m()}/api-keys`, { body: { name: "rotating" } }))
    expect(issued.secret).toMatch(/^sk_/)
    const bearer = `Bearer ${issued.key.id}.${issued.secret}`
    const token = (await body(await call("/auth/token", { auth: null, body: { apiKey: issued.key.id, apiSecret: issued.secret } })))
      .accessToken
    const listed = await (await call(`${m()}/api-keys`)).text()
    expect(listed).not.toContain(issued.secret)
    const rotated = await body(await call(`${m()}/api-keys/${issued.key.id}/rotate`, { body: {} }))
    expect((await call("/merchants", { auth: bearer })).status).toBe(401)
    expect((await call("/merchants", { auth: `Bearer ${token}` })).status).toBe(401)
    expect((await call("/merchants", { auth: `Bearer ${issued.key.id}.${rotated.secret}` })).status).toBe(200)
    expect((await call(`${m()}/api-keys/${issued.key.id}`, { method: "DELETE" })).status).toBe(200)
    expect((await call("/merchants", { auth: `Bearer ${issued.key.id}.${rotated.secret}` })).status).toBe(401)
  })

  it("hides other merchants: 404, not 403", async () => {
    await f.run(Merchants.create({ name: "Other", code: "imp99999999" }))
    for (const path of ["/merchants/imp99999999", "/merchants/imp99999999/channels", "/merchants/imp99999999/whitelist"]) {
      const r = await call(path)
      expect(r.status).toBe(404)
      expect((await body(r)).code).toBe("not-found")
    }
    const other = await f.run(ApiKeys.issue({ merchant: "imp99999999", name: "other" }))
    const r = await call(`${m()}/channels`, { auth: `Bearer ${other.key.id}.${Redacted.value(other.secret)}` })
    expect(r.status).toBe(404)
  })
})

describe("channels, tiers and resolve", () => {
  let kcp: string
  it("adds, lists, edits, disables, enables and sets the default", async () => {
    const added = await call(`${m()}/channels`, {
      body: { mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card", "vbank"] }
    })
    expect(added.status).toBe(201)
    const channel = await body(added)
    kcp = channel.key
    expect(channel.mid).toBe("AO09C")
    const list = await body(await call(`${m()}/channels?mode=test`))
    expect(list.map((c: { key: string }) => c.key)).toContain(kcp)
    const edited = await call(`${m()}/channels/${kcp}`, { method: "PATCH", body: { name: "KCP cards", version: 0 } })
    expect(edited.status).toBe(200)
    expect((await body(edited)).name).toBe("KCP cards")
    const stale = await call(`${m()}/channels/${kcp}`, { method: "PATCH", body: { name: "Again", version: 0 } })
    expect(stale.status).toBe(409)
    expect((await body(stale)).code).toBe("conflict")
    expect((await body(await call(`${m()}/channels/${kcp}/disable`, { body: {} }))).enabled).toBe(false)
    const refused = await call(`${m()}/channels/${kcp}/default`, { body: {} })
    expect(refused.status).toBe(422)
    expect((await body(refused)).rule).toBe("default-disabled")
    expect((await body(await call(`${m()}/channels/${kcp}/enable`, { body: {} }))).enabled).toBe(true)
    expect((await body(await call(`${m()}/channels/${kcp}/default`, { body: {} }))).defaultChannels.test).toBe(kcp)
  })

  it("names the field of a domain rule and of a wrong type", async () => {
    const live = await call(`${m()}/channels`, { body: { mode: "live", pg: "kcp", paymentType: "window.general", payMethods: ["card"] } })
    expect(live.status).toBe(400)
    expect((await body(live)).field).toBe("mid")
    const wrongType = await call(`${m()}/channels`, { body: { mode: "test", pg: 42, paymentType: "window.general", payMethods: ["card"] } })
    expect(wrongType.status).toBe(400)
    expect((await body(wrongType)).field).toBe("pg")
  })

  it("resolves, falls back, and lists rejected candidates on a miss", async () => {
    const hitResponse = await call(`${m()}/resolve`, { body: { mode: "test", pg: "kcp", payMethod: "card" } })
    const hit = await body(hitResponse)
    expect(hitResponse.status, JSON.stringify(hit)).toBe(200)
    expect(hit.channel.key).toBe(kcp)
    const fallback = await body(await call(`${m()}/resolve`, { body: { mode: "test", pg: "kcp.NOPE" } }))
    expect(fallback.fellBack.reason).toBe("pg-unmatched")
    await call(m(), { method: "PATCH", body: { policy: "strict" } })
    const miss = await call(`${m()}/resolve`, { body: { mode: "test", pg: "kcp.NOPE" } })
    expect(miss.status).toBe(404)
    const problem = await body(miss)
    expect(problem.code).toBe("channel-not-found")
    expect(problem.rejected[0].reason).toBe("mid-differs")
  })

  it("acts for a tier with the Tier header; an unknown tier is 404", async () => {
    expect((await call(`${m()}/sub-merchants`, { body: { tier: "T01" } })).status).toBe(201)
    const unknown = await call(`${m()}/resolve`, { body: { mode: "test" }, headers: { tier: "ZZZ" } })
    expect(unknown.status).toBe(404)
    expect((await body(unknown)).code).toBe("unknown-tier")
    expect(await body(await call(`${m()}/channels`, { headers: { tier: "T01" } }))).toEqual([])
    expect((await call(`${m()}/sub-merchants/T01/channels/${kcp}`, { method: "PUT" })).status).toBe(200)
    const resolved = await body(await call(`${m()}/resolve`, { body: { mode: "test", pg: "kcp" }, headers: { tier: "T01" } }))
    expect(resolved.channel.key).toBe(kcp)
  })

  // Regression (security re-probe): a 15 KB Tier header came back whole in the problem, and a
  // 300 KB pg three times over.
  it("quotes no more of an unknown tier header than its start, and refuses request text over 100 characters", async () => {
    const unknown = await call(`${m()}/resolve`, { body: { mode: "test" }, headers: { tier: "X".repeat(15_000) } })
    expect(unknown.status).toBe(404)
    expect((await unknown.text()).length).toBeLessThan(1_000)
    for (const field of ["pg", "tier", "channelKey", "groupId", "payMethod"]) {
      const long = await call(`${m()}/resolve`, { body: { mode: "test", [field]: "k".repeat(300_000) } })
      expect(long.status, field).toBe(400)
      expect((await long.text()).length, field).toBeLessThan(1_000)
    }
  })

  it("deletes a channel; with ?version= only if nobody changed it since", async () => {
    const added = await body(
      await call(`${m()}/channels`, { body: { mode: "test", pg: "html5_inicis", paymentType: "window.general", payMethods: ["card"] } })
    )
    const edited = await body(await call(`${m()}/channels/${added.key}`, { method: "PATCH", body: { name: "renamed" } }))
    const stale = await call(`${m()}/channels/${added.key}?version=${added.version}`, { method: "DELETE" })
    expect(stale.status).toBe(409)
    expect((await call(`${m()}/channels/${added.key}`)).status).toBe(200)
    expect((await call(`${m()}/channels/${added.key}?version=${edited.version}`, { method: "DELETE" })).status).toBe(204)
    expect((await call(`${m()}/channels/${added.key}`)).status).toBe(404)
  })

  // Regression (concurrency probe): a PATCH with a stale If-Match was applied (200), overwriting
  // the newer edit; the API checks `version` only, so a conditional change is refused instead.
  it("refuses a change sent with If-Match or If-Unmodified-Since, changing nothing; reads may carry them", async () => {
    const added = await body(
      await call(`${m()}/channels`, { body: { mode: "test", pg: "kicc", paymentType: "window.general", payMethods: ["card"] } })
    )
    const edited = await body(await call(`${m()}/channels/${added.key}`, { method: "PATCH", body: { name: "newer" } }))
    const stale = await call(`${m()}/channels/${added.key}`, { method: "PATCH", body: { name: "stale" }, headers: { "if-match": '"0"' } })
    expect(stale.status).toBe(400)
    expect(await body(stale)).toMatchObject({ code: "precondition-unsupported", field: "if-match" })
    const since = { "if-unmodified-since": new Date(0).toUTCString() }
    const removed = await call(`${m()}/channels/${added.key}`, { method: "DELETE", headers: since })
    expect([removed.status, (await body(removed)).field]).toEqual([400, "if-unmodified-since"])
    const now = await call(`${m()}/channels/${added.key}`, { headers: { "if-match": '"0"' } })
    expect(now.status).toBe(200)
    expect(await body(now)).toMatchObject({ name: "newer", version: edited.version })
  })

  it("writes audit entries naming the key", async () => {
    const entries = await body(await call(`${m()}/audit?action=channel.edit`))
    expect(entries[0].actor).toBe(`api-key:${f.keyId}`)
  })
})

describe("webhooks", () => {
  it("saves a URL (secret shown once), refuses to test-send to the server's own loopback (no excerpt) and keeps history", async () => {
    const port = (receiver.address() as AddressInfo).port
    const set = await body(await call(`${m()}/webhooks/test`, { method: "PUT", body: { url: `http://127.0.0.1:${port}/hook` } }))
    expect(set.newSecret).toMatch(/^whsec_/)
    const shown = await (await call(`${m()}/webhooks`)).text()
    expect(shown).not.toContain(set.newSecret)
    const before = received.length
    const sent = await call(`${m()}/webhooks/test/test`, { body: {} })
    const result = await body(sent)
    expect(sent.status).toBe(200)
    // The server's default: no merchant URL reaches its own network (paymux serve --allow-private-webhooks opts in).
    expect(result).toMatchObject({ ok: false, httpStatus: null, responseExcerpt: "" })
    expect(result.error).toContain("loopback")
    expect(received.length).toBe(before)
    expect((await call(`${m()}/webhooks/deliveries`)).status).toBe(200)
    expect((await call(`${m()}/webhooks/readiness`)).status).toBe(200)
  })
})

describe("request hygiene", () => {
  it("refuses bad JSON (400), oversize bodies (413) and replays idempotent POSTs", async () => {
    const bad = await call(`${m()}/resolve`, { body: "{not json" })
    expect(bad.status).toBe(400)
    expect((await body(bad)).code).toBe("invalid-json")
    const big = await call(`${m()}/resolve`, { body: JSON.stringify({ mode: "test", pad: "x".repeat(1024 * 1024) }) })
    expect(big.status).toBe(413)
    const headers = { "idempotency-key": "create-T02" }
    const first = await call(`${m()}/sub-merchants`, { body: { tier: "T02" }, headers })
    const again = await call(`${m()}/sub-merchants`, { body: { tier: "T02" }, headers })
    expect(first.status).toBe(201)
    expect(again.status).toBe(201)
    expect(again.headers.get("idempotent-replayed")).toBe("true")
    expect(await body(again)).toEqual(await body(first))
    const different = await call(`${m()}/sub-merchants`, { body: { tier: "T03" }, headers })
    expect(different.status).toBe(422)
    expect((await body(different)).code).toBe("idempotency-key-reused")
  })
})

describe("whitelist", () => {
  it("denies an address outside the list (X-Forwarded-For from a trusted proxy) with 403 and an audit entry", async () => {
    const inside = { "x-forwarded-for": "198.51.100.7" }
    const set = await call(`${m()}/whitelist`, { method: "PUT", body: { rules: ["198.51.100.0/24"] }, headers: inside })
    expect(set.status).toBe(200)
    expect((await body(set)).enforced).toBe(true)
    expect((await call("/merchants", { headers: inside })).status).toBe(200)
    const outside = await call("/merchants", { headers: { "x-forwarded-for": "198.51.100.7, 203.0.113.9" } })
    expect(outside.status).toBe(403)
    expect(await body(outside)).toMatchObject({ code: "address-not-allowed", address: "203.0.113.9" })
    expect((await call("/merchants")).status).toBe(403)
    const token = await call("/auth/token", {
      auth: null,
      body: { apiKey: f.keyId, apiSecret: f.secret },
      headers: { "x-forwarded-for": "203.0.113.9" }
    })
    expect(token.status).toBe(403)
    const denials = await f.run(
      Effect.flatMap(Effect.service(AuditLog.AuditLog), (log) => log.list(f.merchant, { action: "whitelist.deny" }))
    )
    expect(denials[0]!.target).toBe("203.0.113.9")
    expect(denials[0]!.actor).toBe(`api-key:${f.keyId}`)
    const cleared = await call(`${m()}/whitelist`, { method: "PUT", body: { rules: [] }, headers: inside })
    expect((await body(cleared)).enforced).toBe(false)
    expect((await call("/merchants")).status).toBe(200)
  })

  // Regressions for mutants a probe found no test killed: behind a trusted proxy, a forwarded
  // address that does not parse must not be judged as the proxy's own (often allowed) address; and
  // a call with no address at all (a host that passes no connection) is refused, not admitted.
  it("refuses a call whose client address cannot be told, even when the proxy's own address is allowed", async () => {
    const inside = { "x-forwarded-for": "127.0.0.1" }
    expect((await call(`${m()}/whitelist`, { method: "PUT", body: { rules: ["127.0.0.1/32"] }, headers: inside })).status).toBe(200)
    expect((await call("/merchants", { headers: inside })).status).toBe(200)
    for (const forwarded of ["unknown", "127.0.0.1, not-an-address"]) {
      const refused = await call("/merchants", { headers: { "x-forwarded-for": forwarded } })
      expect(refused.status, forwarded).toBe(403)
      expect(await body(refused)).toMatchObject({ code: "address-not-allowed" })
    }
    const noConnection = await f.api.handler(new Request(`${f.url}/merchants`, { headers: { authorization: f.bearer } }))
    expect(noConnection.status).toBe(403)
    expect(await body(await call(`${m()}/whitelist`, { method: "PUT", body: { rules: [] }, headers: inside }))).toMatchObject({
      enforced: false
    })
  })

  // Regression (CLI probe): rules and deny-by-default were two changes, so between them readers saw
  // the new list with the old switch (an emptied list not yet deny-by-default admits everyone), and
  // a failure of the second left the first in place. Now one change: one version, one audit entry.
  it("replaces the list and deny-by-default in one change", async () => {
    const before = await body(await call(`${m()}/whitelist`, { method: "PUT", body: { rules: ["127.0.0.1/32"] } }))
    const audited = () =>
      f
        .run(Effect.flatMap(Effect.service(AuditLog.AuditLog), (log) => log.list(f.merchant, {})))
        .then((entries) => entries.filter((e) => e.action.startsWith("whitelist.") && e.action !== "whitelist.deny"))
    const entriesBefore = (await audited()).length
    const rules = ["127.0.0.1/32", "198.51.100.0/24"]
    const after = await body(await call(`${m()}/whitelist`, { method: "PUT", body: { rules, denyByDefault: true } }))
    expect(after).toMatchObject({ rules, denyByDefault: true, enforced: true, version: before.version + 1 })
    expect((await audited()).length).toBe(entriesBefore + 1)
    const reset = await call(`${m()}/whitelist`, { method: "PUT", body: { rules: [], denyByDefault: false } })
    expect(await body(reset)).toMatchObject({ rules: [], denyByDefault: false, enforced: false })
  })
})
