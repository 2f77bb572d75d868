/**
 * Branded identifiers. Each one decodes from text with an error that names the field, the value
 * and the rule it broke; generators draw from Effect's `Random` service so tests stay deterministic.
 *
 * @since 0.1.0
 */
import { Effect, Random, Result, Schema } from "effect"
import type { InvalidInput } from "./DomainError.ts"
import { decodeWith } from "./internal/decode.ts"

const rule = (pattern: RegExp, description: string) => Schema.makeFilter((s: string) => pattern.test(s) || description)

/**
 * A merchant code: `imp` followed by 8 digits (`imp12345678`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const MerchantCode = Schema.String.pipe(
  Schema.check(rule(/^imp[0-9]{8}$/, 'a merchant code is "imp" followed by 8 digits, e.g. imp12345678')),
  Schema.brand("@paymux/MerchantCode")
)
/** @since 0.1.0 @category models */
export type MerchantCode = typeof MerchantCode.Type

/**
 * What a tier code is, in words (the `TierCode` check and the CLI's help both say it).
 *
 * @since 0.1.0
 * @category schemas
 */
export const tierCodeRule = "3 characters, letters A-Z or a-z or digits 0-9, case kept (t01 and T01 are two tiers)"

/**
 * The tier code of a sub-merchant: 3 characters, letters (either case) or digits. The case is
 * kept as given: `t01` and `T01` are different tiers.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TierCode = Schema.String.pipe(
  Schema.check(rule(/^[A-Za-z0-9]{3}$/, `a tier code is ${tierCodeRule}`)),
  Schema.brand("@paymux/TierCode")
)
/** @since 0.1.0 @category models */
export type TierCode = typeof TierCode.Type

const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

/**
 * A channel key: `channel-key-` followed by a lower-case UUID.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChannelKey = Schema.String.pipe(
  Schema.check(rule(new RegExp(`^channel-key-${uuid}$`), 'a channel key is "channel-key-" followed by a lower-case UUID')),
  Schema.brand("@paymux/ChannelKey")
)
/** @since 0.1.0 @category models */
export type ChannelKey = typeof ChannelKey.Type

/**
 * A channel group id: `channel-group-` followed by a lower-case UUID.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChannelGroupId = Schema.String.pipe(
  Schema.check(rule(new RegExp(`^channel-group-${uuid}$`), 'a channel group id is "channel-group-" followed by a lower-case UUID')),
  Schema.brand("@paymux/ChannelGroupId")
)
/** @since 0.1.0 @category models */
export type ChannelGroupId = typeof ChannelGroupId.Type

/**
 * The public half of an API key: `ak_` followed by 24 lower-case letters or digits. The secret
 * half is never an identifier and never stored in clear.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ApiKeyId = Schema.String.pipe(
  Schema.check(rule(/^ak_[0-9a-z]{24}$/, 'an API key id is "ak_" followed by 24 lower-case letters or digits')),
  Schema.brand("@paymux/ApiKeyId")
)
/** @since 0.1.0 @category models */
export type ApiKeyId = typeof ApiKeyId.Type

/**
 * A PG merchant id (MID) as the PG issued it: 1-80 printable characters without spaces
 * (the V1 API's `pg_id` limit). Dots are allowed: `pg` strings split on the first dot only.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Mid = Schema.String.pipe(
  Schema.check(rule(/^[\x21-\x7e]{1,80}$/, "a MID is 1-80 printable ASCII characters without spaces")),
  Schema.brand("@paymux/Mid")
)
/** @since 0.1.0 @category models */
export type Mid = typeof Mid.Type

/**
 * A PG code as used in `request_pay({ pg })`: lower-case letters, digits and `_`, at most 16
 * characters (the V1 API's `pg_provider` limit). Whether the code is in the catalog is checked
 * against a catalog, not here, so host apps can add PGs.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PgCode = Schema.String.pipe(
  Schema.check(rule(/^[a-z][a-z0-9_]{0,15}$/, "a PG code is 1-16 characters: lower-case letters, digits or _, starting with a letter")),
  Schema.brand("@paymux/PgCode")
)
/** @since 0.1.0 @category models */
export type PgCode = typeof PgCode.Type

type Decoder<A> = (input: unknown) => Result.Result<A, InvalidInput>

/** @since 0.1.0 @category decoding */
export const decodeMerchantCode: Decoder<MerchantCode> = decodeWith(MerchantCode, "merchant")
/** @since 0.1.0 @category decoding */
export const decodeTierCode: Decoder<TierCode> = decodeWith(TierCode, "tier")
/** @since 0.1.0 @category decoding */
export const decodeChannelKey: Decoder<ChannelKey> = decodeWith(ChannelKey, "channelKey")
/** @since 0.1.0 @category decoding */
export const decodeChannelGroupId: Decoder<ChannelGroupId> = decodeWith(ChannelGroupId, "groupId")
/** @since 0.1.0 @category decoding */
export const decodeApiKeyId: Decoder<ApiKeyId> = decodeWith(ApiKeyId, "apiKeyId")
/** @since 0.1.0 @category decoding */
export const decodeMid: Decoder<Mid> = decodeWith(Mid, "mid")
/** @since 0.1.0 @category decoding */
export const decodePgCode: Decoder<PgCode> = decodeWith(PgCode, "pg")

const hex = "0123456789abcdef"
const alnum = "0123456789abcdefghijklmnopqrstuvwxyz"

const randomChars = (alphabet: string, length: number): Effect.Effect<string> =>
  Effect.map(
    Effect.forEach(Array.from({ length }), () => Random.nextIntBetween(0, alphabet.length - 1)),
    (indices) => indices.map((i) => alphabet[i]).join("")
  )

/** A version-4 UUID built from the `Random` service. */
const randomUuid: Effect.Effect<string> = Effect.map(randomChars(hex, 32), (h) => {
  const variant = hex[8 + (parseInt(h[16]!, 16) & 3)]
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
})

/** @since 0.1.0 @category constructors */
export const generateChannelKey: Effect.Effect<ChannelKey> = Effect.map(randomUuid, (u) => ChannelKey.make(`channel-key-${u}`))
/** @since 0.1.0 @category constructors */
export const generateChannelGroupId: Effect.Effect<ChannelGroupId> = Effect.map(randomUuid, (u) =>
  ChannelGroupId.make(`channel-group-${u}`)
)
/** @since 0.1.0 @category constructors */
export const generateApiKeyId: Effect.Effect<ApiKeyId> = Effect.map(randomChars(alnum, 24), (s) => ApiKeyId.make(`ak_${s}`))
/** @since 0.1.0 @category constructors */
export const generateMerchantCode: Effect.Effect<MerchantCode> = Effect.map(randomChars("0123456789", 8), (s) =>
  MerchantCode.make(`imp${s}`)
)
