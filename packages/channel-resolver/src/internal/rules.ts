import { type PaymentChannel, PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import { type Fallback, type ModeWarning, paymentTypeOf, purposeOf, type Resolution, type ResolveRequest, type Via } from "../Resolution.ts"
import {
  ChannelNotFound,
  InvalidPgSelector,
  type Lookup,
  NoChannelConfigured,
  type PgSelectorProblem,
  type ResolutionError,
  UnknownMerchant,
  UnknownTier
} from "../ResolutionError.ts"
import type { IndexState, Named } from "./candidates.ts"
import { type Criteria, rejectAll, rejectionOf } from "./criteria.ts"
import { type NotFoundFacts, notFoundMessage } from "./explanation.ts"
import { classify, type PgSelector } from "./selector.ts"

type Channel = PaymentChannel.PaymentChannel
type Outcome = Result.Result<Resolution, ResolutionError>

/** What a search of one kind found: the channel, and for a request without mode, a channel of the other mode that would also serve. */
interface Found {
  readonly channel: Channel
  readonly other: Channel | undefined
}

const none: ReadonlyArray<Channel> = []

const succeed = (found: Found, via: Via, fellBack?: Fallback): Outcome => {
  const { channel, other } = found
  const result: { -readonly [K in keyof Resolution]: Resolution[K] } = { channel, mode: channel.mode, via }
  if (fellBack !== undefined) result.fellBack = fellBack
  if (other !== undefined) result.warning = modeWarning(channel, other)
  return Result.succeed(result)
}

const modeWarning = (chosen: Channel, other: Channel): ModeWarning => {
  const [test, live] = chosen.mode === "test" ? [chosen, other] : [other, chosen]
  return {
    reason: "both-modes-match",
    test: test.key,
    live: live.key,
    detail:
      `the request gives no mode and both ${test.pg}.${test.mid} (test) and ${live.pg}.${live.mid} (live) serve it; ` +
      `the older, ${chosen.mode}, was chosen: pass mode to choose`
  }
}

/** The first of `channels` (in their order) that serves the request. */
const firstServing = (channels: ReadonlyArray<Channel>, c: Criteria): Channel | undefined => {
  for (const channel of channels) if (rejectionOf(channel, c) === undefined) return channel
  return undefined
}

/**
 * Runs a search for one mode, or, for a request without mode, for each mode: the older answer
 * wins and the other is kept for the warning.
 */
const eitherMode = (self: IndexState, c: Criteria, search: (c: Criteria) => Channel | undefined): Found | undefined => {
  if (c.mode !== undefined) {
    const channel = search(c)
    return channel === undefined ? undefined : { channel, other: undefined }
  }
  const test = search({ ...c, mode: "test" })
  const live = search({ ...c, mode: "live" })
  if (test === undefined || live === undefined) {
    const channel = test ?? live
    return channel === undefined ? undefined : { channel, other: undefined }
  }
  return self.order.get(test)! < self.order.get(live)! ? { channel: test, other: live } : { channel: live, other: test }
}

/** The merchant's configured default for the mode if it serves the request, otherwise the oldest channel that does. */
const defaultChannel = (self: IndexState, c: Criteria): Found | undefined =>
  eitherMode(self, c, (m) => {
    const key = self.merchant.defaultChannels[m.mode as "test" | "live"]
    const configured = key === undefined ? undefined : self.byKey.get(key)
    return configured !== undefined && rejectionOf(configured, m) === undefined
      ? configured
      : firstServing(self.byType.get(m.paymentType) ?? none, m)
  })

/** What a lookup that found nothing considered, and why each candidate was rejected. */
const facts = (
  request: ResolveRequest,
  c: Criteria,
  lookup: Lookup,
  asked: string,
  candidates: ReadonlyArray<Channel>
): NotFoundFacts & ConstructorParameters<typeof ChannelNotFound>[0] => ({
  merchant: request.merchant,
  ...(c.tier === undefined ? {} : { tier: c.tier }),
  ...(request.mode === undefined ? {} : { mode: request.mode }),
  paymentType: c.paymentType,
  ...(c.payMethod === undefined ? {} : { payMethod: c.payMethod }),
  lookup,
  asked,
  rejected: rejectAll(candidates, c)
})

const notFound = (request: ResolveRequest, c: Criteria, lookup: Lookup, asked: string, candidates: ReadonlyArray<Channel>): Outcome =>
  Result.fail(new ChannelNotFound(facts(request, c, lookup, asked, candidates)))

/** A weighted draw among the group's members that serve the request, in group order. */
const draw = (self: IndexState, request: ResolveRequest, c: Criteria, groupId: string, random: () => number): Outcome => {
  const members = self.groupsById.get(groupId)?.members ?? []
  const usable = members.filter((m) => rejectionOf(self.byKey.get(m.channel)!, c) === undefined)
  if (usable.length === 0)
    return notFound(
      request,
      c,
      "group",
      groupId,
      members.map((m) => self.byKey.get(m.channel)!)
    )
  // Integer weights add up exactly, so the pick depends only on the drawn number.
  const x = random() * usable.reduce((total, m) => total + m.weight, 0)
  let acc = 0
  const pick = usable.find((m) => x < (acc += m.weight)) ?? usable[usable.length - 1]!
  return succeed({ channel: self.byKey.get(pick.channel)!, other: undefined }, "group")
}

/** The default, for a `pg` string that names no channel, under the `fallback` policy only. */
const fallbackFor = (self: IndexState, c: Criteria): Found | undefined =>
  self.merchant.policy === "fallback" ? defaultChannel(self, c) : undefined

/**
 * A `pg` string (`asked` carries its code and MID): the oldest channel it names that serves the request. A string that names no
 * channel at all (it does not parse, or no channel has its code, or its MID) is served by the
 * default under the `fallback` policy; one that names channels none of which serves the request
 * is a miss under either policy, so a request for one PG is never served by another.
 */
const byPg = (
  self: IndexState,
  request: ResolveRequest,
  asked: Criteria,
  pg: string,
  parsed: PgSelector | PgSelectorProblem,
  named: Named | undefined
): Outcome => {
  const c: Criteria = { ...asked, code: undefined, mid: undefined }
  if (typeof parsed === "string") {
    // A configured PG that this string may not select is named all the same: never served by
    // another PG. Without a channel of that PG, the string names nothing (rule 8).
    const namesConfigured = (parsed === "channel-key-only" || parsed === "mid-required") && self.codes.has(pg.split(".", 1)[0]!)
    const fallback = namesConfigured ? undefined : fallbackFor(self, c)
    const suggestions = parsed === "unknown-pg" ? PgCatalog.suggest(self.catalog, pg.split(".", 1)[0]!) : []
    const error = new InvalidPgSelector({ pg, problem: parsed, suggestions })
    return fallback === undefined
      ? Result.fail(error)
      : succeed(fallback, "default", { reason: "pg-invalid", pg, detail: error.message, rejected: [] })
  }
  const candidates = named?.byType.get(asked.paymentType) ?? none
  const match = eitherMode(self, asked, (m) => firstServing(candidates, m))
  if (match !== undefined) return succeed(match, "pg")
  const fallback = named === undefined ? fallbackFor(self, c) : undefined
  if (fallback === undefined) return notFound(request, asked, "pg", pg, self.channels)
  // The error's facts without the error: its constructor re-checks every rejection.
  const why = facts(request, asked, "pg", pg, self.channels)
  return succeed(fallback, "default", { reason: "pg-unmatched", pg, detail: notFoundMessage(why), rejected: why.rejected })
}

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
  const inMode = mode === undefined ? scope.test + scope.live : mode === "test" ? scope.test : scope.live
  if (inMode === 0) {
    const otherMode = mode === undefined ? 0 : mode === "test" ? scope.live : scope.test
    return Result.fail(
      new NoChannelConfigured({ merchant, ...(tier === undefined ? {} : { tier }), ...(mode === undefined ? {} : { mode }), otherMode })
    )
  }
  // Only a `pg` request parses its string; the criteria then carry its code and MID.
  const key = request.channelKey
  const pg = key === undefined && request.groupId === undefined ? request.pg : undefined
  const named = pg === undefined ? undefined : self.byPg.get(pg)
  // A string that names channels is one of theirs (domain MIDs have no spaces), so it parses.
  const parsed = pg === undefined ? undefined : (named ?? classify(pg, self.catalog, self.codes))
  const selector = typeof parsed === "object" ? parsed : undefined
  const c: Criteria = {
    tier,
    assigned: scope.assigned,
    code: selector?.code,
    mid: selector?.mid,
    mode,
    purpose: purposeOf(request),
    paymentType: paymentTypeOf(request),
    payMethod: request.payMethod
  }
  if (key !== undefined) {
    // A key names one channel, so its own mode decides when the request gives none.
    const channel = self.byKey.get(key)
    if (channel !== undefined && rejectionOf(channel, c) === undefined) return succeed({ channel, other: undefined }, "channelKey")
    return notFound(request, c, "channelKey", key, channel === undefined ? [] : [channel])
  }
  if (request.groupId !== undefined) return draw(self, request, c, request.groupId, random)
  if (pg !== undefined) return byPg(self, request, c, pg, parsed!, named)
  const d = defaultChannel(self, c)
  return d === undefined ? notFound(request, c, "default", "", self.channels) : succeed(d, "default")
}
