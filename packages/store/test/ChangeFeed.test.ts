/**
 * The in-memory change feed past its retention: a reader further behind than the kept changes is
 * told to drop everything (an incomplete batch), one within them gets exactly what it missed.
 */
import { describe, expect, it } from "@effect/vitest"
import { ChangeFeed, Memory } from "@paymux/store"
import { Effect } from "effect"

describe("ChangeFeed (memory)", () => {
  it.effect("keeps the latest retainedChanges; a reader behind them gets an incomplete batch", () =>
    Effect.gen(function* () {
      const feed = yield* ChangeFeed.ChangeFeed
      const start = yield* feed.cursor
      const total = ChangeFeed.retainedChanges + 50
      for (let i = 0; i < total; i++) yield* feed.publish({ topic: "api-key", key: `ak_${i}` })
      expect(yield* feed.since(start)).toMatchObject({ cursor: start + total, complete: false })
      expect(yield* feed.since(start + 49)).toMatchObject({ complete: false })
      const recent = yield* feed.since(start + 50)
      expect(recent.complete).toBe(true)
      expect(recent.changes).toHaveLength(ChangeFeed.retainedChanges)
      expect(recent.changes[0]).toEqual({ topic: "api-key", key: "ak_50" })
      expect((yield* feed.since(start + total - 2)).changes.map((c) => c.key)).toEqual([`ak_${total - 2}`, `ak_${total - 1}`])
    }).pipe(Effect.provide(Memory.layer()))
  )
})
