import { AuditLog, type ChangeFeed, type StoreError } from "@paymux/store"
import { Clock, Effect, Random } from "effect"
import { Actor } from "../AdminContext.ts"
import * as CacheSync from "../CacheSync.ts"

const hex = "0123456789abcdef"

/**
 * Appends an audit entry for a change; run it inside the change's transaction. What the change
 * means to other processes' caches is published with it (`CacheSync.changeOf`), so no audited
 * write can forget to tell them.
 */
export const audit = (entry: {
  readonly merchant: string
  readonly action: string
  readonly target: string
  readonly before?: unknown
  readonly after?: unknown
}): Effect.Effect<void, StoreError.StoreError, AuditLog.AuditLog | ChangeFeed.ChangeFeed> =>
  Effect.gen(function* () {
    const log = yield* AuditLog.AuditLog
    const actor = yield* Actor
    const at = yield* Clock.currentTimeMillis
    const digits = yield* Effect.forEach(Array.from({ length: 16 }), () => Random.nextIntBetween(0, 15))
    yield* log.append({
      id: `audit_${at.toString(36)}${digits.map((d) => hex[d]).join("")}`,
      merchant: entry.merchant,
      actor: `${actor.kind}:${actor.id}`,
      action: entry.action,
      target: entry.target,
      before: entry.before ?? null,
      after: entry.after ?? null,
      at
    })
    yield* CacheSync.publish(entry)
  })
