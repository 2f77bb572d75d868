/**
 * Outbox semantics: leases (claimed, renewed, lost, released), crashed claimers, completion,
 * retries, history, resend, and the `StoreError` reasons every adapter reports.
 */
import { Outbox } from "@paymux/store"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import { type Harness, notDeclared } from "./harness.ts"

const m = F.merchantCode(1)
const t0 = 1_000_000
const lease = 30_000

const enqueueN = (n: number, extra: (i: number) => Parameters<typeof F.newDelivery>[2] = () => ({})) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox.Outbox
    const out = []
    for (let i = 0; i < n; i++) out.push(yield* outbox.enqueue(F.newDelivery(m, i, extra(i)), t0 + i))
    return out
  })

const attempt = (deliveryId: string, workerId: string, number: number, outcome: "delivered" | "retry" | "failed") => ({
  deliveryId,
  workerId,
  number,
  url: `https://example.test/hook/${number}`,
  startedAt: t0,
  latencyMillis: 12,
  httpStatus: outcome === "delivered" ? 200 : 503,
  error: null,
  responseExcerpt: "ok",
  outcome
})

const ids = (ds: ReadonlyArray<{ readonly id: string }>): Array<string> => ds.map((d) => d.id).sort()

export const outbox = (h: Harness): void =>
  void describe("outbox", () => {
    it(
      "claimed rows are leased and invisible to other claimers until the lease lapses; a crashed claimer's rows come back",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const queued = yield* enqueueN(3)
            const first = yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
            expect(ids(first)).toEqual(ids(queued))
            for (const d of first) expect(d.lease).toEqual({ workerId: "w1", until: t0 + 10 + lease })
            expect(yield* box.claim({ workerId: "w2", now: t0 + 10 + lease - 1, leaseMillis: lease, limit: 10 })).toEqual([])
            // w1 crashed: once its lease lapses the rows go to w2, and w1 can no longer finish them.
            const again = yield* box.claim({ workerId: "w2", now: t0 + 10 + lease, leaseMillis: lease, limit: 10 })
            expect(ids(again)).toEqual(ids(queued))
            yield* F.expectLeaseLost(box.complete({ deliveryId: queued[0]!.id, workerId: "w1", now: t0 + lease + 20 }))
            const done = yield* box.complete({ deliveryId: queued[0]!.id, workerId: "w2", now: t0 + lease + 20 })
            expect(done).toMatchObject({ status: "delivered", lease: null })
          })
        ),
      h.timeout
    )

    it(
      "claims honour the limit and the due time",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            yield* enqueueN(5, (i) => (i === 4 ? { availableAt: t0 + 60_000 } : {}))
            expect(yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: 10 * lease, limit: 2 })).toHaveLength(2)
            expect(yield* box.claim({ workerId: "w2", now: t0 + 10, leaseMillis: 10 * lease, limit: 10 })).toHaveLength(2)
            expect(yield* box.claim({ workerId: "w3", now: t0 + 10, leaseMillis: 10 * lease, limit: 10 })).toEqual([])
            const late = yield* box.claim({ workerId: "w3", now: t0 + 60_000, leaseMillis: 10 * lease, limit: 10 })
            expect(late.map((d) => d.subject)).toEqual(["pay_4"])
          })
        ),
      h.timeout
    )

    it(
      "completed and dead-lettered rows never come back",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [d1, d2] = yield* enqueueN(2)
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
            yield* box.recordAttempt(attempt(d1!.id, "w1", 1, "delivered"), { now: t0 + 20 })
            yield* box.complete({ deliveryId: d1!.id, workerId: "w1", now: t0 + 20 })
            yield* box.deadLetter({ deliveryId: d2!.id, workerId: "w1", now: t0 + 20, reason: "gone" })
            expect(yield* box.claim({ workerId: "w2", now: t0 + 10 * lease, leaseMillis: lease, limit: 10 })).toEqual([])
            yield* F.expectLeaseLost(box.complete({ deliveryId: d1!.id, workerId: "w1", now: t0 + 30 }))
            expect((yield* box.get(d2!.id)).delivery).toMatchObject({ status: "dead", lastError: "gone" })
          })
        ),
      h.timeout
    )

    it(
      "an attempt with retryAt drops the lease and reschedules; release gives a row back at once",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [d1, d2] = yield* enqueueN(2)
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
            const retried = yield* box.recordAttempt(attempt(d1!.id, "w1", 1, "retry"), { now: t0 + 20, retryAt: t0 + 5_000 })
            expect(retried).toMatchObject({ attempts: 1, lease: null, nextAttemptAt: t0 + 5_000, status: "pending" })
            yield* box.release({ deliveryId: d2!.id, workerId: "w1" })
            expect(ids(yield* box.claim({ workerId: "w2", now: t0 + 30, leaseMillis: lease, limit: 10 }))).toEqual([d2!.id])
            expect(ids(yield* box.claim({ workerId: "w2", now: t0 + 5_000, leaseMillis: lease, limit: 10 }))).toEqual([d1!.id])
            const history = yield* box.get(d1!.id)
            expect(history.attempts).toEqual([attempt(d1!.id, "w1", 1, "retry")])
            expect(history.delivery.lastError).toBe("HTTP 503")
          })
        ),
      h.timeout
    )

    it(
      "history is newest first with its filters; resend enqueues the same message again",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const queued = yield* enqueueN(3)
            yield* box.enqueue(F.newDelivery(F.merchantCode(2), 9), t0 + 9)
            expect((yield* box.history({ merchant: m })).map((x) => x.delivery.id)).toEqual(queued.map((d) => d.id).reverse())
            expect((yield* box.history({ merchant: m, limit: 1 })).map((x) => x.delivery.id)).toEqual([queued[2]!.id])
            expect((yield* box.history({ subject: "pay_1" })).map((x) => x.delivery.id)).toEqual([queued[1]!.id])
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 1 })
            const claimedId = (yield* box.history({ merchant: m })).find((x) => x.delivery.lease !== null)!.delivery.id
            yield* box.complete({ deliveryId: claimedId, workerId: "w1", now: t0 + 11 })
            expect((yield* box.history({ merchant: m, status: "delivered" })).map((x) => x.delivery.id)).toEqual([claimedId])
            const again = yield* box.resend(claimedId, t0 + 100)
            const original = (yield* box.get(claimedId)).delivery
            expect(again).toMatchObject({
              messageId: original.messageId,
              trigger: "resend",
              resendOf: claimedId,
              status: "pending",
              attempts: 0,
              merchant: m
            })
            expect(again.id).not.toBe(claimedId)
            expect(ids(yield* box.claim({ workerId: "w2", now: t0 + 100, leaseMillis: lease, limit: 10 }))).toContain(again.id)
          })
        ),
      h.timeout
    )

    it(
      "a renewed lease outlives its first expiry; only the holder renews; nobody, the holder included, re-claims a live lease",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [d] = yield* enqueueN(1)
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
            const renewed = yield* box.renew({ deliveryId: d!.id, workerId: "w1", now: t0 + lease - 5, leaseMillis: lease })
            expect(renewed.lease).toEqual({ workerId: "w1", until: t0 + 2 * lease - 5 })
            expect((yield* box.get(d!.id)).delivery.lease).toEqual({ workerId: "w1", until: t0 + 2 * lease - 5 })
            // Past the first lease's end, the row still belongs to w1: neither w2 nor w1 itself claims it.
            expect(yield* box.claim({ workerId: "w2", now: t0 + lease + 100, leaseMillis: lease, limit: 10 })).toEqual([])
            expect(yield* box.claim({ workerId: "w1", now: t0 + lease + 100, leaseMillis: lease, limit: 10 })).toEqual([])
            yield* F.expectLeaseLost(box.renew({ deliveryId: d!.id, workerId: "w2", now: t0 + lease + 100, leaseMillis: lease }))
            yield* F.expectStoreError(
              box.renew({ deliveryId: "no-such-delivery", workerId: "w1", now: t0, leaseMillis: lease }),
              "NotFound",
              "Outbox.renew"
            )
            // Once the renewed lease lapses the row goes to another worker, and w1 can renew no more.
            const taken = yield* box.claim({ workerId: "w2", now: t0 + 2 * lease - 5, leaseMillis: lease, limit: 10 })
            expect(ids(taken)).toEqual([d!.id])
            yield* F.expectLeaseLost(box.renew({ deliveryId: d!.id, workerId: "w1", now: t0 + 2 * lease, leaseMillis: lease }))
            yield* box.release({ deliveryId: d!.id, workerId: "w2" })
            yield* F.expectLeaseLost(box.renew({ deliveryId: d!.id, workerId: "w2", now: t0 + 2 * lease, leaseMillis: lease }))
          })
        ),
      h.timeout
    )

    it(
      "attempts keep the URL each one used, in order; a delivery is completed exactly once",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [d] = yield* enqueueN(1)
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
            yield* box.recordAttempt(attempt(d!.id, "w1", 1, "retry"), { now: t0 + 20, retryAt: t0 + 100 })
            yield* box.claim({ workerId: "w1", now: t0 + 100, leaseMillis: lease, limit: 10 })
            yield* box.recordAttempt(attempt(d!.id, "w1", 2, "delivered"), { now: t0 + 110 })
            expect((yield* box.complete({ deliveryId: d!.id, workerId: "w1", now: t0 + 111 })).status).toBe("delivered")
            yield* F.expectLeaseLost(box.complete({ deliveryId: d!.id, workerId: "w1", now: t0 + 112 }))
            const history = yield* box.get(d!.id)
            expect(history.attempts.map((a) => [a.number, a.url])).toEqual([
              [1, "https://example.test/hook/1"],
              [2, "https://example.test/hook/2"]
            ])
            expect(history.delivery.attempts).toBe(2)
          })
        ),
      h.timeout
    )

    it(
      "a resend carries the tenant; a delivery without a tenant has none; a second delivery with one id is a Conflict",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [d] = yield* enqueueN(1)
            const again = yield* box.resend(d!.id, t0 + 5)
            expect(again).toMatchObject({ merchant: m, url: d!.url, messageId: d!.messageId, trigger: "resend", resendOf: d!.id })
            expect((yield* box.enqueue(F.newDelivery(undefined, 7), t0)).merchant).toBeNull()
            yield* F.expectStoreError(box.enqueue(F.newDelivery(m, 8, { id: d!.id }), t0), "Conflict", "Outbox.enqueue")
            yield* F.expectStoreError(box.resend("no-such-delivery", t0), "NotFound", "Outbox.resend")
            yield* F.expectStoreError(
              box.complete({ deliveryId: "no-such-delivery", workerId: "w1", now: t0 }),
              "NotFound",
              "Outbox.complete"
            )
          })
        ),
      h.timeout
    )

    it(
      "concurrent claimers never claim one row twice",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const queued = yield* enqueueN(40)
            const claimed = yield* Effect.forEach(
              Array.from({ length: 8 }, (_, i) => `w${i}`),
              (workerId) => box.claim({ workerId, now: t0 + 100, leaseMillis: lease, limit: 7 }),
              { concurrency: "unbounded" }
            )
            const all = claimed.flat().map((d) => d.id)
            expect(new Set(all).size).toBe(all.length)
            expect(all.length).toBe(40)
            expect(all.sort()).toEqual(ids(queued))
          })
        ),
      h.timeout
    )

    const other = h.capabilities.crossConnectionClaim
    if (other !== undefined) {
      it(
        "[crossConnectionClaim] claimers on two connections never claim one row twice",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              const box = yield* Outbox.Outbox
              const second = yield* other
              const queued = yield* enqueueN(40)
              const claimed = yield* Effect.forEach(
                Array.from({ length: 8 }, (_, i) => i),
                (i) => (i % 2 === 0 ? box : second).claim({ workerId: `w${i}`, now: t0 + 100, leaseMillis: lease, limit: 7 }),
                { concurrency: "unbounded" }
              )
              const all = claimed.flat().map((d) => d.id)
              expect(new Set(all).size).toBe(all.length)
              expect(all.sort()).toEqual(ids(queued))
            })
          ),
        h.timeout
      )
    } else {
      notDeclared("crossConnectionClaim", "claimers on different connections are NOT checked for double claims")
    }
  })
