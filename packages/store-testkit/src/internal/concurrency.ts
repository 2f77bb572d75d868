/**
 * Optimistic concurrency: stale versions fail with `Conflict`; racing writers never lose an
 * update.
 */
import { Repositories, type StoreError, Transaction } from "@paymux/store"
import { Effect, Exit, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const m = F.merchantCode(1)

const seed = Effect.gen(function* () {
  yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
  return yield* (yield* Repositories.ChannelRepository).create(F.channel(m, F.channelKey(1)))
})

const isConflict = (e: unknown): boolean =>
  (e as StoreError.StoreError)?._tag === "StoreError" && (e as StoreError.StoreError).reason._tag === "Conflict"
const isRetryable = (e: unknown): boolean => (e as StoreError.StoreError)?._tag === "StoreError" && (e as StoreError.StoreError).retryable

export const concurrency = (h: Harness): void =>
  void describe("optimistic concurrency", () => {
    it(
      "every update and remove at a stale version fails with Conflict",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const channel = yield* seed
            const merchants = yield* Repositories.MerchantRepository
            const merchant = yield* merchants.get(m)
            yield* merchants.update(merchant)
            yield* F.expectStoreError(merchants.update(merchant), "Conflict", "MerchantRepository.update")

            const channels = yield* Repositories.ChannelRepository
            yield* channels.update(channel)
            yield* F.expectStoreError(channels.update({ ...channel, name: "Late" }), "Conflict", "ChannelRepository.update")
            yield* F.expectStoreError(channels.remove(m, channel.key, channel.version), "Conflict", "ChannelRepository.remove")

            const subs = yield* Repositories.SubMerchantRepository
            const sub = yield* subs.create(F.subMerchant(m, "T01"))
            yield* subs.update(sub)
            yield* F.expectStoreError(subs.update(sub), "Conflict", "SubMerchantRepository.update")

            const groups = yield* Repositories.ChannelGroupRepository
            const group = yield* groups.create(F.group(m, F.groupId(1), [{ channel: channel.key, weight: 100 }]))
            yield* groups.update(group)
            yield* F.expectStoreError(groups.update(group), "Conflict", "ChannelGroupRepository.update")
            yield* F.expectStoreError(groups.remove(m, group.id, group.version), "Conflict", "ChannelGroupRepository.remove")

            // Settings are stored on their first put and changed in place after it: a stale
            // version must be refused on the change too, not only on the first write (a mutation
            // probe found the SQL change checked no version, and the kit only wrote version 0 twice).
            const webhooks = yield* Repositories.WebhookSettingsRepository
            const settings = yield* webhooks.get(m)
            yield* webhooks.put(settings)
            yield* F.expectStoreError(webhooks.put(settings), "Conflict", "WebhookSettingsRepository.put")
            const second = yield* webhooks.put({ ...settings, version: settings.version + 1 })
            yield* F.expectStoreError(webhooks.put({ ...second, version: second.version - 1 }), "Conflict", "WebhookSettingsRepository.put")
            expect((yield* webhooks.get(m)).version).toBe(second.version)

            const whitelists = yield* Repositories.WhitelistRepository
            const rules = yield* whitelists.get(m)
            yield* whitelists.put(rules)
            yield* F.expectStoreError(whitelists.put({ ...rules, rules: ["10.0.0.0/8"] }), "Conflict", "WhitelistRepository.put")
            const saved = yield* whitelists.put({ ...rules, version: rules.version + 1, rules: ["192.0.2.0/24"] })
            yield* F.expectStoreError(
              whitelists.put({ ...saved, version: saved.version - 1, rules: ["10.0.0.0/8"] }),
              "Conflict",
              "WhitelistRepository.put"
            )
            expect((yield* whitelists.get(m)).rules).toEqual(["192.0.2.0/24"])

            const keys = yield* Repositories.ApiKeyRepository
            const key = yield* keys.create(F.apiKey(m, F.apiKeyId(1)))
            yield* keys.update(key)
            yield* F.expectStoreError(keys.update(key), "Conflict", "ApiKeyRepository.update")
          })
        ),
      h.timeout
    )

    it(
      "50 concurrent edits read at one version: exactly one wins, 49 get Conflict",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const channel = yield* seed
            const channels = yield* Repositories.ChannelRepository
            const exits = yield* Effect.forEach(
              Array.from({ length: 50 }, (_, i) => i),
              (i) => Effect.exit(channels.update({ ...channel, name: `Editor ${i}` })),
              { concurrency: "unbounded" }
            )
            const winners = exits.filter(Exit.isSuccess)
            expect(winners).toHaveLength(1)
            for (const exit of exits) if (Exit.isFailure(exit)) expect(isConflict(F.failureOf(exit))).toBe(true)
            const stored = yield* channels.get(m, channel.key)
            expect(stored.version).toBe(channel.version + 1)
            expect(stored.name).toBe(winners[0]!.value.name)
          })
        ),
      h.timeout
    )

    it(
      "50 concurrent read-modify-write editors: one winner per version, no lost update",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const channel = yield* seed
            const channels = yield* Repositories.ChannelRepository
            const edit = (i: number): Effect.Effect<number, StoreError.StoreError> =>
              Effect.gen(function* () {
                const current = yield* channels.get(m, channel.key)
                const saved = yield* channels.update({ ...current, name: `Editor ${i}` })
                return saved.version
              }).pipe(
                Effect.catchIf(
                  (e) => isConflict(e) || isRetryable(e),
                  () => edit(i)
                )
              )
            const versions = yield* Effect.forEach(
              Array.from({ length: 50 }, (_, i) => i),
              edit,
              { concurrency: "unbounded" }
            )
            expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => channel.version + 1 + i))
            const stored = yield* channels.get(m, channel.key)
            expect(stored.version).toBe(channel.version + 50)
            expect(stored.name).toBe(`Editor ${versions.indexOf(channel.version + 50)}`)
            // Each editor wrote back a channel as read, credentials not loaded: they were kept.
            const opened = yield* channels.credentials(m, channel.key)
            expect(Object.keys(opened)).toEqual(["site_key"])
            expect(Redacted.value(opened["site_key"]!)).toBe(Redacted.value(channel.credentials["site_key"]!))
          })
        ),
      h.timeout
    )

    it(
      "transactions run one at a time: eight concurrent read-modify-write transactions all commit, none meets a stale version",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const channel = yield* seed
            const channels = yield* Repositories.ChannelRepository
            const tx = yield* Transaction.Transaction
            const editor = (i: number) =>
              tx.withTransaction(
                Effect.gen(function* () {
                  const current = yield* channels.get(m, channel.key)
                  // Room for another transaction to write between this one's read and its write.
                  yield* Effect.sleep("5 millis")
                  return yield* channels.update({ ...current, name: `Editor ${i}` })
                })
              )
            const saved = yield* Effect.all(
              Array.from({ length: 8 }, (_, i) => editor(i)),
              { concurrency: "unbounded" }
            )
            expect(
              saved.map((c) => c.version).sort((a, b) => a - b),
              "Transaction.withTransaction: each transaction read what the one before it wrote"
            ).toEqual(Array.from({ length: 8 }, (_, i) => channel.version + 1 + i))
          })
        ),
      h.timeout
    )
  })
