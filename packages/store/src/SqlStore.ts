/**
 * One storage implementation over `effect/sql`'s `SqlClient`, shared by the SQLite and
 * PostgreSQL adapters: they build a client and provide it; this module migrates the schema and
 * provides every storage port from it. Dialect differences (column types, `SKIP LOCKED` outbox
 * claims) are decided from the client's dialect.
 *
 * @since 0.1.0
 */
import * as Outbox from "./Outbox.ts"
import { Context, Effect, Layer } from "effect"
import * as Sql from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { AuditLog } from "./AuditLog.ts"
import { ChangeFeed } from "./ChangeFeed.ts"
import { IdempotencyRecords } from "./IdempotencyRecords.ts"
import { makeChangeFeed } from "./internal/sql/changes.ts"
import { makeIdempotencyRecords } from "./internal/sql/idempotency.ts"
import { failedRollbackAsFailure, makeEnv, spansOnlyWithTracer } from "./internal/sql/base.ts"
import { makeChannelGroups, makeChannels } from "./internal/sql/channels.ts"
import * as Errors from "./internal/sql/errors.ts"
import { checkKeys } from "./internal/sql/keyCheck.ts"
import { makeSubMerchants, makeMerchants } from "./internal/sql/merchants.ts"
import * as Migrations from "./internal/sql/migrations.ts"
import { makeOutbox } from "./internal/sql/outbox.ts"
import { makeApiKeys, makeAuditLog, makeWebhookSettings, makeWhitelists } from "./internal/sql/settings.ts"
import { KeyProvider } from "./KeyProvider.ts"
import type { StoreError } from "./StoreError.ts"
import type * as Store from "./Store.ts"
import { Transaction } from "./Transaction.ts"
import * as WriteChecks from "./WriteChecks.ts"

/**
 * Every port a SQL store provides.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = Store.Persistence

/**
 * The newest schema version this release knows; a database at a higher version is refused
 * with `SchemaTooNew`.
 *
 * @since 0.1.0
 * @category constants
 */
export const schemaVersion: number = Migrations.latestVersion

/**
 * The schema version a database is at (0 when empty).
 *
 * @since 0.1.0
 * @category migrations
 */
export const appliedSchemaVersion: Effect.Effect<number, StoreError, Sql.SqlClient> = Effect.gen(function* () {
  const sql = yield* Sql.SqlClient
  return yield* Effect.mapError(Migrations.appliedVersion(sql), (e) =>
    Errors.fromSqlError(e, { entity: "schema", id: Migrations.migrationsTable })
  )
})

/**
 * Applies the missing migrations (forward only), after refusing a schema newer than this
 * release with `SchemaTooNew`. Returns the schema version now in place.
 *
 * @since 0.1.0
 * @category migrations
 */
export const migrate: Effect.Effect<number, StoreError, Sql.SqlClient> = Effect.gen(function* () {
  return yield* Migrations.migrate(yield* Sql.SqlClient)
})

/**
 * Applies the migrations up to `version` only: for upgrade tests, which write data in an older
 * schema and then open the store to migrate it.
 *
 * @since 0.1.0
 * @category migrations
 */
export const migrateTo = (version: number): Effect.Effect<number, StoreError, Sql.SqlClient> =>
  Effect.gen(function* () {
    return yield* Migrations.migrate(yield* Sql.SqlClient, { upTo: version })
  })

/**
 * Maps a driver failure to the store's error: unique and constraint violations to `Conflict`,
 * unparseable statements to `Corrupt`, and connection failures, busy or locked databases,
 * serialization failures, deadlocks and timeouts to the retryable `Unavailable`.
 *
 * @since 0.1.0
 * @category errors
 */
export const toStoreError = (error: SqlError, subject?: { readonly entity: string; readonly id: string }): StoreError =>
  Errors.fromSqlError(error, subject)

/**
 * Runs `self` in a transaction on `sql`, for an adapter's own statements beside the store's. A
 * PostgreSQL connection lost inside it fails with the driver's error, as the store's transactions
 * do, where effect/sql would report the failed rollback, and with it the failure, as a defect.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withTransaction = <A, E, R>(sql: Sql.SqlClient, self: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R> =>
  failedRollbackAsFailure(sql, sql.withTransaction(self))

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * PostgreSQL only: let outbox lease bookkeeping (claim, attempt, complete, dead-letter,
   * release) commit without waiting for the WAL flush (`synchronous_commit = off` for those
   * transactions). A database crash may then forget the last moments of bookkeeping, which at
   * worst delivers a webhook once more (deliveries are at-least-once, deduplicated by
   * `webhook-id`). Enqueues and every other write stay durable. Default `false`.
   */
  readonly relaxedOutboxCommits?: boolean | undefined
  /**
   * PostgreSQL only: how long a unit of work (`Transaction`) waits for a lock another session
   * holds, its `lock_timeout` (default 5 s, as SQLite's busy timeout), then `Unavailable`.
   * Migrations are not bound by it.
   */
  readonly lockTimeoutMillis?: number | undefined
  /**
   * Whether a database an older release wrote is migrated when the store opens (default `true`).
   * With `false` it is refused with `SchemaTooOld` before anything is written: for a process that
   * must not change the schema under older processes still using the database, the upgrade being
   * a separate step (`migrate`). A database without Paymux's tables is created either way.
   */
  readonly upgrade?: boolean | undefined
}

