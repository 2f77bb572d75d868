// Regression (lock probe): resend-failed asked each dead delivery's message history on its own, one
// store call per dead delivery of the window, handled or not. With 5,001 dead deliveries all
// already handled, every call (even `limit: 1`) held the SQLite write lock 2-3 s, and each resend
// cycle adds dead deliveries. The store now picks what to resend and counts what was handled
// (`Outbox.resendable`, `Outbox.coveredDead`), so the calls a run makes do not grow with them.
import { describe, expect, it } from "@effect/vitest"
import { Merchants, ResolverCache, WebhookEndpoints, Webhooks } from "@paymux/admin"
import { Timestamp } from "@paymux/domain"
import { type Delivery, KeyProvider, Memory, Outbox, Repositories } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"

const stores = {
  memory: () => Memory.layer(),
  SQLite: () => SqliteStore.layer({ filename: ":memory:", keyProvider: KeyProvider.layerEphemeral })
}

/** The outbox, counting the calls made to each of its operations in `calls`. */
const counting = (outbox: Outbox.OutboxShape, calls: Map<string, number>): Outbox.OutboxShape =>
  Object.fromEntries(
    Object.entries(outbox).map(([name, op]) => [
      name,
      (...args: ReadonlyArray<unknown>) => {
        calls.set(name, (calls.get(name) ?? 0) + 1)
        return (op as (...args: ReadonlyArray<unknown>) => unknown)(...args)
      }
    ])
  ) as unknown as Outbox.OutboxShape

/**
 * The wall-clock budget of a test here. Nothing waits on time (the clock is the TestClock), but the
 * windows are seeded one store call at a time: the busy window's ~7,300 enqueues and attempts take
 * ~2 s on SQLite on an idle 2-core machine and 3-4.5 s under load, and vitest's default is 5 s.
 */
const seedingBudget = 60_000

const t0 = Date.parse("2026-12-01T00:00:00Z")
const since = t0 + 1_000

/**
 * A merchant with a test endpoint, and a way to queue deliveries of it (to the endpoint unless
 * told otherwise) and settle them: `settle` delivers or dead-letters every one marked so far.
 */
