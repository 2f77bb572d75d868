/**
 * One invalidation story for processes that share a store. Every audited change to an API key,
 * a whitelist or what channel resolution reads is published on the store's change feed inside
 * the change's own transaction (see `changeOf`); `layer` runs a fiber that follows the feed and
 * drops what other processes changed from this process's `AccessCache` and `ResolverCache`.
 *
 * The bound: a change committed by any process is dropped here within `pollMillis` (default
 * 250 ms) plus one store round trip; on PostgreSQL a `NOTIFY` wakes the fiber at once, so it is
 * usually milliseconds. Should the feed be unreachable, the caches' own TTLs still bound it.
 *
 * @since 0.1.0
 */
import { ChangeFeed, type StoreError } from "@paymux/store"
import { Effect, Layer, type Option, Queue } from "effect"
import { AccessCache, type AccessCacheService } from "./AccessCache.ts"
import { ResolverCache } from "./ResolverCache.ts"

/** @since 0.1.0 @category constants */
export const defaultPollMillis = 250

// How long to wait before subscribing again after a lost `LISTEN`.
const relistenMillis = 1_000

const resolverActions = /^(channel|group|merchant|submerchant)\./

/**
 * What an audited action changed that a cache may hold, if anything: API-key actions name the
 * key, whitelist changes (not refusals) the merchant's rules, and changes to channels, groups,
 * merchants and sub-merchants the merchant's resolver index.
 *
 * @since 0.1.0
 * @category models
 */
export const changeOf = (entry: {
  readonly merchant: string
  readonly action: string
  readonly target: string
}): ChangeFeed.Change | undefined => {
  if (entry.action.startsWith("apikey.")) return { topic: "api-key", key: entry.target }
  if (entry.action.startsWith("whitelist.") && entry.action !== "whitelist.deny") return { topic: "whitelist", key: entry.merchant }
  if (resolverActions.test(entry.action)) return { topic: "resolver", key: entry.merchant }
  return undefined
}

/**
 * Publishes what an audited action changed, if anything, in the ambient transaction.
 *
 * @since 0.1.0
 * @category use cases
 */
export const publish = (entry: {
  readonly merchant: string
  readonly action: string
  readonly target: string
}): Effect.Effect<void, StoreError.StoreError, ChangeFeed.ChangeFeed> => {
  const change = changeOf(entry)
  return change === undefined ? Effect.void : Effect.flatMap(Effect.service(ChangeFeed.ChangeFeed), (feed) => feed.publish(change))
}

/**
 * Drops what a batch of changes names from the caches (everything, when the batch is incomplete).
 *
 * @since 0.1.0
 * @category combinators
 */
export const apply = (
  batch: ChangeFeed.Batch,
  caches: { readonly access: AccessCacheService | undefined; readonly resolver: ResolverCache["Service"] }
): void => {
  if (!batch.complete) {
    caches.access?.invalidateAll()
    caches.resolver.invalidateAll()
    return
  }
  for (const change of batch.changes) {
    if (change.topic === "api-key") caches.access?.invalidateKey(change.key)
    else if (change.topic === "whitelist") caches.access?.invalidateWhitelist(change.key)
    else caches.resolver.invalidate(change.key)
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** How often the feed is read when nothing wakes the fiber; default 250 ms. */
  readonly pollMillis?: number | undefined
}

/**
 * Follows the store's change feed for the layer's lifetime (a background fiber, and on
 * PostgreSQL one listening connection). The `AccessCache` is optional: without one, only the
 * resolver cache is kept in step; without a change feed (a partial store) it does nothing, and
 * the use cases report the missing service when they need it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<never, never, ResolverCache> =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const found = yield* Effect.serviceOption(ChangeFeed.ChangeFeed)
      if (found._tag === "None") return
      const feed = found.value
      const resolver = yield* ResolverCache
      const access = yield* Effect.map(Effect.serviceOption(AccessCache), (o: Option.Option<AccessCacheService>) =>
        o._tag === "Some" ? o.value : undefined
      )
      const poll = options.pollMillis ?? defaultPollMillis
      const wake = yield* Queue.sliding<void>(1)
      // Until the feed answers, everything cached may be stale: start where the store is now.
      let cursor = yield* feed.cursor.pipe(Effect.orElseSucceed(() => -1))
      const step = Effect.flatMap(
        cursor < 0 ? Effect.map(feed.cursor, (c) => ({ cursor: c, changes: [], complete: false })) : feed.since(cursor),
        (batch) =>
          Effect.sync(() => {
            apply(batch, { access, resolver })
            cursor = batch.cursor
          })
      )
      yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.race(Queue.take(wake), Effect.sleep(poll)), Effect.ignore(step))))
      if (feed.listen !== undefined) {
        const listen = feed.listen
        const follow = Effect.scoped(
          Effect.flatMap(listen, (next) =>
            // Changes made while no one listened are found by the first read after subscribing.
            Effect.andThen(Queue.offer(wake, undefined), Effect.forever(Effect.andThen(next, Queue.offer(wake, undefined))))
          )
        )
        yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.ignore(follow), Effect.sleep(relistenMillis))))
      }
    })
  )
