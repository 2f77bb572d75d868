/**
 * Outbox history beyond its basic filters: one message's deliveries (`messageId`), both orders,
 * and cursor paging (`after` with `limit`), which lets a caller read a history of any size a page
 * at a time.
 */
import { Outbox } from "@paymux/store"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { attempt } from "../StoreFixtures.ts"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const m = F.merchantCode(1)
const other = F.merchantCode(2)
const t0 = 1_000_000

const idsOf = (page: ReadonlyArray<{ readonly delivery: { readonly id: string } }>): Array<string> => page.map((x) => x.delivery.id)

/** Seven deliveries of `m` (two delivered, one dead) with another merchant's in between; their ids in queue order. */
const seed = Effect.gen(function* () {
  const box = yield* Outbox.Outbox
  const ours: Array<string> = []
  for (let i = 0; i < 7; i++) {
    ours.push((yield* box.enqueue(F.newDelivery(m, i), t0 + i)).id)
    if (i % 3 === 0) yield* box.enqueue(F.newDelivery(other, 100 + i), t0 + i)
  }
  yield* box.claim({ workerId: "w1", now: t0 + 10, leaseMillis: 30_000, limit: 100 })
  for (const [k, id] of [ours[1]!, ours[4]!].entries()) {
    yield* box.recordAttempt(attempt(id, "w1", 1, "delivered"), { now: t0 + 20 + k, next: { _tag: "Complete" } })
  }
  yield* box.recordAttempt(attempt(ours[2]!, "w1", 1, "failed"), { now: t0 + 30, next: { _tag: "DeadLetter", reason: "gone" } })
  return ours
})

/** Every id `filter` matches, read `limit` at a time (`F.allPages`). */
const allPages = (filter: Outbox.HistoryFilter, limit: number) =>
  Effect.flatMap(Outbox.Outbox, (box) =>
    F.allPages(
      "Outbox.history",
      limit,
      (after) => box.history({ ...filter, limit, ...(after === undefined ? {} : { after }) }),
      (x) => x.delivery.id
    )
  )

