/**
 * Merchants and sub-merchants (tiers): merchants created, listed, shown, renamed, given a
 * policy and removed with everything stored for them; tiers created, listed, renamed and removed. A merchant's default channel and a
 * channel's tier assignment are channel operations (`Channels`).
 *
 * @since 0.1.0
 */
import { DomainError, Identifiers, Input, Merchant, SubMerchant } from "@paymux/domain"
import { ChangeFeed, Repositories, type StoreError, Transaction } from "@paymux/store"
import { Clock, Effect, Schema } from "effect"
import { invalidating } from "./AccessCache.ts"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"
import { expectedVersion } from "./internal/version.ts"
import { ResolverCache } from "./ResolverCache.ts"

/**
 * Creates a merchant. Without a code, one is drawn at random (`imp` + 8 digits).
 *
 * @since 0.1.0
 * @category use cases
 */
export const create = (input: {
  readonly name: string
  readonly code?: string | undefined
  readonly policy?: Merchant.DefaultChannelPolicy | undefined
}): Effect.Effect<Merchant.Merchant, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const repo = yield* Repositories.MerchantRepository
    const tx = yield* Transaction.Transaction
    const code = input.code ?? (yield* Identifiers.generateMerchantCode)
    const createdAt = yield* Clock.currentTimeMillis
    const merchant = yield* Effect.fromResult(
      Merchant.make({ code, name: input.name, createdAt, ...(input.policy ? { policy: input.policy } : {}) })
    )
    return yield* tx.withTransaction(
      Effect.gen(function* () {
        const saved = yield* repo.create(merchant)
        yield* audit({ merchant: saved.code, action: "merchant.create", target: saved.code, after: saved })
        return saved
      })
    )
  })

/**
 * @since 0.1.0
 * @category use cases
 */
export const list = (): Effect.Effect<ReadonlyArray<Merchant.Merchant>, StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const repo = yield* Repositories.MerchantRepository
    return yield* repo.list()
  })

/**
 * @since 0.1.0
 * @category use cases
 */
export const get = (code: string): Effect.Effect<Merchant.Merchant, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const merchant = yield* Effect.fromResult(Identifiers.decodeMerchantCode(code))
    const repo = yield* Repositories.MerchantRepository
    return yield* repo.get(merchant)
  })

/**
 * Chooses what an unmatched `pg` does: `fallback` to the default channel or `strict` failure.
 *
 * @since 0.1.0
 * @category use cases
 */
export const setPolicy = (
  code: string,
  policy: Merchant.DefaultChannelPolicy
): Effect.Effect<Merchant.Merchant, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  updateMerchant(code, "merchant.policy", (m) => Effect.fromResult(Merchant.setPolicy(m, policy)))

/**
 * Reads, changes and writes a merchant in one transaction with its audit entry. What `change`
 * returns is checked before it is written: a merchant that would not read back (a name out of
 * bounds, an unknown policy) is `InvalidInput`, and so is a change of its code.
 *
 * @since 0.1.0
 * @category use cases
 */
export const updateMerchant = <E, R>(
  code: string,
  action: string,
  change: (merchant: Merchant.Merchant) => Effect.Effect<Merchant.Merchant, E, R>
): Effect.Effect<Merchant.Merchant, E | DomainError.InvalidInput | StoreError.StoreError, AdminServices | R> =>
  Effect.gen(function* () {
    const merchantCode = yield* Effect.fromResult(Identifiers.decodeMerchantCode(code))
    const repo = yield* Repositories.MerchantRepository
    const tx = yield* Transaction.Transaction
    const cache = yield* ResolverCache
    const saved = yield* tx.withTransaction(
      Effect.gen(function* () {
        const before = yield* repo.get(merchantCode)
        const after = yield* Effect.fromResult(Merchant.decode(yield* change(before)))
        if (after.code !== before.code) {
          return yield* new DomainError.InvalidInput({
            field: "code",
            value: JSON.stringify(after.code),
            rule: `a change of merchant ${before.code} keeps its code`
          })
        }
        const saved = yield* repo.update(after)
        yield* audit({ merchant: saved.code, action, target: saved.code, before, after: saved })
        return saved
      })
    )
    cache.invalidate(saved.code)
    return saved
  })

/**
 * What `remove` did: the merchant removed, and how many rows of each kind went with it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Removal {
  readonly merchant: Identifiers.MerchantCode
  readonly removed: Repositories.RemovedCounts
}

/** The action of the one audit entry a removal leaves (see `remove`). */
const removeAction = "merchant.remove"

const checkConfirm = Input.decoder(Schema.Struct({ confirm: Schema.String }))

/**
 * Removes a merchant and everything stored for it (`MerchantRepository.remove`: sub-merchants,
 * channels and their credentials, groups, webhook settings and signing secrets, the whitelist,
 * API keys, webhook deliveries with their payloads, `Idempotency-Key` records, change-feed
 * entries and the audit trail), in one transaction. A destructive step must not be one typo
 * away: `confirm` must repeat the merchant code, else `InvalidInput` and nothing is read.
 *
 * The merchant's API keys stop authenticating at once: this process's caches drop its keys,
 * whitelist and resolver index, and the change feed tells other processes in the same
 * transaction (their caches follow within `CacheSync`'s bound).
 *
 * What stays: one audit entry `merchant.remove` under the merchant code, appended after the
 * purge in the same transaction, naming the actor and holding only the counts (no name, URL or
 * other data of the merchant); so the trail shows who removed the merchant and when, and a
 * merchant later created with the same code shows that its code was used before. The change feed
 * keeps the invalidations naming the code and key ids until it is pruned (`retainedChanges`).
 * Backups and database free space are outside its reach (see the offboarding guide).
 *
 * @since 0.1.0
 * @category use cases
 */
