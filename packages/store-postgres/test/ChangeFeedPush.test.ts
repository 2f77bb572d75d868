import { describe, expect, it } from "@effect/vitest"
import { ChangeFeed, KeyProvider } from "@paymux/store"
import { Context, Effect, Fiber, Layer, Option } from "effect"
import { PostgresStore } from "../src/index.ts"
import { freshSchema, pgUrl, requirePg } from "./pg.ts"

if (requirePg("ChangeFeedPush.test.ts")) {
  const url = pgUrl!
  const keys = KeyProvider.layerStatic({ keys: [{ id: "k1", key: new Uint8Array(32).fill(7) }], pepper: new Uint8Array(32).fill(9) })

  describe("PostgresStore: change feed push (LISTEN/NOTIFY)", () => {
    // Two stores on one schema stand for two processes: each has its own pool, so B's publish
    // reaches A's wait only through pg_notify (the change feed itself is never polled here).
    it.live(
      "a change published through one store wakes the other store's wait",
      () =>
        Effect.gen(function* () {
          const schema = freshSchema()
          const a = yield* Layer.build(PostgresStore.layer({ url, schema, keyProvider: keys }))
          const b = yield* Layer.build(PostgresStore.layer({ url, schema, keyProvider: keys }))
          const listener = Context.get(a, ChangeFeed.ChangeFeed)
          expect(listener.listen, "PostgreSQL can push").toBeDefined()
          // `listen` returns once LISTEN has run, so a later publish cannot be missed.
          const wait = yield* listener.listen!
          const woken = yield* Effect.forkChild(Effect.timeoutOption(wait, "10 seconds"))
          yield* Context.get(b, ChangeFeed.ChangeFeed).publish({ topic: "whitelist", key: "M0001" })
          // The timeout is only a guard against a hang: without NOTIFY the wait never returns.
          expect(Option.isSome(yield* Fiber.join(woken)), "the wait returned after the publish").toBe(true)
        }).pipe(Effect.scoped),
      20_000
    )
  })
}
