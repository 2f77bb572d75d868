/**
 * The shared store: every Paymux storage port over PostgreSQL through @effect/sql-pg, with a
 * connection pool. Outbox claims use `FOR UPDATE SKIP LOCKED`, so any number of workers on any
 * number of machines share one outbox without double-claiming. The schema is created and migrated
 * on start; stores that start together on one new schema all succeed (creation takes an advisory
 * lock, and the Migrator serialises the migrations with a table lock). The change feed also
 * rings `NOTIFY` when a change commits, so other processes' caches follow within milliseconds.
 *
 * @since 0.1.0
 */
import { PgClient } from "@effect/sql-pg"
import { ChangeFeed, type KeyProvider, SqlStore, StoreError } from "@paymux/store"
import { Context, Effect, Layer, Queue, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as SqlClient from "effect/sql/SqlClient"
import { isSqlError } from "effect/sql/SqlError"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string | Redacted.Redacted<string>
  /**
   * The schema the tables live in (created when missing); default `public`. Separate schemas let
   * several Paymux installations, or test runs, share one database.
   */
  readonly schema?: string | undefined
  /** Pool size (default 10). */
  readonly maxConnections?: number | undefined
  /** How long to wait for a connection before failing with `Unavailable` (default 10 s). */
  readonly connectTimeoutMillis?: number | undefined
  /**
   * How long a unit of work (`Transaction`) waits for a lock another session holds (the store's
   * transaction lock, a row) before failing with `Unavailable`; default 5 s, as SQLite's busy
   * timeout. Without it a write waited for as long as a stopped process or an operator's open
   * transaction held the lock. Migrations are not bound by it: they wait for each other.
   */
  readonly lockTimeoutMillis?: number | undefined
  /**
   * How outbox lease bookkeeping commits. `"relaxed"` (the default) does not wait for the WAL
   * flush: a database crash may forget the last moments of claims and completions, so a webhook
   * may be delivered once more (deliveries are at-least-once and deduplicated by `webhook-id`);
   * it is what lets 4 workers pass 1,000 deliveries/s on one disk. `"durable"` waits for every
   * flush. Enqueues and every other write are always durable.
   */
  readonly outboxCommits?: "relaxed" | "durable" | undefined
  /** Whether a database an older release wrote is migrated on start (default `true`); see `SqlStore.Options.upgrade`. */
  readonly upgrade?: boolean | undefined
}

/**
 * Every port the store provides.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = SqlStore.Services

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * `CREATE SCHEMA IF NOT EXISTS` is not safe against a concurrent creator: the loser fails with a
 * unique violation on `pg_namespace`. Under a transaction-scoped advisory lock (released at
 * commit, so a pooled connection never keeps it) creators take turns, and all but the first find
 * the schema there.
 */
const createSchema = (pg: SqlClient.SqlClient, schema: string) =>
  SqlStore.withTransaction(
    pg,
    Effect.andThen(
      pg`SELECT pg_advisory_xact_lock(hashtext(${`paymux.schema.${schema}`}))`,
      pg.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    )
  )

