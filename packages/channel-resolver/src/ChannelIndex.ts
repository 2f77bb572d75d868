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
 * One merchant with its channels, sub-merchants and groups. `catalog` (default: the built-in one)
 * names the PG codes a `pg` string may use and supplies "did you mean" suggestions.
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

/** A built index, frozen; what it was built from stays readable. @since 0.1.0 @category models */
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
 * Builds the index, refusing an inconsistent snapshot: another merchant's channel, sub-merchant
 * or group (`foreign-channel`, `foreign-sub-merchant`, `foreign-group`), a key, tier or group id
 * given twice (`duplicate-channel`, `duplicate-tier`, `duplicate-group`), and a tier assignment or
 * group member naming a channel not given (`unknown-channel`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (input: IndexInput): Result.Result<ChannelIndex, DomainError.RuleViolation> => {
  const { merchant } = input
  const subs = input.subMerchants ?? []
  const groups = input.groups ?? []
  const keys = new Set<string>(input.channels.map((c) => c.key))
  const parts = [
    ...input.channels.map((c) => ({ kind: "channel", owner: c.merchant, id: c.key, names: [] })),
    ...subs.map((s) => ({ kind: "tier", owner: s.merchant, id: s.tier, names: s.channels })),
    ...groups.map((g) => ({ kind: "group", owner: g.merchant, id: g.id, names: g.members.map((m) => m.channel) }))
  ]
  const seen = new Set<string>()
  for (const { kind, owner, id, names } of parts) {
    const what = `${kind} ${id}`
    if (owner !== merchant.code)
      return violation(`foreign-${kind === "tier" ? "sub-merchant" : kind}`, `${what} belongs to ${owner}, not ${merchant.code}`)
    if (seen.has(what)) return violation(`duplicate-${kind}`, `${what} is given twice`)
    seen.add(what)
    const unknown = names.find((key) => !keys.has(key))
    if (unknown !== undefined) return violation("unknown-channel", `${what} names ${unknown}, which is not a channel of ${merchant.code}`)
  }
  // Array.prototype.sort is stable: channels with the same `sequence` keep their input order.
  const channels = Object.freeze([...input.channels].sort((a, b) => a.sequence - b.sequence))
  const catalog = input.catalog ?? PgCatalog.builtIn
  return Result.succeed(Object.freeze(build({ merchant, channels, groups: Object.freeze([...groups]), catalog }, subs)))
}

/**
 * Resolves a request to exactly one channel by the rules of docs/channel-resolution.md. `random`
 * (values in [0, 1)) draws among a group's members; pass a seeded source for reproducible routing.
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
 * A request without `mode` that a test and a live channel would both serve: its `pg` string
 * (undefined: the default channel), payment type, and the two channels' keys, the older first.
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
 * Every request without `mode` (each `pg` string the merchant's channels answer, and no `pg`, per
 * payment type) that would warn, in the merchant's own scope. It asks the resolver itself.
 *
 * @since 0.1.0
 * @category diagnostics
 */
export const ambiguities = (index: ChannelIndex): ReadonlyArray<Ambiguity> => {
  const self = index as IndexState
  const asks = [[undefined, self.byType] as const, ...[...self.byPg].map(([pg, named]) => [pg, named.byType] as const)]
  const found: Array<Ambiguity> = []
  for (const [pg, byType] of asks) {
    for (const paymentType of byType.keys()) {
      const outcome = resolveIn(self, { merchant: self.merchant.code, pg, paymentType }, Math.random)
      if (Result.isFailure(outcome) || outcome.success.warning === undefined) continue
      const { channel, warning } = outcome.success
      found.push({ pg, paymentType, chosen: channel.key, other: channel.key === warning.test ? warning.live : warning.test })
    }
  }
  return found
}
