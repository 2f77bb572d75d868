import { describe, expect, it } from "@effect/vitest"
import { Access, AccessCache, ApiKeys, Merchants, Paymux, ResolverCache, Whitelists } from "@paymux/admin"
import { ResolutionError } from "@paymux/channel-resolver"
import { Identifiers } from "@paymux/domain"
import { AuditLog, Memory, Repositories, SecretHasher } from "@paymux/store"
import { Clock, Context, Effect, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"

/** A memory store whose API-key reads are counted, with both caches. */
const counted = (cache: AccessCache.Options) => {
  const reads = new Map<string, number>()
  const base = Memory.make()
  const keys = Context.get(base, Repositories.ApiKeyRepository)
  const context = Context.add(base, Repositories.ApiKeyRepository, {
    ...keys,
    get: (id) => {
      reads.set(id, (reads.get(id) ?? 0) + 1)
      return keys.get(id)
    }
  })
  const layer = Layer.mergeAll(Layer.succeedContext(context), ResolverCache.layer(), AccessCache.layer(cache))
  return { reads, layer }
}

const unknownId = (i: number) => `ak_${String(i).padStart(24, "0")}`

describe("AccessCache tables", () => {
  it("evict the least recently used entry, one at a time, instead of clearing", () => {
    const table = AccessCache.makeTable<string>(60_000, 3)
    table.set("a", "A", 0, 0)
    table.set("b", "B", 0, 0)
    table.set("c", "C", 0, 0)
    expect(table.get("a", 1)?.value).toBe("A")
    table.set("d", "D", 1, 0)
    expect(table.size()).toBe(3)
    expect(table.get("b", 2)).toBeUndefined()
    expect(table.get("a", 2)?.value).toBe("A")
    expect(table.get("c", 2)?.value).toBe("C")
    expect(table.get("a", 60_000)).toBeUndefined()
  })

  it("keep no value read before an invalidation", () => {
    const table = AccessCache.makeTable<string>(60_000, 3)
    const since = table.epoch()
    table.delete("k")
    table.set("k", "stale", 0, since)
    expect(table.get("k", 1)).toBeUndefined()
  })
})

describe("Access", () => {
  it.effect("a flood of unknown key ids does not push a key in use out of the cache", () => {
    const { reads, layer } = counted({ ttlMillis: 60_000, maxEntries: 8 })
    return Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Flooded" })
      const issued = yield* ApiKeys.issue({ merchant: merchant.code, name: "in use" })
      const credential: Access.Credential = { _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(issued.secret) }
      yield* Access.authenticate(credential)
      for (let i = 0; i < 100; i++) {
        const failure = yield* Effect.flip(Access.authenticate({ _tag: "Secret", keyId: unknownId(i), secret: "sk_nope" }))
        expect(failure._tag).toBe("Unauthenticated")
        if (i % 4 === 0) expect((yield* Access.authenticate(credential)).keyId).toBe(issued.key.id)
      }
      // Read once; a wholesale clear at the cap would have read it again.
      expect(reads.get(issued.key.id)).toBe(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("rotating and revoking through the use cases refuse the old secret at once, whatever the TTL", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Rotating" })
      const issued = yield* ApiKeys.issue({ merchant: merchant.code, name: "k" })
      const old: Access.Credential = { _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(issued.secret) }
      yield* Access.authenticate(old)
      yield* Access.authenticate(old)
      const rotated = yield* ApiKeys.rotate(merchant.code, issued.key.id)
      expect((yield* Effect.flip(Access.authenticate(old)))._tag).toBe("Unauthenticated")
      const fresh: Access.Credential = { _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(rotated.secret) }
      yield* Access.authenticate(fresh)
      yield* ApiKeys.revoke(merchant.code, issued.key.id)
      expect((yield* Effect.flip(Access.authenticate(fresh)))._tag).toBe("Unauthenticated")
    }).pipe(Effect.provide(counted({ ttlMillis: 60_000 }).layer))
  )

  it.effect("admission follows whitelist changes at once and audits refusals at a bounded rate", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Guarded" })
      const issued = yield* ApiKeys.issue({ merchant: merchant.code, name: "k" })
      const identity = yield* Access.authenticate({ _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(issued.secret) })
      const call = { ip: "203.0.113.9", method: "GET", url: `/merchants?x=${"a".repeat(1000)}` }
      expect((yield* Access.admit(identity, call)).allowed).toBe(true)
      yield* Whitelists.set(merchant.code, ["198.51.100.0/24"])
      for (let i = 0; i < 30; i++) expect((yield* Access.admit(identity, call)).allowed).toBe(false)
      const log = yield* AuditLog.AuditLog
      const denials = yield* log.list(merchant.code, { action: "whitelist.deny" })
      expect(denials).toHaveLength(3)
      expect(denials.every((d) => d.actor === `api-key:${issued.key.id}`)).toBe(true)
      expect((denials[0]!.after as { url: string }).url).toHaveLength(Access.auditedUrlLength + 1)
      expect(denials.every((d) => d.id.startsWith("audit_"))).toBe(true)
      expect((yield* Access.admit(identity, { ...call, ip: "198.51.100.7" })).allowed).toBe(true)
    }).pipe(Effect.provide(counted({ ttlMillis: 60_000, deniesPerMinute: 3 }).layer))
  )

  // docs/http.md: a written whitelist.deny row counts the refusals left out before it, so the
  // trail accounts for every refusal even though it is rate-limited.
  it.effect("whitelist.deny rows and their unauditedBefore counts add up to every refusal", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Counted" })
      const issued = yield* ApiKeys.issue({ merchant: merchant.code, name: "k" })
      const identity = yield* Access.authenticate({ _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(issued.secret) })
      yield* Whitelists.set(merchant.code, ["198.51.100.0/24"])
      const call = { ip: "203.0.113.9", method: "GET", url: "/merchants" }
      const refusals = 20
      for (let i = 0; i < refusals; i++) expect((yield* Access.admit(identity, call)).allowed).toBe(false)
      yield* TestClock.adjust(60_001)
      expect((yield* Access.admit(identity, call)).allowed).toBe(false)
      const rows = yield* (yield* AuditLog.AuditLog).list(merchant.code, { action: "whitelist.deny" })
      const unaudited = rows.map((r) => (r.after as { unauditedBefore?: number }).unauditedBefore ?? 0)
      // 3 rows in the first minute, then one row that counts the 17 left out.
      expect(rows).toHaveLength(4)
      expect(rows.length + unaudited.reduce((a, b) => a + b, 0)).toBe(refusals + 1)
    }).pipe(Effect.provide(counted({ ttlMillis: 60_000, deniesPerMinute: 3 }).layer))
  )

  // Regressions for mutants no test killed: a token that outlived its key's revocation or expiry,
  // and a cached identity admitted from any address once its whitelist was cached.
  it.effect("enter: a token ends with its key's rotation, revocation and expiry", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Tokens" })
      const call = { ip: "203.0.113.9", method: "GET", url: "/merchants" }
      const tokenOf = (issued: ApiKeys.IssuedKey) =>
        Effect.map(
          Access.authenticate({ _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(issued.secret) }),
          (identity): Access.Credential => ({ _tag: "Token", keyId: identity.keyId, generation: identity.generation })
        )
      const refused = (credential: Access.Credential) => Effect.map(Effect.flip(Access.enter(credential, call, undefined)), (e) => e._tag)

      const rotating = yield* ApiKeys.issue({ merchant: merchant.code, name: "rotating" })
      const first = yield* tokenOf(rotating)
      expect((yield* Access.enter(first, call, undefined)).identity.keyId).toBe(rotating.key.id)
      yield* ApiKeys.rotate(merchant.code, rotating.key.id)
      expect(yield* refused(first)).toBe("Unauthenticated")

      const revoked = yield* ApiKeys.issue({ merchant: merchant.code, name: "revoked" })
      const second = yield* tokenOf(revoked)
      yield* Access.enter(second, call, undefined)
      yield* ApiKeys.revoke(merchant.code, revoked.key.id)
      expect(yield* refused(second)).toBe("Unauthenticated")

      const now = yield* Clock.currentTimeMillis
      const expiring = yield* ApiKeys.issue({ merchant: merchant.code, name: "expiring", expiresAt: now + 60_000 })
      const third = yield* tokenOf(expiring)
      yield* Access.enter(third, call, undefined)
      yield* TestClock.adjust(60_001)
      expect(yield* refused(third)).toBe("Unauthenticated")
    }).pipe(Effect.provide(counted({ ttlMillis: 600_000 }).layer))
  )

  // Regressions for mutants a probe found no test killed: an enforced whitelist admitting a call
  // whose address is unknown (a host that passes no connection), and a secret verified and cached
  // before its key expired still admitted after it.
  it.effect("admit: an enforced whitelist refuses a call whose address is unknown, and audits it as such", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Addressless" })
      const issued = yield* ApiKeys.issue({ merchant: merchant.code, name: "k" })
      const identity = yield* Access.authenticate({ _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(issued.secret) })
      const call = { ip: undefined, method: "GET", url: "/merchants" }
      expect((yield* Access.admit(identity, call)).allowed).toBe(true)
      yield* Whitelists.set(merchant.code, ["0.0.0.0/0", "::/0"])
      expect(yield* Access.admit(identity, call)).toEqual({ allowed: false, ip: undefined })
      const [denial] = yield* (yield* AuditLog.AuditLog).list(merchant.code, { action: "whitelist.deny" })
      expect([denial!.target, (denial!.after as { ip: unknown }).ip]).toEqual(["unknown", null])
    }).pipe(Effect.provide(counted({ ttlMillis: 60_000 }).layer))
  )

  it.effect("enter: a secret verified and cached before its key expired is refused after it", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Expiring" })
      const now = yield* Clock.currentTimeMillis
      const issued = yield* ApiKeys.issue({ merchant: merchant.code, name: "minute", expiresAt: now + 60_000 })
      const credential: Access.Credential = { _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(issued.secret) }
      const call = { ip: "203.0.113.9", method: "GET", url: "/merchants" }
      expect((yield* Access.enter(credential, call, undefined)).identity.keyId).toBe(issued.key.id)
      yield* TestClock.adjust(60_001)
      expect((yield* Effect.flip(Access.enter(credential, call, undefined)))._tag).toBe("Unauthenticated")
    }).pipe(Effect.provide(counted({ ttlMillis: 600_000 }).layer))
  )

  it.effect("enter: with identity and whitelist cached, a call from another address is still refused", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Cached" })
      const issued = yield* ApiKeys.issue({ merchant: merchant.code, name: "k" })
      yield* Whitelists.set(merchant.code, ["203.0.113.0/24"])
      const credential: Access.Credential = { _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(issued.secret) }
      const from = (ip: string) =>
        Effect.map(Access.enter(credential, { ip, method: "GET", url: "/merchants" }, undefined), (e) => e.admission)
      expect((yield* from("203.0.113.9")).allowed).toBe(true)
      expect((yield* from("203.0.113.9")).allowed).toBe(true) // now answered from the cache alone
      expect(yield* from("198.51.100.7")).toMatchObject({ allowed: false })
      expect((yield* from("203.0.113.10")).allowed).toBe(true)
      // A refused caller learns nothing about tiers: an unknown one is not looked up (no 404 for it).
      for (const tier of ["T01", "zzz"]) {
        const entry = yield* Access.enter(credential, { ip: "198.51.100.7", method: "GET", url: "/merchants" }, tier)
        expect([entry.admission.allowed, entry.tier]).toEqual([false, undefined])
      }
    }).pipe(Effect.provide(counted({ ttlMillis: 600_000 }).layer))
  )

  // Regression for a mutant no test killed: a cached "this secret verified" must name the key's
  // current secret, so a rotation by another process (this one told nothing) ends the old secret
  // as soon as this process reads the rotated key.
  it.effect("enter: a secret verified before another process rotated the key is refused once the rotated key is read", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Elsewhere" })
      const issued = yield* ApiKeys.issue({ merchant: merchant.code, name: "k" })
      const old: Access.Credential = { _tag: "Secret", keyId: issued.key.id, secret: Redacted.value(issued.secret) }
      const call = { ip: "203.0.113.9", method: "GET", url: "/merchants" }
      yield* Access.enter(old, call, undefined) // verified and cached
      // Another process rotates it: straight in the repository, and this cache is not told.
      const repo = yield* Repositories.ApiKeyRepository
      const stored = yield* repo.get(Identifiers.ApiKeyId.make(issued.key.id))
      const rotated = yield* repo.update({ ...stored, secretHash: SecretHasher.hashWith(new Uint8Array(32), "sk_another") })
      const cache = yield* AccessCache.AccessCache
      const now = yield* Clock.currentTimeMillis
      cache.keys.set(issued.key.id, rotated, now, cache.keys.epoch()) // as a later read of the key would
      expect((yield* Effect.flip(Access.enter(old, call, undefined)))._tag).toBe("Unauthenticated")
    }).pipe(Effect.provide(counted({ ttlMillis: 600_000 }).layer))
  )

  it.effect("the tier must be a sub-merchant of the key's merchant", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Tiered" })
      yield* Merchants.createSubMerchant({ merchant: merchant.code, tier: "T01", name: "one" })
      const identity: Access.Identity = { keyId: "ak_x", merchant: merchant.code, generation: "" }
      expect(yield* Access.tier(identity, "T01")).toBe("T01")
      expect((yield* Effect.flip(Access.tier(identity, "T02")))._tag).toBe("UnknownTier")
      yield* Merchants.createSubMerchant({ merchant: merchant.code, tier: "T02", name: "two" })
      // Regression (security re-test): a header naming two tiers was told the merchant had none.
      const both = yield* Effect.flip(Access.tier(identity, "T01, T02"))
      expect(both).toMatchObject({ _tag: "UnknownTier", tier: "T01, T02", known: ["T01", "T02"] })
      expect(both.message).toContain("known tiers: T01, T02")
      expect(yield* Effect.flip(Access.tier(identity, "T03"))).toMatchObject({ _tag: "UnknownTier", known: ["T01", "T02"] })
      // A message names at most 20 of a merchant's tiers (review: it listed them all).
      const many = new ResolutionError.UnknownTier({
        merchant: merchant.code,
        tier: "X",
        known: Array.from({ length: 25 }, (_, i) => `T${i}`)
      })
      expect(many.message).toMatch(/T19 and 5 more$/)
    }).pipe(Effect.provide(counted({}).layer))
  )
})

describe("the Promise facade shares the invalidation", () => {
  it("a key rotated through the facade is refused by the facade's own cached check at once", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    try {
      const merchant = await paymux.merchants.create({ name: "Facade" })
      const issued = await paymux.apiKeys.issue({ merchant: merchant.code, name: "k" })
      const old = { _tag: "Secret" as const, keyId: issued.key.id, secret: Redacted.value(issued.secret) }
      expect((await paymux.access.authenticate(old)).keyId).toBe(issued.key.id)
      await paymux.apiKeys.rotate(merchant.code, issued.key.id)
      await expect(paymux.access.authenticate(old)).rejects.toMatchObject({ code: expect.any(String) })
      await expect(paymux.apiKeys.verify(issued.key.id, issued.secret)).rejects.toBeInstanceOf(Error)
    } finally {
      await paymux.close()
    }
  })
})