/**
 * Just the pooled `SqlClient` (with the schema on its search path), for tools that need raw SQL
 * beside the store.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (options: Options): Layer.Layer<SqlClient.SqlClient, StoreError.StoreError> => {
  const schema = options.schema ?? "public"
  const subject = { entity: "database", id: "postgres" }
  const client = Effect.gen(function* () {
    const lockTimeout = options.lockTimeoutMillis
    if (lockTimeout !== undefined && !(Number.isSafeInteger(lockTimeout) && lockTimeout >= 0)) {
      return yield* Effect.fail(
        StoreError.invalidInput("PostgresStore lockTimeoutMillis", `must be a whole number of milliseconds, 0 or more, got ${lockTimeout}`)
      )
    }
    if (!schemaName.test(schema)) {
      return yield* Effect.fail(
        StoreError.invalidInput(
          "PostgresStore schema",
          `must be a lower-case SQL name (${schemaName.source}), got ${JSON.stringify(schema)}`
        )
      )
    }
    const pg = yield* PgClient.make({
      url: Redacted.isRedacted(options.url) ? options.url : Redacted.make(options.url),
      maxConnections: options.maxConnections ?? 10,
      connectTimeout: options.connectTimeoutMillis ?? 10_000,
      applicationName: "paymux",
      // Postgres' search_path names the schema for every unqualified table of the store.
      startupParameters: { search_path: schema }
    })
    if (schema !== "public") yield* createSchema(pg, schema)
    return pg as SqlClient.SqlClient
  })
  return Layer.effect(
    SqlClient.SqlClient,
    Effect.mapError(client, (e) => (isSqlError(e) ? SqlStore.toStoreError(e, subject) : e))
  ).pipe(Layer.provide(Reactivity.layer))
}

/**
 * The change feed with PostgreSQL's push: a published change also issues `pg_notify` inside the
 * same transaction (so it is delivered when the change commits), and `listen` holds a `LISTEN`
 * on the schema's channel.
 */
const pushingFeed = (base: ChangeFeed.ChangeFeedShape, pg: PgClient.PgClient, schema: string): ChangeFeed.ChangeFeedShape => {
  const channel = `paymux_changes_${schema}`
  const subject = { entity: "change feed", id: channel }
  return {
    ...base,
    publish: (change) =>
      Effect.andThen(
        base.publish(change),
        Effect.mapError(pg`SELECT pg_notify(${channel}, '')`, (e) => SqlStore.toStoreError(e, subject))
      ),
    listen: Effect.map(
      Effect.mapError(pg.listen(channel), (e) => SqlStore.toStoreError(e, subject)),
      (queue) => Effect.asVoid(Effect.mapError(Queue.take(queue), (e) => SqlStore.toStoreError(e, subject)))
    )
  }
}

const withPush = (store: Layer.Layer<Services, StoreError.StoreError, SqlClient.SqlClient | KeyProvider.KeyProvider>, schema: string) =>
  Layer.effectContext(
    Effect.gen(function* () {
      const context = yield* Layer.build(store)
      const pg = (yield* SqlClient.SqlClient) as PgClient.PgClient
      return Context.add(context, ChangeFeed.ChangeFeed, pushingFeed(Context.get(context, ChangeFeed.ChangeFeed), pg, schema))
    })
  )

/**
 * The PostgreSQL store. With `keyProvider`, secrets are sealed with the keys it provides (and the
 * layer provides them onward); without, the layer needs a `KeyProvider` from its context.
 *
 * @since 0.1.0
 * @category layers
 */
export function layer<E>(
  options: Options & { readonly keyProvider: Layer.Layer<KeyProvider.KeyProvider, E> }
): Layer.Layer<Services | KeyProvider.KeyProvider, StoreError.StoreError | E>
export function layer(options: Options): Layer.Layer<Services, StoreError.StoreError, KeyProvider.KeyProvider>
export function layer<E>(
  options: Options & { readonly keyProvider?: Layer.Layer<KeyProvider.KeyProvider, E> | undefined }
): Layer.Layer<Services | KeyProvider.KeyProvider, StoreError.StoreError | E, KeyProvider.KeyProvider> {
  const store = withPush(
    SqlStore.layerWith({
      relaxedOutboxCommits: options.outboxCommits !== "durable",
      lockTimeoutMillis: options.lockTimeoutMillis,
      upgrade: options.upgrade
    }),
    options.schema ?? "public"
  ).pipe(Layer.provide(layerClient(options)))
  return SqlStore.withKeys(store, options.keyProvider)
}

/**
 * Runs the migrations without building the store (for a deploy step). Returns the schema
 * version now in place.
 *
 * @since 0.1.0
 * @category migrations
 */
export const migrate = (options: Options): Effect.Effect<number, StoreError.StoreError> =>
  Effect.scoped(Effect.flatMap(Layer.build(layerClient(options)), (context) => Effect.provideContext(SqlStore.migrate, context)))
