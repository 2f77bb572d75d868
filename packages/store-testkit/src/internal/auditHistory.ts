/**
 * Audit-log paging: `after` with `limit`, which lets a caller read a trail of any size a page at
 * a time, newest first, with or without the action filter; and `prune`, its retention limit.
 */
import { AuditLog } from "@paymux/store"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const m = F.merchantCode(1)
const other = F.merchantCode(2)

/** Nine entries of `m` (every third a `key.rotate`) with another merchant's in between; their ids newest first. */
const seed = Effect.gen(function* () {
  const log = yield* AuditLog.AuditLog
  const ours: Array<string> = []
  for (let n = 1; n <= 9; n++) {
    const entry = F.auditEntry(m, n, n % 3 === 0 ? "key.rotate" : "channel.update")
    yield* log.append(entry)
    ours.unshift(entry.id)
    if (n % 4 === 0) yield* log.append(F.auditEntry(other, 100 + n))
  }
  return ours
})

/** Every id `options` match, read `limit` at a time (`F.allPages`). */
const allPages = (options: { readonly action?: string }, limit: number) =>
  Effect.flatMap(AuditLog.AuditLog, (log) =>
    F.allPages(
      "AuditLog.list",
      limit,
      (after) => log.list(m, { ...options, limit, ...(after === undefined ? {} : { after }) }),
      (e) => e.id
    )
  )

export const auditHistory = (h: Harness): void =>
  void describe("audit log: cursor", () => {
    it(
      "paging with after and limit answers every entry exactly once, newest first, with and without the action filter",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const ours = yield* seed
            const rotations = ours.filter((id) => /-(3|6|9)$/.test(id))
            for (const limit of [1, 2, 3, 4, 8, 9, 10]) {
              expect(yield* allPages({}, limit), `pages of ${limit}`).toEqual(ours)
              expect(yield* allPages({ action: "key.rotate" }, limit), `key.rotate, pages of ${limit}`).toEqual(rotations)
            }
          })
        ),
      h.timeout
    )

    it(
      "the cursor is a position in the merchant's trail: it need not be of the action, and the oldest entry's is followed by nothing",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const log = yield* AuditLog.AuditLog
            const ours = yield* seed
            const ids = (options: AuditLog.ListOptions) => Effect.map(log.list(m, options), (page) => page.map((e) => e.id))
            expect(yield* ids({ after: ours[0]!, limit: 2 })).toEqual(ours.slice(1, 3))
            expect(yield* ids({ action: "key.rotate", after: ours[1]! })).toEqual([`audit-${m}-6`, `audit-${m}-3`])
            expect(yield* ids({ action: "key.rotate", after: ours[6]! })).toEqual([])
            expect(yield* log.list(m, { after: ours[8]! })).toEqual([])
          })
        ),
      h.timeout
    )

    it(
      "an unknown cursor, or another merchant's entry, is NotFound",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const log = yield* AuditLog.AuditLog
            yield* seed
            yield* F.expectStoreError(log.list(m, { after: "no-such-entry" }), "NotFound", "AuditLog.list after an unknown id")
            yield* F.expectStoreError(
              log.list(m, { action: "key.rotate", after: "no-such-entry" }),
              "NotFound",
              "AuditLog.list({ action }) after an unknown id"
            )
            yield* F.expectStoreError(
              log.list(m, { after: F.auditEntry(other, 104).id }),
              "NotFound",
              "AuditLog.list after another merchant's entry"
            )
          })
        ),
      h.timeout
    )

    it(
      "prune deletes every merchant's entries from before a time, the earliest appended first and up to the limit; never a later one",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            const log = yield* AuditLog.AuditLog
            const ours = yield* seed
            // Before entry 5 (at base + 5): m's entries 1-4 only; the other merchant's are at base + 104 and 108.
            const cutoff = F.auditEntry(m, 5).at
            expect(yield* log.prune({ before: cutoff, limit: 2 })).toBe(2)
            expect((yield* log.list(m)).map((e) => e.id)).toEqual(ours.slice(0, 7))
            expect(yield* log.prune({ before: cutoff, limit: 100 })).toBe(2)
            expect(yield* log.prune({ before: cutoff, limit: 100 })).toBe(0)
            expect((yield* log.list(m)).map((e) => e.id)).toEqual(ours.slice(0, 5))
            expect((yield* log.list(other)).map((e) => e.id)).toEqual([F.auditEntry(other, 108).id, F.auditEntry(other, 104).id])
            yield* F.expectStoreError(log.prune({ before: Number.NaN, limit: 100 }), "InvalidInput", "AuditLog.prune before NaN")
            expect(yield* log.list(m)).toHaveLength(5)
          })
        ),
      h.timeout
    )
  })
