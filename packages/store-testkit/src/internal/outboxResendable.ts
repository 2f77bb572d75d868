/**
 * What resend-failed asks the outbox (`Outbox.resendable`, `Outbox.coveredDead`): which dead
 * deliveries of a window are covered (their message delivered or pending to the same target), and
 * which are worth resending (not covered, the oldest of their message and target, in queue order,
 * up to a limit). Examples for each part of the rule, and a property against a brute-force oracle
 * written here from the port's definition.
 */
import { type Identifiers, Timestamp } from "@paymux/domain"
import { type Delivery, Outbox } from "@paymux/store"
import { Effect } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { attempt } from "../StoreFixtures.ts"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const m = F.merchantCode(1)
const other = F.merchantCode(2)
const since = 2_000_000
const hookA = "https://a.example/hook"
const hookB = "https://b.example/hook"
const elsewhere = "https://elsewhere.example/hook"

/**
 * One delivery to seed: `merchant` "" is none; `endpointId` null is a fixed URL; `created` is its
 * time relative to `since`.
 */
interface Spec {
  readonly merchant?: Identifiers.MerchantCode | "" | undefined
  readonly message: string
  readonly endpointId?: string | null | undefined
  readonly url?: string | undefined
  readonly status: Delivery.Status
  readonly mode?: Delivery.Delivery["mode"] | undefined
  readonly created?: number | undefined
}

/** A seeded delivery as the oracle sees it: the spec with its defaults, and the id the store gave it. */
interface Seeded {
  readonly id: string
  readonly merchant: string
  readonly messageId: string
  readonly endpointId: string | null
  readonly url: string
  readonly status: Delivery.Status
  readonly mode: Delivery.Delivery["mode"]
  readonly createdAt: number
}

/**
 * Enqueues the specs in order through the port, then brings each to its status: pending ones are
 * not due, the others are claimed, delivered by an attempt or dead-lettered (by a failed attempt
 * or by `deadLetter`, alternately).
 */
const seed = (specs: ReadonlyArray<Spec>) =>
  Effect.gen(function* () {
    const box = yield* Outbox.Outbox
    const seeded: Array<Seeded> = []
    for (const [i, s] of specs.entries()) {
      const endpointId = s.endpointId === undefined ? "ep_a" : s.endpointId
      const d = yield* box.enqueue(
        F.newDelivery(s.merchant === "" ? undefined : (s.merchant ?? m), i, {
          messageId: s.message,
          mode: s.mode ?? "test",
          url: s.url ?? hookA,
          ...(endpointId === null ? {} : { endpointId }),
          ...(s.status === "pending" ? { availableAt: Timestamp.maxTimestamp } : {})
        }),
        since + (s.created ?? 0)
      )
      seeded.push({
        id: d.id,
        merchant: s.merchant ?? m,
        messageId: s.message,
        endpointId,
        url: s.url ?? hookA,
        status: s.status,
        mode: s.mode ?? "test",
        createdAt: since + (s.created ?? 0)
      })
    }
    yield* box.claim({ workerId: "w1", now: since + 1_000, leaseMillis: 60_000, limit: specs.length + 1 })
    for (const [i, d] of seeded.entries()) {
      if (d.status === "delivered") {
        yield* box.recordAttempt(attempt(d.id, "w1", 1, "delivered"), { now: since + 1_001, next: { _tag: "Complete" } })
      } else if (d.status === "dead" && i % 2 === 0) {
        yield* box.deadLetter({ deliveryId: d.id, workerId: "w1", now: since + 1_001, reason: "unsendable" })
      } else if (d.status === "dead") {
        yield* box.recordAttempt(attempt(d.id, "w1", 1, "failed"), { now: since + 1_001, next: { _tag: "DeadLetter", reason: "gone" } })
      }
    }
    return seeded
  })

/**
 * The rule of `Outbox.DeadWindow`, by brute force over the seeded deliveries (in queue order):
 * what `resendable` answers with no limit, and what `coveredDead` counts.
 */
