import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Doctor, Merchants, Paymux, ResolverCache, WebhookEndpoints, Webhooks } from "@paymux/admin"
import { PgCatalog } from "@paymux/domain"
import { KeyProvider, Memory, Outbox } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import Database from "better-sqlite3"
import { Clock, Effect, Layer, Result } from "effect"
import { TestClock } from "effect/testing"

describe("doctor: a merchant's readiness checks", () => {
  it("is ok for a merchant with one plain test channel", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    const merchant = (await paymux.merchants.create({ name: "Calm" })).code
    await paymux.channels.add({ merchant, mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] })
    expect(await paymux.doctor(merchant)).toEqual({ merchant, ok: true, findings: [] })
    await paymux.close()
  })

  // Regression: a merchant with a channel of a PG selected by channel key only (or only as
  // code.MID) was never ok, though nothing is wrong and nothing could make the finding go.
  it("is ok with notes only: how request_pay reaches a channel is not a problem", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    const merchant = (await paymux.merchants.create({ name: "Noted" })).code
    const base = { merchant, mode: "live", paymentType: "window.general" } as const
    await paymux.channels.add({ ...base, pg: "kicc_global", mid: "K1", payMethods: ["wechat"], credentials: { crypto_key: "k" } })
    await paymux.channels.add({ ...base, pg: "settle_acc", mid: "S1", payMethods: ["trans"], credentials: { license_key: "l" } })
    const report = await paymux.doctor(merchant)
    expect(report.ok).toBe(true)
    expect(report.findings.map((f) => [f.check, f.severity]).sort()).toEqual([
      ["channel-key-only", "note"],
      ["mid-required", "note"]
    ])
    await paymux.close()
  })

  it("lists mode ambiguities, missing webhooks and PGs that a pg string cannot select", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    const merchant = (await paymux.merchants.create({ name: "Mixed" })).code
    const add = (mode: "test" | "live", pg: string, mid: string, payMethods: Array<string>, credentials: Record<string, string>) =>
      paymux.channels.add({ merchant, mode, pg, mid, paymentType: "window.general", payMethods, credentials })
    const test = await add("test", "kcp", "T0000", ["card", "vbank"], { site_key: "k" })
    const live = await add("live", "kcp", "L0000", ["card"], { site_key: "k" })
    const kicc = await add("live", "kicc_global", "K1", ["wechat"], { crypto_key: "k" })
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
    // Only those two are notes: nothing is wrong with such a channel.
    expect(
      report.findings
        .filter((f) => f.severity === "note")
        .map((f) => f.check)
        .sort()
    ).toEqual(["channel-key-only", "mid-required"])
    // Setting the URL clears that finding.
    await paymux.webhooks.set({ merchant, mode: "test", url: "https://shop.example/hook" })
    expect((await paymux.doctor(merchant)).findings.some((f) => f.check === "webhook-missing")).toBe(false)
    await paymux.close()
  })

  // Catalog corrections (the December 2026 audit made Naver Pay's chain ID required, for one)
  // leave channels saved before them as they were: doctor names them, rather than their next
  // edit being the first to say so.
  it("names channels saved under an older catalog that the current one refuses or would move", async () => {
    const dir = mkdtempSync(join(tmpdir(), "paymux-doctor-"))
    const keys = KeyProvider.layerStatic({ keys: [{ id: "k1", key: randomBytes(32) }], pepper: randomBytes(32) })
    const store = SqliteStore.layer({ filename: join(dir, "paymux.db"), keyProvider: keys })
    const provider = (code: string) => Result.getOrThrow(PgCatalog.get(PgCatalog.builtIn, code))
    const naver = provider("naverpay")
    const kcp = provider("kcp")
    if (kcp.test.kind !== "shared") throw new Error("kcp has shared test MIDs")
    const older = Result.getOrThrow(
      PgCatalog.extend(PgCatalog.builtIn, [
        { ...naver, credentialFields: naver.credentialFields.map((f) => (f.name === "chain_id" ? { ...f, required: false } : f)) },
        { ...kcp, test: { ...kcp.test, mids: kcp.test.mids.map((m) => (m.mid === "AO09C" ? { ...m, mid: "OLD01" } : m)) } }
      ])
    )
    try {
      const before = await Paymux.make({ store, catalog: older })
      const merchant = (await before.merchants.create({ name: "Upgraded" })).code
      const add = (input: Omit<Parameters<typeof before.channels.add>[0], "merchant">) => before.channels.add({ merchant, ...input })
      const naverLive = await add({
        mode: "live",
        pg: "naverpay",
        mid: "np_live",
        paymentType: "window.simple",
        payMethods: ["naverpay"],
        credentials: { client_id: "id", client_secret: "secret" }
      })
      const kcpTest = await add({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] })
      await add({
        mode: "live",
        pg: "kcp",
        mid: "L0000",
        paymentType: "window.general",
        payMethods: ["card"],
        credentials: { site_key: "k" }
      })
      expect(kcpTest.mid).toBe("OLD01")
      expect((await before.doctor(merchant)).findings.filter((f) => f.check === "catalog-mismatch")).toEqual([])
      await before.close()

      const after = await Paymux.make({ store })
      const mismatches = (await after.doctor(merchant)).findings.filter((f) => f.check === "catalog-mismatch")
      expect(mismatches.map((f) => [f.mode, f.channels])).toEqual([
        ["live", [naverLive.key]],
        ["test", [kcpTest.key]]
      ])
      expect(mismatches[0]!.detail).toContain("chain_id")
      expect(mismatches[1]!.detail).toContain("replaced with AO09C")
      // Still served as saved, and no secret in what doctor says.
      expect((await after.resolve({ merchant, mode: "live", pg: "naverpay.np_live", paymentType: "window.simple" })).channel.key).toBe(
        naverLive.key
      )
      expect(JSON.stringify(mismatches)).not.toContain("secret")
      // As doctor says, the next edit, even one naming no field, moves it onto the new MID.
      const moved = await after.channels.edit(merchant, kcpTest.key, {})
      expect([moved.mid, moved.version]).toEqual(["AO09C", kcpTest.version + 1])
      await after.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  // Regression (CLI probe): credentials altered in the database, under a key that is configured,
  // were skipped: doctor said ok, though the channel's credentials could not be opened.
  it("names a channel whose credentials do not open under the key they name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "paymux-doctor-"))
    const filename = join(dir, "paymux.db")
    const keys = KeyProvider.layerStatic({ keys: [{ id: "k1", key: randomBytes(32) }], pepper: randomBytes(32) })
    try {
      const paymux = await Paymux.make({ store: SqliteStore.layer({ filename, keyProvider: keys }) })
      const merchant = (await paymux.merchants.create({ name: "Altered" })).code
      const base = { merchant, mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] } as const
      const altered = await paymux.channels.add({ ...base, mid: "T0001", credentials: { site_key: "k1" } })
      await paymux.channels.add({ ...base, mid: "T0002", credentials: { site_key: "k2" } })
      await paymux.close()
      const db = new Database(filename)
      const { credentials } = db.prepare("SELECT credentials FROM paymux_channels WHERE channel_key = ?").get(altered.key) as {
        credentials: string
      }
      // One character of the ciphertext changed: the envelope still names k1.
      const last = credentials.at(-1) === "A" ? "B" : "A"
      db.prepare("UPDATE paymux_channels SET credentials = ? WHERE channel_key = ?").run(credentials.slice(0, -1) + last, altered.key)
      db.close()
      const again = await Paymux.make({ store: SqliteStore.layer({ filename, keyProvider: keys }) })
      const report = await again.doctor(merchant)
      expect(report.ok).toBe(false)
      expect(report.findings).toEqual([
        expect.objectContaining({ check: "secrets-unreadable", channels: [altered.key], severity: "problem" })
      ])
      await again.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  // Ops probe: 1,554 notifications queued with no dispatcher running, and doctor said ok.
  it.effect("names queued notifications nothing attempted for over 10 minutes past due; an attempt in flight is not overdue", () =>
    Effect.gen(function* () {
      const merchant = (yield* Merchants.create({ name: "Queued" })).code
      yield* WebhookEndpoints.set({ merchant, mode: "test", url: "https://shop.example/hook" })
      const [queued] = yield* Webhooks.emit({ merchant, mode: "test", eventType: "Transaction.Paid", payload: "{}" })
      const overdue = () => Effect.map(Doctor.check(merchant), (r) => r.findings.filter((f) => f.check === "webhook-deliveries-overdue"))
      yield* TestClock.adjust("10 minutes")
      expect(yield* overdue()).toEqual([])
      yield* TestClock.adjust("2 minutes")
      const [finding] = yield* overdue()
      expect(finding).toMatchObject({ severity: "problem", channels: [] })
      expect(finding!.detail).toContain("1 queued webhook notification(s)")
      expect(finding!.detail).toContain("due 12 minutes ago")
      expect(finding!.detail).toContain("paymux webhook dispatch")
      expect((yield* Doctor.check(merchant)).ok).toBe(false)
      // A dispatcher holding its lease is working on it.
      const outbox = yield* Outbox.Outbox
      const now = yield* Clock.currentTimeMillis
      const [claimed] = yield* outbox.claim({ workerId: "w", now, leaseMillis: 60_000, limit: 1 })
      expect(claimed!.id).toBe(queued!.id)
      expect(yield* overdue()).toEqual([])
    }).pipe(Effect.provide(Layer.merge(Memory.layer(), ResolverCache.layer())))
  )

  // Regression (time probe): the check read the 100 oldest queued deliveries in queue order, so 100
  // retries scheduled for later hid a notification that nothing had attempted for an hour.
  it.effect("finds an overdue notification behind 100 queued retries that are due later", () =>
    Effect.gen(function* () {
      const merchant = (yield* Merchants.create({ name: "Retrying" })).code
      yield* WebhookEndpoints.set({ merchant, mode: "test", url: "https://shop.example/hook" })
      const outbox = yield* Outbox.Outbox
      const start = yield* Clock.currentTimeMillis
      for (let i = 0; i < 100; i++) {
        const later = {
          merchant,
          mode: "test" as const,
          url: "https://shop.example/hook",
          eventType: "Transaction.Paid",
          subject: `pay_${i}`,
          payload: "{}"
        }
        yield* outbox.enqueue({ ...later, availableAt: start + 3 * 3_600_000 }, start)
      }
      yield* Webhooks.emit({ merchant, mode: "test", eventType: "Transaction.Paid", payload: "{}" })
      yield* TestClock.adjust("1 hour")
      const findings = (yield* Doctor.check(merchant)).findings.filter((f) => f.check === "webhook-deliveries-overdue")
      expect(findings).toHaveLength(1)
      expect(findings[0]!.detail).toContain("1 queued webhook notification(s)")
      expect(findings[0]!.detail).toContain("due 60 minutes ago")
    }).pipe(Effect.provide(Layer.merge(Memory.layer(), ResolverCache.layer())))
  )

  it("refuses a malformed merchant code with a typed error", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    await expect(paymux.doctor("nope")).rejects.toMatchObject({ code: "invalid-input" })
    await paymux.close()
  })
})
