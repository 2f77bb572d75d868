/**
 * A channel group ("smart routing"): 1-10 channels of one mode with integer weights summing to
 * 100; each payment picks one by weight.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { Mode } from "./ChannelTerms.ts"
import { type DomainError, InvalidInput, RuleViolation } from "./DomainError.ts"
import { ChannelGroupId, ChannelKey, MerchantCode } from "./Identifiers.ts"
import { decodeWith } from "./internal/decode.ts"
import type { PaymentChannel } from "./PaymentChannel.ts"
import { DisplayName } from "./DisplayName.ts"
import { Timestamp } from "./Timestamp.ts"
import { Version } from "./Version.ts"

/**
 * @since 0.1.0
 * @category schemas
 */
export const Member = Schema.Struct({
  channel: ChannelKey,
  weight: Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 100 })))
})
/** @since 0.1.0 @category models */
export type Member = typeof Member.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const ChannelGroup = Schema.Struct({
  id: ChannelGroupId,
  merchant: MerchantCode,
  name: DisplayName,
  mode: Mode,
  members: Schema.Array(Member),
  createdAt: Timestamp,
  version: Version
})
/** @since 0.1.0 @category models */
export type ChannelGroup = typeof ChannelGroup.Type

/** @since 0.1.0 @category constants */
export const maxMembers = 10

/** @since 0.1.0 @category decoding */
export const decode: (input: unknown) => Result.Result<ChannelGroup, InvalidInput> = decodeWith(ChannelGroup)

/**
 * Builds a group, checking it against the merchant's channels: 1-10 distinct members, weights
 * summing to exactly 100, every member an existing payment channel of this merchant in the
 * group's mode.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  input: {
    readonly id: string
    readonly merchant: string
    readonly name: string
    readonly mode: Mode
    readonly members: ReadonlyArray<{ readonly channel: string; readonly weight: number }>
    readonly createdAt: number
  },
  channels: ReadonlyArray<PaymentChannel>
): Result.Result<ChannelGroup, DomainError> =>
  Result.gen(function* () {
    const group = yield* decode({ ...input, version: 0 })
    const n = group.members.length
    if (n < 1 || n > maxMembers) {
      return yield* Result.fail(
        new InvalidInput({ field: "members", value: `${n} channels`, rule: `a group has 1 to ${maxMembers} channels` })
      )
    }
    if (new Set(group.members.map((m) => m.channel)).size !== n) {
      return yield* Result.fail(new RuleViolation({ rule: "duplicate-member", detail: "a channel appears twice in the group" }))
    }
    const total = group.members.reduce((sum, m) => sum + m.weight, 0)
    if (total !== 100) {
      return yield* Result.fail(
        new InvalidInput({ field: "members.weight", value: String(total), rule: "weights must sum to exactly 100" })
      )
    }
    const byKey = new Map(channels.map((c) => [c.key, c]))
    for (const member of group.members) {
      const channel = byKey.get(member.channel)
      if (channel === undefined || channel.merchant !== group.merchant) {
        return yield* Result.fail(
          new RuleViolation({ rule: "unknown-channel", detail: `channel ${member.channel} is not a channel of ${group.merchant}` })
        )
      }
      if (channel.mode !== group.mode) {
        return yield* Result.fail(
          new RuleViolation({
            rule: "mode-mismatch",
            detail: `channel ${member.channel} is a ${channel.mode} channel; the group is ${group.mode}`
          })
        )
      }
      if (channel.purpose !== "payment") {
        return yield* Result.fail(
          new RuleViolation({ rule: "not-payment", detail: `channel ${member.channel} is for identity verification` })
        )
      }
    }
    return group
  })

/**
 * The group without one of its channels (when that channel is deleted): the others keep their
 * share of the draws, their weights scaled back to a sum of 100 (largest remainders first, ties to
 * the earlier member), as resolution already shares out a skipped member's weight. A group never
 * loses its last member this way: delete the group instead.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withoutChannel = (group: ChannelGroup, channel: string): Result.Result<ChannelGroup, RuleViolation> => {
  const rest = group.members.filter((m) => m.channel !== channel)
  if (rest.length === group.members.length) return Result.succeed(group)
  if (rest.length === 0) {
    return Result.fail(
      new RuleViolation({
        rule: "group-last-member",
        detail: `channel ${channel} is the only member of group ${group.id} (${group.name}): delete the group first`
      })
    )
  }
  const total = rest.reduce((sum, m) => sum + m.weight, 0)
  const exact = rest.map((m) => (m.weight * 100) / total)
  const weights = exact.map(Math.floor)
  let left = 100 - weights.reduce((sum, w) => sum + w, 0)
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (const [, i] of byRemainder) {
    if (left === 0) break
    weights[i]!++
    left--
  }
  return Result.succeed({ ...group, members: rest.map((m, i) => ({ channel: m.channel, weight: weights[i]! })) })
}

/**
 * Checks an edit of a channel against a group: a member stays a channel of the group's mode, so
 * it cannot move to the other mode while it is in the group (remove it from the group first).
 *
 * @since 0.1.0
 * @category combinators
 */
export const keepsMember = (group: ChannelGroup, after: PaymentChannel): Result.Result<void, RuleViolation> =>
  group.mode === after.mode || !group.members.some((m) => m.channel === after.key)
    ? Result.void
    : Result.fail(
        new RuleViolation({
          rule: "mode-mismatch",
          detail: `channel ${after.key} is a member of ${group.mode} group ${group.id} (${group.name}): remove it from the group before moving it to ${after.mode}`
        })
      )
