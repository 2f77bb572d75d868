/**
 * What every SQL repository shares: the client, the key provider for secrets, joining the
 * ambient transaction, and the optimistic-concurrency check.
 */
import { Cause, Context, Effect, Option, References, Tracer } from "effect"
import type * as Sql from "effect/sql/SqlClient"
import { isSqlError, type SqlError } from "effect/sql/SqlError"
import type { KeyProvider } from "../../KeyProvider.ts"
import * as StoreError from "../../StoreError.ts"
import { rowLimit } from "../rowLimit.ts"
import { isConnectionLoss, lostAtCommit, mapSql, num, type Subject } from "./errors.ts"

export interface Env {
  readonly sql: Sql.SqlClient
  /** The key provider captured when the store was built, provided to SecretBox calls. */
  readonly keys: Context.Context<KeyProvider>
  /**
   * Runs `self` in the ambient transaction, or in a new one when there is none; a new one whose
   * COMMIT loses its connection fails with `OutcomeUnknown`.
   */
  readonly atomic: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | SqlError | StoreError.StoreError, R>
}

export const makeEnv = (sql: Sql.SqlClient, keys: Context.Context<KeyProvider>): Env => ({
  sql,
  keys,
  atomic: <A, E, R>(self: Effect.Effect<A, E, R>) =>
    Effect.flatMap(
      Effect.serviceOption(sql.transactionService),
      (open): Effect.Effect<A, E | SqlError | StoreError.StoreError, R> =>
        Option.isSome(open) ? self : commitLossAsOutcomeUnknown(sql, self)
    )
})

/**
 * A new transaction around `self`. Once `self` has succeeded, the only statement left is COMMIT;
 * if the connection is lost then, the server may have committed or not, and the caller cannot
 * tell. Reporting that as the retryable `Unavailable` would invite a second create, so it is
 * `OutcomeUnknown`. A COMMIT the server refuses (a serialization failure) was rolled back, and
 * stays what it is.
 */
const commitLossAsOutcomeUnknown = <A, E, R>(sql: Sql.SqlClient, self: Effect.Effect<A, E, R>) =>
  Effect.suspend(() => {
    let committing = false
    return failedRollbackAsFailure(
      sql,
      sql.withTransaction(
        Effect.tap(
          self,
          Effect.sync(() => {
            committing = true
          })
        )
      )
    ).pipe(
      Effect.mapError((error) =>
        // SQLite commits atomically in the same process: a failed COMMIT committed nothing.
        committing && isSqlError(error) && isConnectionLoss(error) && sql.onDialectOrElse({ pg: () => true, orElse: () => false })
          ? lostAtCommit(error)
          : error
      )
    )
  })

/**
 * A PostgreSQL connection lost inside a transaction (a database restart, a network cut, a killed
 * backend) fails the rollback too. effect/sql reports a failed rollback as a defect, and effect
 * then turns the transaction's own failure into a defect as well, so the caller saw a bug (HTTP
 * 500) where the store was merely unreachable. A driver error among the defects becomes the
 * failure again, which the store reports as the retryable `Unavailable`. Nothing of the
 * transaction committed: the server rolls back a transaction whose connection is gone. On SQLite
 * a failed rollback leaves the connection, and perhaps its transaction, in place: that stays a
 * defect, as does anything interrupted.
 */
export const failedRollbackAsFailure = <A, E, R, F = SqlError>(
  sql: Sql.SqlClient,
  self: Effect.Effect<A, E, R>,
  // What counts as the transaction's own failure among the defects (the migrator wraps the driver's).
  isFailure: (u: unknown) => u is F = isSqlError as (u: unknown) => u is F
): Effect.Effect<A, E | F, R> =>
  sql.onDialectOrElse({
    pg: () =>
      Effect.catchCause(self, (cause): Effect.Effect<never, E | F> => {
        const failure = cause.reasons.filter(Cause.isDieReason).find((r) => isFailure(r.defect))?.defect
        return isFailure(failure) && !Cause.hasInterrupts(cause) ? Effect.fail(failure) : Effect.failCause(cause)
      }),
    orElse: () => self
  })

/**
 * effect/sql opens a span per statement and per transaction. With no tracer installed they go to
 * the native tracer, where nobody reads them, and cost a measurable share of a write; so without
 * a tracer they are switched off, and with one they are kept.
 */
export const spansOnlyWithTracer = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.tracer, (tracer) =>
    tracer === Tracer.nativeTracer ? Effect.provideService(self, References.TracerEnabled, false) : self
  )

/**
 * Inside a transaction, runs `self` under a savepoint, so that an operation that fails leaves the
 * transaction as it was before it, whoever catches the failure: PostgreSQL refuses every later
 * statement of a transaction in which one failed, and a failed operation's earlier statements
 * (a channel's sequence, say) must not commit with the rest. Outside one, `self` runs as it is.
 */
export const ownSavepoint = <A, E, R>(sql: Sql.SqlClient, self: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.serviceOption(sql.transactionService), (open) => (Option.isSome(open) ? sql.withTransaction(self) : self))

/**
 * Runs a repository operation: SecretBox gets its keys, driver errors become StoreErrors, and
 * inside a transaction the operation has its own savepoint.
 */
export const op = <A, E, R>(env: Env, subject: Subject, self: Effect.Effect<A, E, R>) =>
  ownSavepoint(env.sql, self).pipe(Effect.provideContext(env.keys), mapSql(subject), spansOnlyWithTracer) as Effect.Effect<
    A,
    Exclude<E, SqlError> | StoreError.StoreError,
    Exclude<R, KeyProvider>
  >

/**
 * After an `UPDATE ... WHERE version = ? RETURNING` touched no row: `NotFound` when the row is
 * gone (or belongs to another merchant), else `Conflict` naming both versions.
 */
export const missedUpdate = (
  subject: Subject,
  expected: number,
  current: Effect.Effect<ReadonlyArray<Record<string, unknown>>, SqlError>
): Effect.Effect<never, StoreError.StoreError | SqlError> =>
  Effect.flatMap(current, (rows) => {
    const row = rows[0]
    return Effect.fail(
      row === undefined
        ? StoreError.notFound(subject.entity, subject.id)
        : StoreError.staleVersion(subject.entity, subject.id, expected, num(row["version"]))
    )
  })

/** Fails with `NotFound` unless the merchant exists: every owned row needs its merchant. */
export const merchantExists = (sql: Sql.SqlClient, merchant: string): Effect.Effect<void, StoreError.StoreError | SqlError> =>
  Effect.flatMap(sql`SELECT 1 AS found FROM paymux_merchants WHERE code = ${merchant}`, (rows) =>
    rows.length === 0 ? Effect.fail(StoreError.notFound("merchant", merchant)) : Effect.void
  )

export const bool = (value: unknown): boolean => value === true || value === 1 || value === "1" || value === 1n

export const orNull = <A>(value: A | undefined): A | null => (value === undefined ? null : value)

/**
 * `column` for ORDER BY in byte (code point) order, as the memory store compares: SQLite's
 * default; PostgreSQL sorts by the database's collation unless told "C".
 */
export const byteOrder = (sql: Sql.SqlClient, column: string): string =>
  sql.onDialectOrElse({ pg: () => `${column} COLLATE "C"`, orElse: () => column })

/** The `LIMIT` clause of `rowLimit(limit)`: none when it allows all (SQL has no infinite limit). */
export const limitClause = (sql: Sql.SqlClient, limit: number | undefined) => {
  const rows = rowLimit(limit)
  return Number.isFinite(rows) ? sql`LIMIT ${rows}` : sql``
}
