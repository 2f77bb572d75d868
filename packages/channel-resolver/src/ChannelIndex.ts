/**
 * An immutable index of one merchant's channels, built once when they load or change: the
 * channels in creation order and plain maps (by `pg` string, by channel key) that find a
 * request's candidates, to which the resolution rules are then applied.
 *
 * @since 0.1.0
 */
import {
  type ChannelGroup,
  type ChannelTerms,
  DomainError,
  type Merchant,
  type PaymentChannel,
  PgCatalog,
  type SubMerchant
} from "@paymux/domain"
import { Result } from "effect"
import { build, type IndexState } from "./internal/candidates.ts"
import { resolveIn } from "./internal/rules.ts"
import type { Resolution, ResolveRequest } from "./Resolution.ts"
import type { ResolutionError } from "./ResolutionError.ts"

/**
 * What an index is built from: one merchant with its channels, sub-merchants and channel groups.
 * `catalog` (default: the built-in one) names the PG codes a `pg` string may use and supplies
 * "did you mean" suggestions.
 *
 * @since 0.1.0
 * @category models
 */
export interface IndexInput {
  readonly merchant: Merchant.Merchant
  readonly channels: ReadonlyArray<PaymentChannel.PaymentChannel>
  readonly subMerchants?: ReadonlyArray<SubMerchant.SubMerchant> | undefined
  readonly groups?: ReadonlyArray<ChannelGroup.ChannelGroup> | undefined
  readonly catalog?: PgCatalog.PgCatalog | undefined
}

/**
 * A built index, frozen. Its lookup maps are internal; what it was built from stays readable.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChannelIndex {
  readonly merchant: Merchant.Merchant
  /** The merchant's channels in creation order, oldest first. */
  readonly channels: ReadonlyArray<PaymentChannel.PaymentChannel>
  readonly groups: ReadonlyArray<ChannelGroup.ChannelGroup>
  readonly catalog: PgCatalog.PgCatalog
}

const violation = (rule: string, detail: string): Result.Result<never, DomainError.RuleViolation> =>
  Result.fail(new DomainError.RuleViolation({ rule, detail }))

/**
 * Builds the index. It refuses an inconsistent snapshot rather than guess: a channel, sub-merchant
 * or group of another merchant (`foreign-channel`, `foreign-sub-merchant`, `foreign-group`), a
 * key, tier or group id given twice (`duplicate-channel`, `duplicate-tier`, `duplicate-group`),
 * and a tier assignment or group member naming a channel not given (`unknown-channel`). Channels
 * with the same `sequence` keep their input order.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (input: IndexInput): Result.Result<ChannelIndex, DomainError.RuleViolation> => {
  const { merchant } = input
  const code = merchant.code
  const keys = new Set<string>()
  for (const channel of input.channels) {
    if (channel.merchant !== code) return violation("foreign-channel", `channel ${channel.key} belongs to ${channel.merchant}, not ${code}`)
    if (keys.has(channel.key)) return violation("duplicate-channel", `channel ${channel.key} is given twice`)
    keys.add(channel.key)
  }
  const subs = input.subMerchants ?? []
  const tierCodes = new Set<string>()
  for (const sub of subs) {
    if (sub.merchant !== code) return violation("foreign-sub-merchant", `tier ${sub.tier} belongs to ${sub.merchant}, not ${code}`)
    if (tierCodes.has(sub.tier)) return violation("duplicate-tier", `tier ${sub.tier} is given twice`)
    tierCodes.add(sub.tier)
    const unknown = sub.channels.find((k) => !keys.has(k))
    if (unknown !== undefined)
      return violation("unknown-channel", `tier ${sub.tier} is assigned ${unknown}, which is not a channel of ${code}`)
  }
  const groups = input.groups ?? []
  const groupIds = new Set<string>()
  for (const group of groups) {
    if (group.merchant !== code) return violation("foreign-group", `group ${group.id} belongs to ${group.merchant}, not ${code}`)
    if (groupIds.has(group.id)) return violation("duplicate-group", `group ${group.id} is given twice`)
    groupIds.add(group.id)
    const unknown = group.members.find((m) => !keys.has(m.channel))
    if (unknown !== undefined)
      return violation("unknown-channel", `group ${group.id} has member ${unknown.channel}, which is not a channel of ${code}`)
  }
  // Array.prototype.sort is stable, so equal sequences keep their input order.
  const channels = Object.freeze([...input.channels].sort((a, b) => a.sequence - b.sequence))
  const state: IndexState & ChannelIndex = build(merchant, channels, subs, Object.freeze([...groups]), input.catalog ?? PgCatalog.builtIn)
  return Result.succeed(Object.freeze(state))
}

/**
 * Resolves a request to exactly one channel, following the console's rules in this order:
 * merchant, tier, a channel of the mode at all, then `channelKey`, `groupId`, `pg`, and the
 * default channel (docs/channel-resolution.md). `random` (values in [0, 1)) draws among a
 * group's members; pass a seeded source for reproducible routing.
 *
 * @since 0.1.0
 * @category resolution
 */
export const resolve = (
  index: ChannelIndex,
  request: ResolveRequest,
  random: () => number = Math.random
): Result.Result<Resolution, ResolutionError> => resolveIn(index as IndexState, request, random)

/**
 * A request without `mode` that a test and a live channel would both serve (see `ModeWarning`):
 * its `pg` string (undefined: no `pg`, the default channel) and payment type, and the keys of the
 * two channels, the older one first.
 *
 * @since 0.1.0
 * @category models
 */
export interface Ambiguity {
  readonly pg: string | undefined
  readonly paymentType: ChannelTerms.PaymentType
  readonly chosen: string
  readonly other: string
}

/**
 * Every request without `mode` (each `pg` string the merchant's channels answer, and no `pg`,
 * per payment type, any pay method) that would be served with a both-modes warning, in the
 * merchant's own scope. It asks the resolver itself, so it follows the same rules.
 *
 * @since 0.1.0
 * @category diagnostics
 */
export const ambiguities = (index: ChannelIndex): ReadonlyArray<Ambiguity> => {
  const self = index as IndexState
  const asks: Array<readonly [string | undefined, Iterable<string>]> = [[undefined, self.byType.keys()]]
  for (const [pg, named] of self.byPg) asks.push([pg, named.byType.keys()])
  const found: Array<Ambiguity> = []
  for (const [pg, types] of asks) {
    for (const type of types) {
      const paymentType = type as ChannelTerms.PaymentType
      const outcome = resolveIn(self, { merchant: self.merchant.code, pg, paymentType }, Math.random)
      const warning = Result.isSuccess(outcome) ? outcome.success.warning : undefined
      if (warning === undefined) continue
      const chosen = Result.getOrThrow(outcome).channel.key
      found.push({ pg, paymentType, chosen, other: chosen === warning.test ? warning.live : warning.test })
    }
  }
  return found
}
