/**
 * Uniqueness rules and the `StoreError` reasons callers branch on.
 */
import { AuditLog, Repositories } from "@paymux/store"
import { Outbox } from "@paymux/store"
import { Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const a = F.merchantCode(1)
const b = F.merchantCode(2)

const twoMerchants = Effect.gen(function* () {
  const merchants = yield* Repositories.MerchantRepository
  yield* merchants.create(F.merchant(a))
  yield* merchants.create(F.merchant(b))
})

export const uniqueness = (h: Harness): void => {
  describe("uniqueness", () => {
    it(
      "merchant codes, channel keys (across merchants), group ids, API key ids (across merchants) and audit ids",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            yield* F.expectStoreError(
              (yield* Repositories.MerchantRepository).create(F.merchant(a, "Again")),
              "Conflict",
              "MerchantRepository.create"
            )
            const channels = yield* Repositories.ChannelRepository
            yield* channels.create(F.channel(a, F.channelKey(1)))
            yield* F.expectStoreError(
              channels.create(F.channel(b, F.channelKey(1), { mid: F.channel(b, F.channelKey(9)).mid })),
              "Conflict",
              "ChannelRepository.create"
            )
            const groups = yield* Repositories.ChannelGroupRepository
            yield* groups.create(F.group(a, F.groupId(1), [{ channel: F.channelKey(1), weight: 100 }]))
            yield* F.expectStoreError(groups.create(F.group(a, F.groupId(1), [])), "Conflict", "ChannelGroupRepository.create")
            const keys = yield* Repositories.ApiKeyRepository
            yield* keys.create(F.apiKey(a, F.apiKeyId(1)))
            yield* F.expectStoreError(keys.create(F.apiKey(b, F.apiKeyId(1))), "Conflict", "ApiKeyRepository.create")
            const log = yield* AuditLog.AuditLog
            yield* log.append(F.auditEntry(a, 1))
            yield* F.expectStoreError(log.append(F.auditEntry(a, 1)), "Conflict", "AuditLog.append")
            expect(yield* log.list(a)).toHaveLength(1)
          })
        ),
      h.timeout
    )

    it(
      "(merchant, mode, PG, MID, payment type) on create and on update",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const channels = yield* Repositories.ChannelRepository
            const first = yield* channels.create(F.channel(a, F.channelKey(1)))
            const same = { mid: first.mid }
            const taken = yield* Effect.flip(channels.create(F.channel(a, F.channelKey(2), same)))
            expect(taken.reason, "ChannelRepository.create: a Conflict naming the channel that holds the slot").toMatchObject({
              _tag: "Conflict",
              entity: "channel",
              id: first.key
            })
            yield* channels.create(F.channel(a, F.channelKey(3), { ...same, mode: "live" }))
            yield* channels.create(F.channel(a, F.channelKey(4), { ...same, paymentType: "api.keyin" }))
            yield* channels.create(F.channel(a, F.channelKey(5), { ...same, pg: "nice" as F.Channel["pg"] }))
            yield* channels.create(F.channel(b, F.channelKey(6), same))
            const other = yield* channels.create(F.channel(a, F.channelKey(7)))
            const moveTaken = yield* Effect.flip(channels.update({ ...other, mid: first.mid }))
            expect(moveTaken.reason, "ChannelRepository.update: a Conflict naming the channel that holds the slot").toMatchObject({
              _tag: "Conflict",
              entity: "channel",
              id: first.key
            })
            // The slot frees up when its channel moves or goes.
            yield* channels.remove(a, first.key, first.version)
            const moved = yield* channels.update({ ...other, mid: first.mid })
            expect(moved.mid).toBe(first.mid)
            yield* channels.create(F.channel(a, F.channelKey(8), { mid: other.mid }))
            expect((yield* channels.list(a)).map((c) => c.key)).toEqual([3, 4, 5, 7, 8].map(F.channelKey))
          })
        ),
      h.timeout
    )

    it(
      "tier codes per merchant",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const subs = yield* Repositories.SubMerchantRepository
            yield* subs.create(F.subMerchant(a, "T01"))
            yield* F.expectStoreError(subs.create(F.subMerchant(a, "T01")), "Conflict", "SubMerchantRepository.create")
            yield* subs.create(F.subMerchant(b, "T01"))
            expect(yield* subs.list(b)).toHaveLength(1)
          })
        ),
      h.timeout
    )

    // Store probe: a tier naming one channel twice was kept by memory, and refused by the SQL
    // stores as a Conflict saying the (new) tier already exists.
    it(
      "a tier names each channel once: twice is InvalidInput in every store",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const channel = yield* (yield* Repositories.ChannelRepository).create(F.channel(a, F.channelKey(1)))
            const subs = yield* Repositories.SubMerchantRepository
            yield* F.expectStoreError(
              subs.create(F.subMerchant(a, "T02", [channel.key, channel.key])),
              "InvalidInput",
              "SubMerchantRepository.create, a channel twice"
            )
            expect(yield* subs.list(a)).toEqual([])
          })
        ),
      h.timeout
    )

    // Mutation probe 2026-12: stores that matched tier codes case-insensitively passed.
    it(
      "tier codes are case-sensitive: T01 and t01 are two tiers, listed in byte order",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const subs = yield* Repositories.SubMerchantRepository
            const channels = yield* Repositories.ChannelRepository
            const channel = yield* channels.create(F.channel(a, F.channelKey(1)))
            yield* subs.create(F.subMerchant(a, "T01", [channel.key]))
            yield* F.expectStoreError(subs.get(a, F.tier("t01")), "NotFound", "SubMerchantRepository.get (other case)")
            yield* F.expectStoreError(channels.listForTier(a, F.tier("t01")), "NotFound", "ChannelRepository.listForTier (other case)")
            const lower = yield* subs.create({ ...F.subMerchant(a, "t01"), name: "Lower case" })
            expect(
              (yield* subs.list(a)).map((s) => s.tier),
              "SubMerchantRepository.list"
            ).toEqual(["T01", "t01"])
            expect(yield* subs.get(a, F.tier("t01"))).toEqual(lower)
            expect((yield* subs.get(a, F.tier("T01"))).channels).toEqual([channel.key])
            expect(yield* channels.listForTier(a, F.tier("t01"))).toEqual([])
          })
        ),
      h.timeout
    )

    it(
      "at most two active webhook secrets per mode",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const webhooks = yield* Repositories.WebhookSettingsRepository
            const three = ["whsec_one", "whsec_two", "whsec_three"].map((s) => Redacted.make(s))
            yield* F.expectStoreError(webhooks.putSecrets(a, "live", three), "Conflict", "WebhookSettingsRepository.putSecrets")
            expect(yield* webhooks.getSecrets(a, "live")).toEqual([])
          })
        ),
      h.timeout
    )
  })

  // Differential probe 2026-12: memory and the SQL stores answered these differently.
  describe("the update contract", () => {
    it(
      "update returns what it stored: createdAt, and a channel's sequence, PG and payment type, are the stored ones",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const merchants = yield* Repositories.MerchantRepository
            const stored = yield* merchants.get(a)
            const renamed = yield* merchants.update({ ...stored, name: "Renamed", createdAt: 5 })
            expect(renamed.createdAt, "MerchantRepository.update").toBe(stored.createdAt)
            expect(yield* merchants.get(a)).toEqual(renamed)
            const subs = yield* Repositories.SubMerchantRepository
            const sub = yield* subs.create(F.subMerchant(a, "T01"))
            expect((yield* subs.update({ ...sub, name: "Renamed", createdAt: 5 })).createdAt, "SubMerchantRepository.update").toBe(
              sub.createdAt
            )
            const channels = yield* Repositories.ChannelRepository
            const channel = yield* channels.create(F.channel(a, F.channelKey(1)))
            const moved = yield* channels.update({
              ...channel,
              pg: "inicis" as typeof channel.pg,
              paymentType: "api.keyin",
              createdAt: 5,
              sequence: 9
            })
            expect([moved.pg, moved.paymentType, moved.createdAt, moved.sequence], "ChannelRepository.update").toEqual([
              channel.pg,
              channel.paymentType,
              channel.createdAt,
              channel.sequence
            ])
            expect(F.plain(yield* channels.get(a, channel.key))).toEqual(F.plain(moved))
          })
        ),
      h.timeout
    )

    it(
      "an unknown channel is NotFound even when its terms would take another channel's slot; settings never saved are at version 0",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const channels = yield* Repositories.ChannelRepository
            const taken = yield* channels.create(F.channel(a, F.channelKey(1)))
            yield* F.expectStoreError(
              channels.update({ ...F.channel(a, F.channelKey(2), { mid: taken.mid }), version: 0 }),
              "NotFound",
              "ChannelRepository.update (unknown key)"
            )
            const whitelists = yield* Repositories.WhitelistRepository
            yield* F.expectStoreError(
              whitelists.put({ ...(yield* whitelists.get(a)), version: 3 }),
              "Conflict",
              "WhitelistRepository.put (never saved, version 3)"
            )
            const webhooks = yield* Repositories.WebhookSettingsRepository
            yield* F.expectStoreError(
              webhooks.put({ ...(yield* webhooks.get(a)), version: 3 }),
              "Conflict",
              "WebhookSettingsRepository.put (never saved, version 3)"
            )
          })
        ),
      h.timeout
    )

    it(
      "the outbox hands out deliveries due at the same time in the order they were queued",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const outbox = yield* Outbox.Outbox
            const first = yield* outbox.enqueue(F.newDelivery(a, 1), 1)
            const second = yield* outbox.enqueue(F.newDelivery(a, 2), 1)
            const claimed = yield* outbox.claim({ workerId: "w", now: 1, leaseMillis: 1_000, limit: 1 })
            expect(claimed.map((d) => d.id)).toEqual([first.id])
            const rest = yield* outbox.claim({ workerId: "w", now: 1, leaseMillis: 1_000, limit: 10 })
            expect(rest.map((d) => d.id)).toEqual([second.id])
          })
        ),
      h.timeout
    )
  })

  describe("conflicts read alike", () => {
    it(
      "a channel created twice is refused for its slot, in the same words by every store",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const channels = yield* Repositories.ChannelRepository
            const channel = yield* channels.create(F.channel(a, F.channelKey(1)))
            const error = yield* Effect.flip(channels.create(F.channel(a, F.channelKey(1))))
            expect(error.message, "ChannelRepository.create (key and slot taken)").toContain(
              `${a} already has this ${channel.mode} ${channel.pg} channel with MID ${channel.mid}`
            )
          })
        ),
      h.timeout
    )
  })

  describe("writes that would not read back", () => {
    // Embedding probe 2026-12: a merchant stored with policy "yolo" made it, and every listing of
    // merchants, read as Corrupt. A store keeps only what it can read back (WriteChecks).
    it(
      "a create, update or put of an entity that breaks its schema is InvalidInput, and nothing is written",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const bad = <A>(value: A, change: Record<string, unknown>): A => ({ ...value, ...change }) as A
            const merchants = yield* Repositories.MerchantRepository
            const c = F.merchantCode(3)
            yield* F.expectStoreError(merchants.create(bad(F.merchant(c), { policy: "yolo" })), "InvalidInput", "MerchantRepository.create")
            yield* F.expectStoreError(merchants.get(c), "NotFound", "MerchantRepository.get (nothing created)")
            const stored = yield* merchants.get(a)
            yield* F.expectStoreError(merchants.update(bad(stored, { name: "" })), "InvalidInput", "MerchantRepository.update")
            expect(yield* merchants.get(a), "MerchantRepository.get (unchanged)").toEqual(stored)
            const channels = yield* Repositories.ChannelRepository
            yield* F.expectStoreError(
              channels.create(bad(F.channel(a, F.channelKey(1)), { taxType: "tax_free" })),
              "InvalidInput",
              "ChannelRepository.create"
            )
            expect(yield* channels.list(a), "ChannelRepository.list (nothing created)").toEqual([])
            const channel = yield* channels.create(F.channel(a, F.channelKey(2)))
            yield* F.expectStoreError(channels.update(bad(channel, { payMethods: "card" })), "InvalidInput", "ChannelRepository.update")
            expect((yield* channels.get(a, channel.key)).version, "ChannelRepository.get (unchanged)").toBe(channel.version)
            const subs = yield* Repositories.SubMerchantRepository
            yield* F.expectStoreError(subs.create(F.subMerchant(a, "toolong")), "InvalidInput", "SubMerchantRepository.create")
            const groups = yield* Repositories.ChannelGroupRepository
            yield* F.expectStoreError(
              groups.create(bad(F.group(a, F.groupId(1), [{ channel: channel.key, weight: 100 }]), { mode: "prod" })),
              "InvalidInput",
              "ChannelGroupRepository.create"
            )
            const whitelists = yield* Repositories.WhitelistRepository
            const rules = yield* whitelists.get(a)
            yield* F.expectStoreError(whitelists.put(bad(rules, { denyByDefault: "false" })), "InvalidInput", "WhitelistRepository.put")
            expect(yield* whitelists.get(a), "WhitelistRepository.get (unchanged)").toEqual(rules)
            const webhooks = yield* Repositories.WebhookSettingsRepository
            const settings = yield* webhooks.get(a)
            yield* F.expectStoreError(
              webhooks.put(bad(settings, { test: { ...settings.test, contentType: "xml" } })),
              "InvalidInput",
              "WebhookSettingsRepository.put"
            )
            const keys = yield* Repositories.ApiKeyRepository
            yield* F.expectStoreError(keys.create(F.apiKey(a, F.apiKeyId(1), "not a hash")), "InvalidInput", "ApiKeyRepository.create")
            expect(yield* keys.list(a), "ApiKeyRepository.list (nothing created)").toEqual([])
            // The message names the field and never quotes a secret.
            const error = yield* Effect.flip(
              channels.create(bad(F.channel(a, F.channelKey(3)), { credentials: { site_key: "PLAINSECRET" } }))
            )
            expect(error.message).toContain("credentials")
            expect(error.message).not.toContain("PLAINSECRET")
          })
        ),
      h.timeout
    )
  })

  describe("lists and limits", () => {
    it(
      "the audit log lists newest appended first, whatever the entries' clocks say; a limit is a whole number of rows, at least 0",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const log = yield* AuditLog.AuditLog
            const early = { ...F.auditEntry(a, 1), at: 100 }
            const late = { ...F.auditEntry(a, 2), at: 50 }
            yield* log.append(early)
            yield* log.append(late)
            expect(
              (yield* log.list(a)).map((e) => e.id),
              "AuditLog.list"
            ).toEqual([late.id, early.id])
            expect(yield* log.list(a, { limit: -1 }), "AuditLog.list, limit -1").toEqual([])
            expect(
              (yield* log.list(a, { limit: 1.5 })).map((e) => e.id),
              "AuditLog.list, limit 1.5"
            ).toEqual([late.id])
            const outbox = yield* Outbox.Outbox
            for (const n of [1, 2, 3]) yield* outbox.enqueue(F.newDelivery(a, n), 0)
            expect(yield* outbox.history({ limit: 1.5 }), "Outbox.history, limit 1.5").toHaveLength(1)
            expect(yield* outbox.claim({ workerId: "w", now: 0, leaseMillis: 1_000, limit: 1.5 }), "Outbox.claim, limit 1.5").toHaveLength(
              1
            )
            // Not a number allows none, an infinite limit all, as no limit does (store probe: SQLite
            // failed both as Unavailable, PostgreSQL as InvalidInput).
            expect(yield* log.list(a, { limit: Number.NaN }), "AuditLog.list, limit NaN").toEqual([])
            expect(yield* log.list(a, { limit: Number.POSITIVE_INFINITY }), "AuditLog.list, limit Infinity").toHaveLength(2)
            expect(yield* log.list(a, { limit: 1e300 }), "AuditLog.list, limit 1e300").toHaveLength(2)
            expect(yield* outbox.history({ limit: 1e20 }), "Outbox.history, limit 1e20").toHaveLength(3)
            expect(yield* outbox.history({ limit: Number.NaN }), "Outbox.history, limit NaN").toEqual([])
            expect(yield* outbox.history({ limit: Number.POSITIVE_INFINITY }), "Outbox.history, limit Infinity").toHaveLength(3)
            expect(
              yield* outbox.claim({ workerId: "w", now: 0, leaseMillis: 1_000, limit: Number.NaN }),
              "Outbox.claim, limit NaN"
            ).toEqual([])
            expect(
              yield* outbox.claim({ workerId: "w", now: 0, leaseMillis: 1_000, limit: Number.POSITIVE_INFINITY }),
              "Outbox.claim, limit Infinity"
            ).toHaveLength(2)
            expect(yield* outbox.prune({ before: 1, limit: Number.NaN }), "Outbox.prune, limit NaN").toBe(0)
          })
        ),
      h.timeout
    )

    // Store probe: SQLite and PostgreSQL died on a BigInt or a cycle; memory kept them.
    it(
      "an audit entry whose before or after JSON cannot hold is InvalidInput; what is kept reads back as JSON",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const log = yield* AuditLog.AuditLog
            const cyclic: Record<string, unknown> = {}
            cyclic["self"] = cyclic
            yield* F.expectStoreError(log.append({ ...F.auditEntry(a, 1), before: { n: 1n } }), "InvalidInput", "AuditLog.append, a BigInt")
            yield* F.expectStoreError(log.append({ ...F.auditEntry(a, 2), after: cyclic }), "InvalidInput", "AuditLog.append, a cycle")
            expect(yield* log.list(a), "nothing appended").toEqual([])
            yield* log.append({ ...F.auditEntry(a, 3), before: { kept: 1, dropped: undefined }, after: null })
            expect(
              (yield* log.list(a)).map((e) => e.before),
              "AuditLog.list"
            ).toEqual([{ kept: 1 }])
          })
        ),
      h.timeout
    )

    // Store probe: PostgreSQL rounded 1.5 to 2 in its whole-number columns; memory and SQLite kept 1.5.
    it(
      "an enqueue or audit entry with a time or count that is not a whole number is InvalidInput, and nothing is stored",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const outbox = yield* Outbox.Outbox
            const log = yield* AuditLog.AuditLog
            const refused = [
              ["maxAttempts 1.5", outbox.enqueue(F.newDelivery(a, 1, { maxAttempts: 1.5 }), 1000)],
              ["maxAttempts 0", outbox.enqueue(F.newDelivery(a, 2, { maxAttempts: 0 }), 1000)],
              // Beyond PostgreSQL's INTEGER column, which memory and SQLite would have kept.
              ["maxAttempts 2^31", outbox.enqueue(F.newDelivery(a, 7, { maxAttempts: 2 ** 31 }), 1000)],
              ["availableAt 1000.5", outbox.enqueue(F.newDelivery(a, 3, { availableAt: 1000.5 }), 1000)],
              ["now 1000.5", outbox.enqueue(F.newDelivery(a, 4), 1000.5)],
              ["now NaN", outbox.enqueue(F.newDelivery(a, 5), Number.NaN)]
            ] as const
            for (const [what, enqueue] of refused) yield* F.expectStoreError(enqueue, "InvalidInput", `Outbox.enqueue, ${what}`)
            expect(yield* outbox.history({ merchant: a }), "nothing enqueued").toEqual([])
            yield* F.expectStoreError(log.append({ ...F.auditEntry(a, 1), at: 1.5 }), "InvalidInput", "AuditLog.append, at 1.5")
            expect(yield* log.list(a), "nothing appended").toEqual([])
            const kept = yield* outbox.enqueue(F.newDelivery(a, 6, { maxAttempts: 2, availableAt: 2000 }), 1000)
            expect([kept.maxAttempts, kept.nextAttemptAt, kept.createdAt]).toEqual([2, 2000, 1000])
          })
        ),
      h.timeout
    )
  })

  describe("StoreError reasons", () => {
    it(
      "NotFound for every missing row, and for rows of an unknown merchant",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* F.expectStoreError((yield* Repositories.MerchantRepository).get(a), "NotFound", "MerchantRepository.get")
            yield* F.expectStoreError(
              (yield* Repositories.MerchantRepository).update(F.merchant(a)),
              "NotFound",
              "MerchantRepository.update"
            )
            yield* F.expectStoreError(
              (yield* Repositories.SubMerchantRepository).create(F.subMerchant(a, "T01")),
              "NotFound",
              "SubMerchantRepository.create"
            )
            yield* F.expectStoreError(
              (yield* Repositories.ChannelRepository).create(F.channel(a, F.channelKey(1))),
              "NotFound",
              "ChannelRepository.create"
            )
            yield* F.expectStoreError(
              (yield* Repositories.ChannelGroupRepository).create(F.group(a, F.groupId(1), [])),
              "NotFound",
              "ChannelGroupRepository.create"
            )
            yield* F.expectStoreError(
              (yield* Repositories.ApiKeyRepository).create(F.apiKey(a, F.apiKeyId(1))),
              "NotFound",
              "ApiKeyRepository.create"
            )
            yield* F.expectStoreError((yield* Repositories.WebhookSettingsRepository).get(a), "NotFound", "WebhookSettingsRepository.get")
            yield* F.expectStoreError((yield* Repositories.WhitelistRepository).get(a), "NotFound", "WhitelistRepository.get")
            // Every write of a row for an unknown merchant (mutation probe 2026-12: a store that
            // saved settings, secrets and health for any merchant code passed).
            const webhooks = yield* Repositories.WebhookSettingsRepository
            const whitelists = yield* Repositories.WhitelistRepository
            const endpoint = { merchant: a, mode: "live" as const, endpointId: "ep_x" }
            yield* F.expectStoreError(
              whitelists.put({ merchant: a, rules: ["10.0.0.0/8"], denyByDefault: true, version: 0 }),
              "NotFound",
              "WhitelistRepository.put"
            )
            yield* F.expectStoreError(
              webhooks.put({
                merchant: a,
                test: { contentType: "json", endpoints: [{ id: F.endpointId("ep_x"), url: F.url("https://x.example.test/hook") }] },
                live: { contentType: "json", endpoints: [] },
                version: 0
              }),
              "NotFound",
              "WebhookSettingsRepository.put"
            )
            yield* F.expectStoreError(
              webhooks.putSecrets(a, "live", [Redacted.make("whsec_unknown_merchant")]),
              "NotFound",
              "WebhookSettingsRepository.putSecrets"
            )
            yield* F.expectStoreError(
              webhooks.recordHealth(endpoint, { ok: false, now: 1_000 }),
              "NotFound",
              "WebhookSettingsRepository.recordHealth"
            )
            yield* F.expectStoreError(webhooks.disableEndpoint(endpoint, 1_000), "NotFound", "WebhookSettingsRepository.disableEndpoint")
            yield* (yield* Repositories.MerchantRepository).create(F.merchant(a))
            // ...and none of them left a row behind for the merchant created afterwards.
            expect((yield* whitelists.get(a)).version, "WhitelistRepository.get").toBe(0)
            expect((yield* webhooks.get(a)).version, "WebhookSettingsRepository.get").toBe(0)
            expect(yield* webhooks.getSecrets(a, "live"), "WebhookSettingsRepository.getSecrets").toEqual([])
            expect(yield* webhooks.getHealth(a), "WebhookSettingsRepository.getHealth").toEqual([])
            yield* F.expectStoreError(
              (yield* Repositories.SubMerchantRepository).get(a, F.tier("T01")),
              "NotFound",
              "SubMerchantRepository.get"
            )
            yield* F.expectStoreError(
              (yield* Repositories.SubMerchantRepository).update(F.subMerchant(a, "T01")),
              "NotFound",
              "SubMerchantRepository.update"
            )
            yield* F.expectStoreError((yield* Repositories.ChannelRepository).get(a, F.channelKey(1)), "NotFound", "ChannelRepository.get")
            yield* F.expectStoreError(
              (yield* Repositories.ChannelRepository).update(F.channel(a, F.channelKey(1))),
              "NotFound",
              "ChannelRepository.update"
            )
            yield* F.expectStoreError(
              (yield* Repositories.ChannelRepository).remove(a, F.channelKey(1), 0),
              "NotFound",
              "ChannelRepository.remove"
            )
            yield* F.expectStoreError(
              (yield* Repositories.ChannelGroupRepository).get(a, F.groupId(1)),
              "NotFound",
              "ChannelGroupRepository.get"
            )
            yield* F.expectStoreError(
              (yield* Repositories.ChannelGroupRepository).remove(a, F.groupId(1), 0),
              "NotFound",
              "ChannelGroupRepository.remove"
            )
            yield* F.expectStoreError((yield* Repositories.ApiKeyRepository).get(F.apiKeyId(1)), "NotFound", "ApiKeyRepository.get")
            yield* F.expectStoreError(
              (yield* Repositories.ApiKeyRepository).update(F.apiKey(a, F.apiKeyId(1))),
              "NotFound",
              "ApiKeyRepository.update"
            )
            yield* F.expectStoreError((yield* Outbox.Outbox).get("no-such-delivery"), "NotFound", "Outbox.get")
          })
        ),
      h.timeout
    )

    it(
      "Conflict and NotFound are not retryable; the message names the row but never a secret",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* twoMerchants
            const channels = yield* Repositories.ChannelRepository
            const created = yield* channels.create(F.channel(a, F.channelKey(1)))
            const conflict = yield* Effect.flip(channels.create(created))
            expect(conflict.retryable).toBe(false)
            expect(conflict.message).toContain(created.key)
            expect(conflict.message).not.toContain(Redacted.value(created.credentials["site_key"]!))
            const missing = yield* Effect.flip(channels.get(b, created.key))
            expect(missing.retryable).toBe(false)
          })
        ),
      h.timeout
    )
  })
}
