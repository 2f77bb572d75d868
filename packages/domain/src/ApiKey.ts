/**
 * An API key: a public id and a secret shown once. Only a keyed hash of the secret is kept;
 * hashing and comparing are the store's job (it holds the pepper).
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { type InvalidInput, RuleViolation } from "./DomainError.ts"
import { ApiKeyId, MerchantCode } from "./Identifiers.ts"
import { decodeWith } from "./internal/decode.ts"
import { DisplayName } from "./DisplayName.ts"
import { Timestamp } from "./Timestamp.ts"
import { Version } from "./Version.ts"

/**
 * A hex-encoded keyed hash (HMAC-SHA256) of the secret.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SecretHash = Schema.String.pipe(
  Schema.check(Schema.makeFilter((s: string) => /^[0-9a-f]{64}$/.test(s) || "a secret hash is 64 lower-case hex digits")),
  Schema.brand("@paymux/SecretHash")
)
/** @since 0.1.0 @category models */
export type SecretHash = typeof SecretHash.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const ApiKey = Schema.Struct({
  id: ApiKeyId,
  merchant: MerchantCode,
  name: DisplayName,
  secretHash: SecretHash,
  createdAt: Timestamp,
  expiresAt: Schema.optionalKey(Timestamp),
  revokedAt: Schema.optionalKey(Timestamp),
  version: Version
})
/** @since 0.1.0 @category models */
export type ApiKey = typeof ApiKey.Type

/** @since 0.1.0 @category decoding */
export const decode: (input: unknown) => Result.Result<ApiKey, InvalidInput> = decodeWith(ApiKey)

/**
 * The furthest ahead a key may expire: ten years (of 365.25 days) after it is issued.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxLifetimeMillis = 10 * 365.25 * 24 * 60 * 60 * 1000

/**
 * A new key. An expiry, when given, must lie after creation and at most `maxLifetimeMillis`
 * (ten years) later.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (input: {
  readonly id: string
  readonly merchant: string
  readonly name: string
  readonly secretHash: string
  readonly createdAt: number
  readonly expiresAt?: number | undefined
}): Result.Result<ApiKey, InvalidInput | RuleViolation> =>
  Result.flatMap(
    decode({
      id: input.id,
      merchant: input.merchant,
      name: input.name,
      secretHash: input.secretHash,
      createdAt: input.createdAt,
      ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
      version: 0
    }),
    (key) =>
      key.expiresAt === undefined
        ? Result.succeed(key)
        : key.expiresAt <= key.createdAt
          ? Result.fail(new RuleViolation({ rule: "expiry-in-past", detail: "an API key must expire after it is issued" }))
          : key.expiresAt - key.createdAt > maxLifetimeMillis
            ? Result.fail(new RuleViolation({ rule: "expiry-too-far", detail: "an API key expires at most 10 years after it is issued" }))
            : Result.succeed(key)
  )

/**
 * Why a key cannot be used at `now`, or `undefined` when it can.
 *
 * @since 0.1.0
 * @category getters
 */
export const unusableReason = (key: ApiKey, now: number): "revoked" | "expired" | undefined =>
  key.revokedAt !== undefined ? "revoked" : key.expiresAt !== undefined && now >= key.expiresAt ? "expired" : undefined

/**
 * @since 0.1.0
 * @category predicates
 */
export const isActive = (key: ApiKey, now: number): boolean => unusableReason(key, now) === undefined

/**
 * Revokes a key at `now`. A revoked key cannot be revoked again or rotated.
 *
 * @since 0.1.0
 * @category combinators
 */
export const revoke = (key: ApiKey, now: number): Result.Result<ApiKey, RuleViolation> =>
  key.revokedAt !== undefined
    ? Result.fail(new RuleViolation({ rule: "already-revoked", detail: `API key ${key.id} was already revoked` }))
    : Result.succeed({ ...key, revokedAt: now })

/**
 * Replaces the secret: the old secret stops working as soon as the new hash is stored.
 *
 * @since 0.1.0
 * @category combinators
 */
export const rotate = (key: ApiKey, secretHash: SecretHash, now: number): Result.Result<ApiKey, RuleViolation> => {
  const reason = unusableReason(key, now)
  return reason !== undefined
    ? Result.fail(new RuleViolation({ rule: `key-${reason}`, detail: `API key ${key.id} is ${reason}; issue a new one` }))
    : Result.succeed({ ...key, secretHash })
}

/**
 * Whether `actor`, a key acting on its merchant's keys, may issue, rotate or revoke a key that
 * expires at `expiresAt` (`undefined`: never). A key that expires acts on no key that outlives
 * it: a leaked short-lived key must not mint a permanent one, nor revoke the merchant's permanent
 * key and leave it locked out once the short one expires.
 *
 * @since 0.1.0
 * @category predicates
 */
export const mayManage = (actor: ApiKey, expiresAt: number | undefined): Result.Result<void, RuleViolation> =>
  actor.expiresAt === undefined || (expiresAt !== undefined && expiresAt <= actor.expiresAt)
    ? Result.succeed(undefined)
    : Result.fail(
        new RuleViolation({
          rule: "outlives-caller",
          detail: `the calling API key ${actor.id} expires at ${new Date(actor.expiresAt).toISOString()}, and a key it issues, rotates or revokes must expire no later; set an earlier expiresAt, or call with a key that does not expire`
        })
      )
