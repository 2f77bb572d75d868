/**
 * `Idempotency-Key` records over SQL. `begin` is one insert that does nothing on a conflict, then
 * one conditional takeover: two processes starting the same key both try, and exactly one wins.
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

export const makeIdempotencyRecords = (env: Env): IdempotencyRecordsShape => {
  const { sql } = env
  const begin: IdempotencyRecordsShape["begin"] = (input) =>
    op(
      env,
      subject(input.id),
      Effect.gen(function* () {
        // A row deleted between the statements (abandoned) makes the next round insert.
        for (let round = 0; round < 3; round++) {
          const inserted = yield* sql`INSERT INTO paymux_idempotency
            (record_id, merchant, body_hash, state, bytes, created_at, expires_at, lease_until)
            VALUES (${input.id}, ${input.merchant}, ${input.bodyHash}, 'running', 0, ${input.now}, ${input.expiresAt}, ${input.leaseUntil})
            ON CONFLICT (record_id) DO NOTHING RETURNING record_id`
          if (inserted.length > 0) return { _tag: "Started" } as Begun
          const taken = yield* sql`UPDATE paymux_idempotency
            SET merchant = ${input.merchant}, body_hash = ${input.bodyHash}, state = 'running', status = NULL, headers = NULL,
              body = NULL, bytes = 0, created_at = ${input.now}, expires_at = ${input.expiresAt}, lease_until = ${input.leaseUntil}
            WHERE record_id = ${input.id} AND (expires_at <= ${input.now} OR (state = 'running' AND lease_until <= ${input.now}))
            RETURNING record_id`
          if (taken.length > 0) return { _tag: "Started" } as Begun
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
              WHERE record_id = ${input.id} AND state = 'running' AND lease_until = ${input.leaseUntil} RETURNING record_id`
            if (updated.length === 0) return yield* takenOver(input.id)
            yield* sql`DELETE FROM paymux_idempotency WHERE merchant = ${input.merchant} AND expires_at <= ${input.now}`
            const total = yield* sql`SELECT SUM(bytes) AS total FROM paymux_idempotency WHERE merchant = ${input.merchant}`
            let over = num(total[0]?.["total"] ?? 0) - input.maxBytes
            if (over <= 0) return
            const oldest = yield* sql`SELECT record_id, bytes FROM paymux_idempotency
              WHERE merchant = ${input.merchant} AND state <> 'running' ORDER BY created_at, record_id`
            const drop: Array<string> = []
            for (const row of oldest) {
              if (over <= 0) break
              drop.push(String(row["record_id"]))
              over -= num(row["bytes"])
            }
            if (drop.length > 0) yield* sql`DELETE FROM paymux_idempotency WHERE ${sql.in("record_id", drop)}`
          })
        )
      ),
    abandon: ({ id, leaseUntil }) =>
      op(
        env,
        subject(id),
        Effect.asVoid(sql`DELETE FROM paymux_idempotency WHERE record_id = ${id} AND state = 'running' AND lease_until = ${leaseUntil}`)
      ),
    bytes: (merchant) =>
      op(
        env,
        subject(merchant),
        Effect.map(sql`SELECT SUM(bytes) AS total FROM paymux_idempotency WHERE merchant = ${merchant}`, (rows) =>
          num(rows[0]?.["total"] ?? 0)
        )
      )
  }
}