export const remove = (
  code: string,
  options: { readonly confirm: string }
): Effect.Effect<Removal, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const merchant = yield* Effect.fromResult(Identifiers.decodeMerchantCode(code))
    const { confirm } = yield* Effect.fromResult(checkConfirm(options))
    if (confirm !== merchant) {
      return yield* new DomainError.InvalidInput({
        field: "confirm",
        value: JSON.stringify(confirm),
        rule: `removing merchant ${merchant} deletes everything stored for it: confirm with its code, ${merchant}`
      })
    }
    const merchants = yield* Repositories.MerchantRepository
    const apiKeys = yield* Repositories.ApiKeyRepository
    const feed = yield* ChangeFeed.ChangeFeed
    const tx = yield* Transaction.Transaction
    const resolver = yield* ResolverCache
    const keyIds: Array<string> = []
    const removed = yield* tx
      .withTransaction(
        Effect.gen(function* () {
          keyIds.push(...(yield* apiKeys.list(merchant)).map((k) => k.id))
          const removed = yield* merchants.remove(merchant)
          // Published after the purge, which deletes the feed's earlier entries naming them.
          yield* Effect.forEach(keyIds, (key) => feed.publish({ topic: "api-key", key }), { discard: true })
          yield* feed.publish({ topic: "whitelist", key: merchant })
          // Publishes the resolver change too (CacheSync.changeOf).
          yield* audit({ merchant, action: removeAction, target: merchant, after: { removed } })
          return removed
        })
      )
      .pipe(
        invalidating((cache) => {
          for (const key of keyIds) cache.invalidateKey(key)
          cache.invalidateWhitelist(merchant)
        }),
        Effect.ensuring(Effect.sync(() => resolver.invalidate(merchant)))
      )
    return { merchant, removed }
  })

/**
 * Creates a sub-merchant (tier) under a merchant.
 *
 * @since 0.1.0
 * @category use cases
 */
export const createSubMerchant = (input: {
  readonly merchant: string
  readonly tier: string
  readonly name?: string | undefined
}): Effect.Effect<SubMerchant.SubMerchant, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const createdAt = yield* Clock.currentTimeMillis
    const sub = yield* Effect.fromResult(SubMerchant.make({ ...input, createdAt }))
    const merchants = yield* Repositories.MerchantRepository
    const repo = yield* Repositories.SubMerchantRepository
    const tx = yield* Transaction.Transaction
    return yield* tx.withTransaction(
      Effect.gen(function* () {
        yield* merchants.get(sub.merchant)
        const saved = yield* repo.create(sub)
        yield* audit({ merchant: saved.merchant, action: "submerchant.create", target: saved.tier, after: saved })
        return saved
      })
    )
  })

/**
 * @since 0.1.0
 * @category use cases
 */
export const listSubMerchants = (
  merchant: string
): Effect.Effect<ReadonlyArray<SubMerchant.SubMerchant>, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const repo = yield* Repositories.SubMerchantRepository
    return yield* repo.list(code)
  })

/**
 * Renames a sub-merchant. With `version`, only if it is still at that version.
 *
 * @since 0.1.0
 * @category use cases
 */
export const renameSubMerchant = (
  merchant: string,
  tier: string,
  name: string,
  options: { readonly version?: number | undefined } = {}
): Effect.Effect<SubMerchant.SubMerchant, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const tierCode = yield* Effect.fromResult(Identifiers.decodeTierCode(tier))
    const repo = yield* Repositories.SubMerchantRepository
    const tx = yield* Transaction.Transaction
    return yield* tx.withTransaction(
      Effect.gen(function* () {
        const before = yield* repo.get(code, tierCode)
        const read = { ...before, version: yield* expectedVersion(options.version, before.version) }
        const renamed = yield* Effect.fromResult(SubMerchant.rename(read, name))
        const saved = yield* repo.update(renamed)
        yield* audit({ merchant: code, action: "submerchant.rename", target: tierCode, before, after: saved })
        return saved
      })
    )
  })

/**
 * Deletes a sub-merchant and its channel assignments; the channels stay with the parent. With
 * `version`, only if it is still at that version.
 *
 * @since 0.1.0
 * @category use cases
 */
export const removeSubMerchant = (
  merchant: string,
  tier: string,
  options: { readonly version?: number | undefined } = {}
): Effect.Effect<void, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const tierCode = yield* Effect.fromResult(Identifiers.decodeTierCode(tier))
    const repo = yield* Repositories.SubMerchantRepository
    const tx = yield* Transaction.Transaction
    const cache = yield* ResolverCache
    yield* tx.withTransaction(
      Effect.gen(function* () {
        const before = yield* repo.get(code, tierCode)
        yield* repo.remove(code, tierCode, yield* expectedVersion(options.version, before.version))
        yield* audit({ merchant: code, action: "submerchant.remove", target: tierCode, before })
      })
    )
    cache.invalidate(code)
  })
