import { describe, expect, it } from "@effect/vitest"
import type { Merchant, PaymentChannel } from "@paymux/domain"
import { Effect, Result } from "effect"
import * as fc from "fast-check"
import { inspect } from "node:util"
import * as ChannelIndex from "../src/ChannelIndex.ts"
import * as ChannelResolver from "../src/ChannelResolver.ts"
import type { ChannelNotFound } from "../src/ResolutionError.ts"
import { channel, code, index, merchant } from "./support/fixtures.ts"
import * as Naive from "./support/NaiveResolver.ts"
import { normalize } from "./support/normalize.ts"
import { request, seeded, world } from "./support/worlds.ts"

const a = channel({ pg: "kcp", mid: "A" })
const b = channel({ pg: "uplus", mid: "B", payMethods: ["card", "vbank"] })
const shop = index({ channels: [a, b] })

describe("Directory", () => {
  it("holds indexes by merchant code: get, size, delete", () => {
    const directory = ChannelResolver.directory([shop])
    expect(directory.size).toBe(1)
    expect(directory.get(code)).toBe(shop)
    expect(directory.delete(code)).toBe(true)
    expect(directory.delete(code)).toBe(false)
    expect(directory.size).toBe(0)
    expect(directory.get(code)).toBeUndefined()
    const gone = directory.resolve({ merchant: code, mode: "test", pg: "kcp" })
    expect(Result.isFailure(gone) && gone.failure._tag).toBe("UnknownMerchant")
    directory.set(shop)
    expect(Result.getOrThrow(directory.resolve({ merchant: code, mode: "test", pg: "uplus.B", payMethod: "vbank" })).channel.key).toBe(
      b.key
    )
  })

  it("answers a pay method that no channel took when it was last asked for, once one does", () => {
    const method = "only-in-this-test"
    const ask = { merchant: code, mode: "test", pg: "kcp", payMethod: method } as const
    const before = ChannelResolver.directory([shop]).resolve(ask)
    expect(Result.isFailure(before) && before.failure._tag).toBe("ChannelNotFound")
    const taking = { ...channel({ pg: "kcp", mid: "T" }), payMethods: [method] } as unknown as PaymentChannel.PaymentChannel
    const later = index({ channels: [a, taking] })
    expect(Result.getOrThrow(ChannelResolver.directory([later]).resolve(ask)).channel.key).toBe(taking.key)
    expect(Result.getOrThrow(ChannelIndex.resolve(later, ask)).channel.key).toBe(taking.key)
  })

  it("finds merchants whose code is not `imp` and eight digits, beside those whose code is", () => {
    // Only a cast can make such a merchant; the directory still serves it, through its map.
    const legacyCode = "legacy-shop-7"
    const legacyMerchant = { ...merchant(), code: legacyCode } as unknown as Merchant.Merchant
    const legacyChannel = { ...a, merchant: legacyCode } as unknown as PaymentChannel.PaymentChannel
    const legacy = index({ merchant: legacyMerchant, channels: [legacyChannel] })
    const directory = ChannelResolver.directory([shop, legacy])
    expect(Result.getOrThrow(directory.resolve({ merchant: legacyCode, mode: "test", pg: "kcp.A" })).channel).toBe(legacyChannel)
    expect(Result.getOrThrow(directory.resolve({ merchant: code, mode: "test", pg: "kcp.A" })).channel).toBe(a)
    const near = directory.resolve({ merchant: "imp12345679", mode: "test", pg: "kcp.A" })
    expect(Result.isFailure(near) && near.failure._tag).toBe("UnknownMerchant")
    expect(directory.delete(legacyCode)).toBe(true)
    expect(Result.getOrThrow(directory.resolve({ merchant: code, mode: "test", pg: "kcp.A" })).channel).toBe(a)
    const gone = directory.resolve({ merchant: legacyCode, mode: "test" })
    expect(Result.isFailure(gone) && gone.failure._tag).toBe("UnknownMerchant")
  })

  it("resolveSync and the layer accept a lookup function as well as a directory", () =>
    Effect.gen(function* () {
      const lookup: ChannelResolver.IndexLookup = (m) => (m === code ? shop : undefined)
      expect(Result.getOrThrow(ChannelResolver.resolveSync(lookup, { merchant: code, mode: "test", pg: "kcp.A" })).channel.key).toBe(a.key)
      const unknown = ChannelResolver.resolveSync(lookup, { merchant: "imp00000000", mode: "test" })
      expect(Result.isFailure(unknown) && unknown.failure._tag).toBe("UnknownMerchant")
      const viaLayer = yield* Effect.gen(function* () {
        const resolver = yield* ChannelResolver.ChannelResolver
        return yield* resolver.resolve({ merchant: code, mode: "test", pg: "uplus" })
      }).pipe(Effect.provide(ChannelResolver.layer(lookup)))
      expect(viaLayer.channel.key).toBe(b.key)
    }).pipe(Effect.runPromise))

  it("stays exact through hundreds of replacements", () => {
    // Large generated merchants; one is replaced over and over, the others stay put.
    const worlds = fc.sample(world(120), { seed: 7, numRuns: 4 })
    const codes = new Set(worlds.map((w) => w.input.merchant.code))
    expect(codes.size).toBe(worlds.length)
    const probes = worlds.map((w, i) => fc.sample(request(w), { seed: 100 + i, numRuns: 40 }))
    const naives = worlds.map((w) => Naive.load(w.input))
    const directory = ChannelResolver.directory(worlds.map((w) => Result.getOrThrow(ChannelIndex.make(w.input))))
    const check = () =>
      worlds.forEach((_, i) => {
        for (const r of probes[i]!) {
          expect(normalize(directory.resolve(r, seeded(3)))).toEqual(normalize(Naive.resolve(naives[i]!, r, seeded(3))))
        }
      })
    const replaced: Array<ChannelIndex.ChannelIndex> = []
    for (let round = 0; round < 300; round++) {
      const fresh = Result.getOrThrow(ChannelIndex.make(worlds[round % 2]!.input))
      replaced.push(fresh)
      directory.set(fresh)
      if (round % 25 === 0) check()
    }
    check()
    // Every index built along the way, replaced or not, still answers on its own.
    for (const [n, old] of replaced.entries()) {
      const i = n % 2
      for (const r of probes[i]!.slice(0, 5)) {
        expect(normalize(ChannelIndex.resolve(old, r, seeded(3)))).toEqual(normalize(Naive.resolve(naives[i]!, r, seeded(3))))
      }
    }
  }, 60_000)
})