export const outboxHistory = (h: Harness): void =>
  void describe("outbox history: messageId, order, cursor", () => {
    it(
      "messageId answers the message's own deliveries, the original and its resends, in either order",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const [a, b] = yield* Effect.all([box.enqueue(F.newDelivery(m, 1), t0), box.enqueue(F.newDelivery(m, 2), t0 + 1)])
            const first = yield* box.resend(a.id, t0 + 10)
            yield* box.resend(b.id, t0 + 11)
            const second = yield* box.resend(first.id, t0 + 12, { url: "https://elsewhere.test/hook" })
            // Another merchant's delivery that carries the same webhook-id.
            const theirs = yield* box.enqueue(F.newDelivery(other, 3, { messageId: a.messageId }), t0 + 13)
            const ofA = yield* box.history({ merchant: m, messageId: a.messageId })
            expect(idsOf(ofA), "Outbox.history({ messageId }): newest first").toEqual([second.id, first.id, a.id])
            expect(ofA.every((x) => x.delivery.messageId === a.messageId)).toBe(true)
            expect(idsOf(yield* box.history({ merchant: m, messageId: a.messageId, order: "oldest" }))).toEqual([a.id, first.id, second.id])
            expect(idsOf(yield* box.history({ messageId: a.messageId }))).toEqual([theirs.id, second.id, first.id, a.id])
            expect(idsOf(yield* box.history({ merchant: m, messageId: a.messageId, since: t0 + 11 }))).toEqual([second.id])
            expect(yield* box.history({ merchant: m, messageId: "msg_nobody_sent_this" })).toEqual([])
          })
        ),
      h.timeout
    )

    it(
      "order: newest first by default, oldest first in the order deliveries were queued, whatever happened to them since",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const ours = yield* seed
            expect(idsOf(yield* box.history({ merchant: m })), "Outbox.history: newest first").toEqual([...ours].reverse())
            expect(idsOf(yield* box.history({ merchant: m, order: "newest" }))).toEqual([...ours].reverse())
            expect(idsOf(yield* box.history({ merchant: m, order: "oldest" })), "Outbox.history({ order: oldest })").toEqual(ours)
            expect(idsOf(yield* box.history({ merchant: m, order: "oldest", status: "delivered" }))).toEqual([ours[1], ours[4]])
            expect(idsOf(yield* box.history({ merchant: m, order: "oldest", limit: 2 }))).toEqual(ours.slice(0, 2))
            expect(idsOf(yield* box.history({ merchant: m, order: "oldest", since: t0 + 5 }))).toEqual(ours.slice(5))
            const [delivered] = yield* box.history({ merchant: m, order: "oldest", status: "delivered", limit: 1 })
            expect(
              delivered!.attempts.map((a) => a.outcome),
              "a page carries each delivery's attempts"
            ).toEqual(["delivered"])
          })
        ),
      h.timeout
    )

    it(
      "dueBefore: only the deliveries due before it, in queue order, however late in the queue",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const later = yield* box.enqueue(F.newDelivery(m, 1, { availableAt: t0 + 100 }), t0)
            const now = yield* box.enqueue(F.newDelivery(m, 2), t0 + 1)
            const soon = yield* box.enqueue(F.newDelivery(m, 3, { availableAt: t0 + 50 }), t0 + 2)
            yield* box.enqueue(F.newDelivery(other, 4), t0 + 3)
            const due = (dueBefore: number) =>
              Effect.map(box.history({ merchant: m, status: "pending", order: "oldest", dueBefore }), idsOf)
            expect(yield* due(t0 + 1), "Outbox.history({ dueBefore }): nextAttemptAt < dueBefore").toEqual([])
            expect(yield* due(t0 + 50), "Outbox.history({ dueBefore }): due at dueBefore is not before it").toEqual([now.id])
            expect(yield* due(t0 + 51)).toEqual([now.id, soon.id])
            expect(yield* due(t0 + 101)).toEqual([later.id, now.id, soon.id])
            expect(idsOf(yield* box.history({ merchant: m, dueBefore: t0 + 51, limit: 1 }))).toEqual([soon.id])
          })
        ),
      h.timeout
    )

    it(
      "paging with after and limit answers every row exactly once, in both orders and with filters",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const ours = yield* seed
            for (const limit of [1, 2, 3, 6, 7, 8]) {
              expect(yield* allPages({ merchant: m, order: "oldest" }, limit), `oldest first, pages of ${limit}`).toEqual(ours)
              expect(yield* allPages({ merchant: m }, limit), `newest first, pages of ${limit}`).toEqual([...ours].reverse())
            }
            const notDelivered = ours.filter((_, i) => i !== 1 && i !== 4)
            expect(yield* allPages({ merchant: m, status: "pending", order: "oldest" }, 2)).toEqual(
              notDelivered.filter((id) => id !== ours[2])
            )
            expect(yield* allPages({ merchant: m, since: t0 + 2, order: "oldest" }, 2)).toEqual(ours.slice(2))
          })
        ),
      h.timeout
    )

    it(
      "the cursor is a position: it need not match the filter, and the last row's is followed by nothing",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const ours = yield* seed
            const [theirs] = yield* box.history({ merchant: other, order: "oldest", limit: 1 }) // queued right after ours[0]
            expect(idsOf(yield* box.history({ merchant: m, order: "oldest", after: theirs!.delivery.id }))).toEqual(ours.slice(1))
            expect(idsOf(yield* box.history({ merchant: m, after: theirs!.delivery.id }))).toEqual([ours[0]])
            expect(idsOf(yield* box.history({ merchant: m, status: "delivered", order: "oldest", after: ours[2]! }))).toEqual([ours[4]])
            expect(yield* box.history({ merchant: m, order: "oldest", after: ours[6]! })).toEqual([])
            expect(yield* box.history({ merchant: m, after: ours[0]! })).toEqual([])
          })
        ),
      h.timeout
    )

    it(
      "an unknown cursor, or one pruned since the page before, is NotFound in either order",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const box = yield* Outbox.Outbox
            const ours = yield* seed
            for (const order of ["newest", "oldest"] as const) {
              yield* F.expectStoreError(
                box.history({ merchant: m, order, after: "no-such-delivery" }),
                "NotFound",
                `Outbox.history(${order})`
              )
            }
            const [firstPage] = yield* box.history({ merchant: m, status: "delivered", order: "oldest", limit: 1 })
            expect(firstPage!.delivery.id).toBe(ours[1])
            expect(yield* box.prune({ before: t0 + 21, limit: 10 })).toBe(1)
            yield* F.expectStoreError(
              box.history({ merchant: m, status: "delivered", order: "oldest", limit: 1, after: ours[1]! }),
              "NotFound",
              "Outbox.history after a pruned delivery"
            )
          })
        ),
      h.timeout
    )
  })
