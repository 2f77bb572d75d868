/**
 * The in-memory adapter: every storage port over plain maps, for tests, demos and single-process
 * tools. It behaves like a real store where it matters: tenant scoping, creation sequences,
 * uniqueness, optimistic concurrency, all-or-nothing transactions (copy-on-write under one
 * write lock) and the webhook outbox inside the same transactions. Credentials and webhook
 * secrets are held sealed with `SecretBox`, so what sits in memory is what a database would hold.
 *
 * @since 0.1.0
 */
import * as Outbox from "./Outbox.ts"
import { Context, type Effect, Layer } from "effect"
import { AuditLog } from "./AuditLog.ts"
import { ChangeFeed } from "./ChangeFeed.ts"
import { IdempotencyRecords } from "./IdempotencyRecords.ts"
import { makeChangeFeed } from "./internal/memory/changes.ts"
import { makeIdempotencyRecords } from "./internal/memory/idempotency.ts"
import { makeChannels, makeGroups, makeMerchants, makeSubMerchants } from "./internal/memory/entities.ts"
import { makeOutbox } from "./internal/memory/outbox.ts"
import { makeApiKeys, makeAuditLog, makeWebhookSettings, makeWhitelists } from "./internal/memory/settings.ts"
import * as MemoryStore from "./internal/memory/store.ts"
import { KeyProvider, makeEphemeral } from "./KeyProvider.ts"
import type * as Store from "./Store.ts"
import { Transaction } from "./Transaction.ts"
import * as WriteChecks from "./WriteChecks.ts"

/**
 * Every service a complete store provides: the repositories, the audit log, the unit of work,
 * the webhook outbox and the key provider its secrets are sealed with.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = Store.Services

/**
 * A window onto the in-memory store for tests: the raw state as JSON, and a fault switch.
 *
 * @since 0.1.0
 * @category services
 */
export class MemoryInspector extends Context.Service<
  MemoryInspector,
  {
    /** Everything held, as JSON: sealed secrets stay sealed, exactly as they sit in memory. */
    readonly dump: Effect.Effect<string>
    /** Makes the next write fail with `Unavailable` (inside a transaction, the transaction rolls back). */
    readonly failNextWrite: Effect.Effect<void>
  }
>()("@paymux/store/Memory/MemoryInspector") {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The keys secrets are sealed with; default: a fresh random key for this store's lifetime. */
  readonly keyProvider?: KeyProvider["Service"] | undefined
}

/** The port alone, without what only the merchant removal uses. */
const portOf = <A extends { readonly count: unknown; readonly forget: unknown }>({ count: _, forget: __, ...port }: A) => port

/**
 * Builds a fresh, empty store and all its services.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Context.Context<Services | MemoryInspector> => {
  const keys = options.keyProvider ?? makeEphemeral()
  const store = MemoryStore.make(keys)
  const changes = makeChangeFeed(store)
  const idempotency = makeIdempotencyRecords()
  const repositories = WriteChecks.checkedRepositories({
    merchants: makeMerchants(store, { changes, idempotency }),
    subMerchants: makeSubMerchants(store),
    channels: makeChannels(store),
    groups: makeGroups(store),
    webhookSettings: makeWebhookSettings(store),
    whitelists: makeWhitelists(store),
    apiKeys: makeApiKeys(store)
  })
  return repositories.pipe(
    Context.add(AuditLog, WriteChecks.checkedAuditLog(makeAuditLog(store))),
    Context.add(Transaction, Transaction.of({ withTransaction: store.withTransaction })),
    Context.add(Outbox.Outbox, WriteChecks.checkedOutbox(makeOutbox(store))),
    Context.add(ChangeFeed, WriteChecks.checkedChangeFeed(portOf(changes))),
    Context.add(IdempotencyRecords, WriteChecks.checkedIdempotencyRecords(portOf(idempotency))),
    Context.add(KeyProvider, keys),
    Context.add(MemoryInspector, MemoryInspector.of({ dump: store.dump, failNextWrite: store.failNextWrite }))
  )
}

/**
 * Provides every storage port from a fresh, empty in-memory store (one per build of the layer).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Services | MemoryInspector> => Layer.syncContext(() => make(options))

/**
 * Like `layer`, with the keys taken from a `KeyProvider` layer (e.g. `KeyProvider.layerConfig()`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithKeys: Layer.Layer<Services | MemoryInspector, never, KeyProvider> = Layer.effectContext(
  KeyProvider.useSync((keyProvider) => make({ keyProvider }))
)
