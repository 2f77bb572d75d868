/**
 * An `effect/sql` SqlClient over one better-sqlite3 connection, so the shared SQL store runs on
 * SQLite through the same client interface it uses on PostgreSQL.
 */
import Database from "better-sqlite3"
import { Effect, type Scope, Semaphore, Stream } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as SqlClient from "effect/sql/SqlClient"
import type { Connection } from "effect/sql/SqlConnection"
import { classifySqliteError, SqlError } from "effect/sql/SqlError"
import * as Statement from "effect/sql/Statement"

export interface ClientOptions {
  readonly filename: string
  readonly busyTimeoutMillis: number
}

const toSqlError = (cause: unknown, operation: string): SqlError =>
  new SqlError({ reason: classifySqliteError(cause, { message: errorMessage(cause), operation }) })

const errorMessage = (cause: unknown): string => cause instanceof Error ? cause.message : String(cause)

// better-sqlite3 refuses booleans and undefined; SQLite has neither, so store 0/1 and NULL.
const bindable = (params: ReadonlyArray<unknown>): Array<unknown> =>
  params.map((p) => p === true ? 1 : p === false ? 0 : p === undefined ? null : p)

/** Opens the database with the settings every Paymux SQLite store uses. */
export const open = (options: ClientOptions): Effect.Effect<Database.Database, SqlError> =>
  Effect.try({
    try: () => {
      const db = new Database(options.filename, { timeout: options.busyTimeoutMillis })
      try {
        // WAL lets readers run beside the single writer; NORMAL sync is durable across
        // application crashes in WAL mode and is what makes thousands of commits per second cheap.
        if (options.filename !== ":memory:") db.pragma("journal_mode = WAL")
        db.pragma("synchronous = NORMAL")
        db.pragma("foreign_keys = ON")
        db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMillis))}`)
        return db
      } catch (e) {
        db.close()
        throw e
      }
    },
    catch: (cause) => toSqlError(cause, "open")
  })

const makeConnection = (db: Database.Database): Connection => {
  // Statements are prepared once per SQL text: the store issues a small, fixed set of them.
  const cache = new Map<string, Database.Statement>()
  const prepare = (sql: string): Database.Statement => {
    let stmt = cache.get(sql)
    if (stmt === undefined) {
      stmt = db.prepare(sql)
      if (cache.size > 500) cache.clear()
      cache.set(sql, stmt)
    }
    return stmt
  }
  const run = (sql: string, params: ReadonlyArray<unknown>, prepared: boolean): ReadonlyArray<any> => {
    const stmt = prepared ? prepare(sql) : db.prepare(sql)
    const args = bindable(params)
    if (stmt.reader) return stmt.all(...args)
    stmt.run(...args)
    return []
  }
  const values = (sql: string, params: ReadonlyArray<unknown>, prepared: boolean): ReadonlyArray<ReadonlyArray<unknown>> => {
    const stmt = prepared ? prepare(sql) : db.prepare(sql)
    const args = bindable(params)
    if (!stmt.reader) {
      stmt.run(...args)
      return []
    }
    try {
      return stmt.raw(true).all(...args) as ReadonlyArray<ReadonlyArray<unknown>>
    } finally {
      stmt.raw(false)
    }
  }
  const attempt = <A>(operation: string, f: () => A): Effect.Effect<A, SqlError> =>
    Effect.try({ try: f, catch: (cause) => toSqlError(cause, operation) })
  return {
    execute: (sql, params, transform) =>
      attempt("execute", () => {
        const rows = run(sql, params, true)
        return transform ? transform(rows) : rows
      }),
    executeRaw: (sql, params) =>
      attempt("executeRaw", () => {
        const stmt = prepare(sql)
        return stmt.reader ? stmt.all(...bindable(params)) : stmt.run(...bindable(params))
      }),
    executeStream: (sql, params, transform) =>
      Stream.fromIterableEffect(attempt("executeStream", () => {
        const rows = run(sql, params, true)
        return transform ? transform(rows) : rows
      })),
    executeValues: (sql, params) => attempt("executeValues", () => values(sql, params, true)),
    executeValuesUnprepared: (sql, params) => attempt("executeValues", () => values(sql, params, false)),
    executeUnprepared: (sql, params, transform) =>
      attempt("executeUnprepared", () => {
        const rows = run(sql, params, false)
        return transform ? transform(rows) : rows
      })
  }
}

/**
 * A SqlClient over a freshly opened database; the database closes with the scope.
 * One connection, shared through a semaphore: SQLite has one writer anyway, and
 * `BEGIN IMMEDIATE` takes the write lock up front so two processes on one file never deadlock
 * upgrading a read lock.
 */
export const make = (options: ClientOptions): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const db = yield* Effect.acquireRelease(open(options), (db) => Effect.sync(() => db.close()))
    const connection = makeConnection(db)
    const semaphore = yield* Semaphore.make(1)
    const acquirers = SqlClient.makeSqliteAcquirers({
      connection: Effect.succeed(connection),
      semaphore,
      isTransaction: () => db.inTransaction
    })
    return yield* SqlClient.make({
      ...acquirers,
      compiler: Statement.makeCompilerSqlite(),
      driver: "sqlite-better",
      spanAttributes: [["db.system.name", "sqlite"]],
      beginTransaction: "BEGIN IMMEDIATE",
      prepareTransactionControls: true
    })
  })
