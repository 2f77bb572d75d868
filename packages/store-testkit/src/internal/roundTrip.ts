/**
 * Every entity goes in and comes back equal, for values drawn from the domain's arbitraries;
 * channels come back in creation order with store-assigned sequences. Audit-log paging is in
 * auditHistory.ts.
 */
import type { PaymentChannel } from "@paymux/domain"
import * as Arb from "@paymux/domain/testing"
import { AuditLog, Repositories } from "@paymux/store"
import { Effect, Redacted } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { auditHistory } from "./auditHistory.ts"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const slot = (c: PaymentChannel.PaymentChannel): string => `${c.mode}|${c.pg}|${c.mid}|${c.paymentType}`

/** 1-6 channels of one merchant, distinct in key and in (mode, PG, MID, payment type). */
const channelsOfOneMerchant = Arb.merchantCode.chain((code) =>
  fc
    .uniqueArray(Arb.channel({ merchant: fc.constant(code) }), { minLength: 1, maxLength: 6, selector: slot })
    .filter((cs) => new Set(cs.map((c) => c.key)).size === cs.length)
)

/** Default channels for a merchant: for each mode, none or one of its channels of that mode. */
const defaultChannels = (cs: ReadonlyArray<PaymentChannel.PaymentChannel>) => {
  const pick = (mode: "test" | "live") => {
    const keys = cs.filter((c) => c.mode === mode).map((c) => c.key)
    return keys.length === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...keys), { nil: undefined })
  }
  return fc
    .tuple(pick("test"), pick("live"))
    .map(([test, live]) => ({ ...(test === undefined ? {} : { test }), ...(live === undefined ? {} : { live }) }))
}

/**
 * Channels of one merchant, and new values for the first one's mutable fields (mode, MID, name,
 * pay methods, tax type, credentials, enabled): another valid channel of the same PG and payment
 * type, whose terms take no other channel's slot.
 */
