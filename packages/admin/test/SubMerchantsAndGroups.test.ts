import { describe, expect, it } from "@effect/vitest"
import { Paymux } from "@paymux/admin"
import { Memory } from "@paymux/store"

const setUp = async () => {
  const paymux = await Paymux.make({ store: Memory.layer() })
  const merchant = (await paymux.merchants.create({ name: "Tier Shop" })).code
  const kcp = await paymux.channels.add({ merchant, mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] })
  const nice = await paymux.channels.add({ merchant, mode: "test", pg: "nice_v2", paymentType: "window.general", payMethods: ["card"] })
  return { paymux, merchant, kcp, nice }
}

const rejection = async (p: Promise<unknown>): Promise<{ readonly code: string; readonly message: string }> => {
  try {
    await p
  } catch (error) {
    return error as { readonly code: string; readonly message: string }
  }
  throw new Error("expected a rejection")
}

describe("sub-merchants: add, view, edit, delete (issue 16)", () => {
  it("renames a tier, refuses a stale version, and audits both changes", async () => {
    const { paymux, merchant } = await setUp()
    const created = await paymux.subMerchants.create({ merchant, tier: "T01", name: "Gangnam" })
    const renamed = await paymux.subMerchants.rename(merchant, "T01", "Gangnam branch")
    expect([renamed.name, renamed.tier, renamed.version]).toEqual(["Gangnam branch", "T01", created.version + 1])
    expect(await rejection(paymux.subMerchants.rename(merchant, "T01", "Late", { version: created.version }))).toMatchObject({
      message: expect.stringMatching(/version/)
    })
    expect((await paymux.subMerchants.list(merchant)).map((s) => s.name)).toEqual(["Gangnam branch"])
    const actions = (await paymux.audit.list(merchant)).map((e) => e.action)
    expect(actions).toContain("submerchant.rename")
  })

  // Regression (concurrency probe): assigning a channel the tier already had was written: a new
  // version and an audit entry each time, so a rename holding the version got a needless 409.
  it("assigning a channel the tier already has writes nothing: same version, no audit entry", async () => {
    const { paymux, merchant, kcp } = await setUp()
    await paymux.subMerchants.create({ merchant, tier: "T01" })
    const first = await paymux.channels.assign(merchant, "T01", kcp.key)
    const again = await paymux.channels.assign(merchant, "T01", kcp.key)
    expect(again).toEqual(first)
    const assigns = (await paymux.audit.list(merchant)).filter((e) => e.action === "submerchant.assign")
    expect(assigns).toHaveLength(1)
    const renamed = await paymux.subMerchants.rename(merchant, "T01", "Gangnam", { version: first.version })
    expect(renamed.version).toBe(first.version + 1)
  })

  it("deletes a tier with its assignments; the channels stay with the parent and the tier stops resolving", async () => {
    const { paymux, merchant, kcp } = await setUp()
    await paymux.subMerchants.create({ merchant, tier: "T01" })
    await paymux.channels.assign(merchant, "T01", kcp.key)
    const before = await paymux.resolve({ merchant, mode: "test", pg: "kcp", payMethod: "card", tier: "T01" })
    expect(before.channel.key).toBe(kcp.key)
    await paymux.subMerchants.remove(merchant, "T01")
    expect(await paymux.subMerchants.list(merchant)).toEqual([])
    expect((await paymux.channels.list(merchant)).map((c) => c.key)).toContain(kcp.key)
    // The cached index learns of the removal at once.
    await expect(paymux.resolve({ merchant, mode: "test", pg: "kcp", payMethod: "card", tier: "T01" })).rejects.toMatchObject({
      code: "unknown-tier"
    })
    expect((await paymux.audit.list(merchant)).map((e) => e.action)).toContain("submerchant.remove")
    // The code is free again, with no assignments.
    expect((await paymux.subMerchants.create({ merchant, tier: "T01" })).channels).toEqual([])
  })
})

