import { describe, expect, it } from "@effect/vitest"
import { Channels, Merchants, Resolve, ResolverCache } from "@paymux/admin"
import { Memory, Repositories } from "@paymux/store"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"

// Regression for a mutant no test killed (an index that never expired): a change another process
// made, whose notice this one missed, is seen once the cached index is older than the TTL.
describe("ResolverCache", () => {
  it.effect("a resolution follows a change it was not told about once its index is older than the TTL", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Cached Shop" })
      const request = { merchant: merchant.code, mode: "test", pg: "kakaopay", payMethod: "card", paymentType: "window.simple" } as const
      const channel = yield* Channels.add({ ...request, payMethods: ["card"] })
      expect((yield* Resolve.resolve(request)).channel.key).toBe(channel.key)
      // Disabled straight in the repository, as another process would: no invalidation here.
      const repo = yield* Repositories.ChannelRepository
      yield* repo.update({ ...(yield* repo.get(merchant.code, channel.key)), enabled: false })
      yield* TestClock.adjust(5_000)
      expect((yield* Resolve.resolve(request)).channel.key).toBe(channel.key) // still within the TTL
      yield* TestClock.adjust(1)
      expect((yield* Effect.flip(Resolve.resolve(request)))._tag).toBe("ChannelNotFound")
    }).pipe(Effect.provide(Layer.merge(Memory.layer(), ResolverCache.layer({ ttlMillis: 5_000 }))))
  )
})
