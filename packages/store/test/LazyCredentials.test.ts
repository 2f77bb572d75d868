import { describe, expect, it } from "@effect/vitest"
import { KeyProvider, Memory, Repositories, StoreError } from "@paymux/store"
import { StoreFixtures as F } from "@paymux/store-testkit"
import { Effect, Exit, Redacted } from "effect"

/**
 * The memory store has no `reopen`, so the testkit's "reads never decrypt" checks run here with a
 * key provider that changes behaviour mid-test.
 */
const reasonOf = (exit: Exit.Exit<unknown, StoreError.StoreError>): string | undefined =>
  Exit.isFailure(exit) ? (exit.cause.reasons[0] as { error?: StoreError.StoreError })?.error?.reason._tag : undefined

const switchable = () => {
  const own = KeyProvider.makeEphemeral()
  const state = { mode: "real" as "real" | "wrong-bytes" | "forgotten" }
  const provider = KeyProvider.KeyProvider.of({
    current: own.current,
    byId: (id) => {
      if (state.mode === "wrong-bytes") return Effect.succeed({ id, key: Redacted.make(new Uint8Array(32)) })
      if (state.mode === "forgotten") return Effect.fail(StoreError.corrupt("secret", `master key ${id} is not configured`))
      return own.byId(id)
    },
    pepper: own.pepper
  })
  return { provider, state }
}

describe("memory: credentials are opened only when asked for", () => {
  it.effect("with keys that open nothing, get and the lists work and only credentials fails (Corrupt)", () => {
    const { provider, state } = switchable()
    return Effect.gen(function* () {
      const channels = yield* Repositories.ChannelRepository
      yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
      const a = yield* channels.create(F.channel(1, 1))
      yield* (yield* Repositories.SubMerchantRepository).create({ ...F.tier(1, "A01"), channels: [a.key] })
      state.mode = "wrong-bytes"
      expect((yield* channels.list(F.merchantCode(1))).map((c) => [c.key, c.readable, c.credentials])).toEqual([[a.key, true, {}]])
      expect((yield* channels.listForTier(F.merchantCode(1), F.tier(1, "A01").tier)).length).toBe(1)
      expect((yield* channels.get(F.merchantCode(1), a.key)).readable).toBe(true)
      expect(reasonOf(yield* Effect.exit(channels.credentials(F.merchantCode(1), a.key)))).toBe("Corrupt")
      // A rename of the channel as read keeps its sealed credentials.
      state.mode = "real"
      yield* channels.update({ ...(yield* channels.get(F.merchantCode(1), a.key)), name: "Renamed" as typeof a.name })
      const opened = yield* channels.credentials(F.merchantCode(1), a.key)
      expect(Redacted.value(opened["site_key"]!)).toBe("site-key-secret-1-1-xyzzy")
    }).pipe(Effect.provide(Memory.layer({ keyProvider: provider })))
  })

  it.effect("a channel whose key is gone is listed, marked unreadable", () => {
    const { provider, state } = switchable()
    return Effect.gen(function* () {
      const channels = yield* Repositories.ChannelRepository
      yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
      const a = yield* channels.create(F.channel(1, 1))
      state.mode = "forgotten"
      expect((yield* channels.list(F.merchantCode(1))).map((c) => [c.key, c.readable])).toEqual([[a.key, false]])
    }).pipe(Effect.provide(Memory.layer({ keyProvider: provider })))
  })
})
