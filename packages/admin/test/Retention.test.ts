// Regression (data-lifecycle probe, F4): the audit trail had no retention limit; it kept every
// entry, with names, addresses and URLs, for good.
import { describe, expect, it } from "@effect/vitest"
import { Audit, Merchants, ResolverCache, Whitelists } from "@paymux/admin"
import { AuditLog, Memory } from "@paymux/store"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"

const layer = () => Layer.merge(Memory.layer(), ResolverCache.layer())

describe("Audit.prune", () => {
  it.effect("deletes every merchant's entries from before a time, more than one batch of them, and keeps the later ones", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_000_000)
      const a = yield* Merchants.create({ name: "Old Shop" })
      // More than one store call's batch of old entries, appended as a long-lived trail would hold them.
      const log = yield* AuditLog.AuditLog
      for (let n = 0; n < 2_500; n++) {
        yield* log.append({
          id: `old-${n}`,
          merchant: a.code,
          actor: "cli:ops",
          action: "channel.edit",
          target: "x",
          before: null,
          after: null,
          at: 1_000_000 + n
        })
      }
      yield* TestClock.setTime(5_000_000)
      const b = yield* Merchants.create({ name: "New Shop" })
      yield* Whitelists.add(a.code, ["10.0.0.0/8"])
      expect(yield* Audit.prune(4_000_000)).toEqual({ deleted: 2_501 })
      expect((yield* Audit.list(a.code)).map((e) => e.action)).toEqual(["whitelist.add"])
      expect((yield* Audit.list(b.code)).map((e) => e.action)).toEqual(["merchant.create"])
      expect(yield* Audit.prune(4_000_000)).toEqual({ deleted: 0 })
      const refused = yield* Effect.flip(Audit.prune(Number.NaN))
      expect(refused).toMatchObject({ _tag: "InvalidInput", field: "before" })
      expect(yield* Audit.list(a.code)).toHaveLength(1)
    }).pipe(Effect.provide(layer()))
  )
})
