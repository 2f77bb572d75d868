/**
 * Regressions of the December 2026 security findings, through a real server on 127.0.0.1: each
 * reproduction from the findings is a test here (H1, M2, M3; the key cache flood is in admin's
 * Access test). The client address is 127.0.0.1 (no trusted proxy).
 */
import { Audit, ErrorCatalog, Whitelists } from "@paymux/admin"
import { IdempotencyRecords, Repositories, StoreError } from "@paymux/store"
import { Effect } from "effect"
import { describe, expect, it, vi } from "vitest"
import { body, memoryWith, serving } from "./fixture.ts"

describe("H1: an Idempotency-Key replay passes every check a new call does", () => {
  const server = serving({ authCacheTtlMillis: 60_000 })
  const call = (path: string, init?: Parameters<typeof server.call>[1]) => server.call(path, init)
  const m = () => `/merchants/${server.f.merchant}`
  const issueKey = async (name: string) => {
    const issued = await body(await call(`${m()}/api-keys`, { body: { name } }))
    return { id: issued.key.id as string, bearer: `Bearer ${issued.key.id}.${issued.secret}` }
  }

  it("a revoked key gets 401 on a replay of its own stored response", async () => {
    const victim = await issueKey("idem-victim")
    const headers = { "idempotency-key": "idem-123" }
    const first = await call(`${m()}/sub-merchants`, { auth: victim.bearer, body: { tier: "R01" }, headers })
    expect(first.status).toBe(201)
    const replay = await call(`${m()}/sub-merchants`, { auth: victim.bearer, body: { tier: "R01" }, headers })
    expect(replay.headers.get("idempotent-replayed")).toBe("true")
    expect((await call(`${m()}/api-keys/${victim.id}`, { method: "DELETE" })).status).toBe(200)
    expect((await call("/merchants", { auth: victim.bearer })).status).toBe(401)
    const after = await call(`${m()}/sub-merchants`, { auth: victim.bearer, body: { tier: "R01" }, headers })
    expect(after.status).toBe(401)
    expect(after.headers.get("idempotent-replayed")).toBeNull()
  })

  it("one-time secrets are never replayed: a retry of api-key issue or rotate answers 409 without a secret", async () => {
    const headers = { "idempotency-key": "idem-secret" }
    const first = await call(`${m()}/api-keys`, { body: { name: "new-key" }, headers })
    expect(first.status).toBe(201)
    const issued = await body(first)
    expect(issued.secret).toMatch(/^sk_/)
    const again = await call(`${m()}/api-keys`, { body: { name: "new-key" }, headers })
    const text = await again.text()
    expect(again.status).toBe(409)
    expect(JSON.parse(text).code).toBe("idempotency-secret-not-replayable")
    expect(text).not.toContain(issued.secret)
    // Only one key was issued by the two calls.
    const keys = await body(await call(`${m()}/api-keys`))
    expect(keys.filter((k: { name: string }) => k.name === "new-key")).toHaveLength(1)

    const rotateHeaders = { "idempotency-key": "idem-rotate" }
    const rotated = await call(`${m()}/api-keys/${issued.key.id}/rotate`, { body: {}, headers: rotateHeaders })
    expect(rotated.status).toBe(200)
    const newSecret = (await body(rotated)).secret
    const retried = await call(`${m()}/api-keys/${issued.key.id}/rotate`, { body: {}, headers: rotateHeaders })
    const retriedText = await retried.text()
    expect(retried.status).toBe(409)
    expect(retriedText).not.toContain(newSecret)
  })

  it("a stored response is bound to the key id: another key of the merchant runs anew, a token of the same key replays", async () => {
    const other = await issueKey("other")
    const headers = { "idempotency-key": "idem-bound" }
    expect((await call(`${m()}/sub-merchants`, { body: { tier: "R03" }, headers })).status).toBe(201)
    const byOther = await call(`${m()}/sub-merchants`, { auth: other.bearer, body: { tier: "R03" }, headers })
    expect(byOther.headers.get("idempotent-replayed")).toBeNull()
    expect(byOther.status).toBe(409) // ran as a new call: the tier exists already
    const token = (await body(await call("/auth/token", { body: { apiKey: server.f.keyId, apiSecret: server.f.secret } }))).accessToken
    const byToken = await call(`${m()}/sub-merchants`, { auth: `Bearer ${token}`, body: { tier: "R03" }, headers })
    expect(byToken.status).toBe(201)
    expect(byToken.headers.get("idempotent-replayed")).toBe("true")
  })

  it("another merchant's path is never looked up: 404 as without the header", async () => {
    const headers = { "idempotency-key": "idem-tenant" }
    const response = await call(`/merchants/imp00000009/sub-merchants`, { body: { tier: "R04" }, headers })
    expect(response.status).toBe(404)
    expect(response.headers.get("idempotent-replayed")).toBeNull()
  })

  it("errors are not stored: the same key runs again after a 400, also with another body", async () => {
    const headers = { "idempotency-key": "idem-error" }
    const bad = await call(`${m()}/whitelist/add`, { body: { rules: ["1".repeat(5000)] }, headers })
    expect(bad.status).toBe(400)
    const other = await call(`${m()}/whitelist/check`, { body: { ip: "192.0.2.1" }, headers: { "idempotency-key": "idem-error-2" } })
    expect(other.status).toBe(200)
    const good = await call(`${m()}/whitelist/add`, { body: { rules: ["192.0.2.0/24", "127.0.0.1/32"] }, headers })
    expect(good.status).toBe(200)
    expect(good.headers.get("idempotent-replayed")).toBeNull()
  })
})

