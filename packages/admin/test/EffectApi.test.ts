import { describe, expect, it } from "@effect/vitest"
import { AdminContext, Channels, Merchants, Resolve, ResolverCache, Whitelists } from "@paymux/admin"
import { AuditLog, Memory } from "@paymux/store"
import { Effect, Layer } from "effect"

const layer = Layer.merge(Memory.layer(), ResolverCache.layer())

describe("Effect API", () => {
  it.effect("use cases compose in one program with typed failures", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Effect Shop", code: "imp00000042" })
      const channel = yield* Channels.add({
        merchant: merchant.code,
        mode: "test",
        pg: "kakaopay",
        paymentType: "window.simple",
        payMethods: ["card"]
      })
      expect(channel.mid).toBe("TC0ONETIME")
      const resolution = yield* Resolve.resolve({
        merchant: merchant.code,
        mode: "test",
        pg: "kakaopay",
        payMethod: "card",
        paymentType: "window.simple"
      })
      expect(resolution.channel.key).toBe(channel.key)
      const failure = yield* Effect.flip(Merchants.create({ name: "Again", code: "imp00000042" }))
      expect(failure._tag === "StoreError" && failure.reason._tag).toBe("Conflict")
      const cidr = yield* Effect.flip(Whitelists.set(merchant.code, ["1.1.1.1/24"]))
      expect(cidr._tag).toBe("InvalidCidr")
      expect(cidr.message).toContain("1.1.1.0/24")
      const log = yield* AuditLog.AuditLog
      expect((yield* log.list(merchant.code)).map((e) => e.actor)).toEqual(["cli:alice", "cli:alice"])
    }).pipe(AdminContext.withActor({ kind: "cli", id: "alice" }), Effect.provide(layer))
  )

  // Regression for a mutant no test killed (every entry written with before: null).
  it.effect("an edit's audit entry holds the channel as it was before and as it is after", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Audited Shop" })
      const channel = yield* Channels.add({
        merchant: merchant.code,
        mode: "test",
        pg: "kakaopay",
        paymentType: "window.simple",
        payMethods: ["card"],
        name: "Before"
      })
      yield* Channels.edit(merchant.code, channel.key, { name: "After" })
      const entries = yield* (yield* AuditLog.AuditLog).list(merchant.code, { action: "channel.edit" })
      expect(entries.map((e) => [e.target, (e.before as { name?: string }).name, (e.after as { name?: string }).name])).toEqual([
        [channel.key, "Before", "After"]
      ])
    }).pipe(Effect.provide(layer))
  )

  it.effect("a failed whitelist change leaves the stored list and the audit trail untouched", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Atomic Shop" })
      yield* Whitelists.set(merchant.code, ["10.0.0.0/8"])
      yield* Effect.flip(Whitelists.add(merchant.code, ["192.168.0.1/16"]))
      expect((yield* Whitelists.show(merchant.code)).rules).toEqual(["10.0.0.0/8"])
      const log = yield* AuditLog.AuditLog
      expect((yield* log.list(merchant.code)).map((e) => e.action)).toEqual(["whitelist.set", "merchant.create"])
    }).pipe(Effect.provide(layer))
  )

  // Regression (console probe): a whitelist saved from an old copy dropped a rule added since and
  // brought back a range removed since; `set` had no version to check.
  it.effect("a whitelist replaced from a stale version is a Conflict and leaves the list as it is", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Versioned Shop" })
      const read = yield* Whitelists.set(merchant.code, ["10.0.0.0/8", "192.0.2.7/32"])
      yield* Whitelists.remove(merchant.code, ["192.0.2.7/32"])
      const stale = yield* Effect.flip(Whitelists.set(merchant.code, [...read.rules, "198.51.100.0/24"], { version: read.version }))
      expect(stale._tag === "StoreError" && stale.reason._tag).toBe("Conflict")
      expect((yield* Whitelists.show(merchant.code)).rules).toEqual(["10.0.0.0/8"])
      const current = yield* Whitelists.show(merchant.code)
      const saved = yield* Whitelists.set(merchant.code, ["10.0.0.0/8", "198.51.100.0/24"], { version: current.version })
      expect([saved.rules, saved.version]).toEqual([["10.0.0.0/8", "198.51.100.0/24"], current.version + 1])
      const bad = yield* Effect.flip(Whitelists.set(merchant.code, [], { version: -1 }))
      expect(bad._tag === "InvalidInput" && bad.field).toBe("version")
    }).pipe(Effect.provide(layer))
  )

  // Regression (security re-probe): a whitelist change stored the address-space difference in its
  // audit entry: switching between ::/0 and 1,000 single addresses wrote ~127,000 blocks (2.7 MB).
  it.effect("a whitelist change's audit entry names the rules added and removed, as the lists hold them", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Audited Shop" })
      const scattered = Array.from({ length: 1000 }, (_, i) => `2001:db8:${(i * 61).toString(16)}::${(i * 13).toString(16)}/128`)
      yield* Whitelists.set(merchant.code, ["::/0"])
      const saved = yield* Whitelists.set(merchant.code, scattered)
      yield* Whitelists.set(merchant.code, [...saved.rules.slice(1), "192.0.2.0/24"])
      const log = yield* AuditLog.AuditLog
      const [last, middle] = yield* log.list(merchant.code, { action: "whitelist.set" })
      expect(middle!.after).toMatchObject({ added: saved.rules, removed: ["::/0"] })
      expect(last!.after).toMatchObject({ added: ["192.0.2.0/24"], removed: [saved.rules[0]] })
    }).pipe(Effect.provide(layer))
  )

  // Regression (security re-probe): removing 43,000 addresses from ::/0 split it into millions of
  // blocks before the list's bound refused the result, holding the process for 23 s.
  it.effect("a removal names at most as many rules as a list holds, refused before any work", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Bounded Shop" })
      yield* Whitelists.set(merchant.code, ["::/0"])
      const many = Array.from({ length: 1001 }, (_, i) => `2001:db8:${i.toString(16)}::1`)
      const refused = yield* Effect.flip(Whitelists.remove(merchant.code, many))
      expect(refused._tag === "InvalidInput" && [refused.field, refused.rule]).toEqual([
        "rules",
        "remove at most 1000 CIDR blocks or addresses at once"
      ])
      expect((yield* Whitelists.show(merchant.code)).rules).toEqual(["::/0"])
    }).pipe(Effect.provide(layer))
  )

  // Regression (security re-probe): adding address space the list already admits wrote a new
  // version and an audit entry that changed nothing.
  it.effect("a whitelist change that leaves the list as it is writes nothing; a stale version is still a Conflict", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Idle Shop" })
      const read = yield* Whitelists.set(merchant.code, ["10.0.0.0/8"])
      const log = yield* AuditLog.AuditLog
      const entries = (yield* log.list(merchant.code)).length
      expect((yield* Whitelists.add(merchant.code, ["10.1.2.3"])).version).toBe(read.version)
      expect((yield* Whitelists.set(merchant.code, ["10.0.0.0/8"], { version: read.version })).version).toBe(read.version)
      expect((yield* Whitelists.setDenyByDefault(merchant.code, read.denyByDefault)).version).toBe(read.version)
      expect(yield* log.list(merchant.code)).toHaveLength(entries)
      const stale = yield* Effect.flip(Whitelists.set(merchant.code, ["10.0.0.0/8"], { version: read.version - 1 }))
      expect(stale._tag === "StoreError" && stale.reason._tag).toBe("Conflict")
    }).pipe(Effect.provide(layer))
  )
})