const oracle = (all: ReadonlyArray<Seeded>, w: Outbox.DeadWindow) => {
  const inWindow = (d: Seeded) => d.merchant === w.merchant && d.createdAt >= w.since && (w.mode === undefined || d.mode === w.mode)
  const deadTarget = (d: Seeded) => (w.url !== undefined ? w.url : d.endpointId !== null ? d.endpointId : d.url)
  const isCovered = (d: Seeded) =>
    all.some(
      (c) =>
        inWindow(c) &&
        c.messageId === d.messageId &&
        (c.status === "delivered" || c.status === "pending") &&
        (c.endpointId !== null ? c.endpointId : c.url) === deadTarget(d)
    )
  const dead = all.filter((d) => inWindow(d) && d.status === "dead")
  const resendable = dead.filter(
    (d, i) => !isCovered(d) && !dead.slice(0, i).some((o) => o.messageId === d.messageId && deadTarget(o) === deadTarget(d))
  )
  return { resendable: resendable.map((d) => d.id), covered: dead.filter(isCovered).length }
}

const idsOf = (ds: ReadonlyArray<{ readonly id: string }>): Array<string> => ds.map((d) => d.id)

/** `resendable` with a limit no window here reaches. */
const noLimit = 1_000

const ask = (w: Outbox.DeadWindow, limit = noLimit) =>
  Effect.gen(function* () {
    const box = yield* Outbox.Outbox
    return { resendable: idsOf(yield* box.resendable({ ...w, limit })), covered: yield* box.coveredDead(w) }
  })

const spec: fc.Arbitrary<Spec> = fc.record({
  merchant: fc.constantFrom<Identifiers.MerchantCode | "">(m, m, m, other, ""),
  message: fc.constantFrom("msg_1", "msg_2", "msg_3"),
  endpointId: fc.constantFrom("ep_a", "ep_b", null),
  url: fc.constantFrom(hookA, hookB),
  status: fc.constantFrom("pending", "delivered", "dead", "dead"),
  mode: fc.constantFrom("test", "live"),
  created: fc.integer({ min: -2, max: 2 })
})

