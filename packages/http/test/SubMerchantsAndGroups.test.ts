import { describe, expect, it } from "vitest"
import { body, serving } from "./fixture.ts"

const s = serving()
const m = () => `/merchants/${s.f.merchant}`
const json = (method: string, payload: unknown) => ({ method, body: payload })

const addChannel = async (mode: "test" | "live", pg: string, mid: string, extra: Record<string, unknown> = {}) => {
  const response = await s.call(`${m()}/channels`, {
    body: { mode, pg, mid, paymentType: "window.general", payMethods: ["card"], ...extra }
  })
  expect(response.status).toBe(201)
  return (await body(response)) as { key: string }
}

describe("sub-merchants: rename and delete", () => {
  it("renames with and without a version (a stale one is 409), deletes, and the Tier header stops working at once", async () => {
    const created = await body(await s.call(`${m()}/sub-merchants`, { body: { tier: "R01", name: "Gangnam" } }))
    const renamed = await s.call(`${m()}/sub-merchants/R01`, json("PATCH", { name: "Gangnam branch" }))
    expect(renamed.status).toBe(200)
    expect(await body(renamed)).toMatchObject({ tier: "R01", name: "Gangnam branch", version: created.version + 1 })
    const stale = await s.call(`${m()}/sub-merchants/R01`, json("PATCH", { name: "Late", version: created.version }))
    expect(stale.status).toBe(409)
    // Acting for the tier works before the delete ...
    expect((await s.call(`${m()}/channels`, { headers: { tier: "R01" } })).status).toBe(200)
    expect((await s.call(`${m()}/sub-merchants/R01?version=${created.version}`, { method: "DELETE" })).status).toBe(409)
    const removed = await s.call(`${m()}/sub-merchants/R01`, { method: "DELETE" })
    expect(removed.status).toBe(204)
    // ... and not right after it: tiers are read from the store on each call, never cached.
    const after = await s.call(`${m()}/channels`, { headers: { tier: "R01" } })
    expect(after.status).toBe(404)
    expect((await body(after)).code).toBe("unknown-tier")
    expect((await s.call(`${m()}/sub-merchants/R01`, { method: "DELETE" })).status).toBe(404)
  })

  it("refuses a bad tier code and an unknown field with a problem naming it", async () => {
    const bad = await s.call(`${m()}/sub-merchants/TOOLONG`, json("PATCH", { name: "x" }))
    expect(bad.status).toBe(400)
    const extra = await s.call(`${m()}/sub-merchants/R02`, json("PATCH", { name: "x", colour: "red" }))
    expect(extra.status).toBe(400)
  })
})

describe("channel groups: edit and delete", () => {
  it("edits members and name, refuses a broken weight sum and a stale version, and deletes", async () => {
    const a = await addChannel("test", "kcp", "GA", { credentials: { site_key: "k" } })
    const b = await addChannel("test", "kcp", "GB", { credentials: { site_key: "k" } })
    const group = await body(
      await s.call(`${m()}/channel-groups`, { body: { name: "split", mode: "test", members: [{ channel: a.key, weight: 100 }] } })
    )
    const members = [
      { channel: a.key, weight: 30 },
      { channel: b.key, weight: 70 }
    ]
    const edited = await s.call(`${m()}/channel-groups/${group.id}`, json("PATCH", { name: "thirty-seventy", members }))
    expect(edited.status).toBe(200)
    expect(await body(edited)).toMatchObject({ name: "thirty-seventy", members, version: group.version + 1 })
    const broken = await s.call(`${m()}/channel-groups/${group.id}`, json("PATCH", { members: [{ channel: a.key, weight: 30 }] }))
    expect(broken.status).toBe(400)
    expect((await body(broken)).code).toBe("invalid-input")
    const stale = await s.call(`${m()}/channel-groups/${group.id}`, json("PATCH", { name: "x", version: group.version }))
    expect(stale.status).toBe(409)
    expect((await s.call(`${m()}/channel-groups/${group.id}`, { method: "DELETE" })).status).toBe(204)
    expect(await body(await s.call(`${m()}/channel-groups`))).toEqual([])
    const gone = await s.call(`${m()}/resolve`, { body: { mode: "test", groupId: group.id } })
    expect(gone.status).toBe(404)
  })
})

describe("resolve: mode and the both-modes warning", () => {
  it("answers the chosen mode, and warns when a request without mode matches a test and a live channel", async () => {
    const test = await addChannel("test", "tosspayments", "tp-test", { credentials: { client_key: "client_key_1", secret_key: "s" } })
    const live = await addChannel("live", "tosspayments", "tp-live", { credentials: { client_key: "client_key_1", secret_key: "s" } })
    const modeless = await body(await s.call(`${m()}/resolve`, { body: { pg: "tosspayments" } }))
    expect(modeless).toMatchObject({ mode: "test", via: "pg", channel: { key: test.key } })
    expect(modeless.warning).toMatchObject({ reason: "both-modes-match", test: test.key, live: live.key })
    const chosen = await body(await s.call(`${m()}/resolve`, { body: { pg: "tosspayments", mode: "live" } }))
    expect(chosen).toMatchObject({ mode: "live", channel: { key: live.key } })
    expect(chosen.warning).toBeUndefined()
  })

  it("refuses, under the fallback policy too, a pg string naming a configured PG that only a channel key selects", async () => {
    const kicc = await addChannel("test", "kicc_global", "K1", { payMethods: ["wechat"], credentials: { crypto_key: "k" } })
    const refused = await s.call(`${m()}/resolve`, { body: { mode: "test", pg: "kicc_global" } })
    expect(refused.status).toBe(400)
    expect(await body(refused)).toMatchObject({ code: "invalid-pg" })
    const byKey = await body(await s.call(`${m()}/resolve`, { body: { mode: "test", channelKey: kicc.key } }))
    expect(byKey.channel.key).toBe(kicc.key)
  })
})

describe("doctor", () => {
  it("lists the merchant's findings (here after the channels above) and refuses another merchant", async () => {
    const report = await body(await s.call(`${m()}/doctor`))
    expect(report.merchant).toBe(s.f.merchant)
    expect(report.ok).toBe(false)
    const checks = new Set(report.findings.map((f: { check: string }) => f.check))
    expect(checks).toEqual(new Set(["mode-ambiguity", "channel-key-only"]))
    expect((await s.call("/merchants/imp00000001/doctor")).status).toBe(404)
  })
})
