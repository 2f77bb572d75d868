/**
 * Channel indexes per merchant, built on first use and dropped whenever a change could alter a
 * resolution (channels, tiers, groups, the merchant's policy or default). The cache is per
 * process: each rebuilds after its own writes, `CacheSync` drops what other processes on the same
 * store changed (within its poll interval, sooner on PostgreSQL), and `ttlMillis` stays the bound
 * should that fail.
 *
 * @since 0.1.0
 */
import { type ChannelIndex, ChannelResolver } from "@paymux/channel-resolver"
import { Cause, Context, Deferred, Effect, Exit, Layer } from "effect"

/**
 * @since 0.1.0
 * @category services
 */
export class ResolverCache extends Context.Service<
  ResolverCache,
  {
    /**
     * The merchant's index: the cached one while it is younger than the TTL, otherwise `build`'s.
     * Concurrent callers that miss share one build, and a build that a change overtook (an
     * `invalidate` while it ran) is handed to its callers but not cached.
     */
    readonly index: <E, R>(
      merchant: string,
      now: number,
      build: Effect.Effect<ChannelIndex.ChannelIndex, E, R>
    ) => Effect.Effect<ChannelIndex.ChannelIndex, E, R>
    readonly invalidate: (merchant: string) => void
    /** Drops every index (when changes may have been missed). */
    readonly invalidateAll: () => void
  }
>()("@paymux/admin/ResolverCache") {}

/**
 * How long an index is reused by default: 5 s.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTtlMillis = 5_000

/**
 * A cache whose entries live at most `ttlMillis` (default `defaultTtlMillis`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: { readonly ttlMillis?: number | undefined } = {}): Layer.Layer<ResolverCache> =>
  Layer.sync(ResolverCache, () => {
    const ttl = options.ttlMillis ?? defaultTtlMillis
    const indexes = ChannelResolver.directory()
    const builtAt = new Map<string, number>()
    // A merchant's builds in flight, and how many times it was invalidated: a build started before
    // a change must not be cached after it (it read the channels as they were).
    const building = new Map<string, Deferred.Deferred<ChannelIndex.ChannelIndex, unknown>>()
    const changes = new Map<string, number>()
    const invalidate = (merchant: string): void => {
      indexes.delete(merchant)
      builtAt.delete(merchant)
      building.delete(merchant)
      changes.set(merchant, (changes.get(merchant) ?? 0) + 1)
    }
    const cached = (merchant: string, now: number): ChannelIndex.ChannelIndex | undefined => {
      const at = builtAt.get(merchant)
      if (at === undefined) return undefined
      if (now - at > ttl) {
        indexes.delete(merchant)
        builtAt.delete(merchant)
        return undefined
      }
      return indexes.get(merchant)
    }
    const index = <E, R>(
      merchant: string,
      now: number,
      build: Effect.Effect<ChannelIndex.ChannelIndex, E, R>
    ): Effect.Effect<ChannelIndex.ChannelIndex, E, R> =>
      Effect.suspend(() => {
        const hit = cached(merchant, now)
        if (hit !== undefined) return Effect.succeed(hit)
        const shared = building.get(merchant)
        if (shared !== undefined) {
          // The builder's outcome, unless the builder was interrupted (its caller went away):
          // then this caller builds for itself.
          return Effect.flatMap(Effect.exit(Deferred.await(shared)), (exit) =>
            Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)
              ? index(merchant, now, build)
              : (exit as Exit.Exit<ChannelIndex.ChannelIndex, E>)
          )
        }
        const deferred = Deferred.makeUnsafe<ChannelIndex.ChannelIndex, unknown>()
        const seen = changes.get(merchant) ?? 0
        building.set(merchant, deferred)
        return build.pipe(
          Effect.tap((built) =>
            Effect.sync(() => {
              if ((changes.get(merchant) ?? 0) !== seen) return
              indexes.set(built)
              builtAt.set(merchant, now)
            })
          ),
          Effect.onExit((exit) => {
            if (building.get(merchant) === deferred) building.delete(merchant)
            return Deferred.done(deferred, exit)
          })
        )
      })
    return ResolverCache.of({
      index,
      invalidate,
      invalidateAll: () => {
        for (const merchant of new Set([...builtAt.keys(), ...building.keys()])) invalidate(merchant)
      }
    })
  })