const channelsAndAnEdit = channelsOfOneMerchant
  .chain((cs) => {
    const first = cs[0]!
    const edit = Arb.channel({ merchant: fc.constant(first.merchant), key: fc.constant(first.key), pg: fc.constant(first.pg) }).filter(
      (next) => next.paymentType === first.paymentType
    )
    return fc.tuple(fc.constant(cs), edit)
  })
  .filter(([cs, next]) => !cs.slice(1).some((c) => slot(c) === slot(next)))

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

    // Mutation probe 2026-12: a store that listed a tier's channels in assignment order, or whose
    // tier update left the old assignments in place, passed.
    property(
      "a tier keeps its channels as assigned and lists them oldest first; an update replaces them",
      channelsOfOneMerchant
        .filter((cs) => cs.length >= 2)
        .chain((cs) => {
          const keys = cs.map((c) => c.key)
          return fc.tuple(fc.constant(cs), Arb.tierCode, fc.shuffledSubarray(keys, { minLength: 2 }), fc.shuffledSubarray(keys))
        }),
      ([channels, code, assigned, reassigned]) =>
        Effect.gen(function* () {
          const m = channels[0]!.merchant
          yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
          const repo = yield* Repositories.ChannelRepository
          const created: Array<PaymentChannel.PaymentChannel> = []
          for (const c of channels) created.push(yield* repo.create(c))
          const oldestFirst = (keys: ReadonlyArray<string>) => created.filter((c) => keys.includes(c.key)).map((c) => c.key)
          const subs = yield* Repositories.SubMerchantRepository
          const tier = yield* subs.create({ ...F.subMerchant(m, code), channels: assigned })
          expect((yield* subs.get(m, tier.tier)).channels, "SubMerchantRepository.get").toEqual(assigned)
          expect(
            (yield* repo.listForTier(m, tier.tier)).map((c) => c.key),
            "ChannelRepository.listForTier"
          ).toEqual(oldestFirst(assigned))
          const updated = yield* subs.update({ ...tier, name: "Reassigned", channels: reassigned })
          expect(updated).toEqual({ ...tier, name: "Reassigned", channels: reassigned, version: tier.version + 1 })
          expect(yield* subs.get(m, tier.tier), "SubMerchantRepository.get after update").toEqual(updated)
          expect(
            (yield* repo.listForTier(m, tier.tier)).map((c) => c.key),
            "ChannelRepository.listForTier after update"
          ).toEqual(oldestFirst(reassigned))
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

    // Mutation probe 2026-12: a store that listed groups by id alone, or whose group update kept the
    // old members, passed.
    property(
      "channel groups list by createdAt then id, whatever order they were created in; an update replaces the members",
      channelsOfOneMerchant
        .filter((cs) => cs.some((c) => c.purpose === "payment"))
        .chain((cs) =>
          fc.tuple(
            fc.constant(cs),
            // Few distinct creation times, so ties (broken by id) are common.
            fc.uniqueArray(fc.tuple(Arb.channelGroup(cs), fc.nat({ max: 2 })), { minLength: 2, maxLength: 4, selector: ([g]) => g.id }),
            Arb.channelGroup(cs)
          )
        ),
      ([channels, drawn, other]) =>
        Effect.gen(function* () {
          const m = channels[0]!.merchant
          yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
          for (const c of channels) yield* (yield* Repositories.ChannelRepository).create(c)
          const repo = yield* Repositories.ChannelGroupRepository
          const groups = drawn.map(([g, createdAt]) => ({ ...g, createdAt }))
          for (const g of groups) yield* repo.create(g)
          const byCreation = (gs: ReadonlyArray<{ readonly createdAt: number; readonly id: string }>) =>
            [...gs].sort((x, y) => x.createdAt - y.createdAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)).map((g) => g.id)
          expect(
            (yield* repo.list(m)).map((g) => g.id),
            "ChannelGroupRepository.list"
          ).toEqual(byCreation(groups))
          const first = groups[0]!
          const updated = yield* repo.update({ ...first, name: "Rerouted", members: other.members })
          expect(updated).toEqual({ ...first, name: "Rerouted", members: other.members, version: first.version + 1 })
          expect(yield* repo.get(m, first.id), "ChannelGroupRepository.get after update").toEqual(updated)
          expect(yield* repo.list(m), "ChannelGroupRepository.list after update").toEqual(
            byCreation(groups).map((id) => (id === first.id ? updated : groups.find((g) => g.id === id)!))
          )
        })
    )

    // Mutation probe 2026-12: SQL stores whose UPDATE left out a column (pay methods, the live
    // default channel, a mode's webhook settings, whitelist rules) passed.
    property(
      "an update stores every mutable field it is given: a merchant's name, policy and default channels; a channel's mode, MID, name, pay methods, tax type, credentials and enabled flag",
      channelsAndAnEdit.chain(([cs, next]) =>
        fc.tuple(fc.constant(cs), fc.constant(next), Arb.merchant(fc.constant(cs[0]!.merchant)), defaultChannels(cs), defaultChannels(cs))
      ),
      ([channels, next, renamed, defaults, otherDefaults]) =>
        Effect.gen(function* () {
          const code = channels[0]!.merchant
          const merchants = yield* Repositories.MerchantRepository
          const stored = yield* merchants.create(F.merchant(code))
          const repo = yield* Repositories.ChannelRepository
          const created: Array<PaymentChannel.PaymentChannel> = []
          for (const c of channels) created.push(yield* repo.create(c))

          const once = yield* merchants.update({ ...stored, defaultChannels: defaults })
          expect(yield* merchants.get(code), "MerchantRepository.get after update").toEqual({
            ...stored,
            defaultChannels: defaults,
            version: 1
          })
          const twice = yield* merchants.update({ ...once, name: renamed.name, policy: renamed.policy, defaultChannels: otherDefaults })
          expect(twice).toEqual({ ...stored, name: renamed.name, policy: renamed.policy, defaultChannels: otherDefaults, version: 2 })
          expect(yield* merchants.get(code), "MerchantRepository.get after a second update").toEqual(twice)

          const first = created[0]!
          // PG and payment type are the stored ones already; sequence and createdAt are kept.
          const edited = yield* repo.update({ ...next, sequence: first.sequence, createdAt: first.createdAt, version: first.version })
          const expected = { ...next, sequence: first.sequence, createdAt: first.createdAt, version: first.version + 1 }
          expect(F.plain(edited), "ChannelRepository.update").toEqual(F.plain(expected))
          expect(F.plain(yield* repo.get(code, first.key)), "ChannelRepository.get after update").toEqual(F.plain(expected))
          expect(F.revealed(yield* repo.credentials(code, first.key)), "ChannelRepository.credentials after update").toEqual(
            F.revealed(next.credentials)
          )
          expect((yield* repo.list(code)).map(F.plain), "ChannelRepository.list after update").toEqual(
            created.map((c, i) => F.plain(i === 0 ? expected : c))
          )
        })
    )

    property(
      "webhook settings and secrets; a second save replaces both modes' settings",
      Arb.webhookSettings().chain((s) =>
        fc.tuple(
          fc.constant(s),
          Arb.webhookSettings(fc.constant(s.merchant)),
          fc.array(fc.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/), { minLength: 1, maxLength: 2 })
        )
      ),
      ([s, next, secrets]) =>
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
          const resaved = yield* repo.put({ ...next, version: saved.version })
          expect(resaved).toEqual({ ...next, version: 2 })
          expect(yield* repo.get(s.merchant), "WebhookSettingsRepository.get after a second save").toEqual(resaved)
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

    property(
      "whitelists; a second save replaces the rules and the default",
      Arb.whitelistRules().chain((w) => fc.tuple(fc.constant(w), Arb.whitelistRules(fc.constant(w.merchant)))),
      ([w, next]) =>
        Effect.gen(function* () {
          yield* (yield* Repositories.MerchantRepository).create(F.merchant(w.merchant))
          const repo = yield* Repositories.WhitelistRepository
          expect(yield* repo.get(w.merchant)).toEqual({ merchant: w.merchant, rules: [], denyByDefault: false, version: 0 })
          const saved = yield* repo.put(w)
          expect(saved).toEqual({ ...w, version: 1 })
          expect(yield* repo.get(w.merchant)).toEqual(saved)
          const resaved = yield* repo.put({ ...next, version: saved.version })
          expect(resaved).toEqual({ ...next, version: 2 })
          expect(yield* repo.get(w.merchant), "WhitelistRepository.get after a second save").toEqual(resaved)
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

    // Resolution searches oldest first, so the order is part of the contract. Keys are created in
    // another order than their names sort, and updates move a row on PostgreSQL's heap.
    it(
      "channels list oldest first (by sequence), after updates too, with and without the mode filter",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const m = F.merchantCode(1)
            yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
            const repo = yield* Repositories.ChannelRepository
            const keys = [3, 1, 4, 2].map((n) => F.channelKey(n))
            const created = yield* Effect.forEach(keys, (key) => repo.create(F.channel(m, key)))
            yield* repo.create(F.channel(m, F.channelKey(5), { mode: "live" }))
            const renamed = yield* repo.update({ ...created[0]!, name: "renamed once" })
            yield* repo.update({ ...renamed, name: "renamed twice" })
            yield* repo.update({ ...created[2]!, enabled: false })
            expect((yield* repo.list(m)).map((c) => c.key)).toEqual([...keys, F.channelKey(5)])
            expect((yield* repo.list(m, { mode: "test" })).map((c) => c.key)).toEqual(keys)
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

    auditHistory(h)
  })
