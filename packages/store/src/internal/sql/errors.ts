/**
 * How driver failures become `StoreError`s. `effect/sql` already classifies both drivers'
 * errors into one reason union (SQLite result codes, PostgreSQL SQLSTATEs), so the mapping is
 * written once here. Conflicts, corruption and bad input are worded in domain terms, without SQL
 * text or table names; an `Unavailable` adds the driver's own words (a lock timeout, a refused
 * permission), which the HTTP API does not show to its callers.
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

/**
 * What a uniqueness rule means, found by the constraint or table name in the driver's report
 * (PostgreSQL names the constraint; SQLite lists `table.column`s). The first match wins, so the
 * narrower rules of a table come before its key. The wording matches the in-memory store's.
 */
const uniqueRules: ReadonlyArray<readonly [RegExp, string]> = [
  [/paymux_channels_terms|paymux_channels\.mode/, "the merchant already has a channel with this mode, PG, MID and payment type"],
  [/paymux_channels_sequence|paymux_channels\.sequence/, "a channel with this sequence number exists"],
  [/paymux_channels\b|paymux_channels_pkey|paymux_channels\./, "a channel with this key exists"],
  [/paymux_channel_groups/, "a group with this id exists"],
  [/paymux_group_members/, "the group already has a member at this position"],
  [/paymux_sub_merchants/, "the merchant already has this tier code"],
  [/paymux_merchants/, "a merchant with this code exists"],
  [/paymux_api_keys/, "an API key with this id exists"],
  [/paymux_audit_log/, "an audit entry with this id exists"],
  [/paymux_outbox/, "a delivery with this id exists"],
  [/paymux_webhook_settings|paymux_webhook_secrets|paymux_whitelists/, "it was saved by someone else first"],
  [/paymux_migrations/, "another process is migrating the schema"]
]

const uniqueDetail = (report: string): string => uniqueRules.find(([pattern]) => pattern.test(report))?.[1] ?? "it already exists"

/** SQLite reports primary-key clashes as a plain constraint error; they are uniqueness too. */
const isSqliteUnique = (cause: unknown): boolean => {
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined
  return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE"
}

