/** Loaded on demand: the PostgreSQL adapter only for store-backed commands on a postgres:// URL. */
import { type KeyProvider, SqlStore, type StoreError } from "@paymux/store"
import { PostgresStore } from "@paymux/store-postgres"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

// The store's own pool size: connections open as they are needed, so a command uses one or two,
// and `serve` answers /health and reads while a write waits for a lock (a pool of 2 did not). A
// short timeout makes a wrong URL fail fast (exit 3).
const options = (url: string): PostgresStore.Options => ({ url: Redacted.make(url), connectTimeoutMillis: 5_000 })

export const layer = (url: string, upgrade: boolean): Layer.Layer<SqlStore.Services, StoreError.StoreError, KeyProvider.KeyProvider> =>
  PostgresStore.layer({ ...options(url), upgrade })

/** The schema version this release's store writes. */
export const schemaVersion: number = SqlStore.schemaVersion

/** The database's schema version (0 without Paymux's tables), read without writing. */
export const appliedSchemaVersion = (url: string): Effect.Effect<number, StoreError.StoreError> =>
  Effect.scoped(
    Effect.flatMap(Layer.build(PostgresStore.layerClient(options(url))), (context) =>
      Effect.provideContext(SqlStore.appliedSchemaVersion, context)
    )
  )
