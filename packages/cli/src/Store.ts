/**
 * The store behind the store-backed commands: parsed from `--db`, opened only when such a
 * command runs (stateless commands never touch it), with the adapter loaded on demand so
 * neither better-sqlite3 nor the PostgreSQL client is loaded for `--help` or `pg list`.
 *
 * @since 0.1.0
 */
import { accessSync, closeSync, constants, existsSync, openSync, readSync, type Stats, statSync } from "node:fs"
import { userInfo } from "node:os"
import { dirname, resolve } from "node:path"
import type { AdminServices } from "@paymux/admin"
import type { DomainError } from "@paymux/domain"
import type Database from "better-sqlite3"
import type { StoreError } from "@paymux/store"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "./CliFailure.ts"
import { loadAdmin, Merchants } from "./internal/lazy.ts"
import type { Context } from "./Root.ts"

/**
 * What `--db` names.
 *
 * @since 0.1.0
 * @category models
 */
export type Target =
  | { readonly kind: "sqlite-file"; readonly path: string }
  | { readonly kind: "memory" }
  | { readonly kind: "postgres"; readonly url: string }

const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db)

/**
 * The warning for a `--db` flag that holds a PostgreSQL password: other local users can read a
 * process's arguments (`ps`), but not its environment. Names neither the password nor the URL.
 *
 * @since 0.1.0
 * @category parsing
 */
export const passwordInArguments = (flag: string): string | undefined => {
  if (!isPostgresUrl(flag)) return undefined
  let password: string
  try {
    password = new URL(flag).password
  } catch {
    return undefined
  }
  return password === ""
    ? undefined
    : "warning: --db holds a PostgreSQL password, which other users of this machine can read in the process list (ps); set PAYMUX_DB instead"
}

/**
 * Reads `--db`: `postgres://` or `postgresql://` URLs, `:memory:`, or a SQLite file path.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseTarget = (db: string): Effect.Effect<Target, CliFailure.CliFailure> => {
  if (isPostgresUrl(db)) {
    try {
      new URL(db)
    } catch {
      return Effect.fail(CliFailure.badInput("--db is not a valid postgres:// URL", "postgres://user:password@host:5432/database"))
    }
    return Effect.succeed({ kind: "postgres", url: db })
  }
  if (db === ":memory:") return Effect.succeed({ kind: "memory" })
  // Any other scheme, with or without "//" (`postgresql:user:pw@host` too, which would otherwise
  // become a file named after the password). Not echoed: it may hold a password. A drive letter
  // (C:) is one letter, so Windows paths stay paths.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(db)?.[1]
  if (scheme !== undefined) {
    return Effect.fail(
      CliFailure.badInput(
        /^postgres(ql)?$/i.test(scheme)
          ? "--db is not a valid postgres:// URL (the // is missing)"
          : `--db ${scheme}:… is not a supported store`,
        "use a SQLite file path (./name for a file whose name has a colon), :memory:, or a postgres://user:password@host:5432/database URL"
      )
    )
  }
  if (db.trim() === "") return Effect.fail(CliFailure.badInput("--db is empty", "use a SQLite file path, :memory:, or a postgres:// URL"))
  return Effect.succeed({ kind: "sqlite-file", path: db })
}

/**
 * `--merchant`: a merchant code (`imp` + 8 digits).
 *
 * @since 0.1.0
 * @category flags
 */
export const merchantFlag = Flag.String("merchant").pipe(Flag.withAlias("m"), Flag.withDescription("Merchant code, e.g. imp12345678"))

/**
 * Runs `program` for a merchant that exists: an unknown merchant is "not found" (exit 1), as for
 * `channel list`, rather than an empty list.
 *
 * @since 0.1.0
 * @category combinators
 */
export const requireMerchant = <A, E, R>(
  merchant: string,
  program: Effect.Effect<A, E, R>
): Effect.Effect<A, E | DomainError.InvalidInput | StoreError.StoreError, R | AdminServices.AdminServices> =>
  Effect.andThen(Merchants.get(merchant), program)

/**
 * The schema version of the database `target` names, read without writing anything: 0 for a new
 * one (no file or an empty one, `:memory:`, a PostgreSQL schema without Paymux's tables).
 *
 * @since 0.1.0
 * @category getters
 */
export const appliedSchemaVersion = (target: Target): Effect.Effect<number, CliFailure.CliFailure | StoreError.StoreError> =>
  target.kind === "postgres"
    ? Effect.flatMap(
        Effect.promise(() => import("./internal/postgres.ts")),
        (pg) => pg.appliedSchemaVersion(target.url)
      )
    : target.kind === "sqlite-file"
      ? Effect.flatMap(checkSqliteFile(target.path), (isNew) => (isNew ? Effect.succeed(0) : sqliteSchemaVersion(target.path)))
      : Effect.succeed(0)

/** The highest migration a Paymux SQLite file records (checkSqliteFile found its table). */
const sqliteSchemaVersion = (path: string): Effect.Effect<number, CliFailure.CliFailure> =>
  readSqlite(path, (db) => Number(db.prepare("SELECT coalesce(max(migration_id), 0) FROM paymux_migrations").pluck().get())).pipe(
    Effect.mapError((e) => CliFailure.storeUnavailable(`--db ${path} cannot be read (${(e as { code?: string }).code ?? String(e)})`))
  )

