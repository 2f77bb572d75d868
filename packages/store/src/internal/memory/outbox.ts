/**
 * The webhook outbox over the in-memory store's state, so deliveries enqueued in a transaction
 * commit or roll back with it (the webhooks package's own memory outbox keeps separate state).
 */
import { Delivery, Outbox } from "@paymux/webhooks"
import { Effect, Result } from "effect"
import type { MemoryStore, State } from "./store.ts"

type OutboxError = Outbox.OutboxError
const notFound = (deliveryId: string): OutboxError => new Outbox.OutboxError({ reason: { _tag: "NotFound", deliveryId } })
const leaseLost = (deliveryId: string, workerId: string): OutboxError =>
  new Outbox.OutboxError({ reason: { _tag: "LeaseLost", deliveryId, workerId } })

export const makeOutbox = (store: MemoryStore): Outbox.OutboxShape => {
  // Store failures (an injected fault) surface as the port's Unavailable.
  const write = <A>(f: (s: State) => Result.Result<A, OutboxError>): Effect.Effect<A, OutboxError> =>
    store.write(f).pipe(
      Effect.catchTag("StoreError", (e) => Effect.fail(new Outbox.OutboxError({ reason: { _tag: "Unavailable", detail: e.message }, cause: e })))
    )

  const insert = (s: State, d: Delivery.Delivery): Result.Result<Delivery.Delivery, OutboxError> => {
    if (s.deliveries.has(d.id)) return Result.fail(new Outbox.OutboxError({ reason: { _tag: "Conflict", detail: `delivery ${d.id} exists` } }))
    s.deliveries.set(d.id, d)
    s.attempts.set(d.id, [])
    return Result.succeed(d)
  }

  const withLease = (
    deliveryId: string,
    workerId: string,
    f: (s: State, d: Delivery.Delivery) => Delivery.Delivery
  ): Effect.Effect<Delivery.Delivery, OutboxError> =>
    write((s) => {
      const d = s.deliveries.get(deliveryId)
      if (d === undefined) return Result.fail(notFound(deliveryId))
      if (d.status !== "pending" || d.lease === null || d.lease.workerId !== workerId) return Result.fail(leaseLost(deliveryId, workerId))
      const next = f(s, d)
      s.deliveries.set(d.id, next)
      return Result.succeed(next)
    })

  const historyOf = (s: State, d: Delivery.Delivery): Delivery.History => ({ delivery: d, attempts: s.attempts.get(d.id) ?? [] })

  return {
    enqueue: (input, now) =>
      write((s) =>
        insert(s, Delivery.fromNew(input, now))
      ),
    claim: ({ leaseMillis, limit, now, workerId }) =>
      write((s) => {
        const due = [...s.deliveries.values()]
          .filter((d) => d.status === "pending" && d.nextAttemptAt <= now && (d.lease === null || d.lease.until <= now))
          .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
          .slice(0, Math.max(0, limit))
        return Result.succeed(due.map((d) => {
          const next = { ...d, lease: { workerId, until: now + leaseMillis }, updatedAt: now }
          s.deliveries.set(d.id, next)
          return next
        }))
      }),
    recordAttempt: (attempt, { now, retryAt }) =>
      withLease(attempt.deliveryId, attempt.workerId, (s, d) => {
        s.attempts.set(d.id, [...(s.attempts.get(d.id) ?? []), attempt])
        const base = {
          ...d,
          attempts: d.attempts + 1,
          lastError: attempt.outcome === "delivered" ? d.lastError : attempt.error ?? `HTTP ${attempt.httpStatus}`,
          updatedAt: now
        }
        return retryAt === undefined ? base : { ...base, nextAttemptAt: retryAt, lease: null }
      }),
    complete: ({ deliveryId, now, workerId }) =>
      withLease(deliveryId, workerId, (_, d) => ({ ...d, status: "delivered", lease: null, updatedAt: now })),
    deadLetter: ({ deliveryId, now, reason, workerId }) =>
      withLease(deliveryId, workerId, (_, d) => ({ ...d, status: "dead", lease: null, lastError: reason, updatedAt: now })),
    release: ({ deliveryId, workerId }) => Effect.asVoid(withLease(deliveryId, workerId, (_, d) => ({ ...d, lease: null }))),
    get: (deliveryId) =>
      Effect.flatMap(store.read((s) => {
        const d = s.deliveries.get(deliveryId)
        return d === undefined ? undefined : historyOf(s, d)
      }), (h) => (h === undefined ? Effect.fail(notFound(deliveryId)) : Effect.succeed(h))),
    history: ({ limit, merchant, status, subject }) =>
      store.read((s) => {
        const out: Array<Delivery.History> = []
        const all = [...s.deliveries.values()]
        for (let i = all.length - 1; i >= 0 && (limit === undefined || out.length < limit); i--) {
          const d = all[i]!
          if (merchant !== undefined && d.merchant !== merchant) continue
          if (subject !== undefined && d.subject !== subject) continue
          if (status !== undefined && d.status !== status) continue
          out.push(historyOf(s, d))
        }
        return out
      }),
    resend: (deliveryId, now) =>
      write((s) => {
        const d = s.deliveries.get(deliveryId)
        if (d === undefined) return Result.fail(notFound(deliveryId))
        return insert(s, Delivery.resendOf(d, now))
      })
  }
}