const shop = (name: string) =>
  Effect.gen(function* () {
    const { code } = yield* Merchants.create({ name })
    yield* WebhookEndpoints.set({ merchant: code, mode: "test", url: "https://hooks.example/paid" })
    const [endpoint] = (yield* (yield* Repositories.WebhookSettingsRepository).get(code)).test.endpoints
    const outbox = yield* Outbox.Outbox
    const toEndpoint = { url: endpoint!.url, endpointId: endpoint!.id }
    const clock = { at: t0 }
    const marked = { dead: [] as Array<Delivery.Delivery>, delivered: [] as Array<Delivery.Delivery> }
    const enqueue = (extra: Pick<Delivery.NewDelivery, "url"> & Partial<Delivery.NewDelivery> = toEndpoint) =>
      outbox.enqueue({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}", ...extra }, clock.at++)
    const die = (d: Delivery.Delivery) => Effect.sync(() => marked.dead.push(d))
    const deliver = (d: Delivery.Delivery) => Effect.sync(() => marked.delivered.push(d))
    const settle = Effect.gen(function* () {
      yield* outbox.claim({ workerId: "seed", now: clock.at, leaseMillis: 60_000, limit: 100_000 })
      for (const d of marked.delivered.splice(0)) {
        yield* outbox.recordAttempt(
          { ...attemptOf(d.id, clock.at), httpStatus: 200, outcome: "delivered" },
          { now: clock.at, next: { _tag: "Complete" } }
        )
      }
      for (const d of marked.dead.splice(0)) {
        yield* outbox.recordAttempt(
          { ...attemptOf(d.id, clock.at), httpStatus: 410, outcome: "failed" },
          { now: clock.at, next: { _tag: "DeadLetter", reason: "HTTP 410" } }
        )
      }
    })
    return { code, outbox, toEndpoint, clock, enqueue, die, deliver, settle }
  })

describe.each(Object.entries(stores))("resend-failed (%s)", (_, store) => {
  it.effect(
    "the outbox calls of a run do not grow with the handled dead deliveries of its window",
    () =>
      Effect.gen(function* () {
        /** A window of `handled` dead deliveries already delivered or queued again to their target, and 2 that are not. */
        const windowOf = (handled: number) =>
          Effect.gen(function* () {
            const s = yield* shop(`Shop ${handled}`)
            s.clock.at = since
            for (let i = 0; i < handled; i++) {
              yield* s.die(yield* s.enqueue({ ...s.toEndpoint, messageId: `msg_${i}` }))
              // Two in three delivered again, the others queued again (pending, not due).
              const delivered = i % 3 !== 0
              const again = yield* s.enqueue({
                ...s.toEndpoint,
                messageId: `msg_${i}`,
                ...(delivered ? {} : { availableAt: Timestamp.maxTimestamp })
              })
              if (delivered) yield* s.deliver(again)
            }
            for (let i = 0; i < 2; i++) yield* s.die(yield* s.enqueue())
            yield* s.settle
            return s
          })
        const few = yield* windowOf(6)
        const many = yield* windowOf(600)
        yield* TestClock.setTime(many.clock.at + 1_000)
        const run = (s: typeof few, limit?: number) =>
          Effect.gen(function* () {
            const calls = new Map<string, number>()
            const result = yield* Webhooks.resendFailed({ merchant: s.code, since, limit }).pipe(
              Effect.provideService(Outbox.Outbox, counting(s.outbox, calls))
            )
            const resends = calls.get("resend") ?? 0
            calls.delete("resend")
            return { result, resends, others: [...calls.values()].reduce((a, b) => a + b, 0), calls: Object.fromEntries(calls) }
          })
        const first = yield* run(many, 1)
        expect(first.others, "outbox calls besides the resends, with 600 handled dead deliveries and limit 1").toBeLessThanOrEqual(3)
        expect([first.result.queued.length, first.resends, first.result.alreadyHandled]).toEqual([1, 1, 600])
        const rest = yield* run(many)
        expect(rest.others, "outbox calls besides the resends, with 600 handled dead deliveries").toBeLessThanOrEqual(3)
        expect([rest.result.queued.length, rest.resends, rest.result.alreadyHandled]).toEqual([1, 1, 601])
        const small = yield* run(few)
        expect([small.result.queued.length, small.result.alreadyHandled]).toEqual([2, 6])
        expect(rest.calls, "the same calls for 6 handled dead deliveries as for 600").toEqual(small.calls)
        const none = yield* run(many)
        expect([none.result, none.resends, none.calls]).toEqual([{ queued: [], alreadyHandled: 602 }, 0, rest.calls])
      }).pipe(Effect.provide(Layer.merge(store(), ResolverCache.layer()))),
    seedingBudget
  )

  it.effect(
    "over a busy window it queues each unhandled dead message once, oldest first, and counts the handled ones",
    () =>
      Effect.gen(function* () {
        const s = yield* shop("Busy Shop")
        const { enqueue, die, deliver, toEndpoint } = s
        // Before the window: a dead message (not resent), and a delivery of a message that dies in the window.
        yield* die(yield* enqueue())
        const deliveredBefore = yield* enqueue()
        yield* deliver(deliveredBefore)
        s.clock.at = since
        const expected: Array<string> = []
        // In the window: 3,000 delivered messages, with dead ones among them.
        for (let i = 0; i < 3_000; i++) {
          yield* deliver(yield* enqueue())
          if (i % 4 === 0 && expected.length < 620) {
            const d = yield* enqueue()
            yield* die(d)
            expected.push(d.id)
          }
        }
        // Handled: the same message delivered again to its endpoint, or queued again to it.
        for (let i = 0; i < 5; i++) {
          yield* die(yield* enqueue({ ...toEndpoint, messageId: `msg_delivered_${i}` }))
          yield* deliver(yield* enqueue({ ...toEndpoint, messageId: `msg_delivered_${i}` }))
        }
        for (let i = 0; i < 3; i++) {
          yield* die(yield* enqueue({ ...toEndpoint, messageId: `msg_pending_${i}` }))
          yield* enqueue({ ...toEndpoint, messageId: `msg_pending_${i}`, availableAt: Timestamp.maxTimestamp })
        }
        // Not handled: delivered, but elsewhere or before the window.
        for (let i = 0; i < 2; i++) {
          const d = yield* enqueue({ ...toEndpoint, messageId: `msg_elsewhere_${i}` })
          yield* die(d)
          expected.push(d.id)
          yield* deliver(yield* enqueue({ messageId: `msg_elsewhere_${i}`, url: "https://other.example/hook" }))
        }
        const late = yield* enqueue({ ...toEndpoint, messageId: deliveredBefore.messageId })
        yield* die(late)
        expected.push(late.id)
        // Dead twice: the first is queued again, which handles the second.
        for (let i = 0; i < 2; i++) {
          const first = yield* enqueue({ ...toEndpoint, messageId: `msg_twice_${i}` })
          yield* die(first)
          expected.push(first.id)
          yield* die(yield* enqueue({ ...toEndpoint, messageId: `msg_twice_${i}` }))
        }
        const deadInWindow = expected.length + 5 + 3 + 2
        yield* s.settle
        expect(expected).toHaveLength(625)

        yield* TestClock.setTime(s.clock.at + 1_000)
        const resend = (limit?: number) => Webhooks.resendFailed({ merchant: s.code, since, limit })
        // With a limit it queues the oldest that many. Handled counts every handled dead delivery of
        // the window, those queued after the third included (the 5 delivered and 3 pending ones).
        const some = yield* resend(3)
        expect([some.queued.map((d) => d.resendOf), some.alreadyHandled]).toEqual([expected.slice(0, 3), 5 + 3])
        const rest = yield* resend()
        expect(rest.queued.map((d) => d.resendOf)).toEqual(expected.slice(3))
        // The first 3 are now queued again too; the second of each message dead twice is handled by its first's resend.
        expect(rest.alreadyHandled).toBe(3 + 5 + 3 + 2)
        // Every dead message of the window is now queued again to its target.
        expect(yield* resend()).toEqual({ queued: [], alreadyHandled: deadInWindow })
      }).pipe(Effect.provide(Layer.merge(store(), ResolverCache.layer()))),
    seedingBudget
  )
})

const attemptOf = (deliveryId: string, at: number) => ({
  deliveryId,
  number: 1,
  workerId: "seed",
  url: "https://hooks.example/paid",
  startedAt: at,
  latencyMillis: 5,
  error: null,
  responseExcerpt: ""
})
