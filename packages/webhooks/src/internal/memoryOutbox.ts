import { Effect } from "effect"
import { type Attempt, type Delivery, fromNew, type History, resendOf } from "../Delivery.ts"
import { OutboxError, type OutboxShape } from "../Outbox.ts"

const notFound = (deliveryId: string): OutboxError => new OutboxError({ reason: { _tag: "NotFound", deliveryId } })

export const makeMemory = (): OutboxShape => {
  const deliveries = new Map<string, Delivery>()
  const attempts = new Map<string, Array<Attempt>>()
  // Pending deliveries only, so claiming never scans finished work.
  const open = new Set<string>()

  const leased = (deliveryId: string, workerId: string): Delivery | OutboxError => {
    const d = deliveries.get(deliveryId)
    if (d === undefined) return notFound(deliveryId)
    if (d.status !== "pending" || d.lease === null || d.lease.workerId !== workerId) {
      return new OutboxError({ reason: { _tag: "LeaseLost", deliveryId, workerId } })
    }
    return d
  }

  const update = (d: Delivery, patch: Partial<Delivery>): Delivery => {
    const next = { ...d, ...patch }
    deliveries.set(d.id, next)
    if (next.status !== "pending") open.delete(d.id)
    return next
  }

  const withLease = <A>(
    deliveryId: string,
    workerId: string,
    f: (d: Delivery) => A
  ): Effect.Effect<A, OutboxError> =>
    Effect.suspend(() => {
      const d = leased(deliveryId, workerId)
      return d instanceof OutboxError ? Effect.fail(d) : Effect.succeed(f(d))
    })

  const historyOf = (d: Delivery): History => ({ delivery: d, attempts: attempts.get(d.id) ?? [] })

  const insert = (d: Delivery): Effect.Effect<Delivery, OutboxError> =>
    Effect.suspend(() => {
      if (deliveries.has(d.id)) {
        return Effect.fail(new OutboxError({ reason: { _tag: "Conflict", detail: `delivery ${d.id} exists` } }))
      }
      deliveries.set(d.id, d)
      attempts.set(d.id, [])
      open.add(d.id)
      return Effect.succeed(d)
    })

  return {
    enqueue: (input, now) =>
      Effect.suspend(() =>
        insert(fromNew(input, now))
      ),
    claim: ({ leaseMillis, limit, now, workerId }) =>
      Effect.sync(() => {
        const out: Array<Delivery> = []
        for (const id of open) {
          if (out.length >= limit) break
          const d = deliveries.get(id)!
          if (d.nextAttemptAt > now || (d.lease !== null && d.lease.until > now)) continue
          out.push(update(d, { lease: { workerId, until: now + leaseMillis }, updatedAt: now }))
        }
        return out
      }),
    recordAttempt: (attempt, { now, retryAt }) =>
      withLease(attempt.deliveryId, attempt.workerId, (d) => {
        attempts.get(d.id)!.push(attempt)
        const base = {
          attempts: d.attempts + 1,
          lastError: attempt.outcome === "delivered" ? d.lastError : attempt.error ?? `HTTP ${attempt.httpStatus}`,
          updatedAt: now
        }
        return update(d, retryAt === undefined ? base : { ...base, nextAttemptAt: retryAt, lease: null })
      }),
    complete: ({ deliveryId, now, workerId }) =>
      withLease(deliveryId, workerId, (d) => update(d, { status: "delivered", lease: null, updatedAt: now })),
    deadLetter: ({ deliveryId, now, reason, workerId }) =>
      withLease(deliveryId, workerId, (d) =>
        update(d, { status: "dead", lease: null, lastError: reason, updatedAt: now })),
    release: ({ deliveryId, workerId }) =>
      withLease(deliveryId, workerId, (d) => {
        update(d, { lease: null })
      }),
    get: (deliveryId) =>
      Effect.suspend(() => {
        const d = deliveries.get(deliveryId)
        return d === undefined ? Effect.fail(notFound(deliveryId)) : Effect.succeed(historyOf(d))
      }),
    history: ({ limit, merchant, status, subject }) =>
      Effect.sync(() => {
        const out: Array<History> = []
        const all = [...deliveries.values()]
        for (let i = all.length - 1; i >= 0 && (limit === undefined || out.length < limit); i--) {
          const d = all[i]!
          if (merchant !== undefined && d.merchant !== merchant) continue
          if (subject !== undefined && d.subject !== subject) continue
          if (status !== undefined && d.status !== status) continue
          out.push(historyOf(d))
        }
        return out
      }),
    resend: (deliveryId, now) =>
      Effect.suspend(() => {
        const d = deliveries.get(deliveryId)
        if (d === undefined) return Effect.fail(notFound(deliveryId))
        return insert(resendOf(d, now))
      })
  }
}
