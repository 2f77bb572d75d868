/**
 * `Idempotency-Key` records in memory: one map by record id, and per merchant its byte total and
 * its records by expiry and by age (see `Holdings`). Records are not part of the store's
 * transactions; nothing writes them inside one.
 */
import { Effect } from "effect"
import { type Held, type IdempotencyRecordsShape, takenOver } from "../../IdempotencyRecords.ts"
import { Heap } from "./heap.ts"

interface Row {
  readonly merchant: string
  readonly held: Held
  readonly bytes: number
  readonly expiresAt: number
  readonly leaseUntil: number
  /** When the record was begun: its age, which the byte budget drops by. */
  readonly createdAt: number
}

/** A record's place in one of its merchant's orders. */
interface Entry {
  readonly id: string
  readonly at: number
}

/**
 * Oldest first: by begin time, then by record id in code-unit order (SQLite's order; PostgreSQL
 * breaks a tie of one millisecond by its collation).
 */
const byAge = (x: Entry, y: Entry): boolean => x.at < y.at || (x.at === y.at && x.id < y.id)

/**
 * A merchant's records as its budget needs them, so that `complete` touches only what it drops:
 * their bytes, all of them by expiry, and the finished ones by age.
 */
interface Holdings {
  bytes: number
  readonly byExpiry: Heap<Entry>
  readonly byAge: Heap<Entry>
}

/** The records, and what a merchant's removal needs of them. */
export interface MemoryIdempotencyRecords extends IdempotencyRecordsShape {
  /** How many records the merchant holds. */
  readonly count: (merchant: string) => number
  /** Deletes the merchant's records and its byte total. */
  readonly forget: (merchant: string) => void
}

export const makeIdempotencyRecords = (): MemoryIdempotencyRecords => {
  const rows = new Map<string, Row>()
  const merchants = new Map<string, Holdings>()
  const holdingsOf = (merchant: string): Holdings => {
    let holdings = merchants.get(merchant)
    if (holdings === undefined) {
      holdings = { bytes: 0, byExpiry: new Heap((x, y) => x.at < y.at), byAge: new Heap(byAge) }
      merchants.set(merchant, holdings)
    }
    return holdings
  }
  const drop = (id: string): void => {
    const row = rows.get(id)
    if (row === undefined) return
    rows.delete(id)
    const holdings = holdingsOf(row.merchant)
    holdings.bytes -= row.bytes
    holdings.byExpiry.remove(id)
    holdings.byAge.remove(id)
    if (holdings.byExpiry.size === 0) merchants.delete(row.merchant)
  }
  /** The rule of what goes: the merchant's expired records, then its oldest finished ones while it is over budget. */
  const dropExpiredAndOldest = (merchant: string, now: number, maxBytes: number): void => {
    const holdings = merchants.get(merchant)
    if (holdings === undefined) return
    for (let next = holdings.byExpiry.peek(); next !== undefined && next.at <= now; next = holdings.byExpiry.peek()) drop(next.id)
    for (let next = holdings.byAge.peek(); next !== undefined && holdings.bytes > maxBytes; next = holdings.byAge.peek()) drop(next.id)
  }
  return {
    begin: (input) =>
      Effect.sync(() => {
        const found = rows.get(input.id)
        const free = found === undefined || found.expiresAt <= input.now || (found.held._tag === "Running" && found.leaseUntil <= input.now)
        if (!free) return { _tag: "Found", held: found.held } as const
        drop(input.id)
        rows.set(input.id, {
          merchant: input.merchant,
          held: { _tag: "Running", bodyHash: input.bodyHash },
          bytes: 0,
          expiresAt: input.expiresAt,
          leaseUntil: input.leaseUntil,
          createdAt: input.now
        })
        holdingsOf(input.merchant).byExpiry.push({ id: input.id, at: input.expiresAt })
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
        // A running record holds 0 bytes and has no place by age.
        const holdings = holdingsOf(found.merchant)
        holdings.bytes += input.bytes
        holdings.byAge.push({ id: input.id, at: found.createdAt })
        dropExpiredAndOldest(input.merchant, input.now, input.maxBytes)
        return Effect.void
      }),
    abandon: ({ id, leaseUntil }) =>
      Effect.sync(() => {
        const found = rows.get(id)
        if (found?.held._tag === "Running" && found.leaseUntil === leaseUntil) drop(id)
      }),
    bytes: (merchant) => Effect.sync(() => merchants.get(merchant)?.bytes ?? 0),
    count: (merchant) => merchants.get(merchant)?.byExpiry.size ?? 0,
    forget: (merchant) => {
      for (const [id, row] of rows) if (row.merchant === merchant) rows.delete(id)
      merchants.delete(merchant)
    }
  }
}
