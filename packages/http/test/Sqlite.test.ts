import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KeyProvider } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import { Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { body, type Fixture, start } from "./fixture.ts"

let f: Fixture
const dir = mkdtempSync(join(tmpdir(), "paymux-http-"))

beforeAll(async () => {
  const store = Layer.provideMerge(SqliteStore.layer({ filename: join(dir, "paymux.db") }), KeyProvider.layerEphemeral)
  f = await start({ storeLayer: store })
})
afterAll(async () => {
  await f.close()
  rmSync(dir, { recursive: true, force: true })
})

describe("over SQLite", () => {
  it("exchanges a token, adds channels, resolves and replays an idempotent POST", async () => {
    const token = await body(
      await fetch(`${f.url}/auth/token`, { method: "POST", body: JSON.stringify({ apiKey: f.keyId, apiSecret: f.secret }) })
    )
    const auth = { authorization: `Bearer ${token.accessToken}`, "content-type": "application/json" }
    const add = (payload: unknown, key: string) =>
      fetch(`${f.url}/merchants/${f.merchant}/channels`, {
        method: "POST",
        headers: { ...auth, "idempotency-key": key },
        body: JSON.stringify(payload)
      })
    const first = await add({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] }, "k1")
    expect(first.status).toBe(201)
    const replay = await add({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] }, "k1")
    expect((await body(replay)).key).toBe((await body(first)).key)
    const duplicate = await add({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] }, "k2")
    expect(duplicate.status).toBe(409)
    const channels = await body(await fetch(`${f.url}/merchants/${f.merchant}/channels`, { headers: auth }))
    expect(channels).toHaveLength(1)
    const resolved = await fetch(`${f.url}/merchants/${f.merchant}/resolve`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ mode: "test" })
    })
    expect(resolved.status).toBe(200)
    expect((await body(resolved)).via).toBe("default")
  })
})
