import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Paymux } from "@paymux/admin"
import { KeyProvider } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import Database from "better-sqlite3"
import { Redacted } from "effect"

const dir = mkdtempSync(join(tmpdir(), "paymux-admin-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const keys = KeyProvider.layerStatic({ keys: [{ id: "k1", key: randomBytes(32) }], pepper: randomBytes(32) })
const open = (filename: string) => Paymux.make({ store: SqliteStore.layer({ filename, keyProvider: keys }) })

describe("admin over a real SQLite file", () => {
  it("keeps merchants, channels and keys across a reopen, with no secret in the file", async () => {
    const filename = join(dir, "paymux.db")
    const first = await open(filename)
    const shop = await first.merchants.create({ name: "File Shop" })
    const channel = await first.channels.add({
      merchant: shop.code,
      mode: "live",
      pg: "tosspayments",
      mid: "tosspay_live_1",
      paymentType: "window.general",
      payMethods: ["card", "vbank"],
      credentials: { client_key: "live_ck_abcdefgh", secret_key: "live_sk_very_secret_value" }
    })
    const issued = await first.apiKeys.issue({ merchant: shop.code, name: "server" })
    await first.close()

    const second = await open(filename)
    expect((await second.channels.get(shop.code, channel.key)).mid).toBe("tosspay_live_1")
    expect((await second.resolve({ merchant: shop.code, mode: "live", pg: "tosspayments", payMethod: "vbank" })).channel.key).toBe(
      channel.key
    )
    expect((await second.apiKeys.verify(issued.key.id, Redacted.value(issued.secret))).id).toBe(issued.key.id)
    await second.close()

    const bytes = [filename, `${filename}-wal`]
      .map((f) => {
        try {
          return readFileSync(f).toString("latin1")
        } catch {
          return ""
        }
      })
      .join("")
    expect(bytes).toContain("tosspay_live_1")
    expect(bytes).not.toContain("live_sk_very_secret_value")
    expect(bytes).not.toContain(Redacted.value(issued.secret))
  })

  // Regression (storage probe): one channel whose sealed credentials were damaged stopped
  // `reseal` (store-corrupt), so the merchants after it were never sealed again.
  it("reseal lists a channel whose credentials do not open and goes on with the others", async () => {
    const filename = join(dir, "reseal.db")
    const paymux = await open(filename)
    const add = (merchant: string, mid: string) =>
      paymux.channels.add({
        merchant,
        mode: "live",
        pg: "kcp",
        mid,
        paymentType: "window.general",
        payMethods: ["card"],
        credentials: { site_key: "site" }
      })
    const damaged = await paymux.merchants.create({ name: "Damaged", code: "imp00000001" })
    const healthy = await paymux.merchants.create({ name: "Healthy", code: "imp00000002" })
    const broken = await add(damaged.code, "A0001")
    const kept = await add(healthy.code, "B0001")
    const db = new Database(filename)
    const row = db.prepare("SELECT credentials FROM paymux_channels WHERE channel_key = ?").get(broken.key) as { credentials: string }
    const at = row.credentials.length - 5
    const flipped = row.credentials.slice(0, at) + (row.credentials[at] === "A" ? "B" : "A") + row.credentials.slice(at + 1)
    db.prepare("UPDATE paymux_channels SET credentials = ? WHERE channel_key = ?").run(flipped, broken.key)
    db.close()
    const report = await paymux.masterKeys.reseal()
    expect(report).toMatchObject({ merchants: 2, channels: 1, unreadable: [`${damaged.code} channel ${broken.key}`] })
    expect((await paymux.channels.get(healthy.code, kept.key)).version).toBe(kept.version + 1)
    await paymux.close()
  })
})
