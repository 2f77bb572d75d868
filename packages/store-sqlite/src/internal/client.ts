/**
 * An `effect/sql` SqlClient over one better-sqlite3 connection, so the shared SQL store runs on
 * SQLite through the same client interface it uses on PostgreSQL.
 */
import { closeSync, openSync } from "node:fs"
import Database from "better-sqlite3"
import { Clock, Effect, type Scope, Semaphore, Stream } from "effect"
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

const errorMessage = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

// better-sqlite3 refuses booleans and undefined; SQLite has neither, so store 0/1 and NULL.
const bindable = (params: ReadonlyArray<unknown>): Array<unknown> =>
  params.map((p) => (p === true ? 1 : p === false ? 0 : p === undefined ? null : p))

/** The size a WAL file is cut back to when it starts over (SQLite keeps it at its peak otherwise). */
export const walSizeLimitBytes = 16 * 1024 * 1024

/**
 * Opens the database with the settings every Paymux SQLite store uses. Processes that open one
 * new file together must all succeed: the busy timeout is set first, and the switch to WAL,
 * which SQLite answers with SQLITE_BUSY at once (without waiting on the busy timeout) while
 * another connection holds the write lock of a file not yet in WAL mode, is tried again until
 * that timeout.
 */
export const open = (options: ClientOptions): Effect.Effect<Database.Database, SqlError> => {
  const busyTimeout = Math.max(0, Math.floor(options.busyTimeoutMillis))
  return Effect.flatMap(
    Effect.try({
      try: () => {
        createPrivately(options.filename)
        const db = new Database(options.filename, { timeout: busyTimeout })
        db.pragma(`busy_timeout = ${busyTimeout}`)
        return db
      },
      catch: (cause) => toSqlError(cause, "open")
    }),
    (db) =>
      Effect.gen(function* () {
        // WAL lets readers run beside the single writer; NORMAL sync is durable across
        // application crashes in WAL mode and is what makes thousands of commits per second cheap.
        if (options.filename !== ":memory:") {
          const deadline = (yield* Clock.currentTimeMillis) + busyTimeout
          yield* whileBusy(pragma(db, "journal_mode = WAL"), deadline)
        }
        yield* pragma(db, "synchronous = NORMAL")
        yield* pragma(db, "foreign_keys = ON")
        // What is deleted (pruned deliveries with their payloads, removed credentials' envelopes)
        // is overwritten, not left readable in free pages of the file and of copies made with
        // .backup. FAST would leave the free pages alone.
        yield* pragma(db, "secure_delete = ON")
        // A long reader elsewhere (a backup, an sqlite3 shell) lets the WAL grow past its usual
        // ~4 MB; once it is checkpointed and starts over, this cuts the file back to the limit.
        yield* pragma(db, `journal_size_limit = ${walSizeLimitBytes}`)
        return db
      }).pipe(Effect.onError(() => Effect.sync(() => db.close())))
  )
}

/**
 * A new database file is created readable by its owner only (SQLite gives its -wal and -shm files
 * the same mode): it holds sealed secrets, hashes and the audit trail. An existing file keeps the
 * mode its owner gave it.
 */
const createPrivately = (filename: string): void => {
  if (filename === ":memory:" || filename === "") return
  try {
    closeSync(openSync(filename, "wx", 0o600))
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "EEXIST") throw cause
  }
}

const pragma = (db: Database.Database, source: string): Effect.Effect<unknown, SqlError> =>
  Effect.try({ try: () => db.pragma(source), catch: (cause) => toSqlError(cause, "open") })

/** Runs `self` again after a short random pause while it fails busy and `deadline` is ahead. */
const whileBusy = <A>(self: Effect.Effect<A, SqlError>, deadline: number): Effect.Effect<A, SqlError> =>
  Effect.catchIf(
    self,
    (e) => e.reason._tag === "LockTimeoutError",
    (e) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        now >= deadline
          ? Effect.fail(e)
          : Effect.andThen(Effect.sleep(Math.min(deadline - now, 5 + Math.random() * 20)), whileBusy(self, deadline))
      )
  )

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
      Stream.fromIterableEffect(
        attempt("executeStream", () => {
          const rows = run(sql, params, true)
          return transform ? transform(rows) : rows
        })
      ),
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
  Effect.gen(function* () {
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
      // Without it a savepoint stays open until COMMIT: every store operation inside a
      // transaction has its own, and thousands of them nested slowed and swelled the transaction.
      releaseSavepoint: (name) => `RELEASE SAVEPOINT ${name}`,
      prepareTransactionControls: true
    })
  })