/**
 * This release's schema version, from the adapter `target` loads.
 *
 * @since 0.1.0
 * @category getters
 */
export const releaseSchemaVersion = (target: Target): Effect.Effect<number> =>
  Effect.promise(() => (target.kind === "postgres" ? import("./internal/postgres.ts") : import("./internal/sqlite.ts"))).pipe(
    Effect.map((adapter) => adapter.schemaVersion)
  )

/**
 * The admin services over the store `--db` names, with its master keys (see KeyFile) and a
 * resolver cache. Mentions a newly created key file, or a database other users can read, on stderr.
 * The store refuses a database with an older schema unless `migrate` is set (`paymux migrate`),
 * before anything is written.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  target: Target,
  options: { readonly announceStore?: boolean | undefined; readonly migrate?: boolean | undefined } = {}
): Layer.Layer<AdminServices.AdminServices, CliFailure.CliFailure | StoreError.StoreError> =>
  Layer.unwrap(
    Effect.gen(function* () {
      const isNew = target.kind === "sqlite-file" ? yield* checkSqliteFile(target.path) : false
      if (target.kind === "sqlite-file") {
        const exposed = options.announceStore === false ? undefined : readableByOthers(target.path)
        if (exposed !== undefined) yield* Effect.sync(() => process.stderr.write(`${exposed}\n`))
      }
      // Loaded here, not at startup: only store-backed commands need the store and admin modules.
      const [KeyFile, { ResolverCache }] = yield* Effect.all([Effect.promise(() => import("./KeyFile.ts")), loadAdmin])
      const keys = yield* KeyFile.resolve(target.kind === "sqlite-file" ? { ...target, isNew } : target)
      if (keys.source._tag === "KeyFile" && keys.source.created && options.announceStore !== false) {
        yield* Effect.sync(() =>
          process.stderr.write(
            `note: created the key file ${keys.source._tag === "KeyFile" ? keys.source.path : ""} (mode 0600); back it up with the database\n`
          )
        )
      }
      // The CLI's one rule for upgrades: only `paymux migrate` migrates. Every other command's store
      // refuses a database an older release wrote (`SchemaTooOld`, nothing written), so checking a
      // new release against the live database cannot migrate it under the older processes.
      const upgrade = options.migrate === true
      const store =
        target.kind === "postgres"
          ? (yield* Effect.promise(() => import("./internal/postgres.ts"))).layer(target.url, upgrade)
          : (yield* Effect.promise(() => import("./internal/sqlite.ts"))).layer(
              target.kind === "memory" ? ":memory:" : target.path,
              upgrade
            )
      return store.pipe(Layer.provideMerge(KeyFile.layer(keys.provider)), Layer.merge(ResolverCache.layer()))
    })
  )

/**
 * A note when the database file is readable by other users: builds before the store created files
 * 0600 left them 0644, and an existing file keeps its mode. Its secrets are sealed, but it holds
 * merchants' settings, webhook payloads and the audit trail.
 */
const readableByOthers = (path: string): string | undefined => {
  let mode: number
  try {
    mode = statSync(path).mode & 0o777
  } catch {
    return undefined
  }
  return (mode & 0o077) === 0
    ? undefined
    : `note: the database ${path} is readable by other users (mode ${mode.toString(8)}); it holds merchants' settings, webhook payloads and the audit trail: chmod 600 ${[path, `${path}-wal`, `${path}-shm`].filter((f) => existsSync(f)).join(" ")}`
}

const sqliteHeader = "SQLite format 3\0"

/**
 * Refuses a `--db` path SQLite could not use (a directory, another program's file, a missing
 * folder) before anything is written beside it: a failed `--db` leaves no key file behind.
 * Succeeds with whether the path is a new database, one that gets a new key file: nothing there
 * yet, an empty file, or a SQLite database without tables (`sqlite3 x.db vacuum`), which holds
 * nothing sealed with a key.
 *
 * @since 0.1.0
 * @category parsing
 */
