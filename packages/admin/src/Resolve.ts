/**
 * Resolves a `request_pay` against the stored channels: the channel resolver over an index that
 * is cached per merchant and rebuilt after any change to its channels, tiers, groups or policy.
 *
 * @since 0.1.0
 */
import { ChannelIndex, ChannelResolver, Resolution, type ResolutionError } from "@paymux/channel-resolver"
import { Identifiers, Input, type DomainError } from "@paymux/domain"
import { Repositories, type StoreError } from "@paymux/store"
import { Clock, Effect } from "effect"
import { Catalog } from "./AdminContext.ts"
import type { AdminServices } from "./AdminServices.ts"
import { ResolverCache } from "./ResolverCache.ts"

/**
 * The merchant's index, from the cache or freshly built from the store.
 *
 * @since 0.1.0
 * @category use cases
 */
export const index = (
  merchant: string
): Effect.Effect<ChannelIndex.ChannelIndex, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const cache = yield* ResolverCache
    const now = yield* Clock.currentTimeMillis
    return yield* cache.index(code, now, build(code))
  })

/** A merchant's index, built from what the store holds now. */
const build = (code: Identifiers.MerchantCode) =>
  Effect.gen(function* () {
    const merchants = yield* Repositories.MerchantRepository
    const channels = yield* Repositories.ChannelRepository
    const subs = yield* Repositories.SubMerchantRepository
    const groups = yield* Repositories.ChannelGroupRepository
    const [m, cs, ss, gs] = yield* Effect.all([merchants.get(code), channels.list(code), subs.list(code), groups.list(code)])
    return yield* Effect.fromResult(ChannelIndex.make({ merchant: m, channels: cs, subMerchants: ss, groups: gs, catalog: yield* Catalog }))
  })

/**
 * Picks the one channel that serves a `request_pay`, or fails with the candidates it rejected and
 * why. Group draws use Effect's `Random`, so a seeded `Random` makes routing reproducible.
 *
 * @since 0.1.0
 * @category use cases
 */
export const resolve = (
  request: Resolution.ResolveRequest
): Effect.Effect<Resolution.Resolution, DomainError.DomainError | StoreError.StoreError | ResolutionError.ResolutionError, AdminServices> =>
  Effect.flatMap(Effect.fromResult(checkRequest(request)), (checked) =>
    Effect.flatMap(index(checked.merchant), (idx) => ChannelResolver.resolve(idx, checked))
  )

/**
 * A request as a Promise caller may hand it over, unchecked: each field of the type it claims
 * (a mode of "prod", or a `pg` that is a number, answered "internal error"). Every field may also
 * be `undefined`, as the interface allows.
 */
const checkRequest = Input.decoder(Resolution.ResolveRequest)
