// Regression (memory probe): resend-failed loaded every dead, delivered and pending delivery of the
// window at once, with payloads and attempts, to tell which dead messages were already handled; a
// window of 950k deliveries took 4.6 GB. It now reads a page at a time, whatever the window holds.
import { describe, expect, it } from "@effect/vitest"
import { Merchants, ResolverCache, WebhookEndpoints, Webhooks } from "@paymux/admin"
import { type Delivery, KeyProvider, Memory, Outbox, Repositories } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"

const stores = {
  memory: () => Memory.layer(),
  SQLite: () => SqliteStore.layer({ filename: ":memory:", keyProvider: KeyProvider.layerEphemeral })
}

interface Seen {
  /** The most deliveries any one `history` call answered. */
  most: number
  /** How many pages of dead deliveries were read. */
  deadPages: number
}

/** The outbox, noting what its `history` calls answered. */
const recording = (outbox: Outbox.OutboxShape, seen: Seen): Outbox.OutboxShape => ({
  ...outbox,
  history: (filter) =>
    Effect.tap(outbox.history(filter), (page) =>
      Effect.sync(() => {
        seen.most = Math.max(seen.most, page.length)
        if (filter.status === "dead") seen.deadPages++
      })
    )
})

/** The page resend-failed reads (Webhooks.ts): the most any one store call may answer it. */
const historyPage = 500
const t0 = Date.parse("2026-12-01T00:00:00Z")
const since = t0 + 1_000

describe.each(Object.entries(stores))("resend-failed over a busy window (%s)", (_, store) => {
  it.effect("answers as before while no store call answers more than a page, however many deliveries the window holds", () =>
    Effect.gen(function* () {
      const { code } = yield* Merchants.create({ name: "Busy Shop" })
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", url: "https://hooks.example/paid" })
      const [endpoint] = (yield* (yield* Repositories.WebhookSettingsRepository).get(code)).test.endpoints
      const outbox = yield* Outbox.Outbox
      let at = t0
      const toEndpoint = { url: endpoint!.url, endpointId: endpoint!.id }
      const enqueue = (extra: Pick<Delivery.NewDelivery, "url"> & Partial<Delivery.NewDelivery> = toEndpoint) =>
        outbox.enqueue({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}", ...extra }, at++)
      const dead: Array<Delivery.Delivery> = []
      const delivered: Array<Delivery.Delivery> = []
      const die = (d: Delivery.Delivery) => Effect.sync(() => dead.push(d))
      const deliver = (d: Delivery.Delivery) => Effect.sync(() => delivered.push(d))

      // Before the window: a dead message (not resent), and a delivery of a message that dies in the window.
      yield* die(yield* enqueue())
      const deliveredBefore = yield* enqueue()
      yield* deliver(deliveredBefore)
      at = since
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
        yield* enqueue({ ...toEndpoint, messageId: `msg_pending_${i}`, availableAt: Number.MAX_SAFE_INTEGER })
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
      yield* outbox.claim({ workerId: "seed", now: at, leaseMillis: 60_000, limit: 10_000 })
      for (const d of delivered) {
        yield* outbox.recordAttempt(
          { ...attemptOf(d.id, at), httpStatus: 200, outcome: "delivered" },
          { now: at, next: { _tag: "Complete" } }
        )
      }
      for (const d of dead) {
        yield* outbox.recordAttempt(
          { ...attemptOf(d.id, at), httpStatus: 410, outcome: "failed" },
          { now: at, next: { _tag: "DeadLetter", reason: "HTTP 410" } }
        )
      }
      expect(delivered.length).toBeGreaterThan(3_000)
      expect(expected).toHaveLength(625) // so the dead ones span two pages

      yield* TestClock.setTime(at + 1_000)
      const seen: Seen = { most: 0, deadPages: 0 }
      const resend = (limit?: number) =>
        Webhooks.resendFailed({ merchant: code, since, limit }).pipe(Effect.provideService(Outbox.Outbox, recording(outbox, seen)))
      // With a limit it stops once it has queued that many: one page of dead deliveries read.
      const some = yield* resend(3)
      expect([some.queued.map((d) => d.resendOf), some.alreadyHandled, seen.deadPages]).toEqual([expected.slice(0, 3), 0, 1])
      const rest = yield* resend()
      expect(rest.queued.map((d) => d.resendOf)).toEqual(expected.slice(3))
      expect(rest.alreadyHandled).toBe(3 + 5 + 3 + 2)
      expect(seen.most, "the most deliveries one history call answered").toBeGreaterThan(0)
      expect(seen.most, "the most deliveries one history call answered").toBeLessThanOrEqual(historyPage)
      // Every dead message of the window is now queued again to its target.
      expect(yield* resend()).toEqual({ queued: [], alreadyHandled: dead.length - 1 })
    }).pipe(Effect.provide(Layer.merge(store(), ResolverCache.layer())))
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
