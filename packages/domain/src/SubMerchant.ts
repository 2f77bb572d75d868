/**
 * A sub-merchant (tier) under a parent merchant. It acts with its parent's channels, and only
 * with those assigned to it.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { type InvalidInput, RuleViolation } from "./DomainError.ts"
import { ChannelKey, MerchantCode, TierCode } from "./Identifiers.ts"
import { decodeWith } from "./internal/decode.ts"
import type { PaymentChannel } from "./PaymentChannel.ts"
import { DisplayName } from "./DisplayName.ts"
import { Timestamp } from "./Timestamp.ts"
import { Version } from "./Version.ts"

/**
 * @since 0.1.0
 * @category schemas
 */
export const SubMerchant = Schema.Struct({
  merchant: MerchantCode,
  tier: TierCode,
  name: DisplayName,
  /** The parent's channels this tier may use, in the order they were assigned, each once. */
  channels: Schema.Array(ChannelKey).pipe(
    Schema.check(Schema.makeFilter((keys: ReadonlyArray<string>) => new Set(keys).size === keys.length || "each channel once"))
  ),
  createdAt: Timestamp,
  version: Version
})
/** @since 0.1.0 @category models */
export type SubMerchant = typeof SubMerchant.Type

/** @since 0.1.0 @category decoding */
export const decode: (input: unknown) => Result.Result<SubMerchant, InvalidInput> = decodeWith(SubMerchant)

/**
 * A new sub-merchant with no channels assigned. The name defaults to the tier code.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (input: {
  readonly merchant: string
  readonly tier: string
  readonly name?: string | undefined
  readonly createdAt: number
}): Result.Result<SubMerchant, InvalidInput> =>
  decode({
    merchant: input.merchant,
    tier: input.tier,
    name: input.name ?? `Tier ${input.tier}`,
    channels: [],
    createdAt: input.createdAt,
    version: 0
  })

/**
 * Assigns one of the parent's channels to the tier. Assigning twice is a no-op.
 *
 * @since 0.1.0
 * @category combinators
 */
export const assign = (sub: SubMerchant, channel: PaymentChannel): Result.Result<SubMerchant, RuleViolation> => {
  if (channel.merchant !== sub.merchant) {
    return Result.fail(
      new RuleViolation({
        rule: "foreign-channel",
        detail: `channel ${channel.key} belongs to ${channel.merchant}, not to ${sub.merchant}, the parent of tier ${sub.tier}`
      })
    )
  }
  if (sub.channels.includes(channel.key)) return Result.succeed(sub)
  return Result.succeed({ ...sub, channels: [...sub.channels, channel.key] })
}

/**
 * Takes a channel away from the tier.
 *
 * @since 0.1.0
 * @category combinators
 */
export const unassign = (sub: SubMerchant, key: ChannelKey): Result.Result<SubMerchant, RuleViolation> =>
  sub.channels.includes(key)
    ? Result.succeed({ ...sub, channels: sub.channels.filter((k) => k !== key) })
    : Result.fail(new RuleViolation({ rule: "not-assigned", detail: `channel ${key} is not assigned to tier ${sub.tier}` }))

/**
 * @since 0.1.0
 * @category predicates
 */
export const mayUse = (sub: SubMerchant, channel: PaymentChannel): boolean =>
  channel.merchant === sub.merchant && sub.channels.includes(channel.key)

/**
 * The sub-merchant under a new name (checked like any display name); the tier code never changes.
 *
 * @since 0.1.0
 * @category combinators
 */
export const rename = (sub: SubMerchant, name: string): Result.Result<SubMerchant, InvalidInput> => decode({ ...sub, name })