describe("channel groups: edit and delete (issue 16)", () => {
  it("edits members and weights under the create rules, and deletes the group", async () => {
    const { paymux, merchant, kcp, nice } = await setUp()
    const group = await paymux.groups.create({ merchant, name: "split", mode: "test", members: [{ channel: kcp.key, weight: 100 }] })
    const edited = await paymux.groups.edit(merchant, group.id, {
      members: [
        { channel: kcp.key, weight: 30 },
        { channel: nice.key, weight: 70 }
      ]
    })
    expect(edited.members).toEqual([
      { channel: kcp.key, weight: 30 },
      { channel: nice.key, weight: 70 }
    ])
    expect(edited.version).toBe(group.version + 1)
    // The rules of create hold for edits: weights sum to 100.
    expect((await rejection(paymux.groups.edit(merchant, group.id, { members: [{ channel: kcp.key, weight: 50 }] }))).message).toMatch(
      /sum to exactly 100/
    )
    // A stale version is refused.
    expect((await rejection(paymux.groups.edit(merchant, group.id, { name: "late" }, { version: group.version }))).message).toMatch(
      /version/
    )
    await paymux.groups.remove(merchant, group.id)
    expect(await paymux.groups.list(merchant)).toEqual([])
    expect((await paymux.channels.list(merchant)).map((c) => c.key)).toEqual([kcp.key, nice.key])
    const actions = (await paymux.audit.list(merchant)).map((e) => e.action)
    expect(actions).toEqual(expect.arrayContaining(["group.edit", "group.remove"]))
  })

  // Regression (mutation probe): an edit left the cached index with the old members until it expired.
  it("resolves a group by its new members right after an edit, without waiting for the cache to expire", async () => {
    const { paymux, merchant, kcp, nice } = await setUp()
    const group = await paymux.groups.create({ merchant, name: "switch", mode: "test", members: [{ channel: kcp.key, weight: 100 }] })
    const request = { merchant, mode: "test", groupId: group.id, payMethod: "card" } as const
    expect((await paymux.resolve(request)).channel.key).toBe(kcp.key)
    await paymux.groups.edit(merchant, group.id, { members: [{ channel: nice.key, weight: 100 }] })
    expect((await paymux.resolve(request)).channel.key).toBe(nice.key)
    await paymux.close()
  })

  it("refuses an identity-verification channel as a member, on create and on edit", async () => {
    const { paymux, merchant, kcp } = await setUp()
    const certification = await paymux.channels.add({
      merchant,
      mode: "test",
      pg: "danal",
      mid: "CP1",
      paymentType: "certification",
      payMethods: [],
      credentials: { cp_pwd: "x" }
    })
    const members = [
      { channel: kcp.key, weight: 50 },
      { channel: certification.key, weight: 50 }
    ]
    expect(await rejection(paymux.groups.create({ merchant, name: "verify", mode: "test", members }))).toMatchObject({
      code: "rule-violation",
      rule: "not-payment"
    })
    const group = await paymux.groups.create({ merchant, name: "split", mode: "test", members: [{ channel: kcp.key, weight: 100 }] })
    expect(await rejection(paymux.groups.edit(merchant, group.id, { members }))).toMatchObject({
      code: "rule-violation",
      rule: "not-payment"
    })
    expect((await paymux.groups.list(merchant)).map((g) => g.members)).toEqual([[{ channel: kcp.key, weight: 100 }]])
    await paymux.close()
  })
})

// Concurrency probe 2026-12: deleting a member left the group's weights below 100, and the next
// rename of the group was refused until its members were given again.
describe("channel groups: deleting a member channel", () => {
  it("keeps the other members' shares (scaled back to 100), keeps members in the group's mode, and refuses to delete a group's only member", async () => {
    const { paymux, merchant, kcp, nice } = await setUp()
    const third = await paymux.channels.add({
      merchant,
      mode: "test",
      pg: "kcp",
      mid: "T9999",
      paymentType: "window.general",
      payMethods: ["card"],
      credentials: { site_key: "k" }
    })
    const group = await paymux.groups.create({
      merchant,
      name: "split",
      mode: "test",
      members: [
        { channel: kcp.key, weight: 50 },
        { channel: nice.key, weight: 30 },
        { channel: third.key, weight: 20 }
      ]
    })
    await paymux.channels.remove(merchant, kcp.key)
    const [after] = await paymux.groups.list(merchant)
    expect(after!.members).toEqual([
      { channel: nice.key, weight: 60 },
      { channel: third.key, weight: 40 }
    ])
    expect((await paymux.groups.edit(merchant, group.id, { name: "renamed" })).name).toBe("renamed")
    // A member stays in the group's mode: moving it to live is refused until it leaves the group.
    expect(
      await rejection(
        paymux.channels.edit(merchant, nice.key, { mode: "live", mid: "L1", credentials: { merchant_key: "k", cancel_password: "p" } })
      )
    ).toMatchObject({
      code: "rule-violation",
      rule: "mode-mismatch"
    })
    expect((await paymux.channels.get(merchant, nice.key)).mode).toBe("test")
    await paymux.channels.remove(merchant, nice.key)
    expect((await paymux.groups.list(merchant))[0]!.members).toEqual([{ channel: third.key, weight: 100 }])
    expect(await rejection(paymux.channels.remove(merchant, third.key))).toMatchObject({ code: "rule-violation" })
    expect((await paymux.channels.list(merchant)).map((c) => c.key)).toContain(third.key)
    await paymux.groups.remove(merchant, group.id)
    await paymux.channels.remove(merchant, third.key)
    expect(await paymux.channels.list(merchant)).toEqual([])
  })
})