/**
 * The port's transactions run one at a time (see `Transaction`). SQLite's `BEGIN IMMEDIATE`
 * already takes the write lock first; on PostgreSQL every transaction of the port first takes one
 * advisory lock of the schema, held until it ends (taking it again in a nested one is free).
 */
const oneAtATime = (sql: Sql.SqlClient, lockTimeoutMillis: number): Effect.Effect<void, SqlError> =>
  sql.onDialectOrElse({
    pg: () =>
      Effect.asVoid(
        sql`SELECT set_config('lock_timeout', ${`${lockTimeoutMillis}ms`}, true), pg_advisory_xact_lock(hashtext('paymux/transaction/' || current_schema()))`
      ),
    orElse: () => Effect.void
  })

/**
 * Builds every port over the given client without migrating (the caller migrated already).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Context.Context<Services>, never, Sql.SqlClient | KeyProvider> =>
  Effect.gen(function* () {
    const sql = yield* Sql.SqlClient
    const keys = Context.make(KeyProvider, yield* KeyProvider)
    const env = makeEnv(sql, keys)
    const lockTimeoutMillis = options.lockTimeoutMillis ?? 5_000
    const transaction = Transaction.of({
      // `Exclude<E, SqlError> | StoreError` is a subtype of `E | StoreError`; TypeScript cannot see
      // that through the generic `E`, so the result is widened to the port's type.
      withTransaction: <A, E, R>(self: Effect.Effect<A, E, R>) =>
        spansOnlyWithTracer(Errors.mapSql()(env.atomic(Effect.andThen(oneAtATime(sql, lockTimeoutMillis), self)))) as Effect.Effect<
          A,
          E | StoreError,
          R
        >
    })
    const repositories = WriteChecks.checkedRepositories({
      merchants: makeMerchants(env),
      subMerchants: makeSubMerchants(env),
      channels: makeChannels(env),
      groups: makeChannelGroups(env),
      webhookSettings: makeWebhookSettings(env),
      whitelists: makeWhitelists(env),
      apiKeys: makeApiKeys(env)
    })
    return repositories.pipe(
      Context.add(AuditLog, WriteChecks.checkedAuditLog(makeAuditLog(env))),
      Context.add(Transaction, transaction),
      Context.add(Outbox.Outbox, WriteChecks.checkedOutbox(makeOutbox(env, { relaxedCommits: options.relaxedOutboxCommits === true }))),
      Context.add(ChangeFeed, WriteChecks.checkedChangeFeed(makeChangeFeed(env))),
      Context.add(IdempotencyRecords, WriteChecks.checkedIdempotencyRecords(makeIdempotencyRecords(env)))
    )
  })

/**
 * Refuses keys that did not seal this database, with `KeyMismatch` naming the expected master key
 * id and fingerprint; records the fingerprints (keyed hashes, never keys) of a new database's
 * keys, and of a new current key after a rotation. Expects a migrated database.
 *
 * @since 0.1.0
 * @category migrations
 */
export const verifyKeys: Effect.Effect<void, StoreError, Sql.SqlClient | KeyProvider> = Effect.gen(function* () {
  const sql = yield* Sql.SqlClient
  const env = makeEnv(sql, Context.make(KeyProvider, yield* KeyProvider))
  yield* Errors.mapSql({ entity: "store keys", id: "paymux_store_keys" })(checkKeys(sql, Context.get(env.keys, KeyProvider), env.atomic))
})

/**
 * Migrates the database behind the `SqlClient` (see `Options.upgrade`), checks the `KeyProvider`
 * in context against the keys that sealed it (`verifyKeys`), then provides every storage port
 * over it. Nothing is written when the keys do not match.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<Services, StoreError, Sql.SqlClient | KeyProvider> =>
  Layer.effectContext(
    Effect.gen(function* () {
      yield* Migrations.migrate(yield* Sql.SqlClient, { upgrade: options.upgrade })
      yield* verifyKeys
      return yield* make(options)
    })
  )

/**
 * `layerWith` with the defaults.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Services, StoreError, Sql.SqlClient | KeyProvider> = layerWith({})

/**
 * Finishes an adapter's layer: with its own keys, the store seals secrets with them and offers
 * them onward (API-secret hashing needs the pepper from the same keys); without, the keys come
 * from the context. Both SQL adapters build their `layer` with this.
 *
 * @since 0.1.0
 * @category layers
 */
export const withKeys = <E, KE>(
  store: Layer.Layer<Services, E, KeyProvider>,
  keyProvider: Layer.Layer<KeyProvider, KE> | undefined
): Layer.Layer<Services | KeyProvider, E | KE, KeyProvider> =>
  keyProvider === undefined
    ? // Without keys of its own the layer offers only Services; the wider type is for the caller's
      // overloads, which state exactly what each form provides.
      (store as Layer.Layer<Services | KeyProvider, E, KeyProvider>)
    : Layer.provideMerge(store, keyProvider)
