/**
 * What lets several processes on one store act as one: the change feed their caches follow, and
 * `Idempotency-Key` records.
 */
import { ChangeFeed, IdempotencyRecords, Transaction } from "@paymux/store"
import { Effect, Exit } from "effect"
import * as fc from "fast-check"
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

/** A record as the model of the port holds it. */
interface Modelled {
  readonly merchant: string
  readonly state: "running" | "done"
  readonly bytes: number
  readonly createdAt: number
  readonly expiresAt: number
  readonly leaseUntil: number
}

type Step =
  | { readonly _tag: "begin"; readonly key: number; readonly merchant: number; readonly ttl: number; readonly lease: number }
  | { readonly _tag: "complete"; readonly key: number; readonly ownLease: boolean; readonly bytes: number; readonly maxBytes: number }
  | { readonly _tag: "abandon"; readonly key: number; readonly ownLease: boolean }

const modelMerchants = ["imp00000001", "imp00000002"]

const step: fc.Arbitrary<{ readonly wait: number; readonly step: Step }> = fc.record({
  wait: fc.constantFrom(0, 1, 10, 25, 60, 400),
  step: fc.oneof(
    fc.record({
      _tag: fc.constant("begin" as const),
      key: fc.integer({ min: 0, max: 3 }),
      merchant: fc.integer({ min: 0, max: 1 }),
      ttl: fc.constantFrom(30, 300),
      lease: fc.constantFrom(20, 200)
    }),
    fc.record({
      _tag: fc.constant("complete" as const),
      key: fc.integer({ min: 0, max: 3 }),
      ownLease: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      bytes: fc.integer({ min: 0, max: 400 }),
      maxBytes: fc.constantFrom(0, 500, 1_000, Number.POSITIVE_INFINITY)
    }),
    fc.record({ _tag: fc.constant("abandon" as const), key: fc.integer({ min: 0, max: 3 }), ownLease: fc.boolean() })
  )
})

/**
 * The port's rule, restated as plainly as it can be: what `complete` leaves of a merchant's
 * records (its expired ones go, then its oldest finished ones while it is over budget).
 */