describe("H1, whitelist variant", () => {
  const server = serving()
  const call = (path: string, init?: Parameters<typeof server.call>[1]) => server.call(path, init)

  it("a caller the whitelist refuses gets 403 on a replay", async () => {
    const m = `/merchants/${server.f.merchant}`
    const headers = { "idempotency-key": "idem-456" }
    expect((await call(`${m}/sub-merchants`, { body: { tier: "R02" }, headers })).status).toBe(201)
    expect((await call(`${m}/sub-merchants`, { body: { tier: "R02" }, headers })).headers.get("idempotent-replayed")).toBe("true")
    expect((await call(`${m}/whitelist`, { method: "PUT", body: { rules: ["203.0.113.9/32"] } })).status).toBe(200)
    expect((await call("/merchants")).status).toBe(403)
    const replay = await call(`${m}/sub-merchants`, { body: { tier: "R02" }, headers })
    expect(replay.status).toBe(403)
    expect((await body(replay)).code).toBe("address-not-allowed")
    expect(replay.headers.get("idempotent-replayed")).toBeNull()
  })
})

describe("M2: the idempotency store is bounded in bytes", () => {
  const server = serving({ idempotencyMaxBytes: 4_000 })
  const call = (path: string, init?: Parameters<typeof server.call>[1]) => server.call(path, init)

  it("past the byte cap the oldest responses go: their key runs anew", async () => {
    const m = `/merchants/${server.f.merchant}`
    const first = await call(`${m}/sub-merchants`, { body: { tier: "B00" }, headers: { "idempotency-key": "bytes-0" } })
    expect(first.status).toBe(201)
    expect(
      (await call(`${m}/sub-merchants`, { body: { tier: "B00" }, headers: { "idempotency-key": "bytes-0" } })).headers.get(
        "idempotent-replayed"
      )
    ).toBe("true")
    for (let i = 1; i <= 20; i++) {
      expect(
        (
          await call(`${m}/sub-merchants`, {
            body: { tier: `B${String(i).padStart(2, "0")}` },
            headers: { "idempotency-key": `bytes-${i}` }
          })
        ).status
      ).toBe(201)
    }
    const evicted = await call(`${m}/sub-merchants`, { body: { tier: "B00" }, headers: { "idempotency-key": "bytes-0" } })
    expect(evicted.headers.get("idempotent-replayed")).toBeNull()
    expect(evicted.status).toBe(409) // ran again: the tier exists
    const recent = await call(`${m}/sub-merchants`, { body: { tier: "B20" }, headers: { "idempotency-key": "bytes-20" } })
    expect(recent.headers.get("idempotent-replayed")).toBe("true")
  })
})

