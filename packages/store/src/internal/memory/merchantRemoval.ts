/**
 * Removing a merchant from the in-memory store: every map of the state that holds its rows, as
 * the SQL stores' `merchantTables`, then its change-feed entries and `Idempotency-Key` records,
 * which live beside the state and go when the transaction commits.
 */
import { Effect, Result } from "effect"
import type { Change } from "../../ChangeFeed.ts"
import { type RemovedCounts, type RemovedKind, removedKinds } from "../../Repositories.ts"
import { notFound, type StoreError } from "../../StoreError.ts"
import type { MemoryChangeFeed } from "./changes.ts"
import type { MemoryIdempotencyRecords } from "./idempotency.ts"
import type { MemoryStore, State } from "./store.ts"

export interface Beside {
  readonly changes: MemoryChangeFeed
  readonly idempotency: MemoryIdempotencyRecords
}

/** Deletes the entries of `map` whose value `owned` says are the merchant's; returns how many. */
const deleteWhere = <V>(map: Map<string, V>, owned: (value: V, key: string) => boolean): number => {
  let deleted = 0
  for (const [key, value] of map) {
    if (owned(value, key)) {
      map.delete(key)
      deleted++
    }
  }
  return deleted
}

interface Removed {
  readonly counts: RemovedCounts
  /** Whether a change names the merchant or one of its keys (read before the keys went). */
  readonly names: (change: Change) => boolean
}

const removeFromState = (s: State, code: string, beside: Beside): Result.Result<Removed, StoreError> => {
  if (!s.merchants.has(code)) return Result.fail(notFound("merchant", code))
  const counts = Object.fromEntries(removedKinds.map((kind) => [kind, 0])) as Record<RemovedKind, number>
  const keyIds = new Set<string>([...s.apiKeys.values()].filter((k) => k.merchant === code).map((k) => k.id))
  const names = (c: Change) => (c.topic === "api-key" ? keyIds.has(c.key) : c.key === code)
  counts.subMerchants = deleteWhere(s.subMerchants, (sub) => sub.merchant === code)
  const channelKeys = new Set<string>([...s.channels.values()].filter((r) => r.channel.merchant === code).map((r) => r.channel.key))
  deleteWhere(s.channelSlots, (key) => channelKeys.has(key))
  counts.channels = deleteWhere(s.channels, (row) => row.channel.merchant === code)
  s.sequences.delete(code)
  counts.channelGroups = deleteWhere(s.groups, (group) => group.merchant === code)
  s.webhookSettings.delete(code)
  counts.webhookSecrets = deleteWhere(s.webhookSecrets, (_, key) => key.startsWith(`${code}/`))
  deleteWhere(s.endpointHealth, (_, key) => key.startsWith(`${code}/`))
  s.whitelists.delete(code)
  counts.changes = beside.changes.count(names)
  counts.apiKeys = deleteWhere(s.apiKeys, (key) => keyIds.has(key.id))
  const deliveryIds = [...s.deliveries.values()].filter((d) => d.merchant === code).map((d) => d.id)
  for (const id of deliveryIds) {
    counts.deliveryAttempts += s.attempts.get(id)?.length ?? 0
    s.attempts.delete(id)
    s.deliveries.delete(id)
  }
  counts.deliveries = deliveryIds.length
  counts.idempotencyRecords = beside.idempotency.count(code)
  counts.auditEntries = deleteWhere(s.audit, (entry) => entry.merchant === code)
  s.merchants.delete(code)
  return Result.succeed({ counts, names })
}

export const removeMerchant = (store: MemoryStore, beside: Beside, code: string): Effect.Effect<RemovedCounts, StoreError> =>
  Effect.flatMap(
    store.write((s) => removeFromState(s, code, beside)),
    ({ counts, names }) =>
      Effect.as(
        // What lives beside the state goes when the removal commits, as changes are logged then.
        store.afterCommit(() => {
          beside.changes.forget(names)
          beside.idempotency.forget(code)
        }),
        counts
      )
  )
