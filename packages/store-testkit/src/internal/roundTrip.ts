/**
 * Every entity goes in and comes back equal, for values drawn from the domain's arbitraries;
 * channels come back in creation order with store-assigned sequences.
 */
import type { PaymentChannel } from "@paymux/domain"
import * as Arb from "@paymux/domain/testing"
import { AuditLog, Repositories } from "@paymux/store"
import { Effect, Redacted } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const slot = (c: PaymentChannel.PaymentChannel): string => `${c.mode}|${c.pg}|${c.mid}|${c.paymentType}`

/** 1-6 channels of one merchant, distinct in key and in (mode, PG, MID, payment type). */
const channelsOfOneMerchant = Arb.merchantCode.chain((code) =>
  fc
    .uniqueArray(Arb.channel({ merchant: fc.constant(code) }), { minLength: 1, maxLength: 6, selector: slot })
    .filter((cs) => new Set(cs.map((c) => c.key)).size === cs.length)
)

export const roundTrip = (h: Harness): void =>
  void describe("round trip", () => {
    const property = <A>(name: string, arb: fc.Arbitrary<A>, body: (a: A) => Effect.Effect<void, unknown, any>) =>
      it(
        name,
        () =>
          fc.assert(
            fc.asyncProperty(arb, (a) => h.freshPromise(body(a))),
            { numRuns: h.numRuns }
          ),
        h.timeout
      )

    property("merchants", Arb.merchant(), (m) =>
      Effect.gen(function* () {
        const repo = yield* Repositories.MerchantRepository
        expect(yield* repo.create(m)).toEqual(m)
        expect(yield* repo.get(m.code)).toEqual(m)
        const renamed = yield* repo.update({ ...m, name: "Renamed", policy: m.policy === "strict" ? "fallback" : "strict" })
        expect(renamed.version).toBe(m.version + 1)
        expect(yield* repo.get(m.code)).toEqual(renamed)
        expect(yield* repo.list()).toEqual([renamed])
      })
    )

    property(
      "merchants list by code, whatever order they were created in",
      fc.uniqueArray(Arb.merchantCode, { minLength: 2, maxLength: 5 }),
      (codes) =>
        Effect.gen(function* () {
          const repo = yield* Repositories.MerchantRepository
          for (const [i, code] of codes.entries()) yield* repo.create({ ...F.merchant(code), createdAt: 1_700_000_000_000 + i })
          expect((yield* repo.list()).map((m) => m.code)).toEqual([...codes].sort())
        })
    )

    property("sub-merchants", fc.tuple(Arb.merchant(), fc.uniqueArray(Arb.tierCode, { minLength: 1, maxLength: 5 })), ([m, tiers]) =>
      Effect.gen(function* () {
        yield* (yield* Repositories.MerchantRepository).create(m)
        const repo = yield* Repositories.SubMerchantRepository
        // Created later as they sort earlier (differential probe 2026-12: the SQL stores listed
        // by creation time first): the list is in tier-code order all the same.
        for (const [i, t] of tiers.entries()) yield* repo.create({ ...F.subMerchant(m.code, t), createdAt: 1_700_000_000_000 + i })
        const listed = yield* repo.list(m.code)
        expect(listed.map((s) => s.tier)).toEqual([...tiers].sort())
        const first = yield* repo.get(m.code, F.tier(tiers[0]!))
        expect(first).toEqual(F.subMerchant(m.code, tiers[0]!))
        const updated = yield* repo.update({ ...first, name: "Renamed tier" })
        expect(yield* repo.get(m.code, first.tier)).toEqual({ ...first, name: "Renamed tier", version: first.version + 1 })
        expect(updated.version).toBe(first.version + 1)
      })
    )

    property("channels, in creation order with store-assigned sequences", channelsOfOneMerchant, (channels) =>
      Effect.gen(function* () {
        const code = channels[0]!.merchant
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(code))
        const repo = yield* Repositories.ChannelRepository
        const created: Array<PaymentChannel.PaymentChannel> = []
        for (const c of channels) created.push(yield* repo.create(c))
        for (const [i, c] of created.entries()) {
          expect(F.plain(c)).toEqual(F.plain({ ...channels[i]!, sequence: c.sequence }))
          if (i > 0) expect(c.sequence).toBeGreaterThan(created[i - 1]!.sequence)
          const read = yield* repo.get(code, c.key)
          expect(F.plain(read)).toEqual(F.plain(c))
          expect(read.readable).toBe(true)
          expect(F.revealed(yield* repo.credentials(code, c.key))).toEqual(F.revealed(channels[i]!.credentials))
        }
        expect((yield* repo.list(code)).map(F.plain)).toEqual(created.map(F.plain))
        for (const mode of ["test", "live"] as const) {
          expect((yield* repo.list(code, { mode })).map((c) => c.key)).toEqual(created.filter((c) => c.mode === mode).map((c) => c.key))
        }
        const first = created[0]!
        const edited = yield* repo.update({ ...first, enabled: !first.enabled, name: "Edited", sequence: 999_999, createdAt: 5 })
        expect(edited).toMatchObject({
          enabled: !first.enabled,
          version: first.version + 1,
          sequence: first.sequence,
          createdAt: first.createdAt
        })
        expect(F.plain(yield* repo.get(code, first.key))).toEqual(F.plain(edited))
        expect(F.revealed(yield* repo.credentials(code, first.key))).toEqual(F.revealed(first.credentials))
      })
    )

    property(
      "channel groups",
      channelsOfOneMerchant
        .filter((cs) => cs.some((c) => c.purpose === "payment"))
        .chain((cs) => fc.tuple(fc.constant(cs), Arb.channelGroup(cs))),
      ([channels, g]) =>
        Effect.gen(function* () {
          yield* (yield* Repositories.MerchantRepository).create(F.merchant(g.merchant))
          for (const c of channels) yield* (yield* Repositories.ChannelRepository).create(c)
          const repo = yield* Repositories.ChannelGroupRepository
          expect(yield* repo.create(g)).toEqual(g)
          expect(yield* repo.get(g.merchant, g.id)).toEqual(g)
          expect(yield* repo.list(g.merchant)).toEqual([g])
          const renamed = yield* repo.update({ ...g, name: "Renamed group" })
          expect(renamed.version).toBe(g.version + 1)
          expect(yield* repo.get(g.merchant, g.id)).toEqual(renamed)
          yield* repo.remove(g.merchant, g.id, renamed.version)
          expect(yield* repo.list(g.merchant)).toEqual([])
        })
    )

    property(
      "webhook settings and secrets",
      fc.tuple(Arb.webhookSettings(), fc.array(fc.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/), { minLength: 1, maxLength: 2 })),
      ([s, secrets]) =>
        Effect.gen(function* () {
          yield* (yield* Repositories.MerchantRepository).create(F.merchant(s.merchant))
          const repo = yield* Repositories.WebhookSettingsRepository
          expect(yield* repo.get(s.merchant)).toEqual({
            merchant: s.merchant,
            test: { contentType: "json", endpoints: [] },
            live: { contentType: "json", endpoints: [] },
            version: 0
          })
          const saved = yield* repo.put(s)
          expect(saved).toEqual({ ...s, version: 1 })
          expect(yield* repo.get(s.merchant)).toEqual(saved)
          expect(yield* repo.getSecrets(s.merchant, "live")).toEqual([])
          yield* repo.putSecrets(
            s.merchant,
            "live",
            secrets.map((x) => Redacted.make(x))
          )
          expect((yield* repo.getSecrets(s.merchant, "live")).map(Redacted.value)).toEqual(secrets)
          expect(yield* repo.getSecrets(s.merchant, "test")).toEqual([])
          yield* repo.putSecrets(s.merchant, "live", [])
          expect(yield* repo.getSecrets(s.merchant, "live")).toEqual([])
        })
    )

    property("whitelists", Arb.whitelistRules(), (w) =>
      Effect.gen(function* () {
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(w.merchant))
        const repo = yield* Repositories.WhitelistRepository
        expect(yield* repo.get(w.merchant)).toEqual({ merchant: w.merchant, rules: [], denyByDefault: false, version: 0 })
        const saved = yield* repo.put(w)
        expect(saved).toEqual({ ...w, version: 1 })
        expect(yield* repo.get(w.merchant)).toEqual(saved)
      })
    )

    property(
      "API keys",
      fc.uniqueArray(Arb.apiKey(fc.constant(F.merchantCode(1))), { minLength: 1, maxLength: 4, selector: (k) => k.id }),
      (keys) =>
        Effect.gen(function* () {
          yield* (yield* Repositories.MerchantRepository).create(F.merchant(F.merchantCode(1)))
          const repo = yield* Repositories.ApiKeyRepository
          for (const k of keys) expect(yield* repo.create(k)).toEqual(k)
          for (const k of keys) expect(yield* repo.get(k.id)).toEqual(k)
          const byCreation = [...keys].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
          expect(yield* repo.list(F.merchantCode(1))).toEqual(byCreation)
          const revoked = yield* repo.update({ ...keys[0]!, revokedAt: keys[0]!.createdAt + 1 })
          expect(yield* repo.get(keys[0]!.id)).toEqual({ ...keys[0]!, revokedAt: keys[0]!.createdAt + 1, version: keys[0]!.version + 1 })
          expect(revoked.version).toBe(keys[0]!.version + 1)
        })
    )

    it(
      "audit entries, newest first, filtered by action and limited",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const log = yield* AuditLog.AuditLog
            const a = F.merchantCode(1)
            for (let n = 1; n <= 5; n++) yield* log.append(F.auditEntry(a, n, n % 2 === 0 ? "key.rotate" : "channel.update"))
            yield* log.append(F.auditEntry(F.merchantCode(2), 9))
            expect((yield* log.list(a)).map((e) => e.id)).toEqual([5, 4, 3, 2, 1].map((n) => `audit-${a}-${n}`))
            expect(yield* log.list(a, { limit: 2 })).toEqual([F.auditEntry(a, 5, "channel.update"), F.auditEntry(a, 4, "key.rotate")])
            expect((yield* log.list(a, { action: "key.rotate" })).map((e) => e.id)).toEqual([`audit-${a}-4`, `audit-${a}-2`])
          })
        ),
      h.timeout
    )

    it(
      "a channel sequence is never reused after a removal",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const m = F.merchantCode(1)
            yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
            const repo = yield* Repositories.ChannelRepository
            yield* repo.create(F.channel(m, F.channelKey(1)))
            const second = yield* repo.create(F.channel(m, F.channelKey(2)))
            yield* repo.remove(m, second.key, second.version)
            const third = yield* repo.create(F.channel(m, F.channelKey(3), { sequence: second.sequence }))
            expect(third.sequence).toBeGreaterThan(second.sequence)
            expect((yield* repo.list(m)).map((c) => c.key)).toEqual([F.channelKey(1), F.channelKey(3)])
          })
        ),
      h.timeout
    )

    it(
      "removing a channel unassigns it from the merchant's tiers and groups",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const m = F.merchantCode(1)
            yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
            const channels = yield* Repositories.ChannelRepository
            const a = yield* channels.create(F.channel(m, F.channelKey(1)))
            const b = yield* channels.create(F.channel(m, F.channelKey(2)))
            const subs = yield* Repositories.SubMerchantRepository
            yield* subs.create(F.subMerchant(m, "T01", [a.key, b.key]))
            const groups = yield* Repositories.ChannelGroupRepository
            yield* groups.create(
              F.group(m, F.groupId(1), [
                { channel: a.key, weight: 60 },
                { channel: b.key, weight: 40 }
              ])
            )
            yield* channels.remove(m, a.key, a.version)
            const sub = yield* subs.get(m, F.tier("T01"))
            expect(sub.channels).toEqual([b.key])
            expect(sub.version).toBe(1)
            expect((yield* channels.listForTier(m, F.tier("T01"))).map((c) => c.key)).toEqual([b.key])
            const g = yield* groups.get(m, F.groupId(1))
            expect(g.members).toEqual([{ channel: b.key, weight: 40 }])
            expect(g.version).toBe(1)
          })
        ),
      h.timeout
    )
  })
