/**
 * How driver failures become `StoreError`s. `effect/sql` already classifies both drivers'
 * errors into one reason union (SQLite result codes, PostgreSQL SQLSTATEs), so the mapping is
 * written once here.
 */
import { Effect, Result } from "effect"
import { isSqlError, type SqlError } from "effect/sql/SqlError"
import * as StoreError from "../../StoreError.ts"

/** What the failing call was about, so a Conflict names the entity and id. */
export interface Subject {
  readonly entity: string
  readonly id: string
}

const store: Subject = { entity: "store", id: "-" }

export const fromSqlError = (error: SqlError, subject: Subject = store): StoreError.StoreError => {
  const reason = error.reason
  const detail = reason.message ?? errorText(reason.cause)
  switch (reason._tag) {
    // In domain words: the table and constraint names stay in `cause` for the logs.
    case "UniqueViolation":
      return alreadyExists(subject, error)
    case "ConstraintError":
      // SQLite reports a repeated primary key as a plain constraint failure.
      if (sqliteCodeOf(reason.cause) === "SQLITE_CONSTRAINT_PRIMARYKEY") return alreadyExists(subject, error)
      return new StoreError.StoreError({
        reason: { _tag: "Conflict", entity: subject.entity, id: subject.id, detail: `constraint violated: ${detail}` },
        cause: error
      })
    // A statement the database cannot parse or bind means the schema under us is not ours.
    case "SqlSyntaxError":
      return StoreError.corrupt(subject.entity, `the database rejected a statement: ${detail}`, error)
    // Busy, locked, serialization failures, deadlocks, timeouts and lost connections all clear
    // up on their own or after an operator acts: the caller may retry.
    default:
      return StoreError.unavailable(`${reason._tag}: ${detail}`, error)
  }
}

const alreadyExists = (subject: Subject, error: SqlError): StoreError.StoreError =>
  new StoreError.StoreError({ reason: { _tag: "Conflict", entity: subject.entity, id: subject.id, detail: "already exists" }, cause: error })

const sqliteCodeOf = (cause: unknown): unknown =>
  typeof cause === "object" && cause !== null ? (cause as { readonly code?: unknown }).code : undefined

const errorText = (cause: unknown): string =>
  cause instanceof Error ? cause.message : typeof cause === "string" ? cause : "no detail"

/** Maps the SqlError channel of an effect to StoreError, keeping every other error. */
export const mapSql = (subject?: Subject) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, SqlError> | StoreError.StoreError, R> =>
  Effect.mapError(self, (e) => (isSqlError(e) ? fromSqlError(e, subject) : e) as Exclude<E, SqlError> | StoreError.StoreError)

/** Unwraps a domain decode result of a stored row, failing with Corrupt. */
export const decoded = <A>(entity: string, result: Result.Result<A, { readonly message: string }>): Effect.Effect<A, StoreError.StoreError> =>
  Result.isSuccess(result)
    ? Effect.succeed(result.success)
    : Effect.fail(StoreError.corrupt(entity, result.failure.message, result.failure))

/** Parses JSON text stored by this adapter, failing with Corrupt. */
export const parseJson = (entity: string, text: unknown): Effect.Effect<unknown, StoreError.StoreError> =>
  Effect.try({
    try: () => {
      if (typeof text !== "string") throw new Error(`expected JSON text, found ${typeof text}`)
      return JSON.parse(text) as unknown
    },
    catch: (cause) => StoreError.corrupt(entity, `a JSON column does not parse: ${errorText(cause)}`, cause)
  })

/** Numbers may come back as strings (PostgreSQL BIGINT) or bigints; the domain wants numbers. */
export const num = (value: unknown): number =>
  typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : typeof value === "string" && value !== "" ? Number(value) : NaN

export const optNum = (value: unknown): number | undefined => (value === null || value === undefined ? undefined : num(value))
