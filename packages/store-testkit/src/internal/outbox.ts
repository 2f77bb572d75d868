/**
 * Outbox semantics: leases (claimed, renewed, lost, released), crashed claimers, an attempt
 * recorded with its consequence in one operation (completion, retry, dead letter), history,
 * resend, and the `StoreError` reasons every adapter reports. History's message filter, orders and
 * cursor are in outboxHistory.ts; what resend-failed asks (`resendable`, `coveredDead`) in
 * outboxResendable.ts.
 */
import { Timestamp } from "@paymux/domain"
import { Outbox } from "@paymux/store"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { attempt } from "../StoreFixtures.ts"
import * as F from "./fixtures.ts"
import { type Harness, notDeclared } from "./harness.ts"
import { outboxHistory } from "./outboxHistory.ts"
import { outboxResendable } from "./outboxResendable.ts"

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

const complete = { _tag: "Complete" } as const
const retryAt = (at: number) => ({ _tag: "Retry", at }) as const
const deadLetter = (reason: string) => ({ _tag: "DeadLetter", reason }) as const

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
            const id = queued[0]!.id
            yield* F.expectLeaseLost(box.recordAttempt(attempt(id, "w1", 1, "delivered"), { now: t0 + lease + 20, next: complete }))
            const done = yield* box.recordAttempt(attempt(id, "w2", 1, "delivered"), { now: t0 + lease + 20, next: complete })
            expect(done).toMatchObject({ status: "delivered", lease: null })
            expect((yield* box.get(id)).attempts.map((a) => a.workerId)).toEqual(["w2"])
          })
        ),
      h.timeout
    )

    it(
      "prune deletes finished deliveries changed before the cutoff, oldest first and up to the limit, with their attempts; never pending ones",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [delivered, dead, pending, recent] = yield* enqueueN(4)
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
            yield* box.recordAttempt(attempt(delivered!.id, "w1", 1, "delivered"), { now: t0 + 20, next: complete })
            yield* box.recordAttempt(attempt(dead!.id, "w1", 1, "failed"), { now: t0 + 30, next: deadLetter("gone") })
            yield* box.recordAttempt(attempt(pending!.id, "w1", 1, "retry"), { now: t0 + 40, next: retryAt(t0 + 99_000) })
            yield* box.recordAttempt(attempt(recent!.id, "w1", 1, "delivered"), { now: t0 + 500, next: complete })
            expect(yield* box.prune({ before: t0 + 20, limit: 10 })).toBe(0) // "before" is exclusive
            expect(yield* box.prune({ before: t0 + 100, limit: 1 })).toBe(1) // the oldest first
            yield* F.expectStoreError(box.get(delivered!.id), "NotFound", "Outbox.get of a pruned delivery")
            expect((yield* box.get(dead!.id)).delivery.status).toBe("dead")
            expect(yield* box.prune({ before: t0 + 100, limit: 10 })).toBe(1)
            expect(yield* box.prune({ before: Timestamp.maxTimestamp, limit: 10 })).toBe(1) // only the recent one is left
            const left = yield* box.history({})
            expect(left.map((h) => [h.delivery.id, h.delivery.status, h.attempts.length])).toEqual([[pending!.id, "pending", 1]])
          })
        ),
      h.timeout
    )

    // Regression (webhook probe): a delivery delivered on its second attempt kept the first
    // attempt's error as its last error.
    it(
      "a retry records the attempt's error as the last error; delivering clears it",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [d] = yield* enqueueN(1)
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 1 })
            const failed = yield* box.recordAttempt(attempt(d!.id, "w1", 1, "retry"), { now: t0 + 20, next: retryAt(t0 + 30) })
            expect(failed.lastError).not.toBeNull()
            yield* box.claim({ workerId: "w1", now: t0 + 40, leaseMillis: lease, limit: 1 })
            const done = yield* box.recordAttempt(attempt(d!.id, "w1", 2, "delivered"), { now: t0 + 50, next: complete })
            expect([done.status, done.lastError]).toEqual(["delivered", null])
            expect((yield* box.get(d!.id)).delivery.lastError).toBeNull()
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

    // Limits probe, finding 6: a `dispatch --once` run claimed until nothing was due, so the retries
    // it scheduled fell due within it and were claimed again. A run claims as of its start.
    it(
      "a claim as of an earlier time hands out what was claimable then (due, unleased), leased from now",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [a, b, c] = yield* enqueueN(3, (i) => (i === 2 ? { availableAt: t0 + 500 } : {}))
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: 100, limit: 1 }) // a, until t0 + 110
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: 1_000, limit: 1 }) // b, until t0 + 1_010
            // At t0 + 2_000 all three are due and unleased; as of t0 + 200, b was leased and c not due.
            const asOf200 = yield* box.claim({ workerId: "w2", now: t0 + 2_000, asOf: t0 + 200, leaseMillis: lease, limit: 10 })
            expect(asOf200.map((d) => [d.id, d.lease])).toEqual([[a!.id, { workerId: "w2", until: t0 + 2_000 + lease }]])
            const asOf1500 = yield* box.claim({ workerId: "w3", now: t0 + 2_000, asOf: t0 + 1_500, leaseMillis: lease, limit: 10 })
            expect(asOf1500.map((d) => d.id)).toEqual([b!.id, c!.id])
            // A retry due after the time a claim looks at is not handed out, though due now.
            yield* box.recordAttempt(attempt(a!.id, "w2", 1, "retry"), { now: t0 + 2_010, next: retryAt(t0 + 2_500) })
            expect(yield* box.claim({ workerId: "w4", now: t0 + 3_000, asOf: t0 + 2_000, leaseMillis: lease, limit: 10 })).toEqual([])
            // An `asOf` after `now` is `now`: nothing not yet due, and no live lease.
            expect(yield* box.claim({ workerId: "w4", now: t0 + 2_400, asOf: t0 + 10 * lease, leaseMillis: lease, limit: 10 })).toEqual([])
            expect(ids(yield* box.claim({ workerId: "w4", now: t0 + 3_000, leaseMillis: lease, limit: 10 }))).toEqual([a!.id])
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
            yield* box.recordAttempt(attempt(d1!.id, "w1", 1, "delivered"), { now: t0 + 20, next: complete })
            const dead = yield* box.deadLetter({ deliveryId: d2!.id, workerId: "w1", now: t0 + 20, reason: "gone" })
            // deadLetter drops the lease (mutation probe 2026-12: a store that kept it passed).
            expect(dead, "Outbox.deadLetter").toMatchObject({ status: "dead", lease: null, lastError: "gone", updatedAt: t0 + 20 })
            expect(yield* box.claim({ workerId: "w2", now: t0 + 10 * lease, leaseMillis: lease, limit: 10 })).toEqual([])
            yield* F.expectLeaseLost(box.recordAttempt(attempt(d1!.id, "w1", 2, "delivered"), { now: t0 + 30, next: complete }))
            yield* F.expectLeaseLost(box.deadLetter({ deliveryId: d2!.id, workerId: "w1", now: t0 + 30, reason: "again" }))
            expect((yield* box.get(d2!.id)).delivery).toMatchObject({ status: "dead", lastError: "gone", attempts: 0, lease: null })
            expect((yield* box.get(d1!.id)).attempts).toHaveLength(1)
          })
        ),
      h.timeout
    )

    it(
      "a retried attempt drops the lease and reschedules; release gives a row back at once",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [d1, d2] = yield* enqueueN(2)
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
            const retried = yield* box.recordAttempt(attempt(d1!.id, "w1", 1, "retry"), { now: t0 + 20, next: retryAt(t0 + 5_000) })
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

    // Mutation probe 2026-12: a store whose release ignored the worker passed.
    it(
      "only the lease holder releases: another worker's release is a lost lease and the lease stays",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [d] = yield* enqueueN(1)
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
            yield* F.expectLeaseLost(box.release({ deliveryId: d!.id, workerId: "w2" }))
            expect((yield* box.get(d!.id)).delivery.lease, "Outbox.get: w1 still holds the lease").toEqual({
              workerId: "w1",
              until: t0 + 10 + lease
            })
            expect(yield* box.claim({ workerId: "w2", now: t0 + 20, leaseMillis: lease, limit: 10 })).toEqual([])
            yield* F.expectStoreError(box.release({ deliveryId: "no-such-delivery", workerId: "w1" }), "NotFound", "Outbox.release")
            // The holder's release gives it back; once given back, nobody holds it to release again.
            yield* box.release({ deliveryId: d!.id, workerId: "w1" })
            yield* F.expectLeaseLost(box.release({ deliveryId: d!.id, workerId: "w1" }))
            expect(ids(yield* box.claim({ workerId: "w2", now: t0 + 20, leaseMillis: lease, limit: 10 }))).toEqual([d!.id])
          })
        ),
      h.timeout
    )

    it(
      "a worker killed right after recording a delivered attempt leaves the delivery delivered: no later claimer sends it again",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [d] = yield* enqueueN(1)
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
            // The one store call w1 makes after the receiver said 2xx; w1 dies right after it.
            yield* box.recordAttempt(attempt(d!.id, "w1", 1, "delivered"), { now: t0 + 20, next: complete })
            expect(yield* box.claim({ workerId: "w2", now: t0 + 10 * lease, leaseMillis: lease, limit: 10 })).toEqual([])
            const { attempts, delivery } = yield* box.get(d!.id)
            expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lease: null })
            expect(attempts.map((a) => [a.workerId, a.outcome])).toEqual([["w1", "delivered"]])
          })
        ),
      h.timeout
    )

    it(
      "an attempt and its consequence land together: completed, rescheduled or dead-lettered, always without the lease",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [d1, d2, d3] = yield* enqueueN(3)
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
            const failed = { ...attempt(d3!.id, "w1", 1, "failed"), httpStatus: 410 }
            expect(yield* box.recordAttempt(attempt(d1!.id, "w1", 1, "delivered"), { now: t0 + 20, next: complete })).toMatchObject({
              status: "delivered",
              attempts: 1,
              lease: null,
              updatedAt: t0 + 20
            })
            expect(yield* box.recordAttempt(attempt(d2!.id, "w1", 1, "retry"), { now: t0 + 20, next: retryAt(t0 + 900) })).toMatchObject({
              status: "pending",
              attempts: 1,
              lease: null,
              nextAttemptAt: t0 + 900,
              lastError: "HTTP 503"
            })
            expect(yield* box.recordAttempt(failed, { now: t0 + 20, next: deadLetter("not retryable: HTTP 410") })).toMatchObject({
              status: "dead",
              attempts: 1,
              lease: null,
              lastError: "not retryable: HTTP 410"
            })
            for (const [d, outcome] of [
              [d1, "delivered"],
              [d2, "retry"],
              [d3, "failed"]
            ] as const) {
              const history = yield* box.get(d!.id)
              expect(
                history.attempts.map((a) => a.outcome),
                `${outcome}: the attempt is stored with its consequence`
              ).toEqual([outcome])
              expect(history.delivery.attempts).toBe(1)
            }
            // Only the rescheduled one comes back, when it is due.
            expect(ids(yield* box.claim({ workerId: "w2", now: t0 + 900, leaseMillis: lease, limit: 10 }))).toEqual([d2!.id])
          })
        ),
      h.timeout
    )

    it(
      "the port offers no way to record a delivered attempt without completing, or to complete without one: InvalidInput, nothing stored",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [d] = yield* enqueueN(1)
            yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
            const misfits = [
              [attempt(d!.id, "w1", 1, "delivered"), retryAt(t0 + 100)],
              [attempt(d!.id, "w1", 1, "delivered"), deadLetter("gave up")],
              [attempt(d!.id, "w1", 1, "retry"), complete],
              [attempt(d!.id, "w1", 1, "failed"), complete]
            ] as const
            for (const [a, next] of misfits) {
              yield* F.expectStoreError(
                box.recordAttempt(a, { now: t0 + 20, next }),
                "InvalidInput",
                `Outbox.recordAttempt(${a.outcome}, ${next._tag})`
              )
            }
            const untouched = yield* box.get(d!.id)
            expect(untouched.attempts).toEqual([])
            expect(untouched.delivery).toMatchObject({ status: "pending", attempts: 0, lease: { workerId: "w1", until: t0 + 10 + lease } })
            expect(yield* box.recordAttempt(attempt(d!.id, "w1", 1, "delivered"), { now: t0 + 30, next: complete })).toMatchObject({
              status: "delivered",
              attempts: 1
            })
          })
        ),
      h.timeout
    )

    const faults = h.capabilities.faultInjection
    if (faults !== undefined) {
      it(
        "[faultInjection] a driver failure while recording an attempt stores neither the attempt nor its consequence; the lease holder records it again",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              const box = yield* Outbox.Outbox
              const [d] = yield* enqueueN(1)
              yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: lease, limit: 10 })
              yield* faults.failNextWrite
              const exit = yield* Effect.exit(box.recordAttempt(attempt(d!.id, "w1", 1, "delivered"), { now: t0 + 20, next: complete }))
              expect(Exit.isFailure(exit) ? F.failureOf(exit) : undefined).toMatchObject({ reason: { _tag: "Unavailable" } })
              const untouched = yield* box.get(d!.id)
              expect(untouched.attempts).toEqual([])
              expect(untouched.delivery).toMatchObject({ status: "pending", attempts: 0, lease: { workerId: "w1" } })
              yield* box.recordAttempt(attempt(d!.id, "w1", 1, "delivered"), { now: t0 + 30, next: complete })
              expect((yield* box.get(d!.id)).delivery).toMatchObject({ status: "delivered", attempts: 1 })
            })
          ),
        h.timeout
      )
    }
    // Without faultInjection the atomicity area reports it as not declared (one placeholder per capability).

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
            yield* box.recordAttempt(attempt(claimedId, "w1", 1, "delivered"), { now: t0 + 11, next: complete })
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
            // A renew from a clock that stepped back never shortens the lease (time probe: it ended
            // early, and another worker took the delivery while this one still sent it).
            const behind = yield* box.renew({ deliveryId: d!.id, workerId: "w1", now: t0 + 20, leaseMillis: lease })
            expect(behind.lease, "Outbox.renew at an earlier now keeps the later lease").toEqual({
              workerId: "w1",
              until: t0 + 2 * lease - 5
            })
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
      "claims hand out due deliveries in the order they fell due, then in queue order; none that is not due yet",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            // Queued in this order at t0..t0+3; the first and the last wait for a retry.
            const [a, b, c, d] = yield* enqueueN(4)
            yield* box.claim({ workerId: "w0", now: t0 + 10, leaseMillis: lease, limit: 10 })
            yield* box.recordAttempt(attempt(a!.id, "w0", 1, "failed"), { now: t0 + 20, next: retryAt(t0 + 50) })
            yield* box.recordAttempt(attempt(d!.id, "w0", 1, "failed"), { now: t0 + 20, next: retryAt(t0 + 5_000) })
            for (const x of [b, c]) yield* box.release({ deliveryId: x!.id, workerId: "w0" })
            // b and c fell due when queued, a at t0+50; d is not due yet.
            const first = yield* box.claim({ workerId: "w1", now: t0 + 100, leaseMillis: lease, limit: 2 })
            expect(first.map((x) => x.id)).toEqual([b!.id, c!.id])
            const next = yield* box.claim({ workerId: "w1", now: t0 + 100, leaseMillis: lease, limit: 2 })
            expect(next.map((x) => x.id)).toEqual([a!.id])
            // A retry due before a delivery queued later goes first.
            const e = yield* box.enqueue(F.newDelivery(m, 9), t0 + 5_500)
            const later = yield* box.claim({ workerId: "w2", now: t0 + 6_000, leaseMillis: lease, limit: 10 })
            expect(later.map((x) => x.id)).toEqual([d!.id, e.id])
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
            yield* box.recordAttempt(attempt(d!.id, "w1", 1, "retry"), { now: t0 + 20, next: retryAt(t0 + 100) })
            yield* box.claim({ workerId: "w1", now: t0 + 100, leaseMillis: lease, limit: 10 })
            const done = yield* box.recordAttempt(attempt(d!.id, "w1", 2, "delivered"), { now: t0 + 110, next: complete })
            expect(done.status).toBe("delivered")
            yield* F.expectLeaseLost(box.recordAttempt(attempt(d!.id, "w1", 3, "delivered"), { now: t0 + 112, next: complete }))
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
              box.recordAttempt(attempt("no-such-delivery", "w1", 1, "delivered"), { now: t0, next: complete }),
              "NotFound",
              "Outbox.recordAttempt"
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

    outboxHistory(h)
    outboxResendable(h)
  })
