/**
 * Each use case's error type lists what it can fail with (types probe: every use case declared the
 * whole `AdminError` union, so `Merchants.list` claimed `ChannelNotFound` and handling everything
 * `Resolve.resolve` can raise still left `RuleViolation | InvalidCidr | Unauthenticated |
 * WebhookNotSent`). Handling exactly the tags a use case documents must leave `never`; the file is
 * type-checked before the tests run, so a use case that widens its error type again fails here.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  AdminContext,
  type AdminServices,
  ApiKeys,
  Channels,
  Merchants,
  Resolve,
  ResolverCache,
  WebhookSecrets,
  Webhooks,
  Whitelists
} from "@paymux/admin"
import { Memory } from "@paymux/store"
import { Effect, Layer } from "effect"
import { expectTypeOf } from "vitest"

const layer = Layer.merge(Memory.layer(), ResolverCache.layer())

/** A handler that settles any error, so only the tags left unhandled stay in the error type. */
const handled = () => Effect.succeed("handled" as const)

const merchant = "imp12345678"

describe("each use case's error type lists what it can raise", () => {
  it("handling the documented tags leaves never", () => {
    const resolve = Resolve.resolve({ merchant, mode: "test", pg: "kakaopay", payMethod: "card" }).pipe(
      Effect.catchTags({
        InvalidInput: handled,
        RuleViolation: handled,
        StoreError: handled,
        ChannelNotFound: handled,
        NoChannelConfigured: handled,
        UnknownTier: handled,
        UnknownMerchant: handled,
        InvalidPgSelector: handled
      })
    )
    expectTypeOf<Effect.Error<typeof resolve>>().toEqualTypeOf<never>()

    const list = Merchants.list().pipe(Effect.catchTags({ StoreError: handled }))
    expectTypeOf<Effect.Error<typeof list>>().toEqualTypeOf<never>()

    const create = Merchants.create({ name: "Shop" }).pipe(Effect.catchTags({ InvalidInput: handled, StoreError: handled }))
    expectTypeOf<Effect.Error<typeof create>>().toEqualTypeOf<never>()

    const add = Channels.add({ merchant, mode: "test", pg: "kakaopay", paymentType: "window.simple", payMethods: ["card"] }).pipe(
      Effect.catchTags({ InvalidInput: handled, RuleViolation: handled, StoreError: handled })
    )
    expectTypeOf<Effect.Error<typeof add>>().toEqualTypeOf<never>()

    const rotateKey = ApiKeys.rotate(merchant, "key").pipe(
      Effect.catchTags({ InvalidInput: handled, RuleViolation: handled, StoreError: handled })
    )
    expectTypeOf<Effect.Error<typeof rotateKey>>().toEqualTypeOf<never>()

    const verify = ApiKeys.verify("key", "secret").pipe(Effect.catchTags({ Unauthenticated: handled, StoreError: handled }))
    expectTypeOf<Effect.Error<typeof verify>>().toEqualTypeOf<never>()

    const setRules = Whitelists.set(merchant, ["10.0.0.0/8"]).pipe(
      Effect.catchTags({ InvalidInput: handled, InvalidCidr: handled, StoreError: handled })
    )
    expectTypeOf<Effect.Error<typeof setRules>>().toEqualTypeOf<never>()

    const addRules = Whitelists.add(merchant, ["10.0.0.0/8"]).pipe(
      Effect.catchTags({ InvalidInput: handled, InvalidCidr: handled, StoreError: handled })
    )
    expectTypeOf<Effect.Error<typeof addRules>>().toEqualTypeOf<never>()

    const emit = Webhooks.emit({ merchant, mode: "test", eventType: "payment.paid", payload: "{}" }).pipe(
      Effect.catchTags({ InvalidInput: handled, StoreError: handled })
    )
    expectTypeOf<Effect.Error<typeof emit>>().toEqualTypeOf<never>()

    const sendTest = Webhooks.test(merchant, "test").pipe(
      Effect.catchTags({ InvalidInput: handled, StoreError: handled, WebhookNotSent: handled })
    )
    expectTypeOf<Effect.Error<typeof sendTest>>().toEqualTypeOf<never>()

    const rotateSecret = WebhookSecrets.rotate(merchant, "test").pipe(
      Effect.catchTags({ InvalidInput: handled, RuleViolation: handled, StoreError: handled })
    )
    expectTypeOf<Effect.Error<typeof rotateSecret>>().toEqualTypeOf<never>()

    // The requirement is unchanged: the store's services and the resolver cache.
    expectTypeOf<Effect.Services<typeof resolve>>().toEqualTypeOf<AdminServices.AdminServices>()
  })

  it.effect("with every error handled, the use cases still run (a new store has no merchants)", () =>
    Effect.gen(function* () {
      expect(yield* Merchants.list().pipe(Effect.catchTags({ StoreError: () => Effect.succeed([]) }))).toEqual([])
      const created = yield* Merchants.create({ name: "Typed Shop" }).pipe(
        Effect.catchTags({ InvalidInput: () => Effect.succeed(null), StoreError: () => Effect.succeed(null) })
      )
      expect(created?.name).toBe("Typed Shop")
      const unknown = yield* Resolve.resolve({ merchant, mode: "test", pg: "kakaopay", payMethod: "card" }).pipe(
        Effect.map(() => "resolved"),
        Effect.catchTags({
          InvalidInput: (e) => Effect.succeed(e._tag),
          RuleViolation: (e) => Effect.succeed(e._tag),
          StoreError: (e) => Effect.succeed(e.reason._tag),
          ChannelNotFound: (e) => Effect.succeed(e._tag),
          NoChannelConfigured: (e) => Effect.succeed(e._tag),
          UnknownTier: (e) => Effect.succeed(e._tag),
          UnknownMerchant: (e) => Effect.succeed(e._tag),
          InvalidPgSelector: (e) => Effect.succeed(e._tag)
        })
      )
      expect(unknown).toBe("NotFound")
    }).pipe(AdminContext.withActor({ kind: "cli", id: "alice" }), Effect.provide(layer))
  )
})
