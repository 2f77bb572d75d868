/**
 * `Idempotency-Key` records over SQL. `begin` is one insert that does nothing on a conflict, then
 * one conditional takeover: two processes starting the same key both try, and exactly one wins.
 * Each merchant's bytes are a running total kept beside the records, in the same transaction as
 * every statement that changes them, so neither `complete` nor `bytes` reads all of its records.
 */
import { Effect } from "effect"
import { type Begun, type Held, type IdempotencyRecordsShape, takenOver } from "../../IdempotencyRecords.ts"
import * as StoreError from "../../StoreError.ts"
import { type Env, op } from "./base.ts"
import { num, parseJson } from "./errors.ts"

type Row = Record<string, unknown>

const subject = (id: string) => ({ entity: "idempotency record", id })

const heldOf = (row: Row): Effect.Effect<Held, StoreError.StoreError> => {
  const bodyHash = String(row["body_hash"])
  switch (row["state"]) {
    case "running":
      return Effect.succeed({ _tag: "Running", bodyHash })
    case "withheld":
      return Effect.succeed({ _tag: "Withheld", bodyHash })
    case "done":
      return Effect.map(parseJson("idempotency record", String(row["headers"])), (headers) => ({
        _tag: "Done" as const,
        bodyHash,
        response: {
          status: num(row["status"]),
          headers: headers as ReadonlyArray<readonly [string, string]>,
          body: new Uint8Array(Buffer.from(String(row["body"] ?? ""), "base64"))
        }
      }))
    default:
      return Effect.fail(StoreError.corrupt("idempotency record", `unknown state ${String(row["state"])}`))
  }
}

/** How many of a merchant's oldest records one read fetches when it is over its byte budget. */
const dropBatch = 16

/**
 * Bytes moved per merchant by the statements of one operation, written to the running totals
 * (`paymux_idempotency_budget`) last: the record rows are locked first, so an operation never
 * holds a total while it waits for a record another one holds.
 */
class Moved {
  readonly byMerchant = new Map<string, number>()
  add(merchant: string, bytes: number): void {
    this.byMerchant.set(merchant, (this.byMerchant.get(merchant) ?? 0) + bytes)
  }
  /** Rows a `DELETE ... RETURNING merchant, bytes` removed; returns their bytes. */
  removed(rows: ReadonlyArray<Row>): number {
    let bytes = 0
    for (const row of rows) {
      this.add(String(row["merchant"]), -num(row["bytes"]))
      bytes += num(row["bytes"])
    }
    return bytes
  }
  of(merchant: string): number {
    return this.byMerchant.get(merchant) ?? 0
  }
}

