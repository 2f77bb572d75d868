/**
 * The webhook outbox over SQL. A claim is one statement: an `UPDATE` of the first due, unleased
 * rows chosen by a subquery (by due time, through the index of migration 9). PostgreSQL adds `FOR UPDATE SKIP LOCKED` so concurrent claimers on
 * any number of machines pass over each other's rows instead of waiting or double-claiming;
 * SQLite has a single writer, so the statement alone is atomic. Every change to a leased row
 * is conditional on the worker still holding the lease.
 */
import { Effect, Option } from "effect"
import type { SqlError } from "effect/sql/SqlError"
import * as Delivery from "../../Delivery.ts"
import * as Outbox from "../../Outbox.ts"
import type * as StoreError from "../../StoreError.ts"
import { type Env, failedRollbackAsFailure, limitClause, ownSavepoint } from "./base.ts"
import { mapSql, num, optNum } from "./errors.ts"

type Row = Record<string, unknown>
type OutboxShape = Outbox.OutboxShape

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

const deliveryOf = (row: Row): Delivery.Delivery => {
  const until = optNum(row["lease_until"])
  return {
    id: String(row["delivery_id"]),
    messageId: String(row["message_id"]),
    merchant: str(row["merchant"]),
    mode: row["mode"] as Delivery.Delivery["mode"],
    url: String(row["url"]),
    endpointId: str(row["endpoint_id"]),
    eventType: String(row["event_type"]),
    subject: str(row["subject"]),
    contentType: String(row["content_type"]),
    payload: String(row["payload"]),
    status: row["status"] as Delivery.Status,
    attempts: num(row["attempts"]),
    maxAttempts: num(row["max_attempts"]),
    nextAttemptAt: num(row["next_attempt_at"]),
    lease: row["lease_worker"] == null || until === undefined ? null : { workerId: String(row["lease_worker"]), until },
    trigger: row["trigger_kind"] as Delivery.Delivery["trigger"],
    resendOf: str(row["resend_of"]),
    lastError: str(row["last_error"]),
    createdAt: num(row["created_at"]),
    updatedAt: num(row["updated_at"])
  }
}

const attemptOf = (row: Row): Delivery.Attempt => ({
  deliveryId: String(row["delivery_id"]),
  number: num(row["number"]),
  workerId: String(row["worker_id"]),
  url: String(row["url"]),
  startedAt: num(row["started_at"]),
  latencyMillis: num(row["latency_millis"]),
  httpStatus: optNum(row["http_status"]) ?? null,
  error: str(row["error"]),
  responseExcerpt: String(row["response_excerpt"]),
  outcome: row["outcome"] as Delivery.Outcome
})