describe("M3: refused calls write a bounded number of audit rows, each with a truncated URL", () => {
  const server = serving()
  const call = (path: string, init?: Parameters<typeof server.call>[1]) => server.call(path, init)

  it("200 refused calls with 8,000-character URLs leave at most 10 rows of at most 257 URL characters", async () => {
    await server.f.run(Whitelists.set(server.f.merchant, ["203.0.113.9/32"]))
    const long = `/merchants?x=${"a".repeat(8000)}`
    for (let i = 0; i < 200; i++) {
      const response = await call(long)
      expect(response.status).toBe(403)
      await response.arrayBuffer()
    }
    const denials = await server.f.run(Audit.list(server.f.merchant, { action: "whitelist.deny", limit: 500 }))
    expect(denials.length).toBeGreaterThan(0)
    expect(denials.length).toBeLessThanOrEqual(10)
    for (const row of denials) {
      const url = (row.after as { url: string }).url
      expect(url.length).toBeLessThanOrEqual(257)
      expect(url.startsWith("/merchants?x=aaa")).toBe(true)
      expect(row.actor).toBe(`api-key:${server.f.keyId}`)
    }
  })
})

// The second probe (5 December 2026): F1 and F5 of its report.
describe("Idempotency-Key: one-time secrets of every endpoint, and any spelling of the path", () => {
  const server = serving()
  const call = (path: string, init?: Parameters<typeof server.call>[1]) => server.call(path, init)
  const m = () => `/merchants/${server.f.merchant}`

  it("adding a mode's first endpoint returns its signing secret once: a retry answers 409 and repeats no secret", async () => {
    const headers = { "idempotency-key": "ep-first" }
    const first = await call(`${m()}/webhooks/live/endpoints`, { body: { url: "https://shop.example/hook" }, headers })
    expect(first.status).toBe(201)
    const secret = (await body(first)).newSecret
    expect(secret).toMatch(/^whsec_/)
    const again = await call(`${m()}/webhooks/live/endpoints`, { body: { url: "https://shop.example/hook" }, headers })
    const text = await again.text()
    expect(again.status).toBe(409)
    expect(JSON.parse(text).code).toBe("idempotency-secret-not-replayable")
    expect(text).not.toContain(secret)
    // The call ran once.
    const settings = await body(await call(`${m()}/webhooks`))
    expect(settings.live.endpoints).toHaveLength(1)
  })

  // Regression (HTTP probe): the endpoint, not the response, decided, so a retry of an add that
  // showed no secret (the mode had one already) was refused as if it had.
  it("adding a further endpoint shows no secret, so a retry replays it", async () => {
    await call(`${m()}/webhooks/test/endpoints`, { body: { url: "https://shop.example/first" } })
    const headers = { "idempotency-key": "ep-second" }
    const first = await call(`${m()}/webhooks/test/endpoints`, { body: { url: "https://shop.example/second" }, headers })
    expect(first.status).toBe(201)
    const shown = await first.text()
    expect(JSON.parse(shown).newSecret).toBeUndefined()
    const again = await call(`${m()}/webhooks/test/endpoints`, { body: { url: "https://shop.example/second" }, headers })
    expect([again.status, again.headers.get("idempotent-replayed")]).toEqual([201, "true"])
    expect(await again.text()).toBe(shown)
    const settings = await body(await call(`${m()}/webhooks`))
    expect(settings.test.endpoints).toHaveLength(2)
  })

  it("whitelist check of anything but one address is a 400 on ip, not `allowed: true`", async () => {
    for (const ip of ["garbage", "0177.0.0.1", "10.0.0.0/8"]) {
      const response = await call(`${m()}/whitelist/check`, { body: { ip } })
      expect([ip, response.status]).toEqual([ip, 400])
      expect(await response.json()).toMatchObject({ code: "invalid-input", field: "ip" })
    }
    expect(await body(await call(`${m()}/whitelist/check`, { body: { ip: "203.0.113.7" } }))).toMatchObject({ allowed: true })
  })

  // Regression (security re-probe): by default /docs ran a script from jsDelivr, with no integrity
  // check, on the console's origin; it now carries Scalar inline and fetches nothing elsewhere.
  it("/docs loads no script from another origin by default", async () => {
    const page = await (await fetch(`${server.f.url}/docs`)).text()
    // Booleans, not the 3 MB page, in a failure message.
    expect(/<div id="api-reference-container"><\/div>\s*<script>/.test(page)).toBe(true)
    expect(page.includes('<script src="')).toBe(false)
  })

  it("a retry spelled differently (letter case, doubled or trailing slash, percent-encoding) is the same call", async () => {
    const spellings = [
      `/MERCHANTS/${server.f.merchant}/sub-merchants`,
      `//merchants/${server.f.merchant}/sub-merchants`,
      `/merchants/${server.f.merchant}/sub-merchants/`,
      `/merchants/%${server.f.merchant.charCodeAt(0).toString(16)}${server.f.merchant.slice(1)}/sub-merchants`
    ]
    const headers = { "idempotency-key": "spelled" }
    const first = await call(`${m()}/sub-merchants`, { body: { tier: "S01" }, headers })
    expect(first.status).toBe(201)
    for (const path of spellings) {
      const retry = await call(path, { body: { tier: "S01" }, headers })
      expect([path, retry.status, retry.headers.get("idempotent-replayed")]).toEqual([path, 201, "true"])
    }
    const tiers = await body(await call(`${m()}/sub-merchants`))
    expect(tiers.filter((t: { tier: string }) => t.tier === "S01")).toHaveLength(1)
  })
})