export const makeIdempotencyRecords = (env: Env): IdempotencyRecordsShape => {
  const { sql } = env
  const heldBytes = (merchant: string) =>
    Effect.map(sql`SELECT bytes FROM paymux_idempotency_budget WHERE merchant = ${merchant}`, (rows) => num(rows[0]?.["bytes"] ?? 0))
  const settle = (moved: Moved) =>
    Effect.forEach(
      [...moved.byMerchant].filter(([, bytes]) => bytes !== 0),
      ([merchant, bytes]) => sql`INSERT INTO paymux_idempotency_budget (merchant, bytes) VALUES (${merchant}, ${bytes})
        ON CONFLICT (merchant) DO UPDATE SET bytes = paymux_idempotency_budget.bytes + excluded.bytes`,
      { discard: true }
    )
  /**
   * The rule of what goes: the merchant's expired records, then its oldest finished ones (by
   * begin time, then id) while it holds more than `maxBytes`. Both read only what they drop, and
   * a few rows more, through the indexes on (merchant, expires_at) and (merchant, created_at).
   */
  const dropExpiredAndOldest = (merchant: string, now: number, maxBytes: number, moved: Moved) =>
    Effect.gen(function* () {
      moved.removed(
        yield* sql`DELETE FROM paymux_idempotency WHERE merchant = ${merchant} AND expires_at <= ${now} RETURNING merchant, bytes`
      )
      let over = (yield* heldBytes(merchant)) + moved.of(merchant) - maxBytes
      while (over > 0) {
        // Sorted by record id only within one begin time, so the LIMIT still ends the index walk early.
        const oldest = yield* sql`SELECT record_id, bytes FROM paymux_idempotency
          WHERE merchant = ${merchant} AND state <> 'running' ORDER BY created_at, record_id LIMIT ${dropBatch}`
        if (oldest.length === 0) return
        const drop: Array<string> = []
        let dropping = 0
        for (const row of oldest) {
          if (over - dropping <= 0) break
          drop.push(String(row["record_id"]))
          dropping += num(row["bytes"])
        }
        // What the delete removed, not what was read: another process may have dropped some already.
        over -= moved.removed(yield* sql`DELETE FROM paymux_idempotency WHERE ${sql.in("record_id", drop)} RETURNING merchant, bytes`)
      }
    })
  const begin: IdempotencyRecordsShape["begin"] = (input) =>
    op(
      env,
      subject(input.id),
      Effect.gen(function* () {
        const insert = sql`INSERT INTO paymux_idempotency
          (record_id, merchant, body_hash, state, bytes, created_at, expires_at, lease_until)
          VALUES (${input.id}, ${input.merchant}, ${input.bodyHash}, 'running', 0, ${input.now}, ${input.expiresAt}, ${input.leaseUntil})
          ON CONFLICT (record_id) DO NOTHING RETURNING record_id`
        // A row deleted between the statements (abandoned) makes the next round insert.
        for (let round = 0; round < 3; round++) {
          if ((yield* insert).length > 0) return { _tag: "Started" } as Begun
          // An expired record, or a running one whose lease ended, is replaced: deleted, its bytes
          // taken off its merchant's total, and inserted afresh, all or nothing.
          const taken = yield* env.atomic(
            Effect.gen(function* () {
              const moved = new Moved()
              const freed = yield* sql`DELETE FROM paymux_idempotency
                WHERE record_id = ${input.id} AND (expires_at <= ${input.now} OR (state = 'running' AND lease_until <= ${input.now}))
                RETURNING merchant, bytes`
              if (freed.length === 0) return false
              moved.removed(freed)
              yield* settle(moved)
              return (yield* insert).length > 0
            })
          )
          if (taken) return { _tag: "Started" } as Begun
          const rows = yield* sql`SELECT body_hash, state, status, headers, body FROM paymux_idempotency WHERE record_id = ${input.id}`
          if (rows[0] !== undefined) return { _tag: "Found", held: yield* heldOf(rows[0]) } as Begun
        }
        return yield* StoreError.unavailable("an idempotency record kept changing under this request")
      })
    )
  return {
    begin,
    complete: (input) =>
      op(
        env,
        subject(input.id),
        env.atomic(
          Effect.gen(function* () {
            const response = input.outcome === "withheld" ? undefined : input.outcome
            const updated = yield* sql`UPDATE paymux_idempotency
              SET state = ${response === undefined ? "withheld" : "done"}, status = ${response?.status ?? null},
                headers = ${response === undefined ? null : JSON.stringify(response.headers)},
                body = ${response === undefined ? null : Buffer.from(response.body).toString("base64")}, bytes = ${input.bytes}
              WHERE record_id = ${input.id} AND state = 'running' AND lease_until = ${input.leaseUntil} RETURNING merchant`
            if (updated[0] === undefined) return yield* takenOver(input.id)
            const moved = new Moved()
            // A running record holds 0 bytes (begin inserts it so, and only this update changes it).
            moved.add(String(updated[0]["merchant"]), input.bytes)
            yield* dropExpiredAndOldest(input.merchant, input.now, input.maxBytes, moved)
            yield* settle(moved)
          })
        )
      ),
    // A running record holds 0 bytes: removing one leaves the total as it is.
    abandon: ({ id, leaseUntil }) =>
      op(
        env,
        subject(id),
        Effect.asVoid(sql`DELETE FROM paymux_idempotency WHERE record_id = ${id} AND state = 'running' AND lease_until = ${leaseUntil}`)
      ),
    bytes: (merchant) => op(env, subject(merchant), heldBytes(merchant))
  }
}
