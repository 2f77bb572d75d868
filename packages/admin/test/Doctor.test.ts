import { describe, expect, it } from "@effect/vitest"
import { Paymux } from "@paymux/admin"
import { Memory } from "@paymux/store"

describe("doctor: a merchant's readiness checks", () => {
  it("is ok for a merchant with one plain test channel", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    const merchant = (await paymux.merchants.create({ name: "Calm" })).code
    await paymux.channels.add({ merchant, mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] })
    expect(await paymux.doctor(merchant)).toEqual({ merchant, ok: true, findings: [] })
    await paymux.close()
  })

  it("lists mode ambiguities, missing webhooks and PGs that a pg string cannot select", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    const merchant = (await paymux.merchants.create({ name: "Mixed" })).code
    const add = (mode: "test" | "live", pg: string, mid: string, payMethods: Array<string>, credentials: Record<string, string>) =>
      paymux.channels.add({ merchant, mode, pg, mid, paymentType: "window.general", payMethods, credentials })
    const test = await add("test", "kcp", "T0000", ["card", "vbank"], { site_key: "k" })
    const live = await add("live", "kcp", "L0000", ["card"], { site_key: "k" })
    const kicc = await add("live", "kicc_global", "K1", ["card"], {})
    const settle = await add("live", "settle_acc", "S1", ["trans"], { license_key: "l" })
    const report = await paymux.doctor(merchant)
    expect(report.ok).toBe(false)
    const byCheck = (check: string) => report.findings.filter((f) => f.check === check)
    // Without pg (the default) and with pg "kcp", the older test channel wins over the live one.
    expect(byCheck("mode-ambiguity").map((f) => f.channels)).toEqual([
      [test.key, live.key],
      [test.key, live.key]
    ])
    expect(byCheck("mode-ambiguity")[1]!.detail).toContain(`with pg "kcp"`)
    expect(byCheck("mode-ambiguity")[1]!.detail).toContain("pass mode")
    expect(byCheck("webhook-missing")).toEqual([expect.objectContaining({ mode: "test", channels: [test.key] })])
    expect(byCheck("channel-key-only")).toEqual([expect.objectContaining({ mode: "live", channels: [kicc.key] })])
    expect(byCheck("channel-key-only")[0]!.detail).toContain(`channelKey "${kicc.key}"`)
    expect(byCheck("mid-required")).toEqual([expect.objectContaining({ channels: [settle.key] })])
    expect(byCheck("mid-required")[0]!.detail).toContain(`"settle_acc.S1"`)
    // Setting the URL clears that finding.
    await paymux.webhooks.set({ merchant, mode: "test", url: "https://shop.example/hook" })
    expect((await paymux.doctor(merchant)).findings.some((f) => f.check === "webhook-missing")).toBe(false)
    await paymux.close()
  })

  it("refuses a malformed merchant code with a typed error", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    await expect(paymux.doctor("nope")).rejects.toMatchObject({ code: "invalid-input" })
    await paymux.close()
  })
})
