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
import { Context, Layer } from "effect"

/**
 * @since 0.1.0
 * @category services
 */
export class ResolverCache extends Context.Service<
  ResolverCache,
  {
    readonly get: (merchant: string, now: number) => ChannelIndex.ChannelIndex | undefined
    readonly set: (merchant: string, index: ChannelIndex.ChannelIndex, now: number) => void
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
    const invalidate = (merchant: string): void => {
      indexes.delete(merchant)
      builtAt.delete(merchant)
    }
    return ResolverCache.of({
      get: (merchant, now) => {
        const at = builtAt.get(merchant)
        if (at === undefined) return undefined
        if (now - at > ttl) {
          invalidate(merchant)
          return undefined
        }
        return indexes.get(merchant)
      },
      set: (merchant, index, now) => {
        indexes.set(index)
        builtAt.set(merchant, now)
      },
      invalidate,
      invalidateAll: () => {
        for (const merchant of [...builtAt.keys()]) invalidate(merchant)
      }
    })
  })