export const outboxResendable = (h: Harness): void =>
  void describe("outbox: resendable and covered dead deliveries", () => {
    const example = (name: string, body: Effect.Effect<void, unknown, any>) => it(name, () => h.freshPromise(body), h.timeout)

    example(
      "a dead delivery is covered by a delivered or pending delivery of its message to its target, not by a dead one",
      Effect.gen(function* () {
        const [, , , , firstDead] = yield* seed([
          { message: "msg_1", status: "dead" },
          { message: "msg_1", status: "delivered" },
          { message: "msg_2", status: "dead" },
          { message: "msg_2", status: "pending" },
          { message: "msg_3", status: "dead" },
          { message: "msg_3", status: "dead" }
        ])
        const got = yield* ask({ merchant: m, since })
        expect(got.resendable, "Outbox.resendable: the oldest dead one of msg_3 only").toEqual([firstDead!.id])
        expect(got.covered, "Outbox.coveredDead").toBe(2)
      })
    )

    example(
      "a delivery to another target, of another message or of another merchant covers nothing",
      Effect.gen(function* () {
        const [dead] = yield* seed([
          { message: "msg_1", status: "dead" }, // target ep_a
          { message: "msg_1", status: "delivered", endpointId: "ep_b" },
          // The same URL, but a fixed one: its target is the URL, not the endpoint.
          { message: "msg_1", status: "delivered", endpointId: null, url: hookA },
          { message: "msg_2", status: "delivered" },
          { message: "msg_1", status: "delivered", merchant: other }
        ])
        expect(yield* ask({ merchant: m, since })).toEqual({ resendable: [dead!.id], covered: 0 })
        // A fixed-URL dead delivery's target is its URL.
        yield* seed([
          { message: "msg_4", status: "dead", endpointId: null, url: hookB },
          { message: "msg_4", status: "pending", endpointId: null, url: hookB }
        ])
        expect(yield* ask({ merchant: m, since })).toEqual({ resendable: [dead!.id], covered: 1 })
      })
    )

    example(
      "with url, every dead delivery's target is that URL: covered only by a delivery to it as a fixed URL, one per message",
      Effect.gen(function* () {
        const [a, b, c, , e] = yield* seed([
          { message: "msg_1", status: "dead", endpointId: "ep_a" },
          { message: "msg_1", status: "dead", endpointId: "ep_b" },
          { message: "msg_2", status: "dead" },
          // Its endpoint's URL is the override, but its target is the endpoint.
          { message: "msg_2", status: "delivered", endpointId: "ep_c", url: elsewhere },
          { message: "msg_3", status: "dead" },
          { message: "msg_3", status: "pending", endpointId: null, url: elsewhere }
        ])
        expect(yield* ask({ merchant: m, since, url: elsewhere })).toEqual({ resendable: [a!.id, c!.id], covered: 1 })
        // Without it, each dead delivery has its own endpoint as its target.
        expect(yield* ask({ merchant: m, since })).toEqual({ resendable: [a!.id, b!.id, c!.id, e!.id], covered: 0 })
      })
    )

    example(
      "mode: only the mode's dead deliveries, covered only by the mode's deliveries",
      Effect.gen(function* () {
        const [test, live] = yield* seed([
          { message: "msg_1", status: "dead", mode: "test" },
          { message: "msg_2", status: "dead", mode: "live" },
          { message: "msg_1", status: "delivered", mode: "live" }
        ])
        expect(yield* ask({ merchant: m, since, mode: "test" })).toEqual({ resendable: [test!.id], covered: 0 })
        expect(yield* ask({ merchant: m, since, mode: "live" })).toEqual({ resendable: [live!.id], covered: 0 })
        expect(yield* ask({ merchant: m, since })).toEqual({ resendable: [live!.id], covered: 1 })
      })
    )

    example(
      "since: only dead deliveries created at or after it, covered only by deliveries created at or after it",
      Effect.gen(function* () {
        const [before, , atSince, late] = yield* seed([
          { message: "msg_1", status: "dead", created: -1 },
          { message: "msg_2", status: "delivered", created: -1 },
          { message: "msg_2", status: "dead", created: 0 },
          // Its older dead duplicate is before the window: this one is the oldest of the window's.
          { message: "msg_1", status: "dead", created: 1 }
        ])
        expect(yield* ask({ merchant: m, since })).toEqual({ resendable: [atSince!.id, late!.id], covered: 0 })
        expect(yield* ask({ merchant: m, since: since + 1 })).toEqual({ resendable: [late!.id], covered: 0 })
        // From one earlier, the delivered one covers msg_2, and the late one is the younger of msg_1's.
        expect(yield* ask({ merchant: m, since: since - 1 })).toEqual({ resendable: [before!.id], covered: 1 })
      })
    )

    example(
      "oldest first in queue order, whatever the creation times, and at most limit",
      Effect.gen(function* () {
        const ids = idsOf(
          yield* seed([
            { message: "msg_1", status: "dead", created: 2 },
            { message: "msg_2", status: "dead", created: 1 },
            { message: "msg_3", status: "dead", created: 0 },
            { message: "msg_4", status: "dead", created: 2 }
          ])
        )
        expect((yield* ask({ merchant: m, since })).resendable, "Outbox.resendable: in the order queued").toEqual(ids)
        for (const limit of [0, 1, 3, 4, 5]) {
          expect((yield* ask({ merchant: m, since }, limit)).resendable, `limit ${limit}`).toEqual(ids.slice(0, limit))
        }
        expect(yield* ask({ merchant: other, since })).toEqual({ resendable: [], covered: 0 })
      })
    )

    it(
      "resendable and coveredDead answer what the rule says, for any deliveries, mode, url and limit",
      () =>
        fc.assert(
          fc.asyncProperty(fc.array(spec, { minLength: 4, maxLength: 16 }), (specs) =>
            h.freshPromise(
              Effect.gen(function* () {
                const seeded = yield* seed(specs)
                for (const mode of [undefined, "test", "live"] as const) {
                  for (const url of [undefined, hookA, elsewhere]) {
                    const w: Outbox.DeadWindow = { merchant: m, since, mode, url }
                    const want = oracle(seeded, w)
                    const label = `Outbox.resendable({ mode: ${mode}, url: ${url} })`
                    const got = yield* ask(w)
                    expect(got.resendable, label).toEqual(want.resendable)
                    expect(got.covered, `Outbox.coveredDead({ mode: ${mode}, url: ${url} })`).toBe(want.covered)
                    for (const limit of [1, 2]) {
                      expect((yield* ask(w, limit)).resendable, `${label} with limit ${limit}`).toEqual(want.resendable.slice(0, limit))
                    }
                  }
                }
              })
            )
          ),
          { numRuns: h.numRuns }
        ),
      h.timeout
    )
  })
