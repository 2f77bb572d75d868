/** Loaded on demand: the PostgreSQL adapter only for store-backed commands on a postgres:// URL. */
import type { KeyProvider, SqlStore, StoreError } from "@paymux/store"
import { PostgresStore } from "@paymux/store-postgres"
import * as Redacted from "effect/Redacted"
import type * as Layer from "effect/Layer"

// The store's own pool size: connections open as they are needed, so a command uses one or two,
// and `serve` answers /health and reads while a write waits for a lock (a pool of 2 did not). A
// short timeout makes a wrong URL fail fast (exit 3).
export const layer = (url: string): Layer.Layer<SqlStore.Services, StoreError.StoreError, KeyProvider.KeyProvider> =>
  PostgresStore.layer({ url: Redacted.make(url), connectTimeoutMillis: 5_000 })
