/**
 * API-key secrets: 256-bit random values, stored only as HMAC-SHA256 keyed with the key
 * provider's pepper, compared in constant time. A slow password hash would buy nothing for random
 * secrets and would cost every API call; the pepper means a stolen table alone cannot be checked
 * against guesses.
 *
 * @since 0.1.0
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import { ApiKey } from "@paymux/domain"
import { Effect, Redacted } from "effect"
import { KeyProvider } from "./KeyProvider.ts"
import type { StoreError } from "./StoreError.ts"

/**
 * The prefix of generated secrets, so they are recognisable in a leak scan.
 *
 * @since 0.1.0
 * @category constants
 */
export const prefix = "sk_"

const reveal = (value: string | Redacted.Redacted<string>): string => (Redacted.isRedacted(value) ? Redacted.value(value) : value)

/**
 * The keyed hash of a secret with an explicit pepper (lower-case hex). The synchronous core of
 * `hash`.
 *
 * @since 0.1.0
 * @category hashing
 */
export const hashWith = (pepper: Uint8Array, secret: string | Redacted.Redacted<string>): ApiKey.SecretHash =>
  createHmac("sha256", pepper).update(reveal(secret), "utf8").digest("hex") as ApiKey.SecretHash

/**
 * Whether `secret` hashes to `expected` under `pepper`, in constant time. A malformed `expected`
 * is simply `false`.
 *
 * @since 0.1.0
 * @category hashing
 */
export const verifyWith = (pepper: Uint8Array, secret: string | Redacted.Redacted<string>, expected: string): boolean => {
  const actual = createHmac("sha256", pepper).update(reveal(secret), "utf8").digest()
  if (!/^[0-9a-f]{64}$/.test(expected)) return false
  return timingSafeEqual(actual, Buffer.from(expected, "hex"))
}

/**
 * A new secret: `sk_` and 32 random bytes in base64url (43 characters).
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateSecret: Effect.Effect<Redacted.Redacted<string>> = Effect.sync(() =>
  Redacted.make(`${prefix}${randomBytes(32).toString("base64url")}`, { label: "API secret" })
)

const pepper: Effect.Effect<Redacted.Redacted<Uint8Array>, StoreError, KeyProvider> = Effect.gen(function* () {
  return yield* (yield* KeyProvider).pepper
})

/**
 * The keyed hash to store for a secret.
 *
 * @since 0.1.0
 * @category hashing
 */
export const hash = (secret: string | Redacted.Redacted<string>): Effect.Effect<ApiKey.SecretHash, StoreError, KeyProvider> =>
  Effect.map(pepper, (p) => hashWith(Redacted.value(p), secret))

/**
 * Whether a presented secret matches a stored hash, in constant time.
 *
 * @since 0.1.0
 * @category hashing
 */
export const verify = (secret: string | Redacted.Redacted<string>, expected: string): Effect.Effect<boolean, StoreError, KeyProvider> =>
  Effect.map(pepper, (p) => verifyWith(Redacted.value(p), secret, expected))

/**
 * A fresh secret and its hash: show `secret` once, store `hash`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const issue: Effect.Effect<
  { readonly secret: Redacted.Redacted<string>; readonly hash: ApiKey.SecretHash },
  StoreError,
  KeyProvider
> = Effect.flatMap(generateSecret, (secret) => Effect.map(hash(secret), (h) => ({ secret, hash: h })))
