/**
 * API keys: issue (the secret is shown once), list, rotate (the old secret stops working at once),
 * revoke, and verify a presented key. Only a keyed hash of each secret is stored.
 *
 * @since 0.1.0
 */
import { ApiKey, Identifiers, type DomainError } from "@paymux/domain"
import { Repositories, SecretHasher, StoreError, Transaction } from "@paymux/store"
import { Clock, Effect, Redacted } from "effect"
import * as Access from "./Access.ts"
import * as AdminContext from "./AdminContext.ts"
import { invalidating } from "./AccessCache.ts"
import type { Unauthenticated } from "./AdminError.ts"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"

/**
 * A key as listed: never its secret or hash.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiKeyView {
  readonly id: string
  readonly merchant: string
  readonly name: string
  readonly createdAt: number
  readonly expiresAt?: number
  readonly revokedAt?: number
  readonly status: "active" | "expired" | "revoked"
}

/**
 * A newly issued or rotated key with its secret: show the secret once, then drop it.
 *
 * @since 0.1.0
 * @category models
 */
export interface IssuedKey {
  readonly key: ApiKeyView
  readonly secret: Redacted.Redacted<string>
}

/**
 * @since 0.1.0
 * @category getters
 */
export const view = (key: ApiKey.ApiKey, now: number): ApiKeyView => ({
  id: key.id,
  merchant: key.merchant,
  name: key.name,
  createdAt: key.createdAt,
  ...(key.expiresAt === undefined ? {} : { expiresAt: key.expiresAt }),
  ...(key.revokedAt === undefined ? {} : { revokedAt: key.revokedAt }),
  status: ApiKey.unusableReason(key, now) ?? "active"
})

const redactedKey = (key: ApiKey.ApiKey) => ({
  id: key.id,
  name: key.name,
  expiresAt: key.expiresAt ?? null,
  revokedAt: key.revokedAt ?? null
})

/**
 * Issues a key for a merchant, optionally expiring at `expiresAt` (epoch ms). When the actor is an
 * API key that expires, the new key must expire no later (`outlives-caller`).
 *
 * @since 0.1.0
 * @category use cases
 */
export const issue = (input: {
  readonly merchant: string
  readonly name: string
  readonly expiresAt?: number | undefined
}): Effect.Effect<IssuedKey, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const merchant = yield* Effect.fromResult(Identifiers.decodeMerchantCode(input.merchant))
    const now = yield* Clock.currentTimeMillis
    const id = yield* Identifiers.generateApiKeyId
    const { secret, hash } = yield* SecretHasher.issue
    const key = yield* Effect.fromResult(
      ApiKey.make({ id, merchant, name: input.name, secretHash: hash, createdAt: now, expiresAt: input.expiresAt })
    )
    const merchants = yield* Repositories.MerchantRepository
    const keys = yield* Repositories.ApiKeyRepository
    const tx = yield* Transaction.Transaction
    const saved = yield* tx.withTransaction(
      Effect.gen(function* () {
        yield* merchants.get(merchant)
        yield* withinActorLifetime(key.expiresAt)
        const saved = yield* keys.create(key)
        yield* audit({ merchant, action: "apikey.issue", target: saved.id, after: redactedKey(saved) })
        return saved
      })
    )
    return { key: view(saved, now), secret }
  }).pipe(
    // A new id cannot be cached yet, unless someone tried it first: forget that too.
    Effect.tap((issued) => invalidating((cache) => cache.invalidateKey(issued.key.id))(Effect.void))
  )

/**
 * @since 0.1.0
 * @category use cases
 */
export const list = (
  merchant: string
): Effect.Effect<ReadonlyArray<ApiKeyView>, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const keys = yield* Repositories.ApiKeyRepository
    const now = yield* Clock.currentTimeMillis
    return (yield* keys.list(code)).map((k) => view(k, now))
  })

/**
 * An API key acting through the API (the actor) issues, rotates and revokes no key that outlives
 * it (`ApiKey.mayManage`); the CLI and the host app act as themselves and have no such bound.
 */
