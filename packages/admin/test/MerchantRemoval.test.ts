/**
 * Removing a merchant through the facade: refused without the code repeated, then everything
 * stored for it is gone, its API key stops authenticating at once (the access cache held it), and
 * one audit entry of the removal stays, holding counts only. Other processes: CacheSync.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Paymux, PaymuxError } from "@paymux/admin"
import { Memory } from "@paymux/store"
import { Redacted } from "effect"

const setup = async () => {
  const paymux = await Paymux.make({ store: Memory.layer(), actor: { kind: "user", id: "tester" } })
  const leaving = await paymux.merchants.create({ name: "Leaving Shop NAMECANARY" })
  const staying = await paymux.merchants.create({ name: "Staying Shop" })
  for (const m of [leaving, staying]) {
    await paymux.channels.add({
      merchant: m.code,
      mode: "test",
      pg: "tosspayments",
      mid: "tosspay_test_1",
      paymentType: "window.general",
      payMethods: ["card"],
      credentials: { client_key: "test_ck_abcdefgh", secret_key: "test_sk_CREDCANARY" }
    })
    await paymux.whitelist.set(m.code, ["10.0.0.0/8"])
  }
  const issued = await paymux.apiKeys.issue({ merchant: leaving.code, name: "server" })
  const credential = { _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(issued.secret) } as const
  return { paymux, leaving, staying, credential }
}

describe("Merchants.remove", () => {
  it("is refused unless confirm repeats the merchant code, and then nothing changes", async () => {
    const { paymux, leaving, credential } = await setup()
    for (const confirm of ["", "imp00000000", leaving.code.toUpperCase(), undefined as unknown as string]) {
      await expect(paymux.merchants.remove(leaving.code, { confirm })).rejects.toMatchObject({ code: "invalid-input", field: "confirm" })
    }
    await expect(paymux.merchants.remove(leaving.code, undefined as never)).rejects.toBeInstanceOf(PaymuxError.InvalidInputError)
    expect((await paymux.merchants.get(leaving.code)).name).toBe("Leaving Shop NAMECANARY")
    expect((await paymux.access.authenticate(credential)).merchant).toBe(leaving.code)
    await paymux.close()
  })

  it("removes everything stored for the merchant; its key stops authenticating at once; one audit entry of counts stays", async () => {
    const { paymux, leaving, staying, credential } = await setup()
    // The facade's access cache now holds the key.
    expect((await paymux.access.authenticate(credential)).merchant).toBe(leaving.code)
    const removal = await paymux.merchants.remove(leaving.code, { confirm: leaving.code })
    expect(removal).toEqual({
      merchant: leaving.code,
      removed: {
        subMerchants: 0,
        channels: 1,
        channelGroups: 0,
        webhookSecrets: 0,
        apiKeys: 1,
        deliveries: 0,
        deliveryAttempts: 0,
        idempotencyRecords: 0,
        // Its creation, the channel, the whitelist and the key each published one.
        changes: 4,
        auditEntries: 4
      }
    })
    await expect(paymux.access.authenticate(credential)).rejects.toBeInstanceOf(PaymuxError.UnauthenticatedError)
    await expect(paymux.merchants.get(leaving.code)).rejects.toBeInstanceOf(PaymuxError.NotFoundError)
    expect((await paymux.merchants.list()).map((m) => m.code)).toEqual([staying.code])
    expect(await paymux.apiKeys.list(leaving.code)).toEqual([])
    const trail = await paymux.audit.list(leaving.code)
    expect(trail.map((e) => [e.action, e.actor, e.target])).toEqual([["merchant.remove", "user:tester", leaving.code]])
    expect(trail[0]!.after).toEqual({ removed: removal.removed })
    expect(JSON.stringify(trail)).not.toContain("NAMECANARY")
    // The other merchant is untouched.
    expect(await paymux.channels.list(staying.code)).toHaveLength(1)
    expect((await paymux.whitelist.show(staying.code)).rules).toEqual(["10.0.0.0/8"])
    // Removed already: NotFound, and the marker is replaced by nothing.
    await expect(paymux.merchants.remove(leaving.code, { confirm: leaving.code })).rejects.toBeInstanceOf(PaymuxError.NotFoundError)
    // The code is free again, and a merchant created with it inherits no data, only the marker.
    await paymux.merchants.create({ name: "New owner", code: leaving.code })
    expect(await paymux.channels.list(leaving.code)).toEqual([])
    expect((await paymux.audit.list(leaving.code)).map((e) => e.action)).toEqual(["merchant.create", "merchant.remove"])
    await paymux.close()
  })
})