export const makeOutbox = (env: Env, options: { readonly relaxedCommits: boolean }): OutboxShape => {
  const { atomic, sql } = env
  /** An outbox operation: its own savepoint inside a transaction (as every repository's), errors mapped. */
  const run = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<A, Exclude<E, SqlError> | StoreError.StoreError> =>
    mapSql({ entity: Outbox.entity, id: "outbox" })(ownSavepoint(sql, self))
  const pg = sql.onDialectOrElse({ pg: () => true, orElse: () => false })
  /**
   * Lease bookkeeping (claim, attempts, dead-letter, release) may commit without
   * waiting for the WAL flush on PostgreSQL. A database crash can then forget the last moments
   * of bookkeeping, which at worst sends a delivery once more: deliveries are at-least-once and
   * carry a stable `webhook-id` for receivers to deduplicate. Enqueues keep the caller's
   * durability. Inside a caller's transaction nothing changes.
   */
  const bookkeeping = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R> =>
    !(pg && options.relaxedCommits)
      ? self
      : Effect.flatMap(Effect.serviceOption(sql.transactionService), (open) =>
          Option.isSome(open)
            ? self
            : failedRollbackAsFailure(sql, sql.withTransaction(Effect.andThen(sql`SET LOCAL synchronous_commit = off`, self)))
        )

  const insert = (d: Delivery.Delivery) =>
    mapSql({ entity: Outbox.entity, id: d.id })(
      Effect.as(
        sql`INSERT INTO paymux_outbox (delivery_id, merchant, message_id, mode, url, endpoint_id, event_type, subject,
        content_type, payload, status, attempts, max_attempts, next_attempt_at, lease_worker, lease_until, trigger_kind,
        resend_of, last_error, created_at, updated_at) VALUES (${d.id}, ${d.merchant}, ${d.messageId}, ${d.mode}, ${d.url},
        ${d.endpointId}, ${d.eventType}, ${d.subject}, ${d.contentType}, ${d.payload}, ${d.status}, ${d.attempts}, ${d.maxAttempts},
        ${d.nextAttemptAt}, NULL, NULL, ${d.trigger}, ${d.resendOf}, ${d.lastError}, ${d.createdAt}, ${d.updatedAt})`,
        d
      )
    )

  /** Why a conditional change of a leased row touched nothing. */
  const lost = (deliveryId: string, workerId: string) =>
    Effect.flatMap(sql`SELECT 1 AS found FROM paymux_outbox WHERE delivery_id = ${deliveryId}`, (rows) =>
      Effect.fail(rows.length === 0 ? Outbox.notFound(deliveryId) : Outbox.leaseLost(deliveryId, workerId))
    )

  const leasedChange = (deliveryId: string, workerId: string, rows: ReadonlyArray<Row>) =>
    rows[0] === undefined ? lost(deliveryId, workerId) : Effect.succeed(deliveryOf(rows[0]))

  /** Where a delivery stands in the queue: the position a history cursor (`after`) names. */
  const seqOf = (deliveryId: string) =>
    Effect.flatMap(sql`SELECT seq FROM paymux_outbox WHERE delivery_id = ${deliveryId}`, (rows) =>
      rows[0] === undefined ? Effect.fail(Outbox.notFound(deliveryId)) : Effect.succeed(num(rows[0]["seq"]))
    )

  const attemptBatch = 1_000
  const historyOf = (deliveries: ReadonlyArray<Delivery.Delivery>) =>
    Effect.gen(function* () {
      const byId = new Map<string, Array<Delivery.Attempt>>()
      // A statement binds at most 32,766 values on SQLite and 65,535 on PostgreSQL: a history of
      // more deliveries (`resend-failed` over a busy week) failed. So the ids go in batches.
      for (let i = 0; i < deliveries.length; i += attemptBatch) {
        const ids = deliveries.slice(i, i + attemptBatch).map((d) => d.id)
        for (const row of yield* sql`SELECT * FROM paymux_outbox_attempts WHERE ${sql.in("delivery_id", ids)} ORDER BY seq`) {
          const a = attemptOf(row)
          const list = byId.get(a.deliveryId) ?? []
          list.push(a)
          byId.set(a.deliveryId, list)
        }
      }
      return deliveries.map((delivery) => ({ delivery, attempts: byId.get(delivery.id) ?? [] }))
    })

  /** Row `alias` is in the window's time and mode (Outbox.DeadWindow). */
  const sinceAndMode = (alias: "d" | "c" | "o", { mode, since }: Outbox.DeadWindow) => {
    const a = sql.literal(alias)
    return mode === undefined ? sql`${a}.created_at >= ${since}` : sql`${a}.created_at >= ${since} AND ${a}.mode = ${mode}`
  }
  /** Row `d` is a dead delivery of the window; rows `c` and `o` are compared with it. */
  const deadInWindow = (window: Outbox.DeadWindow) =>
    sql`d.merchant = ${window.merchant} AND d.status = 'dead' AND ${sinceAndMode("d", window)}`
  /** Row `alias` is a delivery of dead row `d`'s message: the index of migration 6 finds these. */
  const ofItsMessage = (alias: "c" | "o") => {
    const a = sql.literal(alias)
    return sql`${a}.merchant = d.merchant AND ${a}.message_id = d.message_id`
  }
  /** A dead row's target: the override URL, else its endpoint, else its URL (a typed NULL, which PostgreSQL binds). */
  const deadTarget = (alias: "d" | "o", url: string | undefined) => {
    const a = sql.literal(alias)
    return sql`COALESCE(CAST(${url ?? null} AS TEXT), ${a}.endpoint_id, ${a}.url)`
  }
  /** Dead row `d` is covered: its message is delivered or pending to its target, in the window. */
  const covered = (window: Outbox.DeadWindow) =>
    sql`EXISTS (SELECT 1 FROM paymux_outbox c WHERE ${ofItsMessage("c")} AND ${sinceAndMode("c", window)}
      AND c.status IN ('delivered', 'pending') AND COALESCE(c.endpoint_id, c.url) = ${deadTarget("d", window.url)})`

  return {
    // Outside a caller's transaction an enqueue is its own, so a connection lost at its COMMIT is
    // OutcomeUnknown (a retry could queue the notification twice), not the retryable Unavailable.
    enqueue: (input, now) => Effect.flatMap(Effect.fromResult(Delivery.checkedNew(input, now)), (d) => run(atomic(insert(d)))),
    claim: ({ asOf, leaseMillis, limit, now, workerId }) => {
      const at = Outbox.claimableAt({ now, asOf })
      return run(
        bookkeeping(
          Effect.map(
            sql`UPDATE paymux_outbox SET lease_worker = ${workerId}, lease_until = ${now + leaseMillis}, updated_at = ${now}
          WHERE seq IN (SELECT seq FROM paymux_outbox
            WHERE status = 'pending' AND next_attempt_at <= ${at} AND (lease_until IS NULL OR lease_until <= ${at})
            ORDER BY next_attempt_at, seq ${limitClause(sql, limit)} ${sql.literal(pg ? "FOR UPDATE SKIP LOCKED" : "")})
          RETURNING *`,
            // RETURNING order is unspecified; hand work out in the order it fell due.
            (rows) =>
              [...rows]
                .sort((a, b) => num(a["next_attempt_at"]) - num(b["next_attempt_at"]) || num(a["seq"]) - num(b["seq"]))
                .map(deliveryOf)
          )
        )
      )
    },
    renew: ({ deliveryId, leaseMillis, now, workerId }) =>
      run(
        bookkeeping(
          Effect.flatMap(
            sql`UPDATE paymux_outbox
          SET lease_until = CASE WHEN lease_until > ${now + leaseMillis} THEN lease_until ELSE ${now + leaseMillis} END, updated_at = ${now}
          WHERE delivery_id = ${deliveryId} AND status = 'pending' AND lease_worker = ${workerId} RETURNING *`,
            (rows) => leasedChange(deliveryId, workerId, rows)
          )
        )
      ),
    recordAttempt: (attempt, { now, next }) => {
      const invalid = Outbox.invalidAttempt(attempt, next)
      if (invalid !== undefined) return Effect.fail(invalid)
      const { deliveryId, workerId } = attempt
      const state =
        next._tag === "Complete"
          ? sql`status = 'delivered', last_error = NULL`
          : next._tag === "Retry"
            ? sql`next_attempt_at = ${next.at}, last_error = ${attempt.error ?? `HTTP ${attempt.httpStatus}`}`
            : sql`status = 'dead', last_error = ${next.reason}`
      // The attempt and the state it leads to commit together: a worker killed in between
      // leaves neither, so no other worker sends a delivery whose success was recorded.
      return run(
        bookkeeping(
          atomic(
            Effect.gen(function* () {
              const rows = yield* sql`UPDATE paymux_outbox SET ${state}, attempts = attempts + 1, lease_worker = NULL,
                lease_until = NULL, updated_at = ${now}
                WHERE delivery_id = ${deliveryId} AND status = 'pending' AND lease_worker = ${workerId} RETURNING *`
              const delivery = yield* leasedChange(deliveryId, workerId, rows)
              yield* sql`INSERT INTO paymux_outbox_attempts (delivery_id, number, worker_id, url, started_at, latency_millis,
          http_status, error, response_excerpt, outcome) VALUES (${deliveryId}, ${attempt.number}, ${workerId},
          ${attempt.url}, ${attempt.startedAt}, ${attempt.latencyMillis}, ${attempt.httpStatus}, ${attempt.error},
          ${attempt.responseExcerpt}, ${attempt.outcome})`
              return delivery
            })
          )
        )
      )
    },
    deadLetter: ({ deliveryId, now, reason, workerId }) =>
      run(
        bookkeeping(
          Effect.flatMap(
            sql`UPDATE paymux_outbox SET status = 'dead', lease_worker = NULL, lease_until = NULL, last_error = ${reason},
          updated_at = ${now} WHERE delivery_id = ${deliveryId} AND status = 'pending' AND lease_worker = ${workerId}
          RETURNING *`,
            (rows) => leasedChange(deliveryId, workerId, rows)
          )
        )
      ),
    release: ({ deliveryId, workerId }) =>
      run(
        bookkeeping(
          Effect.asVoid(
            Effect.flatMap(
              sql`UPDATE paymux_outbox SET lease_worker = NULL, lease_until = NULL
          WHERE delivery_id = ${deliveryId} AND status = 'pending' AND lease_worker = ${workerId} RETURNING delivery_id`,
              (rows) => (rows.length === 0 ? lost(deliveryId, workerId) : Effect.void)
            )
          )
        )
      ),
    get: (deliveryId) =>
      run(
        Effect.gen(function* () {
          const rows = yield* sql`SELECT * FROM paymux_outbox WHERE delivery_id = ${deliveryId}`
          if (rows[0] === undefined) return yield* Outbox.notFound(deliveryId)
          const [history] = yield* historyOf([deliveryOf(rows[0])])
          return history!
        })
      ),
    history: ({ after, dueBefore, limit, merchant, messageId, order, since, status, subject }) =>
      run(
        Effect.gen(function* () {
          const oldest = order === "oldest"
          const at = after === undefined ? undefined : yield* seqOf(after)
          const clauses = [
            ...(merchant === undefined ? [] : [sql`merchant = ${merchant}`]),
            ...(subject === undefined ? [] : [sql`subject = ${subject}`]),
            ...(messageId === undefined ? [] : [sql`message_id = ${messageId}`]),
            ...(status === undefined ? [] : [sql`status = ${status}`]),
            ...(since === undefined ? [] : [sql`created_at >= ${since}`]),
            ...(dueBefore === undefined ? [] : [sql`next_attempt_at < ${dueBefore}`]),
            ...(at === undefined ? [] : [oldest ? sql`seq > ${at}` : sql`seq < ${at}`])
          ]
          const where = clauses.length === 0 ? sql`` : sql`WHERE ${sql.and(clauses)}`
          const orderBy = sql.literal(oldest ? "ORDER BY seq" : "ORDER BY seq DESC")
          const rows = yield* sql`SELECT * FROM paymux_outbox ${where} ${orderBy} ${limitClause(sql, limit)}`
          return yield* historyOf(rows.map(deliveryOf))
        })
      ),
    resendable: ({ limit, ...window }) =>
      run(
        Effect.map(
          sql`SELECT d.* FROM paymux_outbox d WHERE ${deadInWindow(window)} AND NOT ${covered(window)}
            AND NOT EXISTS (SELECT 1 FROM paymux_outbox o WHERE ${ofItsMessage("o")} AND o.seq < d.seq AND o.status = 'dead'
              AND ${sinceAndMode("o", window)} AND ${deadTarget("o", window.url)} = ${deadTarget("d", window.url)})
            ORDER BY d.seq ${limitClause(sql, limit)}`,
          (rows) => rows.map(deliveryOf)
        )
      ),
    coveredDead: (window) =>
      run(
        Effect.map(sql`SELECT COUNT(*) AS covered FROM paymux_outbox d WHERE ${deadInWindow(window)} AND ${covered(window)}`, (rows) =>
          num(rows[0]?.["covered"])
        )
      ),
    resend: (deliveryId, now, options) =>
      run(
        Effect.gen(function* () {
          const rows = yield* sql`SELECT * FROM paymux_outbox WHERE delivery_id = ${deliveryId}`
          if (rows[0] === undefined) return yield* Outbox.notFound(deliveryId)
          return yield* insert(Delivery.resendOf(deliveryOf(rows[0]), now, options))
        })
      ),
    // Attempts go with their delivery (ON DELETE CASCADE).
    prune: ({ before, limit }) =>
      run(
        Effect.map(
          sql`DELETE FROM paymux_outbox WHERE seq IN (SELECT seq FROM paymux_outbox
            WHERE status IN ('delivered', 'dead') AND updated_at < ${before} ORDER BY seq ${limitClause(sql, limit)})
          RETURNING seq`,
          (rows) => rows.length
        )
      )
  }
}