const modelComplete = (records: Map<string, Modelled>, merchant: string, now: number, maxBytes: number): void => {
  for (const [id, r] of records) if (r.merchant === merchant && r.expiresAt <= now) records.delete(id)
  const mine = [...records].filter(([, r]) => r.merchant === merchant)
  let held = mine.reduce((sum, [, r]) => sum + r.bytes, 0)
  const oldest = mine
    .filter(([, r]) => r.state !== "running")
    .sort(([a, x], [b, y]) => x.createdAt - y.createdAt || (a < b ? -1 : a > b ? 1 : 0))
  for (const [id, r] of oldest) {
    if (held <= maxBytes) break
    records.delete(id)
    held -= r.bytes
  }
}

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

    it("bytes() follows every change: a budget that drops dozens at once, oldest by begin time then id, a takeover, expiry", () =>
      h.freshPromise(
        Effect.gen(function* () {
          const records = yield* IdempotencyRecords.IdempotencyRecords
          const [a, b] = ["imp00000001", "imp00000002"]
          const finish = (id: string, merchant: string, now: number, options: { bytes?: number; maxBytes?: number; ttl?: number } = {}) =>
            Effect.andThen(start(id, merchant, now, { ttl: options.ttl ?? 10_000 }), () =>
              records.complete({
                id,
                leaseUntil: now + 10_000,
                merchant,
                outcome: response(id),
                bytes: options.bytes ?? 100,
                now,
                maxBytes: options.maxBytes ?? Number.POSITIVE_INFINITY
              })
            )
          // 40 records begun in one millisecond, finished in reverse id order.
          for (let i = 39; i >= 0; i--) yield* finish(`a${String(i).padStart(2, "0")}`, a, 1_000)
          expect(yield* records.bytes(a)).toBe(4_000)
          expect(yield* start("running", a, 1_000)).toEqual({ _tag: "Started" })
          // 4 100 bytes against 1 050: a00 to a30 go (by id, their begin times being equal), the running record stays.
          yield* finish("z", a, 1_001, { maxBytes: 1_050 })
          expect(yield* records.bytes(a)).toBe(1_000)
          expect((yield* start("a30", a, 1_002))._tag, "a30 dropped").toBe("Started")
          expect((yield* start("a31", a, 1_002))._tag, "a31 kept").toBe("Found")
          expect((yield* start("running", a, 1_002))._tag, "the running record kept").toBe("Found")
          yield* records.abandon({ id: "a30", leaseUntil: 11_002 })
          expect(yield* records.bytes(a)).toBe(1_000)

          // An expired finished record begun again, by another merchant: its bytes leave its merchant's total.
          yield* finish("t", b, 1_000, { bytes: 300, ttl: 100 })
          expect(yield* records.bytes(b)).toBe(300)
          expect(yield* start("t", a, 1_100)).toEqual({ _tag: "Started" })
          expect(yield* records.bytes(b)).toBe(0)
          expect(yield* records.bytes(a)).toBe(1_000)
          yield* records.complete({
            id: "t",
            leaseUntil: 11_100,
            merchant: a,
            outcome: "withheld",
            bytes: 50,
            now: 1_100,
            maxBytes: 10_000
          })
          expect(yield* records.bytes(a)).toBe(1_050)

          // Past every expiry, only what is completed then is held.
          yield* finish("late", a, 70_000, { bytes: 70 })
          expect(yield* records.bytes(a)).toBe(70)
          expect(yield* records.bytes(b)).toBe(0)
        })
      ))

    it(
      "begin, complete, abandon, expiry and the budget act as the rule says, and bytes() is what the records hold, after any steps",
      () =>
        fc.assert(
          fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40, size: "max" }), (steps) =>
            h.freshPromise(
              Effect.gen(function* () {
                const records = yield* IdempotencyRecords.IdempotencyRecords
                const model = new Map<string, Modelled>()
                let now = 1_000
                for (const [n, { wait, step }] of steps.entries()) {
                  now += wait
                  const id = `k${step.key}`
                  const found = model.get(id)
                  const at = `step ${n} (${step._tag} ${id} at ${now})`
                  if (step._tag === "begin") {
                    const merchant = modelMerchants[step.merchant]!
                    const free = found === undefined || found.expiresAt <= now || (found.state === "running" && found.leaseUntil <= now)
                    const got = yield* start(id, merchant, now, { ttl: step.ttl, lease: step.lease })
                    expect(got._tag, at).toBe(free ? "Started" : "Found")
                    if (free) {
                      const record = { merchant, bytes: 0, createdAt: now, expiresAt: now + step.ttl, leaseUntil: now + step.lease }
                      model.set(id, { ...record, state: "running" })
                    }
                  } else if (step._tag === "complete") {
                    const merchant = found?.merchant ?? modelMerchants[0]!
                    const leaseUntil = (found?.leaseUntil ?? now) - (step.ownLease ? 0 : 1)
                    const mine = found?.state === "running" && found.leaseUntil === leaseUntil
                    const exit = yield* Effect.exit(
                      records.complete({ id, leaseUntil, merchant, outcome: response(id), bytes: step.bytes, now, maxBytes: step.maxBytes })
                    )
                    expect(Exit.isSuccess(exit), at).toBe(mine)
                    if (mine) {
                      model.set(id, { ...found, state: "done", bytes: step.bytes })
                      modelComplete(model, merchant, now, step.maxBytes)
                    }
                  } else {
                    const leaseUntil = (found?.leaseUntil ?? now) - (step.ownLease ? 0 : 1)
                    yield* records.abandon({ id, leaseUntil })
                    if (found?.state === "running" && found.leaseUntil === leaseUntil) model.delete(id)
                  }
                  for (const merchant of modelMerchants) {
                    const held = [...model.values()].filter((r) => r.merchant === merchant).reduce((sum, r) => sum + r.bytes, 0)
                    expect(yield* records.bytes(merchant), `${at}: bytes(${merchant})`).toBe(held)
                  }
                }
                // Which records are left: a begin finds each one the model holds, and starts every other key.
                now += 1
                for (let key = 0; key <= 3; key++) {
                  const found = model.get(`k${key}`)
                  const free = found === undefined || found.expiresAt <= now || (found.state === "running" && found.leaseUntil <= now)
                  expect((yield* start(`k${key}`, modelMerchants[0]!, now))._tag, `k${key} at the end`).toBe(free ? "Started" : "Found")
                }
              })
            )
          ),
          { numRuns: h.numRuns }
        ),
      h.timeout
    )

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
