/**
 * What lets several processes on one store act as one: the change feed their caches follow, and
 * `Idempotency-Key` records.
 */
import { ChangeFeed, IdempotencyRecords, Transaction } from "@paymux/store"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { Harness } from "./harness.ts"

const response = (text: string): IdempotencyRecords.StoredResponse => ({
  status: 201,
  headers: [
    ["content-type", "application/json"],
    ["x-note", text]
  ],
  body: new TextEncoder().encode(JSON.stringify({ text }))
})

const start = (
  id: string,
  merchant: string,
  now: number,
  options: { readonly ttl?: number; readonly lease?: number; readonly hash?: string } = {}
) =>
  Effect.flatMap(Effect.service(IdempotencyRecords.IdempotencyRecords), (records) =>
    records.begin({
      id,
      merchant,
      bodyHash: options.hash ?? "h1",
      now,
      expiresAt: now + (options.ttl ?? 60_000),
      leaseUntil: now + (options.lease ?? 10_000)
    })
  )

export const sharedState = (h: Harness): void => {
  describe("change feed", () => {
    it("publishes changes in order after the cursor; a cursor ahead of the store is an incomplete batch", () =>
      h.freshPromise(
        Effect.gen(function* () {
          const feed = yield* ChangeFeed.ChangeFeed
          const start = yield* feed.cursor
          expect(yield* feed.since(start)).toEqual({ cursor: start, changes: [], complete: true })
          yield* feed.publish({ topic: "api-key", key: "ak_1" })
          yield* feed.publish({ topic: "whitelist", key: "imp00000001" })
          yield* Effect.flatMap(Effect.service(Transaction.Transaction), (tx) =>
            tx.withTransaction(feed.publish({ topic: "resolver", key: "imp00000001" }))
          )
          const batch = yield* feed.since(start)
          expect(batch).toEqual({
            cursor: start + 3,
            complete: true,
            changes: [
              { topic: "api-key", key: "ak_1" },
              { topic: "whitelist", key: "imp00000001" },
              { topic: "resolver", key: "imp00000001" }
            ]
          })
          expect(yield* feed.cursor).toBe(start + 3)
          expect((yield* feed.since(start + 2)).changes).toEqual([{ topic: "resolver", key: "imp00000001" }])
          expect(yield* feed.since(start + 10)).toMatchObject({ cursor: start + 3, complete: false })
        })
      ))
  })

  describe("Idempotency-Key records", () => {
    it("begin starts a record once; complete keeps the response (or only that it is withheld); abandon frees the key", () =>
      h.freshPromise(
        Effect.gen(function* () {
          const records = yield* IdempotencyRecords.IdempotencyRecords
          expect(yield* start("r1", "imp00000001", 1_000)).toEqual({ _tag: "Started" })
          expect(yield* start("r1", "imp00000001", 1_001, { hash: "h2" })).toEqual({
            _tag: "Found",
            held: { _tag: "Running", bodyHash: "h1" }
          })
          yield* records.complete({
            id: "r1",
            leaseUntil: 11_000,
            merchant: "imp00000001",
            outcome: response("one"),
            bytes: 400,
            now: 1_002,
            maxBytes: 10_000
          })
          const found = yield* start("r1", "imp00000001", 1_003)
          expect(found).toEqual({ _tag: "Found", held: { _tag: "Done", bodyHash: "h1", response: response("one") } })
          // A finished record is never completed again.
          const again = yield* Effect.flip(
            records.complete({
              id: "r1",
              leaseUntil: 11_000,
              merchant: "imp00000001",
              outcome: response("two"),
              bytes: 400,
              now: 1_004,
              maxBytes: 10_000
            })
          )
          expect(again.reason._tag, "IdempotencyRecords.complete of a finished record").toBe("Conflict")
          expect(yield* start("r1", "imp00000001", 1_005)).toEqual(found)

          expect(yield* start("r2", "imp00000001", 1_000)).toEqual({ _tag: "Started" })
          yield* records.complete({
            id: "r2",
            leaseUntil: 11_000,
            merchant: "imp00000001",
            outcome: "withheld",
            bytes: 256,
            now: 1_001,
            maxBytes: 10_000
          })
          expect(yield* start("r2", "imp00000001", 1_002)).toEqual({ _tag: "Found", held: { _tag: "Withheld", bodyHash: "h1" } })
          expect(yield* records.bytes("imp00000001")).toBe(656)

          expect(yield* start("r3", "imp00000001", 1_000)).toEqual({ _tag: "Started" })
          yield* records.abandon({ id: "r3", leaseUntil: 11_000 })
          expect(yield* start("r3", "imp00000001", 1_001)).toEqual({ _tag: "Started" })
          // Abandon leaves a finished record alone.
          yield* records.abandon({ id: "r1", leaseUntil: 11_000 })
          expect(yield* start("r1", "imp00000001", 1_006)).toEqual(found)
        })
      ))

    it("an expired record, and a running one whose lease ended, are started afresh; a finished one outlives its lease", () =>
      h.freshPromise(
        Effect.gen(function* () {
          const records = yield* IdempotencyRecords.IdempotencyRecords
          expect(yield* start("e1", "imp00000001", 1_000, { ttl: 100 })).toEqual({ _tag: "Started" })
          yield* records.complete({
            id: "e1",
            leaseUntil: 11_000,
            merchant: "imp00000001",
            outcome: response("old"),
            bytes: 400,
            now: 1_010,
            maxBytes: 10_000
          })
          expect((yield* start("e1", "imp00000001", 1_099, { hash: "h2" }))._tag).toBe("Found")
          expect(yield* start("e1", "imp00000001", 1_100, { hash: "h2" })).toEqual({ _tag: "Started" })
          expect(yield* start("e1", "imp00000001", 1_101)).toEqual({ _tag: "Found", held: { _tag: "Running", bodyHash: "h2" } })

          expect(yield* start("l1", "imp00000001", 1_000, { lease: 50 })).toEqual({ _tag: "Started" })
          expect((yield* start("l1", "imp00000001", 1_049))._tag).toBe("Found")
          expect(yield* start("l1", "imp00000001", 1_050)).toEqual({ _tag: "Started" })

          // The lease is only a running record's: a finished one is kept, and replayed, until it expires.
          expect(yield* start("d1", "imp00000001", 1_000, { lease: 50 })).toEqual({ _tag: "Started" })
          yield* records.complete({
            id: "d1",
            leaseUntil: 1_050,
            merchant: "imp00000001",
            outcome: response("done"),
            bytes: 400,
            now: 1_010,
            maxBytes: 10_000
          })
          expect(yield* start("d1", "imp00000001", 5_000)).toEqual({
            _tag: "Found",
            held: { _tag: "Done", bodyHash: "h1", response: response("done") }
          })
          expect(yield* start("w1", "imp00000001", 1_000, { lease: 50 })).toEqual({ _tag: "Started" })
          yield* records.complete({
            id: "w1",
            leaseUntil: 1_050,
            merchant: "imp00000001",
            outcome: "withheld",
            bytes: 256,
            now: 1_010,
            maxBytes: 10_000
          })
          expect(yield* start("w1", "imp00000001", 5_000)).toEqual({ _tag: "Found", held: { _tag: "Withheld", bodyHash: "h1" } })
        })
      ))

    it("a request whose hold was taken over by a retry can neither complete nor abandon the record: Conflict, and the retry's stands", () =>
      h.freshPromise(
        Effect.gen(function* () {
          const records = yield* IdempotencyRecords.IdempotencyRecords
          // The first request's lease ends at 1 050 (its process stalled, or its clock was behind);
          // a retry at 1 050 takes the key over with a lease to 11 050.
          expect(yield* start("t1", "imp00000001", 1_000, { lease: 50 })).toEqual({ _tag: "Started" })
          expect(yield* start("t1", "imp00000001", 1_050, { hash: "h1" })).toEqual({ _tag: "Started" })
          const first = { id: "t1", leaseUntil: 1_050, merchant: "imp00000001", bytes: 400, now: 1_060, maxBytes: 10_000 }
          const late = yield* Effect.flip(records.complete({ ...first, outcome: response("first") }))
          expect(late.reason._tag, "IdempotencyRecords.complete by a request whose hold was taken over").toBe("Conflict")
          yield* records.abandon({ id: "t1", leaseUntil: 1_050 })
          expect(yield* start("t1", "imp00000001", 1_070), "the retry still holds the key").toEqual({
            _tag: "Found",
            held: { _tag: "Running", bodyHash: "h1" }
          })
          yield* records.complete({ ...first, leaseUntil: 11_050, outcome: response("retry") })
          expect(yield* start("t1", "imp00000001", 1_080)).toEqual({
            _tag: "Found",
            held: { _tag: "Done", bodyHash: "h1", response: response("retry") }
          })
        })
      ))

    it("concurrent begins of one key start it once", () =>
      h.freshPromise(
        Effect.gen(function* () {
          const results = yield* Effect.forEach(
            Array.from({ length: 8 }, (_, i) => i),
            () => start("c1", "imp00000001", 1_000),
            {
              concurrency: "unbounded"
            }
          )
          expect(results.filter((r) => r._tag === "Started")).toHaveLength(1)
        })
      ))

    it("each merchant's records are held to its byte budget, oldest finished first, expired ones dropped", () =>
      h.freshPromise(
        Effect.gen(function* () {
          const records = yield* IdempotencyRecords.IdempotencyRecords
          const finish = (id: string, merchant: string, now: number, maxBytes = 1_000) =>
            Effect.andThen(start(id, merchant, now, { ttl: 10_000 }), () =>
              records.complete({ id, leaseUntil: now + 10_000, merchant, outcome: response(id), bytes: 300, now, maxBytes })
            )
          yield* finish("b-other", "imp00000002", 1_000)
          for (let i = 0; i < 5; i++) yield* finish(`b${i}`, "imp00000001", 1_000 + i)
          // 5 × 300 > 1000: the two oldest went.
          expect(yield* records.bytes("imp00000001")).toBe(900)
          expect(yield* start("b0", "imp00000001", 1_010)).toEqual({ _tag: "Started" })
          yield* records.abandon({ id: "b0", leaseUntil: 11_010 })
          expect((yield* start("b4", "imp00000001", 1_010))._tag).toBe("Found")
          // Another merchant's budget is its own.
          expect(yield* records.bytes("imp00000002")).toBe(300)
          // Completing after the others expired drops them.
          yield* finish("late", "imp00000001", 20_000)
          expect(yield* records.bytes("imp00000001")).toBe(300)
          expect(yield* records.bytes("imp00000002")).toBe(300)
        })
      ))
  })
}
