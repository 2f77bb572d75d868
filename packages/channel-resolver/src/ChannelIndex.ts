/**
 * An immutable index of one merchant's channels, built once when they load or change, that
 * resolves a `request_pay` with a hash lookup or two, allocating nothing on a hit but the result.
 *
 * @since 0.1.0
 */
import { type ChannelGroup, DomainError, type Merchant, type PaymentChannel, PgCatalog, type SubMerchant } from "@paymux/domain"
import { Result } from "effect"
import * as Miss from "./internal/miss.ts"
import {
  answer,
  buildScope,
  channelInfo,
  type IndexState,
  modeIndex,
  DEFAULT_AT,
  headerOf,
  resultOf,
  type Route,
  type Scope,
  serves,
  serving,
  success,
  typeIndex,
  VIA_DEFAULT,
  VIA_GROUP,
  VIA_KEY,
  VIA_PG
} from "./internal/table.ts"
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
 * A built index. Its lookup tables are internal; what it was built from stays readable.
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
    if (unknown !== undefined) return violation("unknown-channel", `tier ${sub.tier} is assigned ${unknown}, which is not a channel of ${code}`)
  }
  const groups = input.groups ?? []
  const groupsById = new Map<string, ChannelGroup.ChannelGroup>()
  for (const group of groups) {
    if (group.merchant !== code) return violation("foreign-group", `group ${group.id} belongs to ${group.merchant}, not ${code}`)
    if (groupsById.has(group.id)) return violation("duplicate-group", `group ${group.id} is given twice`)
    groupsById.set(group.id, group)
    const unknown = group.members.find((m) => !keys.has(m.channel))
    if (unknown !== undefined) return violation("unknown-channel", `group ${group.id} has member ${unknown.channel}, which is not a channel of ${code}`)
  }
  // Array.prototype.sort is stable, so equal sequences keep their input order.
  const channels = [...input.channels].sort((a, b) => a.sequence - b.sequence)
  const info = channelInfo(channels)
  const tiers = new Map<string, Scope>()
  for (const sub of subs) tiers.set(sub.tier, buildScope(sub.tier, new Set(sub.channels), channels, info, merchant, groups))
  const state: IndexState & ChannelIndex = {
    ...buildScope(undefined, undefined, channels, info, merchant, groups),
    code,
    merchant,
    channels,
    groups,
    groupsById,
    catalog: input.catalog ?? PgCatalog.builtIn,
    codes: new Set(channels.map((c) => c.pg)),
    tiers
  }
  return Result.succeed(state)
}

/**
 * Resolves a request to exactly one channel, following the console's rules in this order:
 * merchant, tier, a channel of the mode at all, then `channelKey`, `groupId`, `pg`, and the
 * default channel. `random` (values in [0, 1)) draws among a group's members; pass a seeded
 * source for reproducible routing.
 *
 * @since 0.1.0
 * @category resolution
 */
export const resolve = (
  index: ChannelIndex,
  request: ResolveRequest,
  random: () => number = Math.random
): Result.Result<Resolution, ResolutionError> => {
  const self = index as IndexState & ChannelIndex
  if (request.merchant !== self.code) return Miss.unknownMerchant(request)
  const tier = request.tier
  const scope: Scope | undefined = tier === undefined ? self : self.tiers.get(tier)
  if (scope === undefined) return Miss.unknownTier(self, tier!)
  const m = modeIndex(request.mode)
  if (m === -1 || (scope.modes & (1 << m)) === 0) return Miss.noChannel(self, scope, request)
  const paymentType = request.paymentType ?? (request.purpose === "identity-verification" ? "certification" : "window.general")
  const t = typeIndex(paymentType)
  // A purpose that contradicts the payment type matches no channel (slot -1); the miss path says why.
  const purpose = request.purpose
  const consistent = purpose === undefined || (purpose === "identity-verification") === (t === 5)
  const slot = consistent && t !== -1 ? m * 6 + t : -1
  const payMethod = request.payMethod
  const key = request.channelKey
  if (key !== undefined) {
    const c = scope.byKey.get(key)
    const channel = c === undefined ? undefined : serving(self, c, slot, payMethod)
    return channel === undefined ? Miss.byKey(self, scope, request, key) : success(channel, VIA_KEY)
  }
  const groupId = request.groupId
  if (groupId !== undefined) {
    const route = scope.routes.get(groupId)
    const c = route === undefined ? -1 : draw(self, route, slot, payMethod, random)
    return c === -1 ? Miss.byGroup(self, scope, request, groupId) : resultOf(self, c, VIA_GROUP)
  }
  const pg = request.pg
  if (pg === undefined) {
    const channel = answer(scope.cells, DEFAULT_AT, slot, payMethod)
    return channel === undefined ? Miss.byDefault(self, scope, request) : success(channel, VIA_DEFAULT)
  }
  const at = headerOf(scope, pg)
  const channel = at === -1 ? undefined : answer(scope.cells, at, slot, payMethod)
  return channel === undefined ? Miss.byPg(self, scope, request, pg, slot) : success(channel, VIA_PG)
}

/** A weighted pick among the group members that serve the request; -1 when none does. */
const draw = (self: IndexState, route: Route, slot: number, payMethod: string | undefined, random: () => number): number => {
  const { members, weights } = route
  let total = 0
  for (let i = 0; i < members.length; i++) if (serves(self, members[i]!, slot, payMethod)) total += weights[i]!
  if (total === 0) return -1
  // Integer weights accumulate exactly, so the pick depends only on the drawn number.
  const x = random() * total
  let acc = 0
  let last = -1
  for (let i = 0; i < members.length; i++) {
    const member = members[i]!
    if (!serves(self, member, slot, payMethod)) continue
    acc += weights[i]!
    last = member
    if (x < acc) return member
  }
  return last
}

/**
 * The tier codes the index knows, sorted.
 *
 * @since 0.1.0
 * @category getters
 */
export const tiers = (index: ChannelIndex): ReadonlyArray<string> => [...(index as IndexState).tiers.keys()].sort()
