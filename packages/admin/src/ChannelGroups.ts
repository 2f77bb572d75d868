/**
 * Channel groups: weighted routing among channels of one mode.
 *
 * @since 0.1.0
 */
import { ChannelGroup, type ChannelTerms, Identifiers, type DomainError } from "@paymux/domain"
import { Repositories, Transaction, type StoreError } from "@paymux/store"
import { Clock, Effect } from "effect"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"
import { expectedVersion } from "./internal/version.ts"
import { ResolverCache } from "./ResolverCache.ts"

/**
 * Creates a group: 1-10 of the merchant's channels of one mode, weights summing to 100.
 *
 * @since 0.1.0
 * @category use cases
 */
export const create = (input: {
  readonly merchant: string
  readonly name: string
  readonly mode: ChannelTerms.Mode
  readonly members: ReadonlyArray<{ readonly channel: string; readonly weight: number }>
}): Effect.Effect<ChannelGroup.ChannelGroup, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const merchant = yield* Effect.fromResult(Identifiers.decodeMerchantCode(input.merchant))
    const id = yield* Identifiers.generateChannelGroupId
    const createdAt = yield* Clock.currentTimeMillis
    const channels = yield* Repositories.ChannelRepository
    const groups = yield* Repositories.ChannelGroupRepository
    const tx = yield* Transaction.Transaction
    const cache = yield* ResolverCache
    const saved = yield* tx.withTransaction(
      Effect.gen(function* () {
        const owned = yield* channels.list(merchant)
        const group = yield* Effect.fromResult(ChannelGroup.make({ ...input, id, merchant, createdAt }, owned))
        const saved = yield* groups.create(group)
        yield* audit({ merchant, action: "group.create", target: saved.id, after: saved })
        return saved
      })
    )
    cache.invalidate(merchant)
    return saved
  })

/**
 * @since 0.1.0
 * @category use cases
 */
export const list = (
  merchant: string
): Effect.Effect<ReadonlyArray<ChannelGroup.ChannelGroup>, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const groups = yield* Repositories.ChannelGroupRepository
    return yield* groups.list(code)
  })

/**
 * Edits a group's name, members or weights, re-checking every rule of `create`. With `version`,
 * only if it is still at that version.
 *
 * @since 0.1.0
 * @category use cases
 */
export const edit = (
  merchant: string,
  id: string,
  patch: {
    readonly name?: string | undefined
    readonly members?: ReadonlyArray<{ readonly channel: string; readonly weight: number }> | undefined
  },
  options: { readonly version?: number | undefined } = {}
): Effect.Effect<ChannelGroup.ChannelGroup, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const groupId = yield* Effect.fromResult(Identifiers.decodeChannelGroupId(id))
    const channels = yield* Repositories.ChannelRepository
    const groups = yield* Repositories.ChannelGroupRepository
    const tx = yield* Transaction.Transaction
    const cache = yield* ResolverCache
    const saved = yield* tx.withTransaction(
      Effect.gen(function* () {
        const before = yield* groups.get(code, groupId)
        const owned = yield* channels.list(code)
        const rebuilt = yield* Effect.fromResult(
          ChannelGroup.make(
            {
              id: before.id,
              merchant: before.merchant,
              name: patch.name ?? before.name,
              mode: before.mode,
              members: patch.members ?? before.members,
              createdAt: before.createdAt
            },
            owned
          )
        )
        const saved = yield* groups.update({ ...rebuilt, version: yield* expectedVersion(options.version, before.version) })
        yield* audit({ merchant: code, action: "group.edit", target: saved.id, before, after: saved })
        return saved
      })
    )
    cache.invalidate(code)
    return saved
  })

/**
 * Deletes a group; its channels stay. With `version`, only if it is still at that version.
 *
 * @since 0.1.0
 * @category use cases
 */
export const remove = (
  merchant: string,
  id: string,
  options: { readonly version?: number | undefined } = {}
): Effect.Effect<void, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const groupId = yield* Effect.fromResult(Identifiers.decodeChannelGroupId(id))
    const groups = yield* Repositories.ChannelGroupRepository
    const tx = yield* Transaction.Transaction
    const cache = yield* ResolverCache
    yield* tx.withTransaction(
      Effect.gen(function* () {
        const before = yield* groups.get(code, groupId)
        yield* groups.remove(code, groupId, yield* expectedVersion(options.version, before.version))
        yield* audit({ merchant: code, action: "group.remove", target: groupId, before })
      })
    )
    cache.invalidate(code)
  })
