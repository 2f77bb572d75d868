/**
 * A merchant: owns channels, webhook settings, a whitelist and API keys.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { type Mode } from "./ChannelTerms.ts"
import { type InvalidInput, RuleViolation } from "./DomainError.ts"
import { ChannelKey, MerchantCode } from "./Identifiers.ts"
import { decodeWith } from "./internal/decode.ts"
import type { PaymentChannel } from "./PaymentChannel.ts"
import { DisplayName } from "./DisplayName.ts"
import { Timestamp } from "./Timestamp.ts"
import { Version } from "./Version.ts"

/**
 * What happens when `request_pay`'s `pg` matches no channel: `fallback` (the historical
 * behaviour, so a typo does not lose a sale) uses the default channel and says so; `strict`
 * fails with the list of rejected candidates.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DefaultChannelPolicy = Schema.Literals(["fallback", "strict"])
/** @since 0.1.0 @category models */
export type DefaultChannelPolicy = typeof DefaultChannelPolicy.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const Merchant = Schema.Struct({
  code: MerchantCode,
  name: DisplayName,
  policy: DefaultChannelPolicy,
  /** The console's default channel per mode; absent means the oldest enabled payment channel. */
  defaultChannels: Schema.Struct({ test: Schema.optionalKey(ChannelKey), live: Schema.optionalKey(ChannelKey) }),
  createdAt: Timestamp,
  version: Version
})
/** @since 0.1.0 @category models */
export type Merchant = typeof Merchant.Type

/** @since 0.1.0 @category decoding */
export const decode: (input: unknown) => Result.Result<Merchant, InvalidInput> = decodeWith(Merchant)

/**
 * A new merchant with the fallback policy and no default channel.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (input: {
  readonly code: string
  readonly name: string
  readonly policy?: DefaultChannelPolicy | undefined
  readonly createdAt: number
}): Result.Result<Merchant, InvalidInput> =>
  decode({
    code: input.code,
    name: input.name,
    policy: input.policy ?? "fallback",
    defaultChannels: {},
    createdAt: input.createdAt,
    version: 0
  })

/**
 * Renames a merchant.
 *
 * @since 0.1.0
 * @category combinators
 */
export const rename = (merchant: Merchant, name: string): Result.Result<Merchant, InvalidInput> => decode({ ...merchant, name })

/**
 * Sets what an unmatched `pg` does; a policy other than `fallback` or `strict` (from unchecked
 * input) is `InvalidInput` on `policy`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const setPolicy = (merchant: Merchant, policy: DefaultChannelPolicy): Result.Result<Merchant, InvalidInput> =>
  decode({ ...merchant, policy })

/**
 * Makes a channel the default of its mode. Only an enabled payment channel of this merchant
 * qualifies.
 *
 * @since 0.1.0
 * @category combinators
 */
export const setDefaultChannel = (merchant: Merchant, channel: PaymentChannel): Result.Result<Merchant, RuleViolation> => {
  if (channel.merchant !== merchant.code) {
    return Result.fail(new RuleViolation({ rule: "foreign-channel", detail: `channel ${channel.key} does not belong to ${merchant.code}` }))
  }
  if (channel.purpose !== "payment") {
    return Result.fail(
      new RuleViolation({
        rule: "default-not-payment",
        detail: `channel ${channel.key} is for identity verification; the default channel takes payments`
      })
    )
  }
  if (!channel.enabled) {
    return Result.fail(
      new RuleViolation({ rule: "default-disabled", detail: `channel ${channel.key} is disabled; enable it before making it the default` })
    )
  }
  return Result.succeed({ ...merchant, defaultChannels: { ...merchant.defaultChannels, [channel.mode]: channel.key } })
}

/**
 * Checks an edit of a channel against the merchant's defaults: the default channel of a mode stays
 * an enabled channel of that mode, so it can be neither disabled nor moved to the other mode while
 * it is the default (another channel must become the default first).
 *
 * @since 0.1.0
 * @category combinators
 */
export const keepsDefault = (merchant: Merchant, before: PaymentChannel, after: PaymentChannel): Result.Result<void, RuleViolation> => {
  if (merchant.defaultChannels[before.mode] !== before.key) return Result.void
  const first = `channel ${before.key} is the ${before.mode} default channel of ${merchant.code}: make another channel the default`
  if (after.mode !== before.mode) {
    return Result.fail(new RuleViolation({ rule: "default-mode", detail: `${first} before moving it to ${after.mode}` }))
  }
  if (!after.enabled) return Result.fail(new RuleViolation({ rule: "default-disabled", detail: `${first} before disabling it` }))
  return Result.void
}

/**
 * Clears the default of a mode (when its channel is deleted).
 *
 * @since 0.1.0
 * @category combinators
 */
export const clearDefaultChannel = (merchant: Merchant, mode: Mode): Merchant => {
  const { [mode]: _removed, ...rest } = merchant.defaultChannels
  return { ...merchant, defaultChannels: rest }
}