describe("channel keys and pg strings outside the usual forms", () => {
  // Keys that are not `channel-key-` and a lower-case UUID can only come from outside the domain
  // (a cast, an old import); the index still finds them.
  const odd = { ...a, key: "legacy-channel-7" } as unknown as PaymentChannel.PaymentChannel
  const upper = { ...b, key: "channel-key-ABCDEF00-0000-4000-8000-000000000001" } as unknown as PaymentChannel.PaymentChannel
  const long = channel({ pg: "kcp", mid: "merchant.id.issued-by-the-pg.00000000000000000001" })
  const legacy = index({ channels: [odd, upper, long] })
  const directory = ChannelResolver.directory([legacy])

  it("finds channels by keys that are not canonical, in the index and in a directory", () => {
    for (const key of [odd.key, upper.key, long.key]) {
      expect(Result.getOrThrow(ChannelIndex.resolve(legacy, { merchant: code, mode: "test", channelKey: key })).channel.key).toBe(key)
      expect(Result.getOrThrow(directory.resolve({ merchant: code, mode: "test", channelKey: key })).channel.key).toBe(key)
    }
    // The canonical spelling of the upper-case key is another key.
    const lower = directory.resolve({ merchant: code, mode: "test", channelKey: upper.key.toLowerCase() })
    expect(Result.isFailure(lower) && lower.failure._tag).toBe("ChannelNotFound")
  })

  it("matches a long pg string exactly, and nothing that differs in its tail", () => {
    const pg = `kcp.${long.mid}`
    expect(pg.length).toBeGreaterThan(32)
    expect(Result.getOrThrow(directory.resolve({ merchant: code, mode: "test", pg })).channel.key).toBe(long.key)
    const near = Result.getOrThrow(directory.resolve({ merchant: code, mode: "test", pg: `${pg.slice(0, -1)}2` }))
    expect(near.fellBack?.reason).toBe("pg-unmatched")
  })

  it("never matches a pg string with characters past Latin-1", () => {
    for (const pg of ["kcp.\u0141", "kcp.\u0100A", "\u006bcp.A\u0300"]) {
      const outcome = Result.getOrThrow(directory.resolve({ merchant: code, mode: "test", pg }))
      expect(outcome.via).toBe("default")
      expect(outcome.fellBack?.pg).toBe(pg)
    }
  })
})

describe("an error's explanation", () => {
  const strict = index({ merchant: merchant("strict"), channels: [a, b] })
  const outcome = ChannelIndex.resolve(strict, { merchant: code, mode: "test", pg: "kcp.Z" })
  const error = (Result.isFailure(outcome) ? outcome.failure : undefined) as ChannelNotFound

  it("is an own field that survives spreading and JSON", () => {
    // (structuredClone keeps only an Error's name, message and stack, whatever its fields.)
    expect(Object.keys(error)).toContain("rejected")
    expect({ ...error }.rejected.map((r) => r.reason)).toEqual(["mid-differs", "pg-differs"])
    expect(JSON.parse(JSON.stringify(error)).rejected.map((r: { reason: string }) => r.reason)).toEqual(["mid-differs", "pg-differs"])
  })

  it("holds nothing a log or a serialisation could show beyond the error's own fields", () => {
    const shown = inspect(error, { depth: 5, showHidden: false })
    expect(shown).not.toContain("credentials")
    expect(shown).not.toContain("byPg")
    expect(JSON.stringify(error)).toContain('"rejected"')
  })

  it("a fallback's explanation is own fields too, and logging a result prints the result only", () => {
    const r = Result.getOrThrow(ChannelIndex.resolve(index({ channels: [a, b] }), { merchant: code, mode: "test", pg: "kcp.Z" }))
    const copy = structuredClone({ ...r, channel: r.channel.key })
    expect(copy.fellBack?.rejected.map((x) => x.reason)).toEqual(["mid-differs", "pg-differs"])
    expect(copy.fellBack?.detail).toBe(r.fellBack?.detail)
    const shown = inspect(r, { depth: 8 })
    expect(shown).not.toContain("byPg")
    expect(shown).not.toContain("defaultChannels")
  })
})
