/** Loaded on demand: the PostgreSQL adapter only for store-backed commands on a postgres:// URL. */
import type { KeyProvider, SqlStore, StoreError } from "@paymux/store"
import { PostgresStore } from "@paymux/store-postgres"
import * as Redacted from "effect/Redacted"
import type * as Layer from "effect/Layer"

// A CLI run holds one connection at a time; a short timeout makes a wrong URL fail fast (exit 3).
export const layer = (url: string): Layer.Layer<SqlStore.Services, StoreError.StoreError, KeyProvider.KeyProvider> =>
  PostgresStore.layer({ url: Redacted.make(url), maxConnections: 2, connectTimeoutMillis: 5_000 })
