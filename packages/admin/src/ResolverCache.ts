/**
 * Channel indexes per merchant, built on first use and dropped whenever a change could alter a
 * resolution (channels, tiers, groups, the merchant's policy or default). The cache is per
 * process: with several processes on one PostgreSQL store, each rebuilds after its own writes,
 * and `ttlMillis` bounds how long another process's change can go unseen.
 *
 * @since 0.1.0
 */
import type { ChannelIndex } from "@paymux/channel-resolver"
import { Context, Layer } from "effect"

interface Entry {
  readonly index: ChannelIndex.ChannelIndex
  readonly builtAt: number
}

/**
 * @since 0.1.0
 * @category services
 */
export class ResolverCache extends Context.Service<ResolverCache, {
  readonly get: (merchant: string, now: number) => ChannelIndex.ChannelIndex | undefined
  readonly set: (merchant: string, index: ChannelIndex.ChannelIndex, now: number) => void
  readonly invalidate: (merchant: string) => void
}>()("@paymux/admin/ResolverCache") {}

/**
 * A cache whose entries live at most `ttlMillis` (default 5 s).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: { readonly ttlMillis?: number } = {}): Layer.Layer<ResolverCache> =>
  Layer.sync(ResolverCache, () => {
    const ttl = options.ttlMillis ?? 5_000
    const entries = new Map<string, Entry>()
    return ResolverCache.of({
      get: (merchant, now) => {
        const entry = entries.get(merchant)
        if (entry === undefined) return undefined
        if (now - entry.builtAt > ttl) {
          entries.delete(merchant)
          return undefined
        }
        return entry.index
      },
      set: (merchant, index, now) => {
        entries.set(merchant, { index, builtAt: now })
      },
      invalidate: (merchant) => {
        entries.delete(merchant)
      }
    })
  })
