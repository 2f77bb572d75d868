import { describe, expect, it } from "@effect/vitest"
import { Effect, Random, Result, Schema } from "effect"
import * as ChannelResolver from "../src/ChannelResolver.ts"
import { ChannelNotFound, InvalidPgSelector } from "../src/ResolutionError.ts"
import { channel, code, group, index, merchant } from "./support/fixtures.ts"
import { seeded } from "./support/worlds.ts"

const a = channel({ pg: "kcp", mid: "A" })
const b = channel({ pg: "kcp", mid: "B" })
const c = channel({ pg: "uplus", mid: "C" })
const d = channel({ pg: "uplus", mid: "D", enabled: false })
const all = [a, b, c, d]
const g = group(
  [
    [a, 10],
    [b, 20],
    [c, 30],
    [d, 40]
  ],
  all
)
const shop = index({ channels: all, groups: [g] })
const strictShop = index({ merchant: merchant("strict"), channels: all })

describe("weighted routing", () => {
  it("converges to the weights re-normalised over enabled members (chi-square)", () => {
    const random = seeded(42)
    const draws = 60_000
    const counts = new Map<string, number>()
    for (let i = 0; i < draws; i++) {
      const key = Result.getOrThrow(
        ChannelResolver.resolveSync(ChannelResolver.directory([shop]), { merchant: code, mode: "test", groupId: g.id }, random)
      ).channel.key
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    expect(counts.has(d.key)).toBe(false)
    const expected = [
      [a, 10 / 60],
      [b, 20 / 60],
      [c, 30 / 60]
    ] as const
    const chi2 = expected.reduce((sum, [ch, p]) => sum + ((counts.get(ch.key) ?? 0) - draws * p) ** 2 / (draws * p), 0)
    // 2 degrees of freedom: 13.8 is the 0.999 quantile.
    expect(chi2).toBeLessThan(13.8)
  })
})

describe("the Effect API", () => {
  it.effect("draws group routing from the Random service, reproducibly for a seed", () =>
    Effect.gen(function* () {
      const run = Effect.forEach(Array.from({ length: 20 }), () =>
        ChannelResolver.resolve(shop, { merchant: code, mode: "test", groupId: g.id })
      )
      const first = yield* run.pipe(Random.withSeed("paymux"))
      const second = yield* run.pipe(Random.withSeed("paymux"))
      expect(first.map((r) => r.channel.key)).toEqual(second.map((r) => r.channel.key))
    })
  )

  it.effect("the service resolves by merchant code and fails with typed errors", () =>
    Effect.gen(function* () {
      const resolver = yield* ChannelResolver.ChannelResolver
      const hit = yield* resolver.resolve({ merchant: code, mode: "test", pg: "kcp.B" })
      expect(hit.channel.key).toBe(b.key)
      const unknown = yield* resolver.resolve({ merchant: "imp99999999", mode: "test" }).pipe(Effect.flip)
      expect(unknown._tag).toBe("UnknownMerchant")
      const miss = yield* resolver
        .resolve({ merchant: code, mode: "test", channelKey: d.key })
        .pipe(Effect.catchTag("ChannelNotFound", (e) => Effect.succeed(e.rejected.map((r) => r.reason))))
      expect(miss).toEqual(["disabled"])
    }).pipe(Effect.provide(ChannelResolver.layer(ChannelResolver.directory([shop]))))
  )
})

describe("errors built on the miss path", () => {
  const miss = ChannelResolver.resolveSync(ChannelResolver.directory([strictShop]), { merchant: code, mode: "test", pg: "kcp.Z" })
  const typo = ChannelResolver.resolveSync(ChannelResolver.directory([strictShop]), { merchant: code, mode: "test", pg: "kpc" })

  it("are instances of their classes and decode as such", () => {
    const error = Result.isFailure(miss) ? miss.failure : undefined
    expect(error).toBeInstanceOf(ChannelNotFound)
    expect(Schema.is(ChannelNotFound)(error)).toBe(true)
    const json = JSON.parse(JSON.stringify(error))
    expect(json.rejected.map((r: { reason: string }) => r.reason)).toEqual(["mid-differs", "mid-differs", "pg-differs", "pg-differs"])
    expect(json).not.toHaveProperty("stack")
    const decoded = Schema.decodeUnknownSync(ChannelNotFound)(json)
    expect(decoded.message).toBe((error as ChannelNotFound).message)
  })
  it("compute their suggestions when read", () => {
    const error = Result.isFailure(typo) ? typo.failure : undefined
    expect(error).toBeInstanceOf(InvalidPgSelector)
    expect((error as InvalidPgSelector).suggestions).toContain("kcp")
    expect(JSON.parse(JSON.stringify(error)).suggestions).toContain("kcp")
  })
  it("match what the constructor builds", () => {
    const built = new ChannelNotFound({
      merchant: code,
      mode: "test",
      paymentType: "window.general",
      lookup: "channelKey",
      asked: "x",
      rejected: []
    })
    expect(built.rejected).toEqual([])
    expect(built.message).toBe(`channelKey "x" names no usable channel of ${code} (test, window.general): it does not exist`)
  })
})