const withinActorLifetime = (expiresAt: number | undefined) =>
  Effect.gen(function* () {
    const actor = yield* AdminContext.Actor
    if (actor.kind !== "api-key") return
    const keyId = yield* Effect.fromResult(Identifiers.decodeApiKeyId(actor.id))
    const acting = yield* (yield* Repositories.ApiKeyRepository).get(keyId)
    yield* Effect.fromResult(ApiKey.mayManage(acting, expiresAt))
  })

const ownKey = (merchant: string, id: string) =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const keyId = yield* Effect.fromResult(Identifiers.decodeApiKeyId(id))
    const keys = yield* Repositories.ApiKeyRepository
    const key = yield* keys.get(keyId)
    // Another merchant's key looks exactly like a missing one.
    if (key.merchant !== code) return yield* StoreError.notFound("API key", keyId)
    return key
  })

/**
 * Replaces a key's secret. The old secret is refused from the moment this commits. When the actor
 * is an API key that expires, the key it rotates must expire no later (`outlives-caller`).
 *
 * @since 0.1.0
 * @category use cases
 */
export const rotate = (
  merchant: string,
  id: string
): Effect.Effect<IssuedKey, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const keys = yield* Repositories.ApiKeyRepository
    const tx = yield* Transaction.Transaction
    const { secret, hash } = yield* SecretHasher.issue
    const saved = yield* tx.withTransaction(
      Effect.gen(function* () {
        const before = yield* ownKey(merchant, id)
        yield* withinActorLifetime(before.expiresAt)
        const after = yield* Effect.fromResult(ApiKey.rotate(before, hash, now))
        const saved = yield* keys.update(after)
        yield* audit({
          merchant: saved.merchant,
          action: "apikey.rotate",
          target: saved.id,
          before: redactedKey(before),
          after: redactedKey(saved)
        })
        return saved
      })
    )
    return { key: view(saved, now), secret }
  }).pipe(invalidating((cache) => cache.invalidateKey(id)))

/**
 * Revokes a key, for good (see `Access.authenticate` for when its tokens stop working). When
 * the actor is an API key that expires, the key it revokes must expire no later (`outlives-caller`).
 *
 * @since 0.1.0
 * @category use cases
 */
export const revoke = (
  merchant: string,
  id: string
): Effect.Effect<ApiKeyView, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const keys = yield* Repositories.ApiKeyRepository
    const tx = yield* Transaction.Transaction
    const saved = yield* tx.withTransaction(
      Effect.gen(function* () {
        const before = yield* ownKey(merchant, id)
        yield* withinActorLifetime(before.expiresAt)
        const after = yield* Effect.fromResult(ApiKey.revoke(before, now))
        const saved = yield* keys.update(after)
        yield* audit({
          merchant: saved.merchant,
          action: "apikey.revoke",
          target: saved.id,
          before: redactedKey(before),
          after: redactedKey(saved)
        })
        return saved
      })
    )
    return view(saved, now)
  }).pipe(invalidating((cache) => cache.invalidateKey(id)))

/**
 * Checks a presented key id and secret. Any failure (unknown id, wrong secret, expired, revoked)
 * is the same `Unauthenticated`, and the secret is hashed even for an unknown id so timing does
 * not tell which part was wrong.
 *
 * @since 0.1.0
 * @category use cases
 */
export const verify = (
  id: string,
  secret: string | Redacted.Redacted<string>
): Effect.Effect<ApiKeyView, StoreError.StoreError | Unauthenticated, AdminServices> =>
  Effect.gen(function* () {
    const identity = yield* Access.authenticate({
      _tag: "Secret",
      keyId: id,
      secret: typeof secret === "string" ? secret : Redacted.value(secret)
    })
    const keys = yield* Repositories.ApiKeyRepository
    const now = yield* Clock.currentTimeMillis
    return view(yield* keys.get(identity.keyId as Identifiers.ApiKeyId), now)
  })
