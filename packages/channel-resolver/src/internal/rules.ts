import type { ChannelGroup, PaymentChannel } from "@paymux/domain"
import { Result } from "effect"
import * as PgSelector from "../PgSelector.ts"
import { type Fallback, paymentTypeOf, purposeOf, type Resolution, type ResolveRequest, type Via } from "../Resolution.ts"
import {
  ChannelNotFound,
  type InvalidPgSelector,
  type Lookup,
  NoChannelConfigured,
  type ResolutionError,
  UnknownMerchant,
  UnknownTier
} from "../ResolutionError.ts"
import type { IndexState } from "./candidates.ts"
import { type Criteria, firstServing, rejectAll, rejectionOf } from "./criteria.ts"
import { type NotFoundFacts, notFoundMessage } from "./explanation.ts"

type Channel = PaymentChannel.PaymentChannel
type Outcome = Result.Result<Resolution, ResolutionError>

/** The channel that serves a request and, for a request without mode, a younger one of the other mode that would. */
type Found = { readonly channel: Channel; readonly other: Channel | undefined }

const none: ReadonlyArray<Channel> = []

/** `c` with a `pg` string's code and MID, field by field: a spread copy has another shape, and the rules run slower over two. */
const withPg = (c: Criteria, { code, mid }: PgSelector.PgSelector): Criteria => ({
  tier: c.tier,
  assigned: c.assigned,
  code,
  mid,
  mode: c.mode,
  purpose: c.purpose,
  paymentType: c.paymentType,
  payMethod: c.payMethod
})

const succeed = (via: Via, { channel, other }: Found, fellBack?: Fallback): Outcome => {
  const result: { -readonly [K in keyof Resolution]: Resolution[K] } = { channel, mode: channel.mode, via }
  if (fellBack !== undefined) result.fellBack = fellBack
  if (other !== undefined) {
    const [test, live] = channel.mode === "test" ? [channel, other] : [other, channel]
    const detail =
      `the request gives no mode and both ${test.pg}.${test.mid} (test) and ${live.pg}.${live.mid} (live) serve it; ` +
      `the older, ${channel.mode}, was chosen: pass mode to choose`
    result.warning = { reason: "both-modes-match", test: test.key, live: live.key, detail }
  }
  return Result.succeed(result)
}

/** Runs a search for the request's mode or, without one, for each mode: the older answer wins. */
const perMode = (self: IndexState, c: Criteria, search: (c: Criteria) => Channel | undefined): Found | undefined => {
  const channel = search(c.mode === undefined ? { ...c, mode: "test" } : c)
  const other = c.mode === undefined ? search({ ...c, mode: "live" }) : undefined
  if (channel === undefined || other === undefined) {
    const one = channel ?? other
    return one === undefined ? undefined : { channel: one, other: undefined }
  }
  return self.order.get(channel)! < self.order.get(other)! ? { channel, other } : { channel: other, other: channel }
}

/** The merchant's configured default for the mode if it serves the request, otherwise the oldest channel that does. */
const defaultChannel = (self: IndexState, c: Criteria): Found | undefined =>
  perMode(self, c, (m) => {
    const key = self.merchant.defaultChannels[m.mode!]
    const configured = key === undefined ? undefined : self.byKey.get(key)
    if (configured !== undefined && rejectionOf(configured, m) === undefined) return configured
    return firstServing(self.byType.get(m.paymentType) ?? none, m)
  })

/** The default, for a `pg` string that names no channel, under the `fallback` policy only. */
const fallbackFor = (self: IndexState, c: Criteria): Found | undefined =>
  self.merchant.policy === "fallback" ? defaultChannel(self, c) : undefined

/** What a lookup that found nothing considered, and why each candidate was rejected. */
const facts = (self: IndexState, c: Criteria, lookup: Lookup, asked: string, candidates: ReadonlyArray<Channel>): NotFoundFacts => ({
  merchant: self.merchant.code,
  ...(c.tier === undefined ? {} : { tier: c.tier }),
  ...(c.mode === undefined ? {} : { mode: c.mode }),
  paymentType: c.paymentType,
  ...(c.payMethod === undefined ? {} : { payMethod: c.payMethod }),
  lookup,
  asked,
  rejected: rejectAll(candidates, c)
})

const notFound = (self: IndexState, c: Criteria, lookup: Lookup, asked: string, candidates: ReadonlyArray<Channel>): Outcome =>
  Result.fail(new ChannelNotFound(facts(self, c, lookup, asked, candidates)))

