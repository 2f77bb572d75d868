/**
 * Resolution across merchants, and the Effect API: a `ChannelResolver` service over a directory
 * of indexes, with group draws taken from Effect's `Random` so a seeded `Random` reproduces them.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Random, Result } from "effect"
import * as ChannelIndex from "./ChannelIndex.ts"
import { quiet } from "./internal/quiet.ts"
import type { Resolution, ResolveRequest } from "./Resolution.ts"
import { type ResolutionError, UnknownMerchant } from "./ResolutionError.ts"

/**
 * Finds the index of a merchant code. A host keeps indexes wherever it likes (a map refreshed on
 * change, a cache that builds on first use) and hands the resolver this function.
 *
 * @since 0.1.0
 * @category models
 */
export type Directory = (merchant: string) => ChannelIndex.ChannelIndex | undefined

/**
 * A directory over a fixed set of indexes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const directory = (indexes: Iterable<ChannelIndex.ChannelIndex>): Directory => {
  const byCode = new Map<string, ChannelIndex.ChannelIndex>()
  for (const index of indexes) byCode.set(index.merchant.code, index)
  return (merchant) => byCode.get(merchant)
}

/**
 * Resolves a request against the index of its merchant; `UnknownMerchant` when there is none.
 *
 * @since 0.1.0
 * @category resolution
 */
export const resolveSync = (
  lookup: Directory,
  request: ResolveRequest,
  random: () => number = Math.random
): Result.Result<Resolution, ResolutionError> => {
  const index = lookup(request.merchant)
  return index === undefined
    ? Result.fail(quiet(UnknownMerchant, "UnknownMerchant", { merchant: request.merchant }))
    : ChannelIndex.resolve(index, request, random)
}

/**
 * `ChannelIndex.resolve` as an Effect. A group request draws its number from the `Random`
 * service; other requests draw nothing.
 *
 * @since 0.1.0
 * @category resolution
 */
export const resolve = (index: ChannelIndex.ChannelIndex, request: ResolveRequest): Effect.Effect<Resolution, ResolutionError> =>
  request.groupId === undefined || request.channelKey !== undefined
    ? Effect.suspend(() => Effect.fromResult(ChannelIndex.resolve(index, request)))
    : Effect.flatMap(Random.next, (x) => Effect.fromResult(ChannelIndex.resolve(index, request, () => x)))

/**
 * The resolver as a service, for programs that look merchants up by code.
 *
 * @since 0.1.0
 * @category services
 */
export class ChannelResolver extends Context.Service<ChannelResolver, {
  readonly resolve: (request: ResolveRequest) => Effect.Effect<Resolution, ResolutionError>
}>()("@paymux/channel-resolver/ChannelResolver") {}

/**
 * Provides `ChannelResolver` over a directory.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (lookup: Directory): Layer.Layer<ChannelResolver> =>
  Layer.succeed(ChannelResolver, ChannelResolver.of({
    resolve: (request) =>
      Effect.suspend(() => {
        const index = lookup(request.merchant)
        return index === undefined ? Effect.fail(new UnknownMerchant({ merchant: request.merchant })) : resolve(index, request)
      })
  }))
