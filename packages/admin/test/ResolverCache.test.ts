import { describe, expect, it } from "@effect/vitest"
import { Channels, Merchants, Resolve, ResolverCache } from "@paymux/admin"
import { Memory, Repositories } from "@paymux/store"
import { Deferred, Effect, Fiber, Layer } from "effect"
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

  // Scale probe: every resolve that missed the cache built its own index, so with a merchant of
  // 20,000 channels and one client changing a channel, resolves fell from 1,914 to 5 per second.
  it.effect("resolves that miss together share one build; a build a change overtook is not cached", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Busy Shop" })
      const request = { merchant: merchant.code, mode: "test", pg: "kakaopay", payMethod: "card", paymentType: "window.simple" } as const
      const channel = yield* Channels.add({ ...request, payMethods: ["card"] })
      const repo = yield* Repositories.ChannelRepository
      // Count the builds (each lists the merchant's channels) and hold them until released.
      const builds = { count: 0 }
      const gate = yield* Deferred.make<void>()
      const counted = Layer.succeed(Repositories.ChannelRepository, {
        ...repo,
        list: (...args: Parameters<typeof repo.list>) =>
          Effect.andThen(
            Effect.sync(() => builds.count++),
            Effect.andThen(Deferred.await(gate), repo.list(...args))
          )
      })
      const resolveCounted = Resolve.resolve(request).pipe(Effect.provide(counted))
      const cache = yield* ResolverCache.ResolverCache
      cache.invalidate(merchant.code)
      const waiting = yield* Effect.forkChild(
        Effect.all(
          Array.from({ length: 8 }, () => resolveCounted),
          { concurrency: "unbounded" }
        )
      )
      yield* Effect.yieldNow
      // A change lands while the build runs: the build's answer serves its callers, not the cache.
      cache.invalidate(merchant.code)
      yield* Deferred.succeed(gate, undefined)
      const answers = yield* Fiber.join(waiting)
      expect(answers.map((a) => a.channel.key)).toEqual(Array.from({ length: 8 }, () => channel.key))
      expect(builds.count).toBe(1)
      yield* resolveCounted
      expect(builds.count, "the overtaken build was not cached").toBe(2)
      yield* resolveCounted
      expect(builds.count, "the next one was").toBe(2)
    }).pipe(Effect.provide(Layer.merge(Memory.layer(), ResolverCache.layer())))
  )
})
