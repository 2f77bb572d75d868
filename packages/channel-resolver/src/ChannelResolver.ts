/**
 * Resolution across merchants, and the Effect API: a `ChannelResolver` service over a directory
 * of indexes, with group draws taken from Effect's `Random` so a seeded `Random` reproduces them.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Random, Result } from "effect"
import * as ChannelIndex from "./ChannelIndex.ts"
import type { Resolution, ResolveRequest } from "./Resolution.ts"
import { type ResolutionError, UnknownMerchant } from "./ResolutionError.ts"

/** Finds a merchant's index, for hosts that keep indexes elsewhere. @since 0.1.0 @category models */
export type IndexLookup = (merchant: string) => ChannelIndex.ChannelIndex | undefined

/** Many merchants' indexes by merchant code, resolving across them. @since 0.1.0 @category models */
export class Directory {
  private readonly indexes = new Map<string, ChannelIndex.ChannelIndex>()

  constructor(indexes: Iterable<ChannelIndex.ChannelIndex> = []) {
    for (const index of indexes) this.set(index)
  }

  get size(): number {
    return this.indexes.size
  }

  get(merchant: string): ChannelIndex.ChannelIndex | undefined {
    return this.indexes.get(merchant)
  }

  /** Adds the index of its merchant, replacing the one it had (its channels changed). */
  set(index: ChannelIndex.ChannelIndex): this {
    this.indexes.set(index.merchant.code, index)
    return this
  }

  delete(merchant: string): boolean {
    return this.indexes.delete(merchant)
  }

  resolve(request: ResolveRequest, random?: () => number): Result.Result<Resolution, ResolutionError> {
    return resolveSync(this, request, random)
  }
}

/** A directory of the given indexes (a later one of a merchant wins). @since 0.1.0 @category constructors */
export const directory = (indexes: Iterable<ChannelIndex.ChannelIndex> = []): Directory => new Directory(indexes)

/** Resolves a request against its merchant's index, if any. @since 0.1.0 @category resolution */
export const resolveSync = (
  lookup: Directory | IndexLookup,
  request: ResolveRequest,
  random?: () => number
): Result.Result<Resolution, ResolutionError> => {
  const index = typeof lookup === "function" ? lookup(request.merchant) : lookup.get(request.merchant)
  return index === undefined
    ? Result.fail(new UnknownMerchant({ merchant: request.merchant }))
    : ChannelIndex.resolve(index, request, random)
}

/** Runs a synchronous resolution, drawing a number from `Random` only when it routes through a group. */
const withRandom = (
  request: ResolveRequest,
  run: (random?: () => number) => Result.Result<Resolution, ResolutionError>
): Effect.Effect<Resolution, ResolutionError> =>
  request.groupId === undefined || request.channelKey !== undefined
    ? Effect.suspend(() => Effect.fromResult(run()))
    : Effect.flatMap(Random.next, (x) => Effect.fromResult(run(() => x)))

/** `ChannelIndex.resolve` as an Effect; group draws use `Random`. @since 0.1.0 @category resolution */
export const resolve = (index: ChannelIndex.ChannelIndex, request: ResolveRequest): Effect.Effect<Resolution, ResolutionError> =>
  withRandom(request, (random) => ChannelIndex.resolve(index, request, random))

/** The resolver as a service, for programs that look merchants up by code. @since 0.1.0 @category services */
export class ChannelResolver extends Context.Service<
  ChannelResolver,
  { readonly resolve: (request: ResolveRequest) => Effect.Effect<Resolution, ResolutionError> }
>()("@paymux/channel-resolver/ChannelResolver") {}

/** `ChannelResolver` over a directory or a lookup function. @since 0.1.0 @category layers */
export const layer = (lookup: Directory | IndexLookup): Layer.Layer<ChannelResolver> =>
  Layer.succeed(
    ChannelResolver,
    ChannelResolver.of({ resolve: (request) => withRandom(request, (random) => resolveSync(lookup, request, random)) })
  )
