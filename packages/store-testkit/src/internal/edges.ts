/**
 * Edge inputs through the ports: cursors, times and byte counts that are not whole numbers
 * (negative, fractional, NaN), text the SQL drivers re-encode (lone surrogates), a rolled-back
 * change, the age order of Idempotency-Key records, and which reason wins when an audit entry is
 * wrong twice. Each test states what every adapter must do alike; a review in December 2026 found
 * the memory, SQLite and PostgreSQL stores answering each of them differently.
 */
import { AuditLog, ChangeFeed, IdempotencyRecords, Outbox, Repositories, type StoreError, Transaction } from "@paymux/store"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { attempt } from "../StoreFixtures.ts"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const m = F.merchantCode(1)

/** The outcome of an effect as a small comparable value: `{ ok }` or `{ reason }` (a StoreError's reason tag). */
const outcome = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<{ ok: A } | { reason: string }, never, R> =>
  Effect.map(Effect.exit(self), (exit) => {
    if (Exit.isSuccess(exit)) return { ok: exit.value }
    const error = F.failureOf(exit) as StoreError.StoreError | undefined
    return { reason: error?._tag === "StoreError" ? error.reason._tag : `not a StoreError: ${String(error)}` }
  })

const record = (id: string, now: number, extra: Partial<Parameters<IdempotencyRecords.IdempotencyRecordsShape["begin"]>[0]> = {}) =>
  Effect.flatMap(Effect.service(IdempotencyRecords.IdempotencyRecords), (records) =>
    records.begin({ id, merchant: m, bodyHash: "h", now, expiresAt: now + 60_000, leaseUntil: now + 10_000, ...extra })
  )

const response: IdempotencyRecords.StoredResponse = { status: 201, headers: [["content-type", "text/plain"]], body: new Uint8Array([1]) }

