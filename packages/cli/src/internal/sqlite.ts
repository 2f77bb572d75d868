/** Loaded on demand: the SQLite adapter (and better-sqlite3) only for store-backed commands. */
import { type KeyProvider, SqlStore, type StoreError } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import type * as Layer from "effect/Layer"

export const layer = (filename: string, upgrade: boolean): Layer.Layer<SqlStore.Services, StoreError.StoreError, KeyProvider.KeyProvider> =>
  SqliteStore.layer({ filename, upgrade })

/** The schema version this release's store writes. */
export const schemaVersion: number = SqlStore.schemaVersion