/** SQLITE_CORRUPT (a damaged file) and SQLITE_NOTADB (not a database at all). */
const isSqliteDamaged = (cause: unknown): boolean => {
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined
  return typeof code === "string" && (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB")
}

/** The SQLSTATE of a PostgreSQL failure, when the cause carries one. */
const sqlState = (cause: unknown): string | undefined => {
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

/**
 * Text PostgreSQL cannot store: NUL (22021 "invalid byte sequence", also 22P05
 * "untranslatable character"). It is the input that is wrong, so retrying cannot help.
 */
const isUnstorableText = (cause: unknown, text: string): boolean => {
  const state = sqlState(cause)
  return state === "22021" || state === "22P05" || /invalid byte sequence|\\u0000 cannot be converted/.test(text)
}

/**
 * The driver's words for a failure: PostgreSQL's reason says only "PgConnection: Query failed",
 * and its cause what failed ("canceling statement due to lock timeout", "permission denied ...").
 */
const detailOf = (reason: SqlError["reason"]): string => {
  const causeText = errorText(reason.cause)
  return reason.message === undefined
    ? causeText
    : causeText === "no detail" || causeText === reason.message
      ? reason.message
      : `${reason.message}: ${causeText}`
}

/**
 * A lost connection: the driver's own report, or PostgreSQL's "operator intervention" errors
 * (57P01 administrator shutdown, 57P02 crash shutdown, 57P03 cannot connect now), sent as the
 * backend goes away.
 */
export const isConnectionLoss = (error: SqlError): boolean =>
  error.reason._tag === "ConnectionError" || (sqlState(error.reason.cause)?.startsWith("57P") ?? false)

/** A COMMIT whose connection was lost: whether it committed is not known. */
export const lostAtCommit = (error: SqlError): StoreError.StoreError =>
  StoreError.outcomeUnknown(`${error.reason._tag}: ${detailOf(error.reason)}`, error)

export const fromSqlError = (error: SqlError, subject: Subject = store): StoreError.StoreError => {
  const reason = error.reason
  const causeText = errorText(reason.cause)
  const detail = detailOf(reason)
  if (isUnstorableText(reason.cause, causeText)) {
    return StoreError.invalidInput(
      subject.entity,
      "a text value holds a character the store cannot keep (NUL); remove control characters",
      error
    )
  }
  // 22003: a number beyond its column (a version past 2^31 - 1, say): the input, not the store.
  if (sqlState(reason.cause) === "22003") {
    return StoreError.invalidInput(subject.entity, "a number is beyond what the store's column holds", error)
  }
  // A user or password the server refuses is the URL's fault: trying again fails the same way.
  if (reason._tag === "AuthenticationError") {
    return StoreError.misconfigured("url", `the database server refused the user or password: ${causeText}`)
  }
  // 3D000: the server is up but the database in the URL is not; say which, so the fix is obvious.
  if (sqlState(reason.cause) === "3D000") {
    return StoreError.unavailable(`${causeText}; create it (createdb) or correct the database name in the URL`, error)
  }
  // A damaged file is not a store that is busy or away: retrying cannot help, restoring can.
  if (isSqliteDamaged(reason.cause)) {
    return StoreError.corrupt(
      subject.entity,
      `the database file is damaged or is not a SQLite database (${causeText}); restore it from a backup`,
      error
    )
  }
  const unique = reason._tag === "UniqueViolation" || (reason._tag === "ConstraintError" && isSqliteUnique(reason.cause))
  if (unique) {
    const report = `${"constraint" in reason ? String(reason.constraint) : ""} ${causeText}`
    return new StoreError.StoreError({
      reason: { _tag: "Conflict", entity: subject.entity, id: subject.id, detail: uniqueDetail(report) },
      cause: error
    })
  }
  switch (reason._tag) {
    case "ConstraintError":
      return new StoreError.StoreError({
        reason: {
          _tag: "Conflict",
          entity: subject.entity,
          id: subject.id,
          detail: "it conflicts with related stored data (a constraint of the store refused it)"
        },
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

const errorText = (cause: unknown): string => (cause instanceof Error ? cause.message : typeof cause === "string" ? cause : "no detail")

/** Maps the SqlError channel of an effect to StoreError, keeping every other error. */
export const mapSql =
  (subject?: Subject) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, SqlError> | StoreError.StoreError, R> =>
    Effect.mapError(self, (e) => (isSqlError(e) ? fromSqlError(e, subject) : e) as Exclude<E, SqlError> | StoreError.StoreError)

/** A domain decode result of a stored row, its failure as Corrupt. */
export const decodedResult = <A>(
  entity: string,
  result: Result.Result<A, { readonly message: string }>
): Result.Result<A, StoreError.StoreError> => Result.mapError(result, (failure) => StoreError.corrupt(entity, failure.message, failure))

/** Unwraps a domain decode result of a stored row, failing with Corrupt. */
export const decoded = <A>(
  entity: string,
  result: Result.Result<A, { readonly message: string }>
): Effect.Effect<A, StoreError.StoreError> => Effect.fromResult(decodedResult(entity, result))

/** Parses JSON text stored by this adapter, failing with Corrupt (synchronously, for row loops). */
export const parseJsonResult = (entity: string, text: unknown): Result.Result<unknown, StoreError.StoreError> => {
  try {
    if (typeof text !== "string") throw new Error(`expected JSON text, found ${typeof text}`)
    return Result.succeed(JSON.parse(text) as unknown)
  } catch (cause) {
    return Result.fail(StoreError.corrupt(entity, `a JSON column does not parse: ${errorText(cause)}`, cause))
  }
}

/** Parses JSON text stored by this adapter, failing with Corrupt. */
export const parseJson = (entity: string, text: unknown): Effect.Effect<unknown, StoreError.StoreError> =>
  Effect.suspend(() => Effect.fromResult(parseJsonResult(entity, text)))

/** Numbers may come back as strings (PostgreSQL BIGINT) or bigints; the domain wants numbers. */
export const num = (value: unknown): number =>
  typeof value === "number"
    ? value
    : typeof value === "bigint"
      ? Number(value)
      : typeof value === "string" && value !== ""
        ? Number(value)
        : NaN

export const optNum = (value: unknown): number | undefined => (value === null || value === undefined ? undefined : num(value))
