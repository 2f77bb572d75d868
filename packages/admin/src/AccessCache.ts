/**
 * What authentication and whitelist admission reuse between calls: API keys as last read, key id
 * and secret pairs that were verified, whitelist rules and their compiled form, and how many
 * refusals were audited lately. The use cases that change keys or whitelists drop the entries
 * themselves, so the Promise facade, the CLI and the HTTP server share one invalidation story.
 * With several processes on one store, `CacheSync` drops what other processes changed (within
 * its poll interval, sooner on PostgreSQL), and `ttlMillis` stays the bound should that fail.
 *
 * Every table is bounded: past `maxEntries` the least recently used entry goes, one at a time, so
 * a flood of unknown key ids cannot push the keys in use out all at once.
 *
 * @since 0.1.0
 */
import type { ApiKey, WhitelistRules } from "@paymux/domain"
import type { Whitelist } from "@paymux/whitelist"
import { Context, Effect, Layer } from "effect"

/**
 * A table of short-lived entries. `epoch` changes on every invalidation: a value read from the
 * store before an invalidation is not kept after it (`set` with the epoch seen before the read),
 * so a read racing with a write of this process cannot bring the old value back.
 *
 * @since 0.1.0
 * @category models
 */
export interface Table<A> {
  readonly epoch: () => number
  /** The entry, `undefined` when absent or expired (a stored `undefined` comes back boxed). */
  readonly get: (key: string, now: number) => { readonly value: A } | undefined
  readonly set: (key: string, value: A, now: number, since: number) => void
  readonly delete: (key: string) => void
  readonly deleteWhere: (test: (value: A) => boolean) => void
  readonly size: () => number
}

/**
 * A verified key id and secret pair, by a digest of both (no secret is held).
 *
 * @since 0.1.0
 * @category models
 */
export interface Verified {
  readonly keyId: string
  /** The stored hash the secret was checked against: a rotation makes the entry useless. */
  readonly secretHash: string
}

/**
 * A merchant's compiled whitelist, reused while the stored rules are the same.
 *
 * @since 0.1.0
 * @category models
 */
export interface Compiled {
  readonly version: number
  readonly rules: ReadonlyArray<string>
  readonly whitelist: Whitelist.Whitelist
}

/**
 * @since 0.1.0
 * @category models
 */
export interface AccessCacheService {
  readonly ttlMillis: number
  /** Keys by id; `undefined` records that no such key exists. */
  readonly keys: Table<ApiKey.ApiKey | undefined>
  readonly verified: Table<Verified>
  readonly rules: Table<WhitelistRules.WhitelistRules>
  readonly compiled: Table<Compiled>
  /**
   * Whether a refusal for `merchant` may write an audit row now, and how many were not written
   * since the last one that was (at most `deniesPerMinute` rows a minute per merchant).
   */
  readonly denial: (merchant: string, now: number) => { readonly audit: boolean; readonly suppressed: number }
  /** Forgets what is held about a key (after issuing, rotating or revoking it). */
  readonly invalidateKey: (keyId: string) => void
  /** Forgets a merchant's whitelist (after changing it). */
  readonly invalidateWhitelist: (merchant: string) => void
  /** Forgets every key and whitelist held (when changes may have been missed). */
  readonly invalidateAll: () => void
}

/**
 * @since 0.1.0
 * @category services
 */
export class AccessCache extends Context.Service<AccessCache, AccessCacheService>()("@paymux/admin/AccessCache") {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** How long an entry is reused; default 1 s, 0 keeps nothing (the store is read every call). */
  readonly ttlMillis?: number | undefined
  /** Entries per table; default 10 000. */
  readonly maxEntries?: number | undefined
  /** Refusal audit rows per merchant and minute; default 10. */
  readonly deniesPerMinute?: number | undefined
}

/** @since 0.1.0 @category constants */
export const defaultTtlMillis = 1_000

interface Entry<A> {
  readonly value: A
  readonly until: number
}

/**
 * A bounded table with least-recently-used eviction (a `Map` keeps insertion order; a hit moves
 * the entry to the end).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTable = <A>(ttl: number, max: number): Table<A> => {
  const entries = new Map<string, Entry<A>>()
  let epoch = 0
  return {
    epoch: () => epoch,
    get: (key, now) => {
      const hit = entries.get(key)
      if (hit === undefined) return undefined
      entries.delete(key)
      if (hit.until <= now) return undefined
      entries.set(key, hit)
      return hit
    },
    set: (key, value, now, since) => {
      if (ttl <= 0 || since !== epoch) return
      entries.delete(key)
      if (entries.size >= max) {
        const oldest = entries.keys().next()
        if (oldest.done !== true) entries.delete(oldest.value)
      }
      entries.set(key, { value, until: now + ttl })
    },
    delete: (key) => {
      epoch++
      entries.delete(key)
    },
    deleteWhere: (test) => {
      epoch++
      for (const [key, entry] of entries) if (test(entry.value)) entries.delete(key)
    },
    size: () => entries.size
  }
}

/**
 * A fresh cache (what `layer` provides).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): AccessCacheService => {
  const ttl = options.ttlMillis ?? defaultTtlMillis
  const max = options.maxEntries ?? 10_000
  const perMinute = options.deniesPerMinute ?? 10
  const keys = makeTable<ApiKey.ApiKey | undefined>(ttl, max)
  const verified = makeTable<Verified>(ttl, max)
  const rules = makeTable<WhitelistRules.WhitelistRules>(ttl, max)
  // Compiled lists are checked against the rules' version, so they outlive the TTL safely.
  const compiled = makeTable<Compiled>(Number.MAX_SAFE_INTEGER, max)
  const denials = new Map<string, { windowStart: number; written: number; suppressed: number }>()
  return {
    ttlMillis: ttl,
    keys,
    verified,
    rules,
    compiled,
    denial: (merchant, now) => {
      let window = denials.get(merchant)
      if (window === undefined || now - window.windowStart >= 60_000) {
        const suppressed = window?.suppressed ?? 0
        denials.delete(merchant)
        if (denials.size >= max) denials.delete(denials.keys().next().value!)
        window = { windowStart: now, written: 0, suppressed }
        denials.set(merchant, window)
      }
      if (window.written >= perMinute) {
        window.suppressed++
        return { audit: false, suppressed: 0 }
      }
      window.written++
      const suppressed = window.suppressed
      window.suppressed = 0
      return { audit: true, suppressed }
    },
    invalidateKey: (keyId) => {
      keys.delete(keyId)
      verified.deleteWhere((v) => v.keyId === keyId)
    },
    invalidateWhitelist: (merchant) => {
      rules.delete(merchant)
    },
    invalidateAll: () => {
      keys.deleteWhere(() => true)
      verified.deleteWhere(() => true)
      rules.deleteWhere(() => true)
    }
  }
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<AccessCache> => Layer.sync(AccessCache, () => make(options))

/**
 * Runs `invalidate` on the cache in context, if any (a use case without a cache keeps nothing).
 *
 * @since 0.1.0
 * @category combinators
 */
export const invalidating =
  (invalidate: (cache: AccessCacheService) => void) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.ensuring(
      self,
      Effect.map(Effect.serviceOption(AccessCache), (o) => {
        if (o._tag === "Some") invalidate(o.value)
      })
    )
