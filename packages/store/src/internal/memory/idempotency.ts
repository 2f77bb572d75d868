/**
 * `Idempotency-Key` records in memory: one map by record id. Records are not part of the store's
 * transactions; nothing writes them inside one.
 */
import { Effect } from "effect"
import { type Held, type IdempotencyRecordsShape, takenOver } from "../../IdempotencyRecords.ts"

interface Row {
  readonly merchant: string
  readonly held: Held
  readonly bytes: number
  readonly expiresAt: number
  readonly leaseUntil: number
  /** When the record was begun: its age, which the byte budget drops by. */
  readonly createdAt: number
}

/**
 * Oldest first: by begin time, then by record id in code-unit order (SQLite's order; PostgreSQL
 * breaks a tie of one millisecond by its collation).
 */
const byAge = ([a, x]: readonly [string, Row], [b, y]: readonly [string, Row]): number =>
  x.createdAt - y.createdAt || (a < b ? -1 : a > b ? 1 : 0)

export const makeIdempotencyRecords = (): IdempotencyRecordsShape => {
  const rows = new Map<string, Row>()
  const bytesOf = (merchant: string): number => {
    let total = 0
    for (const row of rows.values()) if (row.merchant === merchant) total += row.bytes
    return total
  }
  return {
    begin: (input) =>
      Effect.sync(() => {
        const found = rows.get(input.id)
        const free = found === undefined || found.expiresAt <= input.now || (found.held._tag === "Running" && found.leaseUntil <= input.now)
        if (!free) return { _tag: "Found", held: found.held } as const
        rows.delete(input.id)
        rows.set(input.id, {
          merchant: input.merchant,
          held: { _tag: "Running", bodyHash: input.bodyHash },
          bytes: 0,
          expiresAt: input.expiresAt,
          leaseUntil: input.leaseUntil,
          createdAt: input.now
        })
        return { _tag: "Started" } as const
      }),
    complete: (input) =>
      Effect.suspend(() => {
        const found = rows.get(input.id)
        if (found === undefined || found.held._tag !== "Running" || found.leaseUntil !== input.leaseUntil) {
          return Effect.fail(takenOver(input.id))
        }
        const bodyHash = found.held.bodyHash
        rows.set(input.id, {
          ...found,
          bytes: input.bytes,
          held: input.outcome === "withheld" ? { _tag: "Withheld", bodyHash } : { _tag: "Done", bodyHash, response: input.outcome }
        })
        // The merchant's expired records go, then its oldest finished ones while it is over budget.
        for (const [id, row] of rows) if (row.merchant === input.merchant && row.expiresAt <= input.now) rows.delete(id)
        let over = bytesOf(input.merchant) - input.maxBytes
        const finished = [...rows].filter(([, row]) => row.merchant === input.merchant && row.held._tag !== "Running").sort(byAge)
        for (const [id, row] of finished) {
          if (over <= 0) break
          rows.delete(id)
          over -= row.bytes
        }
        return Effect.void
      }),
    abandon: ({ id, leaseUntil }) =>
      Effect.sync(() => {
        const found = rows.get(id)
        if (found?.held._tag === "Running" && found.leaseUntil === leaseUntil) rows.delete(id)
      }),
    bytes: (merchant) => Effect.sync(() => bytesOf(merchant))
  }
}
