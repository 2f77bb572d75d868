/**
 * Caches kept in step across processes (issue 17): two admin runtimes over one SQLite file, each
 * with its own connection and caches holding entries for a minute, stand in for two processes.
 * A change through one reaches the other's caches through the store's change feed within the
 * CacheSync bound; the delay is printed and asserted generously. (The same over real
 * `paymux serve` processes, on SQLite and PostgreSQL, is in the CLI's multiprocess tests.)
 */
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Access, AccessCache, ApiKeys, CacheSync, Channels, Merchants, Resolve, ResolverCache } from "@paymux/admin"
import { KeyProvider } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import { Layer, ManagedRuntime, Redacted } from "effect"

const dir = mkdtempSync(join(tmpdir(), "paymux-cachesync-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const keys = KeyProvider.layerStatic({ keys: [{ id: "k1", key: randomBytes(32) }], pepper: randomBytes(32) })

const process_ = (filename: string) =>
  ManagedRuntime.make(
    Layer.provideMerge(
      CacheSync.layer({ pollMillis: 50 }),
      Layer.mergeAll(
        SqliteStore.layer({ filename, keyProvider: keys }),
        ResolverCache.layer({ ttlMillis: 60_000 }),
        AccessCache.layer({ ttlMillis: 60_000 })
      )
    )
  )

/** Milliseconds until `check` holds, polling every 5 ms (fails after 5 s). */
const until = async (check: () => Promise<boolean>): Promise<number> => {
  const started = performance.now()
  while (!(await check())) {
    if (performance.now() - started > 5_000) throw new Error("the change never arrived")
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return performance.now() - started
}

/** Through `a`: a merchant with a Toss test channel and an API key, and a request that channel serves. */
const seed = async (a: ReturnType<typeof process_>, name: string) => {
  const merchant = await a.runPromise(Merchants.create({ name }))
  const channel = await a.runPromise(
    Channels.add({
      merchant: merchant.code,
      mode: "test",
      pg: "tosspayments",
      mid: "tosspay_test_1",
      paymentType: "window.general",
      payMethods: ["card"],
      credentials: { client_key: "test_ck_abcdefgh", secret_key: "test_sk_abcdefgh" }
    })
  )
  const issued = await a.runPromise(ApiKeys.issue({ merchant: merchant.code, name: "k" }))
  const credential: Access.Credential = { _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(issued.secret) }
  const request = { merchant: merchant.code, mode: "test", pg: "tosspayments", payMethod: "card" } as const
  return { merchant, channel, issued, credential, request }
}

describe("CacheSync", () => {
  it("says which cache an audited action concerns", () => {
    expect(CacheSync.changeOf({ merchant: "imp00000001", action: "apikey.revoke", target: "ak_1" })).toEqual({
      topic: "api-key",
      key: "ak_1"
    })
    expect(CacheSync.changeOf({ merchant: "imp00000001", action: "whitelist.add", target: "whitelist" })).toEqual({
      topic: "whitelist",
      key: "imp00000001"
    })
    expect(CacheSync.changeOf({ merchant: "imp00000001", action: "whitelist.deny", target: "10.0.0.1" })).toBeUndefined()
    for (const action of ["channel.edit", "group.create", "merchant.policy", "submerchant.assign"]) {
      expect(CacheSync.changeOf({ merchant: "imp00000001", action, target: "x" })).toEqual({ topic: "resolver", key: "imp00000001" })
    }
    expect(CacheSync.changeOf({ merchant: "imp00000001", action: "webhook.set", target: "test" })).toBeUndefined()
  })

  it("a key revoked and a channel disabled through one process reach the other's caches within the bound", async () => {
    const filename = join(dir, "two.db")
    const a = process_(filename)
    const b = process_(filename)
    try {
      const { merchant, channel, issued, credential, request } = await seed(a, "Two processes")
      // b caches the key and the resolver index for a minute.
      expect((await b.runPromise(Access.authenticate(credential))).keyId).toBe(issued.key.id)
      expect((await b.runPromise(Resolve.resolve(request))).channel.key).toBe(channel.key)

      await a.runPromise(ApiKeys.revoke(merchant.code, issued.key.id))
      const keyDelay = await until(() => b.runPromiseExit(Access.authenticate(credential)).then((exit) => exit._tag === "Failure"))
      await a.runPromise(Channels.disable(merchant.code, channel.key))
      const resolverDelay = await until(() => b.runPromiseExit(Resolve.resolve(request)).then((exit) => exit._tag === "Failure"))
      console.log(
        `[CacheSync] SQLite, 50 ms polling: key refused after ${keyDelay.toFixed(0)} ms, resolver after ${resolverDelay.toFixed(0)} ms`
      )
      expect(keyDelay).toBeLessThan(1_000)
      expect(resolverDelay).toBeLessThan(1_000)
    } finally {
      await a.dispose()
      await b.dispose()
    }
  })

  it("a merchant removed through one process: its key is refused there at once and in the other within the bound", async () => {
    const filename = join(dir, "removal.db")
    const a = process_(filename)
    const b = process_(filename)
    try {
      const { merchant, credential, request } = await seed(a, "Leaving")
      // Both processes cache the key, and b the resolver index, for a minute.
      await a.runPromise(Access.authenticate(credential))
      await b.runPromise(Access.authenticate(credential))
      await b.runPromise(Resolve.resolve(request))

      await a.runPromise(Merchants.remove(merchant.code, { confirm: merchant.code }))
      expect((await a.runPromiseExit(Access.authenticate(credential)))._tag, "refused at once where it was removed").toBe("Failure")
      const keyDelay = await until(() => b.runPromiseExit(Access.authenticate(credential)).then((exit) => exit._tag === "Failure"))
      const resolverDelay = await until(() => b.runPromiseExit(Resolve.resolve(request)).then((exit) => exit._tag === "Failure"))
      expect(keyDelay).toBeLessThan(1_000)
      expect(resolverDelay).toBeLessThan(1_000)
    } finally {
      await a.dispose()
      await b.dispose()
    }
  })
})
