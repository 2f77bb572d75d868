/**
 * The webhook outbox over the in-memory store's state, so deliveries enqueued in a transaction
 * commit or roll back with it.
 */
import { Effect, Result } from "effect"
import * as Delivery from "../../Delivery.ts"
import * as Outbox from "../../Outbox.ts"
import * as StoreError from "../../StoreError.ts"
import type { MemoryStore, State } from "./store.ts"
import { rowLimit } from "../rowLimit.ts"

type Failure = StoreError.StoreError

export const makeOutbox = (store: MemoryStore): Outbox.OutboxShape => {
  const write = <A>(f: (s: State) => Result.Result<A, Failure>): Effect.Effect<A, Failure> => store.write(f)

  const insert = (s: State, d: Delivery.Delivery): Result.Result<Delivery.Delivery, Failure> => {
    if (s.deliveries.has(d.id)) return Result.fail(StoreError.conflict(Outbox.entity, d.id, "a delivery with this id exists"))
    s.deliveries.set(d.id, d)
    s.attempts.set(d.id, [])
    return Result.succeed(d)
  }

  const withLease = (
    deliveryId: string,
    workerId: string,
    f: (s: State, d: Delivery.Delivery) => Delivery.Delivery
  ): Effect.Effect<Delivery.Delivery, Failure> =>
    write((s) => {
      const d = s.deliveries.get(deliveryId)
      if (d === undefined) return Result.fail(Outbox.notFound(deliveryId))
      if (d.status !== "pending" || d.lease === null || d.lease.workerId !== workerId) {
        return Result.fail(Outbox.leaseLost(deliveryId, workerId))
      }
      const next = f(s, d)
      s.deliveries.set(d.id, next)
      return Result.succeed(next)
    })

  const historyOf = (s: State, d: Delivery.Delivery): Delivery.History => ({ delivery: d, attempts: s.attempts.get(d.id) ?? [] })

  /**
   * The window's dead deliveries in queue order, each with its (message, target) key, and the
   * keys that are covered (Outbox.DeadWindow).
   */
  const deadWindow = (s: State, { merchant, mode, since, url }: Outbox.DeadWindow) => {
    const key = (messageId: string, target: string) => JSON.stringify([messageId, target])
    const dead: Array<{ readonly delivery: Delivery.Delivery; readonly key: string }> = []
    const covered = new Set<string>()
    // The map keeps the order deliveries were queued in, as the SQL stores' seq.
    for (const d of s.deliveries.values()) {
      if (d.merchant !== merchant || d.createdAt < since || (mode !== undefined && d.mode !== mode)) continue
      if (d.status === "dead") dead.push({ delivery: d, key: key(d.messageId, url ?? d.endpointId ?? d.url) })
      else covered.add(key(d.messageId, d.endpointId ?? d.url))
    }
    return { dead, covered }
  }

  return {
    enqueue: (input, now) => write((s) => Result.flatMap(Delivery.checkedNew(input, now), (d) => insert(s, d))),
    claim: ({ asOf, leaseMillis, limit, now, workerId }) =>
      write((s) => {
        const at = Outbox.claimableAt({ now, asOf })
        const due = [...s.deliveries.values()]
          .filter((d) => d.status === "pending" && d.nextAttemptAt <= at && (d.lease === null || d.lease.until <= at))
          // The map keeps the order deliveries were queued in, as the SQL stores' seq, and the sort
          // is stable: by due time, then in queue order.
          .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
          .slice(0, rowLimit(limit))
        return Result.succeed(
          due.map((d) => {
            const next = { ...d, lease: { workerId, until: now + leaseMillis }, updatedAt: now }
            s.deliveries.set(d.id, next)
            return next
          })
        )
      }),
    renew: ({ deliveryId, leaseMillis, now, workerId }) =>
      withLease(deliveryId, workerId, (_, d) => ({
        ...d,
        lease: { workerId, until: Math.max(d.lease?.until ?? 0, now + leaseMillis) },
        updatedAt: now
      })),
    recordAttempt: (attempt, { now, next }) => {
      const invalid = Outbox.invalidAttempt(attempt, next)
      if (invalid !== undefined) return Effect.fail(invalid)
      // One write: the attempt and the delivery's new state commit together or not at all.
      return withLease(attempt.deliveryId, attempt.workerId, (s, d) => {
        s.attempts.set(d.id, [...(s.attempts.get(d.id) ?? []), attempt])
        const base = { ...d, attempts: d.attempts + 1, lease: null, updatedAt: now }
        switch (next._tag) {
          case "Complete":
            return { ...base, status: "delivered", lastError: null }
          case "Retry":
            return { ...base, nextAttemptAt: next.at, lastError: attempt.error ?? `HTTP ${attempt.httpStatus}` }
          case "DeadLetter":
            return { ...base, status: "dead", lastError: next.reason }
        }
      })
    },
    deadLetter: ({ deliveryId, now, reason, workerId }) =>
      withLease(deliveryId, workerId, (_, d) => ({ ...d, status: "dead", lease: null, lastError: reason, updatedAt: now })),
    release: ({ deliveryId, workerId }) => Effect.asVoid(withLease(deliveryId, workerId, (_, d) => ({ ...d, lease: null }))),
    get: (deliveryId) =>
      Effect.flatMap(
        store.read((s) => {
          const d = s.deliveries.get(deliveryId)
          return d === undefined ? undefined : historyOf(s, d)
        }),
        (h) => (h === undefined ? Effect.fail(Outbox.notFound(deliveryId)) : Effect.succeed(h))
      ),
    history: ({ after, dueBefore, limit, merchant, messageId, order, since, status, subject }) =>
      Effect.flatMap(
        store.read((s) => {
          // The map keeps the order deliveries were queued in, as the SQL stores' seq.
          const all = [...s.deliveries.values()]
          if (order !== "oldest") all.reverse()
          const cursor = after === undefined ? -1 : all.findIndex((d) => d.id === after)
          if (after !== undefined && cursor < 0) return Result.fail(Outbox.notFound(after))
          const out: Array<Delivery.History> = []
          const most = rowLimit(limit)
          for (let i = cursor + 1; i < all.length && out.length < most; i++) {
            const d = all[i]!
            if (merchant !== undefined && d.merchant !== merchant) continue
            if (subject !== undefined && d.subject !== subject) continue
            if (messageId !== undefined && d.messageId !== messageId) continue
            if (status !== undefined && d.status !== status) continue
            if (since !== undefined && d.createdAt < since) continue
            if (dueBefore !== undefined && d.nextAttemptAt >= dueBefore) continue
            out.push(historyOf(s, d))
          }
          return Result.succeed(out)
        }),
        Effect.fromResult
      ),
    resendable: ({ limit, ...window }) =>
      store.read((s) => {
        const { covered, dead } = deadWindow(s, window)
        const most = rowLimit(limit)
        const seen = new Set<string>()
        const out: Array<Delivery.Delivery> = []
        for (const { delivery, key } of dead) {
          if (out.length >= most) break
          if (covered.has(key) || seen.has(key)) continue
          seen.add(key)
          out.push(delivery)
        }
        return out
      }),
    coveredDead: (window) =>
      store.read((s) => {
        const { covered, dead } = deadWindow(s, window)
        return dead.filter(({ key }) => covered.has(key)).length
      }),
    resend: (deliveryId, now, options) =>
      write((s) => {
        const d = s.deliveries.get(deliveryId)
        if (d === undefined) return Result.fail(Outbox.notFound(deliveryId))
        return insert(s, Delivery.resendOf(d, now, options))
      }),
    prune: ({ before, limit }) =>
      write((s) => {
        const most = rowLimit(limit)
        let deleted = 0
        for (const d of [...s.deliveries.values()]) {
          if (deleted >= most) break
          if (d.status === "pending" || d.updatedAt >= before) continue
          s.deliveries.delete(d.id)
          s.attempts.delete(d.id)
          deleted++
        }
        return Result.succeed(deleted)
      })
  }
}
