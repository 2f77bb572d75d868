/**
 * Removing a merchant (`MerchantRepository.remove`): every row stored for it goes, across every
 * port, in one unit of work; another merchant's rows stay exactly as they were; the code is free
 * again.
 */
import type { Identifiers } from "@paymux/domain"
import { AuditLog, ChangeFeed, IdempotencyRecords, Outbox, Repositories, Transaction } from "@paymux/store"
import { Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { attempt } from "../StoreFixtures.ts"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const a = F.merchantCode(1)
const b = F.merchantCode(2)
const t0 = 1_000_000

/** Every kind of row a merchant can have; `n` keeps the two merchants' ids apart. */
const seed = (m: Identifiers.MerchantCode, n: number) =>
  Effect.gen(function* () {
    yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
    const channels = yield* Repositories.ChannelRepository
    const test = yield* channels.create(F.channel(m, F.channelKey(10 * n + 1)))
    yield* channels.create(F.channel(m, F.channelKey(10 * n + 2), { mode: "live" }))
    // A removed channel leaves its number behind (the merchant's channel sequence).
    const gone = yield* channels.create(F.channel(m, F.channelKey(10 * n + 3)))
    yield* channels.remove(m, gone.key, gone.version)
    const subs = yield* Repositories.SubMerchantRepository
    yield* subs.create(F.subMerchant(m, "T01", [test.key]))
    yield* subs.create(F.subMerchant(m, "T02"))
    yield* (yield* Repositories.ChannelGroupRepository).create(F.group(m, F.groupId(n), [{ channel: test.key, weight: 100 }]))
    const webhooks = yield* Repositories.WebhookSettingsRepository
    const settings = yield* webhooks.get(m)
    yield* webhooks.put({
      ...settings,
      test: { ...settings.test, endpoints: [{ id: F.endpointId("ep_test"), url: F.url(`https://${m}.example.test/hook`) }] }
    })
    yield* webhooks.putSecrets(m, "test", [Redacted.make(`whsec_${m}_old`), Redacted.make(`whsec_${m}_new`)])
    yield* webhooks.putSecrets(m, "live", [Redacted.make(`whsec_${m}_live`)])
    yield* webhooks.recordHealth({ merchant: m, mode: "test", endpointId: "ep_test" }, { ok: false, now: t0 })
    yield* webhooks.disableEndpoint({ merchant: m, mode: "live", endpointId: "ep_gone" }, t0)
    const whitelists = yield* Repositories.WhitelistRepository
    yield* whitelists.put({ ...(yield* whitelists.get(m)), rules: ["10.0.0.0/8"], denyByDefault: true })
    const keys = yield* Repositories.ApiKeyRepository
    yield* keys.create(F.apiKey(m, F.apiKeyId(10 * n + 1)))
    const revoked = yield* keys.create(F.apiKey(m, F.apiKeyId(10 * n + 2)))
    yield* keys.update({ ...revoked, revokedAt: t0 })
    const log = yield* AuditLog.AuditLog
    for (let i = 1; i <= 3; i++) yield* log.append(F.auditEntry(m, i))
    // Deliveries: one delivered, one waiting for a retry, one never tried; attempts on the first two.
    const outbox = yield* Outbox.Outbox
    const delivered = yield* outbox.enqueue(F.newDelivery(m, 1), t0)
    const retrying = yield* outbox.enqueue(F.newDelivery(m, 2), t0)
    yield* outbox.claim({ workerId: `w${n}`, now: t0 + 10, leaseMillis: 30_000, limit: 10 })
    yield* outbox.recordAttempt(attempt(delivered.id, `w${n}`, 1, "delivered"), { now: t0 + 20, next: { _tag: "Complete" } })
    yield* outbox.recordAttempt(attempt(retrying.id, `w${n}`, 1, "retry"), { now: t0 + 20, next: { _tag: "Retry", at: t0 + 99_000 } })
    yield* outbox.enqueue(F.newDelivery(m, 3, { availableAt: t0 + 500_000 }), t0)
    const records = yield* IdempotencyRecords.IdempotencyRecords
    const record = { merchant: m, bodyHash: "h", now: t0, expiresAt: t0 + 60_000, leaseUntil: t0 + 10_000 }
    yield* records.begin({ ...record, id: `${m}-done` })
    yield* records.complete({
      id: `${m}-done`,
      leaseUntil: t0 + 10_000,
      merchant: m,
      outcome: "withheld",
      bytes: 100,
      now: t0,
      maxBytes: 10_000
    })
    yield* records.begin({ ...record, id: `${m}-running` })
    const feed = yield* ChangeFeed.ChangeFeed
    yield* feed.publish({ topic: "api-key", key: F.apiKeyId(10 * n + 1) })
    yield* feed.publish({ topic: "whitelist", key: m })
    yield* feed.publish({ topic: "resolver", key: m })
  })

/** What every port answers about the merchant, as plain data. */
const everything = (m: Identifiers.MerchantCode, n: number) =>
  Effect.gen(function* () {
    const channels = yield* Repositories.ChannelRepository
    const webhooks = yield* Repositories.WebhookSettingsRepository
    const listed = yield* channels.list(m)
    return {
      merchant: yield* (yield* Repositories.MerchantRepository).get(m),
      subMerchants: yield* (yield* Repositories.SubMerchantRepository).list(m),
      channels: listed.map(F.plain),
      credentials: yield* Effect.forEach(listed, (c) => Effect.map(channels.credentials(m, c.key), F.revealed)),
      groups: yield* (yield* Repositories.ChannelGroupRepository).list(m),
      webhooks: yield* webhooks.get(m),
      secrets: (yield* webhooks.getSecrets(m, "test")).concat(yield* webhooks.getSecrets(m, "live")).map(Redacted.value),
      health: yield* webhooks.getHealth(m),
      whitelist: yield* (yield* Repositories.WhitelistRepository).get(m),
      apiKeys: yield* (yield* Repositories.ApiKeyRepository).list(m),
      audit: yield* (yield* AuditLog.AuditLog).list(m),
      deliveries: yield* (yield* Outbox.Outbox).history({ merchant: m }),
      idempotencyBytes: yield* (yield* IdempotencyRecords.IdempotencyRecords).bytes(m),
      changes: (yield* (yield* ChangeFeed.ChangeFeed).since(0)).changes.filter(
        (c) => c.key === m || c.key === F.apiKeyId(10 * n + 1) || c.key === F.apiKeyId(10 * n + 2)
      )
    }
  })

export const merchantRemoval = (h: Harness): void =>
  void describe("merchant removal", () => {
    it(
      "MerchantRepository.remove deletes every row of the merchant across every port and counts them; another merchant's rows stay as they were",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* seed(a, 1)
            yield* seed(b, 2)
            const before = yield* everything(b, 2)
            const merchants = yield* Repositories.MerchantRepository
            expect(yield* merchants.remove(a), "MerchantRepository.remove: the counts").toEqual({
              subMerchants: 2,
              channels: 2,
              channelGroups: 1,
              webhookSecrets: 2,
              apiKeys: 2,
              deliveries: 3,
              deliveryAttempts: 2,
              idempotencyRecords: 2,
              changes: 3,
              auditEntries: 3
            })
            expect(yield* everything(b, 2), "the other merchant's rows").toEqual(before)
            // Nothing of the removed merchant is found by any read, including those that need no merchant.
            yield* F.expectStoreError(merchants.get(a), "NotFound", "MerchantRepository.get")
            expect((yield* merchants.list()).map((m) => m.code)).toEqual([b])
            const keys = yield* Repositories.ApiKeyRepository
            yield* F.expectStoreError(keys.get(F.apiKeyId(11)), "NotFound", "ApiKeyRepository.get of a removed merchant's key")
            yield* F.expectStoreError(keys.get(F.apiKeyId(12)), "NotFound", "ApiKeyRepository.get of a removed merchant's revoked key")
            const outbox = yield* Outbox.Outbox
            expect(
              (yield* outbox.history({})).every((d) => d.delivery.merchant === b),
              "Outbox.history: only the other merchant's"
            ).toBe(true)
            expect(yield* outbox.claim({ workerId: "late", now: t0 + 1_000_000, leaseMillis: 1_000, limit: 10 })).toHaveLength(2)
            const records = yield* IdempotencyRecords.IdempotencyRecords
            expect(yield* records.bytes(a), "IdempotencyRecords.bytes").toBe(0)
            const again = { merchant: a, bodyHash: "other", now: t0 + 1, expiresAt: t0 + 60_000, leaseUntil: t0 + 10_000 }
            expect(yield* records.begin({ ...again, id: `${a}-done` }), "IdempotencyRecords.begin of a removed record").toEqual({
              _tag: "Started"
            })
            yield* records.abandon({ id: `${a}-done`, leaseUntil: t0 + 10_000 })
            const named = (yield* (yield* ChangeFeed.ChangeFeed).since(0)).changes.filter(
              (c) => c.key === a || c.key === F.apiKeyId(11) || c.key === F.apiKeyId(12)
            )
            expect(named, "ChangeFeed: no entry names the removed merchant or its keys").toEqual([])
            expect(yield* (yield* AuditLog.AuditLog).list(a), "AuditLog.list").toEqual([])
            // The code is free: created again, the merchant starts empty, its channel numbers from 1.
            yield* merchants.create(F.merchant(a))
            const fresh = yield* everything(a, 1)
            expect({ ...fresh, merchant: undefined, changes: undefined }).toEqual({
              merchant: undefined,
              subMerchants: [],
              channels: [],
              credentials: [],
              groups: [],
              webhooks: { ...fresh.webhooks, version: 0, test: { contentType: "json", endpoints: [] } },
              secrets: [],
              health: [],
              whitelist: { ...fresh.whitelist, version: 0, rules: [], denyByDefault: false },
              apiKeys: [],
              audit: [],
              deliveries: [],
              idempotencyBytes: 0,
              changes: undefined
            })
            const channel = yield* (yield* Repositories.ChannelRepository).create(F.channel(a, F.channelKey(11)))
            expect(channel.sequence, "ChannelRepository.create: the removed merchant's sequence was deleted").toBe(1)
            yield* (yield* Repositories.ApiKeyRepository).create(F.apiKey(a, F.apiKeyId(11)))
          })
        ),
      h.timeout
    )

    it(
      "MerchantRepository.remove of an unknown merchant is NotFound; inside a failed transaction it removes nothing",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const merchants = yield* Repositories.MerchantRepository
            yield* F.expectStoreError(merchants.remove(a), "NotFound", "MerchantRepository.remove of an unknown merchant")
            yield* seed(a, 1)
            const before = yield* everything(a, 1)
            const tx = yield* Transaction.Transaction
            const failed = yield* Effect.flip(tx.withTransaction(Effect.andThen(merchants.remove(a), Effect.fail("stop" as const))))
            expect(failed).toBe("stop")
            expect(yield* everything(a, 1), "everything rolled back").toEqual(before)
            yield* merchants.remove(a)
            yield* F.expectStoreError(merchants.remove(a), "NotFound", "MerchantRepository.remove a second time")
          })
        ),
      h.timeout
    )
  })
