/**
 * The embedded store: every Paymux storage port over one SQLite database (a file, or
 * `:memory:`), through better-sqlite3. WAL mode, a busy timeout and foreign keys are always on;
 * the schema is migrated on start (unless `upgrade` is false) and the database closes when the layer's scope closes.
 *
 * @since 0.1.0
 */
import { type KeyProvider, SqlStore, type StoreError } from "@paymux/store"
import { Effect, Layer } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as SqlClient from "effect/sql/SqlClient"
import * as Client from "./internal/client.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** A file path, or `":memory:"` for a private in-memory database. */
  readonly filename: string
  /** How long a write waits for another process's lock before failing with `Unavailable` (default 5000). */
  readonly busyTimeoutMillis?: number | undefined
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

const clientOptions = (options: Options): Client.ClientOptions => ({
  filename: options.filename,
  busyTimeoutMillis: options.busyTimeoutMillis ?? 5000
})

/**
 * Just the `SqlClient` over a SQLite database, for tools that need raw SQL beside the store.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (options: Options): Layer.Layer<SqlClient.SqlClient, StoreError.StoreError> =>
  Layer.effect(
    SqlClient.SqlClient,
    Effect.mapError(Client.make(clientOptions(options)), (e) => SqlStore.toStoreError(e, { entity: "database", id: options.filename }))
  ).pipe(Layer.provide(Reactivity.layer))

/**
 * The SQLite store. With `keyProvider`, secrets are sealed with the keys it provides (and the
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
  const store = SqlStore.layerWith({ upgrade: options.upgrade }).pipe(Layer.provide(layerClient(options)))
  return SqlStore.withKeys(store, options.keyProvider)
}

/**
 * Runs the migrations against a database without building the store (for a deploy step).
 * Returns the schema version now in place.
 *
 * @since 0.1.0
 * @category migrations
 */
export const migrate = (options: Options): Effect.Effect<number, StoreError.StoreError> =>
  Effect.scoped(Effect.flatMap(Layer.build(layerClient(options)), (context) => Effect.provideContext(SqlStore.migrate, context)))
