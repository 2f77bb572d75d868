/**
 * Deleting sub-merchants (tiers) and channel groups: the rows and their links go, the channels stay.
 */
import { Repositories } from "@paymux/store"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const a = F.merchantCode(1)
const b = F.merchantCode(2)

export const removal = (h: Harness): void => {
  describe("removal", () => {
    it(
      "SubMerchantRepository.remove deletes the tier and its assignments at the given version; the channels stay",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const merchants = yield* Repositories.MerchantRepository
            yield* merchants.create(F.merchant(a))
            yield* merchants.create(F.merchant(b))
            const channels = yield* Repositories.ChannelRepository
            const first = yield* channels.create(F.channel(a, F.channelKey(1)))
            const subs = yield* Repositories.SubMerchantRepository
            const t01 = yield* subs.create(F.subMerchant(a, "T01", [first.key]))
            yield* subs.create(F.subMerchant(a, "T02", [first.key]))
            yield* subs.create(F.subMerchant(b, "T01"))
            // A stale version is refused and changes nothing.
            yield* F.expectStoreError(subs.remove(a, F.tier("T01"), t01.version + 1), "Conflict", "SubMerchantRepository.remove")
            expect((yield* subs.list(a)).map((s) => s.tier)).toEqual(["T01", "T02"])
            yield* subs.remove(a, F.tier("T01"), t01.version)
            yield* F.expectStoreError(subs.get(a, F.tier("T01")), "NotFound", "SubMerchantRepository.get")
            yield* F.expectStoreError(subs.remove(a, F.tier("T01"), t01.version), "NotFound", "SubMerchantRepository.remove")
            expect((yield* subs.list(a)).map((s) => s.tier)).toEqual(["T02"])
            yield* F.expectStoreError(channels.listForTier(a, F.tier("T01")), "NotFound", "ChannelRepository.listForTier")
            expect((yield* channels.listForTier(a, F.tier("T02"))).map((c) => c.key)).toEqual([first.key])
            expect((yield* channels.list(a)).map((c) => c.key)).toEqual([first.key])
            // Another merchant's tier with the same code is untouched, and the code can be used again.
            expect((yield* subs.get(b, F.tier("T01"))).tier).toBe("T01")
            const again = yield* subs.create(F.subMerchant(a, "T01"))
            expect(again.channels).toEqual([])
          })
        ),
      h.timeout
    )

    it(
      "ChannelGroupRepository.remove deletes the group at the given version; its channels stay",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* (yield* Repositories.MerchantRepository).create(F.merchant(a))
            const channels = yield* Repositories.ChannelRepository
            const first = yield* channels.create(F.channel(a, F.channelKey(1)))
            const groups = yield* Repositories.ChannelGroupRepository
            const group = yield* groups.create(F.group(a, F.groupId(1), [{ channel: first.key, weight: 100 }]))
            const renamed = yield* groups.update({ ...group, name: "renamed" })
            yield* F.expectStoreError(groups.remove(a, group.id, group.version), "Conflict", "ChannelGroupRepository.remove")
            yield* groups.remove(a, group.id, renamed.version)
            expect(yield* groups.list(a)).toEqual([])
            expect((yield* channels.list(a)).map((c) => c.key)).toEqual([first.key])
          })
        ),
      h.timeout
    )
  })
}
