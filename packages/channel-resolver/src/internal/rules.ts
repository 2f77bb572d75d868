import { type PaymentChannel, PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import { paymentTypeOf, purposeOf, type Resolution, type ResolveRequest, type Via } from "../Resolution.ts"
import {
  ChannelNotFound,
  InvalidPgSelector,
  type Lookup,
  NoChannelConfigured,
  type ResolutionError,
  UnknownMerchant,
  UnknownTier
} from "../ResolutionError.ts"
import type { IndexState } from "./candidates.ts"
import { type Criteria, rejectAll, rejectionOf } from "./criteria.ts"
import { type NotFoundFacts, notFoundMessage } from "./explanation.ts"
import { classify } from "./selector.ts"

type Channel = PaymentChannel.PaymentChannel
type Outcome = Result.Result<Resolution, ResolutionError>

const hit = (channel: Channel, via: Via): Outcome => Result.succeed({ channel, via })

/** The first of `channels` (in their order) that serves the request. */
const firstServing = (channels: ReadonlyArray<Channel>, c: Criteria): Channel | undefined => {
  for (const channel of channels) if (rejectionOf(channel, c) === undefined) return channel
  return undefined
}

const none: ReadonlyArray<Channel> = []

/** The merchant's configured default for the mode if it serves the request, otherwise the oldest channel that does. */
const defaultChannel = (self: IndexState, c: Criteria): Channel | undefined => {
  const key = self.merchant.defaultChannels[c.mode as "test" | "live"]
  const configured = key === undefined ? undefined : self.byKey.get(key)
  return configured !== undefined && rejectionOf(configured, c) === undefined
    ? configured
    : firstServing(self.byType.get(c.paymentType) ?? none, c)
}

/** What a lookup that found nothing considered, and why each candidate was rejected. */
const facts = (request: ResolveRequest, c: Criteria, lookup: Lookup, asked: string, candidates: ReadonlyArray<Channel>): NotFoundFacts & ConstructorParameters<typeof ChannelNotFound>[0] => ({
  merchant: request.merchant,
  ...(c.tier === undefined ? {} : { tier: c.tier }),
  mode: request.mode,
  paymentType: c.paymentType,
  ...(c.payMethod === undefined ? {} : { payMethod: c.payMethod }),
  lookup,
  asked,
  rejected: rejectAll(candidates, c)
})

const notFound = (request: ResolveRequest, c: Criteria, lookup: Lookup, asked: string, candidates: ReadonlyArray<Channel>): ChannelNotFound =>
  new ChannelNotFound(facts(request, c, lookup, asked, candidates))

/** A weighted draw among the group's members that serve the request, in group order. */
const draw = (self: IndexState, request: ResolveRequest, c: Criteria, groupId: string, random: () => number): Outcome => {
  const group = self.groupsById.get(groupId)
  if (group === undefined) return Result.fail(notFound(request, c, "group", groupId, []))
  const members = group.members.map((m) => self.byKey.get(m.channel)!)
  let total = 0
  group.members.forEach((m, i) => {
    if (rejectionOf(members[i]!, c) === undefined) total += m.weight
  })
  if (total === 0) return Result.fail(notFound(request, c, "group", groupId, members))
  // Integer weights add up exactly, so the pick depends only on the drawn number.
  const x = random() * total
  let acc = 0
  let last: Channel | undefined
  for (const [i, m] of group.members.entries()) {
    if (rejectionOf(members[i]!, c) !== undefined) continue
    acc += m.weight
    last = members[i]!
    if (x < acc) return hit(last, "group")
  }
  return hit(last!, "group")
}

/** A `pg` string: the oldest channel it names that serves the request, or the default under `fallback`, or why not. */
const byPg = (self: IndexState, request: ResolveRequest, c: Criteria, pg: string): Outcome => {
  const parsed = classify(pg, self.catalog, self.codes)
  if (typeof parsed !== "string") {
    const asked: Criteria = { ...c, code: parsed.code, mid: parsed.mid }
    const match = firstServing(self.byPg.get(pg)?.get(c.paymentType) ?? none, asked)
    if (match !== undefined) return hit(match, "pg")
    const fallback = fallbackFor(self, c)
    if (fallback === undefined) return Result.fail(notFound(request, asked, "pg", pg, self.channels))
    // The error's facts without the error: its constructor re-checks every rejection.
    const why = facts(request, asked, "pg", pg, self.channels)
    return Result.succeed({ channel: fallback, via: "default", fellBack: { reason: "pg-unmatched", pg, detail: notFoundMessage(why), rejected: why.rejected } })
  }
  const suggestions = parsed === "unknown-pg" ? PgCatalog.suggest(self.catalog, pg.split(".", 1)[0]!) : []
  const error = new InvalidPgSelector({ pg, problem: parsed, suggestions })
  const fallback = fallbackFor(self, c)
  return fallback === undefined
    ? Result.fail(error)
    : Result.succeed({ channel: fallback, via: "default", fellBack: { reason: "pg-invalid", pg, detail: error.message, rejected: [] } })
}

/** The channel that serves a `pg` request its string could not: the default, under the `fallback` policy only. */
const fallbackFor = (self: IndexState, c: Criteria): Channel | undefined =>
  self.merchant.policy === "fallback" ? defaultChannel(self, c) : undefined

/**
 * The resolution rules in order: merchant, tier, a channel of the mode at all, then `channelKey`,
 * `groupId`, `pg` and the default channel.
 */
export const resolveIn = (self: IndexState, request: ResolveRequest, random: () => number): Outcome => {
  const merchant = self.merchant.code
  if (request.merchant !== merchant) return Result.fail(new UnknownMerchant({ merchant: request.merchant }))
  const tier = request.tier
  const scope = tier === undefined ? self.main : self.tiers.get(tier)
  if (scope === undefined) return Result.fail(new UnknownTier({ merchant, tier: tier!, known: [...self.tiers.keys()].sort() }))
  const mode = request.mode
  if ((mode === "test" ? scope.test : scope.live) === 0) {
    return Result.fail(new NoChannelConfigured({ merchant, ...(tier === undefined ? {} : { tier }), mode, otherMode: mode === "test" ? scope.live : scope.test }))
  }
  const c: Criteria = {
    tier,
    assigned: scope.assigned,
    code: undefined,
    mid: undefined,
    mode,
    purpose: purposeOf(request),
    paymentType: paymentTypeOf(request),
    payMethod: request.payMethod
  }
  const key = request.channelKey
  if (key !== undefined) {
    const channel = self.byKey.get(key)
    if (channel !== undefined && rejectionOf(channel, c) === undefined) return hit(channel, "channelKey")
    return Result.fail(notFound(request, c, "channelKey", key, channel === undefined ? [] : [channel]))
  }
  if (request.groupId !== undefined) return draw(self, request, c, request.groupId, random)
  if (request.pg !== undefined) return byPg(self, request, c, request.pg)
  const d = defaultChannel(self, c)
  return d === undefined ? Result.fail(notFound(request, c, "default", "", self.channels)) : hit(d, "default")
}
