import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Paymux } from "@paymux/admin"
import { KeyProvider } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
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
})