/** A weighted draw among the group's members that serve the request, in group order. */
const draw = (self: IndexState, c: Criteria, groupId: string, random: () => number): Outcome => {
  const members = self.groupsById.get(groupId)?.members ?? []
  const channelOf = (m: ChannelGroup.Member) => self.byKey.get(m.channel)!
  const usable = members.filter((m) => rejectionOf(channelOf(m), c) === undefined)
  if (usable.length === 0) return notFound(self, c, "group", groupId, members.map(channelOf))
  // Integer weights add up exactly, so the pick depends only on the drawn number.
  const x = random() * usable.reduce((total, m) => total + m.weight, 0)
  let acc = 0
  const pick = usable.find((m) => x < (acc += m.weight)) ?? usable[usable.length - 1]!
  return succeed("group", { channel: channelOf(pick), other: undefined })
}

/** A string that does not parse: the default under the `fallback` policy, unless it names a configured PG it may not select. */
const invalidPg = (self: IndexState, c: Criteria, error: InvalidPgSelector): Outcome => {
  const namesConfigured =
    (error.problem === "channel-key-only" || error.problem === "mid-required") && self.codes.has(error.pg.split(".", 1)[0]!)
  const fallback = namesConfigured ? undefined : fallbackFor(self, c)
  if (fallback === undefined) return Result.fail(error)
  return succeed("default", fallback, { reason: "pg-invalid", pg: error.pg, detail: error.message, rejected: [] })
}

/**
 * A `pg` string: the oldest channel it names that serves the request. One that names no channel
 * (no channel has its code, or its MID) is served by the default under the `fallback` policy; one
 * naming channels none of which serves is a miss under either policy: never another PG.
 */
const byPg = (self: IndexState, asked: Criteria, pg: string): Outcome => {
  const named = self.byPg.get(pg)
  let selector: PgSelector.PgSelector | undefined = named
  if (selector === undefined) {
    const parsed = PgSelector.parse(pg, self.catalog, self.codes)
    if (Result.isFailure(parsed)) return invalidPg(self, asked, parsed.failure)
    selector = parsed.success
  }
  const c = withPg(asked, selector)
  const candidates = named?.byType.get(c.paymentType) ?? none
  const found = perMode(self, c, (m) => firstServing(candidates, m))
  if (found !== undefined) return succeed("pg", found)
  const fallback = named === undefined ? fallbackFor(self, asked) : undefined
  if (fallback === undefined) return notFound(self, c, "pg", pg, self.channels)
  const why = facts(self, c, "pg", pg, self.channels)
  return succeed("default", fallback, { reason: "pg-unmatched", pg, detail: notFoundMessage(why), rejected: why.rejected })
}

/** The rules in order: merchant, tier, any channel of the mode, then `channelKey`, `groupId`, `pg` or the default. */
export const resolveIn = (self: IndexState, request: ResolveRequest, random: () => number): Outcome => {
  const merchant = self.merchant.code
  if (request.merchant !== merchant) return Result.fail(new UnknownMerchant({ merchant: request.merchant }))
  const { tier, mode, channelKey, groupId, pg } = request
  const scope = tier === undefined ? self.main : self.tiers.get(tier)
  if (scope === undefined) return Result.fail(new UnknownTier({ merchant, tier: tier!, known: [...self.tiers.keys()].sort() }))
  if ((mode === undefined ? scope.test + scope.live : mode === "test" ? scope.test : scope.live) === 0) {
    const otherMode = mode === undefined ? 0 : mode === "test" ? scope.live : scope.test
    return Result.fail(
      new NoChannelConfigured({ merchant, ...(tier === undefined ? {} : { tier }), ...(mode === undefined ? {} : { mode }), otherMode })
    )
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
  if (channelKey !== undefined) {
    // A key names one channel, so its own mode decides when the request gives none.
    const channel = self.byKey.get(channelKey)
    if (channel !== undefined && rejectionOf(channel, c) === undefined) return succeed("channelKey", { channel, other: undefined })
    return notFound(self, c, "channelKey", channelKey, channel === undefined ? none : [channel])
  }
  if (groupId !== undefined) return draw(self, c, groupId, random)
  if (pg !== undefined) return byPg(self, c, pg)
  const found = defaultChannel(self, c)
  return found !== undefined ? succeed("default", found) : notFound(self, c, "default", "", self.channels)
}
