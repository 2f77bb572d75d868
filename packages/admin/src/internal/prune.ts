/**
 * Deleting by age in batches, as the outbox's and the audit log's `prune` do: one store call per
 * `pruneBatch` rows, so no call holds a lock for long, until one deletes fewer.
 */
import { type DomainError, Timestamp } from "@paymux/domain"
import { Effect } from "effect"

/** How many rows one store call of a prune deletes. */
export const pruneBatch = 1_000

const checkBefore = Timestamp.decodeAs("before")

/** Calls `deleteBatch` with `pruneBatch` until it deletes fewer, after checking `before`; answers the total. */
export const pruneInBatches = <E, R>(
  before: number,
  deleteBatch: (limit: number) => Effect.Effect<number, E, R>
): Effect.Effect<{ readonly deleted: number }, E | DomainError.InvalidInput, R> =>
  Effect.gen(function* () {
    yield* Effect.fromResult(checkBefore(before))
    let deleted = 0
    while (true) {
      const batch = yield* deleteBatch(pruneBatch)
      deleted += batch
      if (batch < pruneBatch) return { deleted }
    }
  })
