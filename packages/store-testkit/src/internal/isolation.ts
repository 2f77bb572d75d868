/**
 * Tenant isolation: no query path returns another merchant's rows, and a tier sees only the
 * channels assigned to it.
 */
import { AuditLog, Repositories } from "@paymux/store"
import { Outbox } from "@paymux/store"
import { Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const a = F.merchantCode(1)
const b = F.merchantCode(2)

/** Two merchants with the same shapes of data; returns their channels. */
const twoTenants = Effect.gen(function* () {
  const merchants = yield* Repositories.MerchantRepository
  const channels = yield* Repositories.ChannelRepository
  const subs = yield* Repositories.SubMerchantRepository
  const groups = yield* Repositories.ChannelGroupRepository
  const webhooks = yield* Repositories.WebhookSettingsRepository
  const keys = yield* Repositories.ApiKeyRepository
  const log = yield* AuditLog.AuditLog
  const outbox = yield* Outbox.Outbox
  const out: Record<string, ReadonlyArray<F.Channel>> = {}
  for (const [i, m] of [a, b].entries()) {
    yield* merchants.create(F.merchant(m))
    const cs = [
      yield* channels.create(F.channel(m, F.channelKey(10 * i + 1))),
      yield* channels.create(F.channel(m, F.channelKey(10 * i + 2))),
      yield* channels.create(F.channel(m, F.channelKey(10 * i + 3), { mode: "live" }))
    ]
    out[m] = cs
    // Both merchants have tier T01 with only their second channel assigned.
    yield* subs.create(F.subMerchant(m, "T01", [cs[1]!.key]))
    yield* groups.create(F.group(m, F.groupId(i + 1), [{ channel: cs[0]!.key, weight: 100 }]))
    const before = yield* webhooks.get(m)
    yield* webhooks.put({
      ...before,
      test: { ...before.test, endpoints: [{ id: F.endpointId("ep_test"), url: F.url(`https://${m}.example.test/hook`) }] }
    })
    yield* webhooks.putSecrets(m, "test", [Redacted.make(`whsec_${m}`)])
    yield* keys.create(F.apiKey(m, F.apiKeyId(i + 1)))
    yield* log.append(F.auditEntry(m, 1))
    yield* outbox.enqueue(F.newDelivery(m, i), 1_000)
  }
  return { a: out[a]!, b: out[b]! }
})

export const isolation = (h: Harness): void =>
  void describe("tenant isolation", () => {
    it(
      "no read path returns another merchant's rows",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const { a: ca, b: cb } = yield* twoTenants
            const channels = yield* Repositories.ChannelRepository
            expect((yield* channels.list(a)).map((c) => c.key)).toEqual(ca.map((c) => c.key))
            expect((yield* channels.list(b, { mode: "live" })).map((c) => c.key)).toEqual([cb[2]!.key])
            yield* F.expectStoreError(channels.get(a, cb[0]!.key), "NotFound", "ChannelRepository.get")
            // The one read that decrypts (mutation probe 2026-12: a store that looked the key up
            // across merchants and opened it with its owner's binding passed).
            yield* F.expectStoreError(channels.credentials(a, cb[0]!.key), "NotFound", "ChannelRepository.credentials")
            expect(F.revealed(yield* channels.credentials(b, cb[0]!.key))).toEqual(F.revealed(F.channel(b, cb[0]!.key).credentials))
            expect((yield* channels.listForTier(a, F.tier("T01"))).map((c) => c.key)).toEqual([ca[1]!.key])

            const subs = yield* Repositories.SubMerchantRepository
            expect((yield* subs.list(a)).map((s) => s.merchant)).toEqual([a])

            const groups = yield* Repositories.ChannelGroupRepository
            yield* F.expectStoreError(groups.get(a, F.groupId(2)), "NotFound", "ChannelGroupRepository.get")
            expect((yield* groups.list(a)).map((g) => g.id)).toEqual([F.groupId(1)])

            const webhooks = yield* Repositories.WebhookSettingsRepository
            expect((yield* webhooks.get(a)).test.endpoints[0]?.url).toBe(`https://${a}.example.test/hook`)
            expect((yield* webhooks.getSecrets(a, "test")).map(Redacted.value)).toEqual([`whsec_${a}`])

            const keys = yield* Repositories.ApiKeyRepository
            expect((yield* keys.list(a)).map((k) => k.id)).toEqual([F.apiKeyId(1)])
            expect((yield* (yield* AuditLog.AuditLog).list(a)).map((e) => e.merchant)).toEqual([a])
            const history = yield* (yield* Outbox.Outbox).history({ merchant: a })
            expect(history.map((x) => x.delivery.merchant)).toEqual([a])
          })
        ),
      h.timeout
    )

    it(
      "no write path touches another merchant's rows",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const { b: cb } = yield* twoTenants
            const channels = yield* Repositories.ChannelRepository
            yield* F.expectStoreError(channels.update({ ...cb[0]!, merchant: a }), "NotFound", "ChannelRepository.update")
            yield* F.expectStoreError(channels.remove(a, cb[0]!.key, cb[0]!.version), "NotFound", "ChannelRepository.remove")
            const groups = yield* Repositories.ChannelGroupRepository
            const gb = yield* groups.get(b, F.groupId(2))
            yield* F.expectStoreError(groups.update({ ...gb, merchant: a }), "NotFound", "ChannelGroupRepository.update")
            yield* F.expectStoreError(groups.remove(a, gb.id, gb.version), "NotFound", "ChannelGroupRepository.remove")
            const keys = yield* Repositories.ApiKeyRepository
            const kb = yield* keys.get(F.apiKeyId(2))
            yield* F.expectStoreError(keys.update({ ...kb, merchant: a }), "NotFound", "ApiKeyRepository.update")
            expect(yield* channels.get(b, cb[0]!.key)).toMatchObject({ merchant: b, version: 0 })
            expect((yield* keys.get(F.apiKeyId(2))).merchant).toBe(b)
          })
        ),
      h.timeout
    )

    it(
      "a tier never lists unassigned channels, nor another merchant's channel even when its key is assigned",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const { a: ca, b: cb } = yield* twoTenants
            const subs = yield* Repositories.SubMerchantRepository
            const channels = yield* Repositories.ChannelRepository
            const tierB = yield* subs.get(b, F.tier("T01"))
            // The domain refuses such an assignment; the store must not leak even if handed one.
            yield* subs.update({ ...tierB, channels: [...tierB.channels, ca[0]!.key] })
            expect((yield* channels.listForTier(b, F.tier("T01"))).map((c) => c.key)).toEqual([cb[1]!.key])
            expect((yield* channels.listForTier(a, F.tier("T01"))).map((c) => c.key)).toEqual([ca[1]!.key])
            yield* F.expectStoreError(channels.listForTier(a, F.tier("T99")), "NotFound", "ChannelRepository.listForTier")
          })
        ),
      h.timeout
    )
  })