describe("F2: what a use case did not expect is the internal problem, never an empty 500", () => {
  // A store whose sub-merchant listing dies, as a bug would, with a message quoting a secret.
  const storeLayer = memoryWith(Repositories.SubMerchantRepository, (subMerchants) => ({
    ...subMerchants,
    list: () => Effect.die(new RangeError("cannot read sk_live_quoted_secret"))
  }))
  const server = serving({ storeLayer })
  const m = () => `/merchants/${server.f.merchant}`

  it("a defect answers 500 problem+json `internal` and logs its kind and path, not its message, to stderr", async () => {
    const lines: Array<string> = []
    const stdout: Array<string> = []
    const capture = (...args: Array<unknown>) => void lines.push(args.map(String).join(" "))
    // Regression (HTTP probe): the line went to stdout, which `paymux serve --json` keeps for its answer.
    const spies = [
      vi.spyOn(console, "log").mockImplementation((...args: Array<unknown>) => void stdout.push(args.map(String).join(" "))),
      vi.spyOn(console, "error").mockImplementation(capture)
    ]
    try {
      const response = await server.call(`${m()}/sub-merchants`)
      const text = await response.text()
      expect(response.status).toBe(500)
      expect(response.headers.get("content-type")).toBe("application/problem+json")
      expect(JSON.parse(text)).toMatchObject({ status: 500, code: "internal" })
      expect(text).not.toContain("sk_live")
      const logged = lines.join("\n")
      expect(logged).toContain(`unexpected failure (RangeError) serving GET ${m()}/sub-merchants`)
      expect(logged).not.toContain("sk_live")
      expect(stdout).toEqual([])
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
  })

  it("notification data nested too deep is a 400 on data; a body nested 5,000 levels deep is refused before it is parsed", async () => {
    await server.call(`${m()}/webhooks/test/endpoints`, { body: { url: "https://shop.example/hook" } })
    const notify = (n: number) =>
      fetch(`${server.f.url}${m()}/webhooks/test/notifications`, {
        method: "POST",
        headers: { authorization: server.f.bearer, "content-type": "application/json" },
        body: `{"type":"Shop.Custom","data":{"x":${"[".repeat(n)}${"]".repeat(n)}}}`
      })
    const deepData = await notify(40)
    expect([deepData.status, await deepData.json()]).toMatchObject([400, { code: "invalid-input", field: "data" }])
    // It overflowed the stack once; it is now refused before JSON.parse builds it.
    const deepBody = await notify(5_000)
    expect([deepBody.status, await deepBody.json()]).toMatchObject([400, { code: "invalid-json", field: "body" }])
  })

  // Regression (security re-test): 1 MB of nested arrays to POST /auth/token, which needs no
  // credential, cost 0.15-0.28 s of the shared thread per request in JSON.parse. That endpoint now
  // takes 4 KiB (NodeBridge.test.ts); any other refuses such a body before it asks for a credential.
  it("a body nested deeper than any payload needs is a 400 before anyone is authenticated", async () => {
    const n = 500_000
    const response = await fetch(`${server.f.url}${m()}/resolve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `${"[".repeat(n)}${"]".repeat(n)}`
    })
    expect([response.status, await response.json()]).toMatchObject([400, { code: "invalid-json", field: "body" }])
  })
})

describe("a store that cannot be asked for an Idempotency-Key record", () => {
  const storeLayer = memoryWith(IdempotencyRecords.IdempotencyRecords, (records) => ({
    ...records,
    begin: () => Effect.fail(StoreError.unavailable("connection refused"))
  }))
  const server = serving({ storeLayer })

  it("answers the error table's store-unavailable (503, retryable) and does not run the call", async () => {
    const path = `/merchants/${server.f.merchant}/sub-merchants`
    const response = await server.call(path, { body: { tier: "S07" }, headers: { "idempotency-key": "idem-store-down" } })
    expect(response.status).toBe(503)
    expect(await body(response)).toMatchObject({
      code: "store-unavailable",
      retryable: true,
      type: ErrorCatalog.problemType("store-unavailable")
    })
    const tiers = await body(await server.call(path))
    expect(tiers.map((t: { tier: string }) => t.tier)).not.toContain("S07")
  })
})

describe("an API key that expires acts on no key that outlives it (security re-probe)", () => {
  const server = serving()
  const call = (path: string, init?: Parameters<typeof server.call>[1]) => server.call(path, init)
  const m = () => `/merchants/${server.f.merchant}`

  // Regression: a key expiring in a minute issued a key without expiry, and rotated the operator's
  // permanent key (getting its new secret).
  it("refuses to issue or rotate a key that would outlive the calling key; within its lifetime it works", async () => {
    const expiresAt = Date.now() + 3_600_000
    const short = await body(await call(`${m()}/api-keys`, { body: { name: "short-lived", expiresAt } }))
    const auth = `Bearer ${short.key.id}.${short.secret}`
    const permanent = await body(await call(`${m()}/api-keys`, { body: { name: "permanent" } }))

    for (const input of [{ name: "forever" }, { name: "later", expiresAt: expiresAt + 1 }]) {
      const refused = await call(`${m()}/api-keys`, { auth, body: input })
      expect(refused.status).toBe(422)
      expect(await body(refused)).toMatchObject({ code: "rule-violation", rule: "outlives-caller" })
    }
    const rotateOther = await call(`${m()}/api-keys/${permanent.key.id}/rotate`, { auth, body: {} })
    expect(rotateOther.status).toBe(422)
    expect(await body(rotateOther)).toMatchObject({ rule: "outlives-caller" })
    // Nor may it revoke the permanent key, which would leave the merchant without a working key
    // once the short one expires.
    const revokeOther = await call(`${m()}/api-keys/${permanent.key.id}`, { auth, method: "DELETE" })
    expect(revokeOther.status).toBe(422)
    expect(await body(revokeOther)).toMatchObject({ rule: "outlives-caller" })
    expect((await call("/merchants", { auth: `Bearer ${permanent.key.id}.${permanent.secret}` })).status).toBe(200)

    const within = await call(`${m()}/api-keys`, { auth, body: { name: "within", expiresAt } })
    expect(within.status).toBe(201)
    const names = (await body(await call(`${m()}/api-keys`))).map((k: { name: string }) => k.name)
    expect(names).toContain("within")
    expect(names).not.toContain("forever")
    expect(names).not.toContain("later")
    // Its own secret it may rotate: the key keeps its expiry. A key within its lifetime it may revoke.
    const rotated = await body(await call(`${m()}/api-keys/${short.key.id}/rotate`, { auth, body: {} }))
    expect(rotated.key.expiresAt).toBe(expiresAt)
    const withinId = (await body(within)).key.id
    expect((await call(`${m()}/api-keys/${withinId}`, { auth: `Bearer ${short.key.id}.${rotated.secret}`, method: "DELETE" })).status).toBe(
      200
    )
  })
})

describe('F6: docs: "cdn" loads a pinned Scalar release, never `latest`', () => {
  const server = serving({ docs: "cdn" })
  it("names the pinned release", async () => {
    const page = await (await fetch(`${server.f.url}/docs`)).text()
    const scripts = [...page.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1])
    expect(scripts).toEqual(["https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.43.5/dist/browser/standalone.min.js"])
  })
})