export const edges = (h: Harness): void =>
  void describe("edge inputs", () => {
    describe("change feed", () => {
      it(
        "a cursor the feed never handed out (negative, fractional, NaN) is refused or answered as an incomplete batch; since(-5) lists the changes after it",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              const feed = yield* ChangeFeed.ChangeFeed
              const start = yield* feed.cursor
              for (const key of ["a", "b", "c"]) yield* feed.publish({ topic: "api-key", key })
              const all = [
                { topic: "api-key", key: "a" },
                { topic: "api-key", key: "b" },
                { topic: "api-key", key: "c" }
              ]
              const wrong: Array<string> = []
              for (const cursor of [start - 5, start - 1, start + 1.5, Number.NaN, Number.NEGATIVE_INFINITY]) {
                const got = yield* outcome(feed.since(cursor))
                if ("reason" in got) {
                  if (got.reason !== "InvalidInput") wrong.push(`since(${cursor}): ${got.reason}`)
                  continue
                }
                // A reader that is told `complete` keeps its cache: only a cursor it was handed may say so.
                if (got.ok.complete) wrong.push(`since(${cursor}) answered complete: ${JSON.stringify(got.ok)}`)
                if (got.ok.cursor !== start + 3) wrong.push(`since(${cursor}) answered cursor ${got.ok.cursor}`)
              }
              // "The changes published after `cursor`": every change is after -5 (memory answered none).
              const early = yield* outcome(feed.since(start - 5))
              if ("ok" in early && JSON.stringify(early.ok.changes) !== JSON.stringify(all)) {
                wrong.push(`since(${start - 5}) listed ${JSON.stringify(early.ok.changes)}`)
              }
              expect(wrong).toEqual([])
            })
          ),
        h.timeout
      )

      it(
        "a change published in a unit of work that rolls back is never seen",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              const feed = yield* ChangeFeed.ChangeFeed
              const tx = yield* Transaction.Transaction
              const start = yield* feed.cursor
              const rolledBack = yield* Effect.exit(
                tx.withTransaction(Effect.andThen(feed.publish({ topic: "whitelist", key: m }), Effect.fail("rolled back")))
              )
              expect(Exit.isFailure(rolledBack)).toBe(true)
              expect(yield* feed.since(start), "ChangeFeed.since after the rollback").toEqual({
                cursor: start,
                changes: [],
                complete: true
              })
            })
          ),
        h.timeout
      )
    })

    describe("Idempotency-Key records", () => {
      it(
        "the byte budget drops the oldest finished record by its begin time, whatever order the begins arrived in",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              const records = yield* IdempotencyRecords.IdempotencyRecords
              // Two processes whose clocks differ by a second: x begins first at 5 000, y after it at 4 000.
              yield* record("x", 5_000)
              yield* record("y", 4_000)
              const finish = (id: string, leaseUntil: number) =>
                records.complete({ id, leaseUntil, merchant: m, outcome: response, bytes: 600, now: 5_001, maxBytes: 1_000 })
              yield* finish("x", 15_000)
              yield* finish("y", 14_000)
              expect(yield* records.bytes(m)).toBe(600)
              // y is the older record (begun at 4 000): it goes, x stays (memory dropped x, the first inserted).
              expect((yield* record("x", 5_002))._tag, "x kept").toBe("Found")
              expect((yield* record("y", 5_002))._tag, "y dropped").toBe("Started")
            })
          ),
        h.timeout
      )

      it(
        "times that are not whole numbers and fractional byte counts are InvalidInput (never Conflict, never a record that cannot expire)",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              const records = yield* IdempotencyRecords.IdempotencyRecords
              const nan = yield* outcome(record("n", Number.NaN, { expiresAt: Number.NaN, leaseUntil: Number.NaN }))
              expect(nan, "begin with NaN times").toEqual({ reason: "InvalidInput" })
              // Nothing was started: a later request with sane times starts the key.
              expect(yield* outcome(record("n", 1_000)), "begin after").toEqual({ ok: { _tag: "Started" } })
              yield* record("f", 1_000)
              const complete = (bytes: number) =>
                outcome(
                  records.complete({ id: "f", leaseUntil: 11_000, merchant: m, outcome: "withheld", bytes, now: 1_001, maxBytes: 10_000 })
                )
              // PostgreSQL rounded 1.5 to 2, memory and SQLite kept it; -1 enlarged the budget.
              expect(yield* complete(1.5), "complete with 1.5 bytes").toEqual({ reason: "InvalidInput" })
              expect(yield* complete(-1), "complete with -1 bytes").toEqual({ reason: "InvalidInput" })
              expect(yield* complete(2), "complete with 2 bytes").toEqual({ ok: undefined })
              expect(yield* records.bytes(m)).toBe(2)
            })
          ),
        h.timeout
      )
    })

    describe("outbox times", () => {
      const finished = Effect.gen(function* () {
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
        const box = yield* Outbox.Outbox
        const d = yield* box.enqueue(F.newDelivery(m, 1), 1_000)
        yield* box.claim({ workerId: "w", now: 1_000, leaseMillis: 100, limit: 10 })
        yield* box.recordAttempt(attempt(d.id, "w", 1, "delivered"), { now: 1_001, next: { _tag: "Complete" } })
        return d
      })
      const queued = Effect.gen(function* () {
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
        return yield* (yield* Outbox.Outbox).enqueue(F.newDelivery(m, 1), 1_000)
      })

      it(
        "prune and history with a time that is not a number delete and find nothing (or are InvalidInput)",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              const box = yield* Outbox.Outbox
              const d = yield* finished
              const pruned = yield* outcome(box.prune({ before: Number.NaN, limit: 10 }))
              // Memory and PostgreSQL (where NaN sorts above every number) deleted the delivered row.
              expect([{ ok: 0 }, { reason: "InvalidInput" }], "prune before NaN").toContainEqual(pruned)
              expect((yield* box.get(d.id)).delivery.status, "still there").toBe("delivered")
              const found = yield* outcome(Effect.map(box.history({ since: Number.NaN }), (hs) => hs.length))
              expect([{ ok: 0 }, { reason: "InvalidInput" }], "history since NaN").toContainEqual(found)
              const due = yield* outcome(Effect.map(box.history({ dueBefore: Number.NaN }), (hs) => hs.length))
              expect([{ ok: 0 }, { reason: "InvalidInput" }], "history dueBefore NaN").toContainEqual(due)
            })
          ),
        h.timeout
      )

      it(
        "a renew at a time that is not a number is InvalidInput and leaves the lease as it was",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              const d = yield* queued
              const box = yield* Outbox.Outbox
              yield* box.claim({ workerId: "w", now: 1_000, leaseMillis: 100, limit: 10 })
              const renewed = yield* outcome(box.renew({ deliveryId: d.id, workerId: "w", now: Number.NaN, leaseMillis: 100 }))
              expect(renewed, "renew at NaN").toEqual({ reason: "InvalidInput" })
              expect((yield* box.get(d.id)).delivery.lease, "lease unchanged").toEqual({ workerId: "w", until: 1_100 })
              // Once the lease lapses another worker gets the delivery (memory kept it leased until NaN, forever).
              const next = yield* box.claim({ workerId: "w2", now: 5_000, leaseMillis: 100, limit: 10 })
              expect(
                next.map((x) => x.id),
                "claimed by w2 after the lease"
              ).toEqual([d.id])
            })
          ),
        h.timeout
      )

      it(
        "a claim as of a time that is not a number claims nothing (or is InvalidInput)",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              const d = yield* queued
              const box = yield* Outbox.Outbox
              const claimed = yield* outcome(
                Effect.map(box.claim({ workerId: "w", now: 2_000, asOf: Number.NaN, leaseMillis: 100, limit: 10 }), (ds) => ds.length)
              )
              // PostgreSQL sorts NaN above every number: as of NaN, everything would be due.
              expect([{ ok: 0 }, { reason: "InvalidInput" }], "claim as of NaN").toContainEqual(claimed)
              expect((yield* box.get(d.id)).delivery.lease, "not leased").toBeNull()
            })
          ),
        h.timeout
      )

      it(
        "claim and recordAttempt keep the times they are given (or refuse fractions), never round them",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              const d = yield* queued
              const box = yield* Outbox.Outbox
              const wrong: Array<string> = []
              const claimed = yield* outcome(box.claim({ workerId: "w", now: 1_010.5, leaseMillis: 0.25, limit: 1 }))
              if ("reason" in claimed) {
                if (claimed.reason !== "InvalidInput") wrong.push(`claim: ${claimed.reason}`)
                yield* box.claim({ workerId: "w", now: 1_010, leaseMillis: 1, limit: 1 })
              } else if (JSON.stringify(claimed.ok[0]?.lease) !== JSON.stringify({ workerId: "w", until: 1_010.75 })) {
                wrong.push(`claim answered lease ${JSON.stringify(claimed.ok[0]?.lease)}, updatedAt ${claimed.ok[0]?.updatedAt}`)
              }
              const retried = yield* outcome(
                box.recordAttempt(attempt(d.id, "w", 1, "retry"), { now: 1_010.5, next: { _tag: "Retry", at: 2_000.5 } })
              )
              if ("reason" in retried) {
                if (retried.reason !== "InvalidInput") wrong.push(`recordAttempt: ${retried.reason}`)
              } else {
                const stored = (yield* box.get(d.id)).delivery
                if (stored.nextAttemptAt !== 2_000.5 || stored.updatedAt !== 1_010.5) {
                  wrong.push(`recordAttempt stored nextAttemptAt ${stored.nextAttemptAt}, updatedAt ${stored.updatedAt}`)
                }
              }
              expect(wrong).toEqual([])
            })
          ),
        h.timeout
      )
    })

    describe("text", () => {
      it(
        "audit text with a lone surrogate reads back as written, or is InvalidInput; two such ids stay two entries",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
              const log = yield* AuditLog.AuditLog
              const entry = { ...F.auditEntry(m, 1), actor: "key \uD800", target: "channel \uDC00 x" }
              const appended = yield* outcome(log.append(entry))
              if ("ok" in appended) {
                const [back] = yield* log.list(m)
                // SQLite read back "key \uFFFD\uFFFD\uFFFD" (three), PostgreSQL "key \uFFFD" (one).
                expect([back?.actor, back?.target], "actor and target as written").toEqual([entry.actor, entry.target])
              } else {
                expect(appended.reason).toBe("InvalidInput")
              }
              const a = yield* outcome(log.append({ ...F.auditEntry(m, 2), id: "audit-\uD800" }))
              const b = yield* outcome(log.append({ ...F.auditEntry(m, 3), id: "audit-\uD801" }))
              // PostgreSQL stored both ids as "audit-\uFFFD": the second was a Conflict.
              if ("ok" in a) expect(b, "a second, different id").not.toEqual({ reason: "Conflict" })
            })
          ),
        h.timeout
      )
    })

    describe("which reason wins", () => {
      it(
        "an audit entry with an existing id and an invalid time is InvalidInput in every store",
        () =>
          h.freshPromise(
            Effect.gen(function* () {
              yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
              const log = yield* AuditLog.AuditLog
              const entry = F.auditEntry(m, 1)
              yield* log.append(entry)
              // Memory checked the id first (Conflict); the SQL stores check the entry first (InvalidInput).
              yield* F.expectStoreError(log.append({ ...entry, at: 1.5 }), "InvalidInput", "AuditLog.append")
            })
          ),
        h.timeout
      )
    })
  })