export const checkSqliteFile = (path: string): Effect.Effect<boolean, CliFailure.CliFailure> =>
  Effect.suspend(() => {
    const unusable = (why: string, hint = "give the path of a SQLite database file, or of a new file in an existing folder") =>
      Effect.fail(CliFailure.storeUnavailable(`--db ${path} ${why}`, hint))
    let stats: Stats
    try {
      stats = statSync(path)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") return unusable(`cannot be read (${(e as NodeJS.ErrnoException).code})`)
      return existsSync(dirname(resolve(path))) ? Effect.succeed(true) : unusable("is in a folder that does not exist")
    }
    if (stats.isDirectory()) return unusable("is a directory")
    if (!stats.isFile()) return unusable("is not a regular file")
    if (stats.size === 0) return Effect.succeed(true)
    const head = Buffer.alloc(sqliteHeader.length)
    try {
      const fd = openSync(path, "r")
      try {
        readSync(fd, head, 0, head.length, 0)
      } finally {
        closeSync(fd)
      }
    } catch (e) {
      return unusable(`cannot be read (${(e as NodeJS.ErrnoException).code})`)
    }
    if (head.toString("latin1") !== sqliteHeader) return unusable("is not a SQLite database")
    // Another program's database is not migrated into: its tables are not ours, and a database
    // that exists gets no new key file, so it could never hold a secret. One with no table at all
    // may be ours, being created by another process right now.
    return readSqlite(
      path,
      (db) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
    ).pipe(
      Effect.matchEffect({
        onFailure: (e) => {
          const code = (e as { code?: string }).code ?? String(e)
          const unwritable = notWritable(path)
          return unwritable === undefined
            ? unusable(`cannot be read (${code})`)
            : unusable(
                `is there, but SQLite cannot open it (${code}): ${unwritable}`,
                "SQLite writes beside the database (its -wal and -shm files): make the folder and the file writable for this user, or move the database to a writable filesystem"
              )
        },
        onSuccess: (tables) =>
          tables.length === 0
            ? Effect.succeed(true)
            : tables.some((t) => t.name === "paymux_migrations")
              ? Effect.succeed(false)
              : unusable("is another program's SQLite database (it has tables, none of them Paymux's)")
      })
    )
  })

/**
 * What keeps SQLite from opening a database it can read: its folder or the file not writable (a
 * read-only filesystem, or permissions). Undefined when both are writable.
 */
const notWritable = (path: string): string | undefined => {
  const writable = (p: string) => {
    try {
      accessSync(p, constants.W_OK)
      return true
    } catch {
      return false
    }
  }
  const folder = dirname(resolve(path))
  return !writable(folder)
    ? `its folder ${folder} is not writable (a read-only filesystem, or permissions)`
    : !writable(path)
      ? "the file is not writable (a read-only filesystem, or permissions)"
      : undefined
}

/**
 * Runs `query` on the SQLite file at `path`, opened read-only and closed again; better-sqlite3
 * loads on first use. Fails with what the driver threw.
 *
 * @since 0.1.0
 * @category combinators
 */
export const readSqlite = <A>(path: string, query: (db: Database.Database) => A): Effect.Effect<A, unknown> =>
  Effect.tryPromise({
    try: async () => {
      const { default: Sqlite } = await import("better-sqlite3")
      const db = new Sqlite(path, { readonly: true, fileMustExist: true })
      try {
        return query(db)
      } finally {
        db.close()
      }
    },
    catch: (e) => e
  })

/**
 * Runs a store-backed program against `--db`, as the CLI actor. Store failures keep their
 * meaning (not found: 1; conflict: 2; unreachable: 3).
 *
 * @since 0.1.0
 * @category combinators
 */
export const withStore = <A, E>(
  ctx: Context,
  program: Effect.Effect<A, E, AdminServices.AdminServices>
): Effect.Effect<A, E | CliFailure.CliFailure | StoreError.StoreError> =>
  Effect.flatMap(parseTarget(ctx.db), (target) => runAt(target, ctx, program))

/**
 * Runs `program` against a parsed `--db`, as the CLI actor; `migrate` only for `paymux migrate`
 * (see `layer`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const runAt = <A, E>(
  target: Target,
  ctx: Context,
  program: Effect.Effect<A, E, AdminServices.AdminServices>,
  options: { readonly migrate?: boolean | undefined } = {}
): Effect.Effect<A, E | CliFailure.CliFailure | StoreError.StoreError> =>
  Effect.flatMap(loadAdmin, ({ AdminContext }) =>
    program.pipe(
      AdminContext.withActor({ kind: "cli", id: actorName() }),
      Effect.provide(layer(target, { announceStore: ctx.announceStore, migrate: options.migrate }))
    )
  )

/**
 * `parseTarget` for a command that needs the data already there: a SQLite file that does not
 * exist is refused (a mistyped `--db`, or a volume not mounted, would otherwise leave a new empty
 * database and key file behind, or run a server with no merchants).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseExistingTarget = (db: string): Effect.Effect<Target, CliFailure.CliFailure> =>
  Effect.flatMap(parseTarget(db), (target) =>
    target.kind === "sqlite-file" && !existsSync(target.path)
      ? Effect.fail(
          CliFailure.storeUnavailable(
            `no database at ${target.path}`,
            "check --db (or PAYMUX_DB); the first command that changes something (paymux merchant create) creates the file"
          )
        )
      : Effect.succeed(target)
  )

/**
 * `withStore` for a command that only reads, or works on data already there (`serve`,
 * `webhook dispatch`): a SQLite file that does not exist is refused (see `parseExistingTarget`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const readStore = <A, E>(
  ctx: Context,
  program: Effect.Effect<A, E, AdminServices.AdminServices>
): Effect.Effect<A, E | CliFailure.CliFailure | StoreError.StoreError> =>
  Effect.flatMap(parseExistingTarget(ctx.db), (target) => runAt(target, ctx, program))

const actorName = (): string => {
  try {
    return userInfo().username
  } catch {
    return "cli"
  }
}
