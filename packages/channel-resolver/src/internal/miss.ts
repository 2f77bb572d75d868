import { type PaymentChannel, PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import type { PgSelector } from "../PgSelector.ts"
import type { PgSelectorProblem } from "../ResolutionError.ts"
import { type Fallback, paymentTypeOf, purposeOf, type Resolution, type ResolveRequest } from "../Resolution.ts"
import {
  ChannelNotFound,
  InvalidPgSelector,
  type Lookup,
  NoChannelConfigured,
  type Rejection,
  type ResolutionError,
  UnknownMerchant,
  UnknownTier
} from "../ResolutionError.ts"
import { classify } from "./classify.ts"
import { channelNumber, type IndexState, scopeOf } from "./core.ts"
import { type Criteria, rejectAll, rejection, rejectionOf } from "./criteria.ts"
import { notFoundMessage } from "./message.ts"
import { type Deferred, quiet, quietDeferred } from "./quiet.ts"
import { S_LIVE, S_TEST } from "./table.ts"

// The cold path: everything here runs only when the index had no precomputed answer. A miss is
// still an ordinary answer, so building one reads nothing but the request: the explanation (the
// candidates and why each was rejected) is worked out when first read, from the index, in small
// objects with a `force` method rather than closures. The request's merchant is the index's (the
// caller checked), and its tier the scope's.

type Outcome = Result.Result<Resolution, ResolutionError>

const criteria = (self: IndexState, request: ResolveRequest, code?: string, mid?: string): Criteria => ({
  tier: request.tier,
  assigned: scopeOf(self, request.tier).assigned,
  code,
  mid,
  mode: request.mode,
  purpose: purposeOf(request),
  paymentType: paymentTypeOf(request),
  payMethod: request.payMethod
})

/** The candidates a lookup considered, each with why it was rejected, oldest (or member order) first. */
class Explanation implements Deferred {
  readonly self: IndexState
  readonly request: ResolveRequest
  readonly lookup: Lookup
  readonly asked: string
  constructor(self: IndexState, request: ResolveRequest, lookup: Lookup, asked: string) {
    this.self = self
    this.request = request
    this.lookup = lookup
    this.asked = asked
  }
  force(): ReadonlyArray<Rejection> {
    const { self, request } = this
    switch (this.lookup) {
      case "channelKey": {
        const c = criteria(self, request)
        const n = channelNumber(self, this.asked)
        const channel = n === -1 ? undefined : self.channels[n]!
        const reason = channel === undefined ? undefined : rejectionOf(channel, c)
        return channel === undefined || reason === undefined ? [] : [rejection(channel, reason, c)]
      }
      case "group": {
        const group = self.groupsById.get(this.asked)
        if (group === undefined) return []
        const members = group.members.map((m) => self.channels[channelNumber(self, m.channel)]!)
        return rejectAll(members, criteria(self, request))
      }
      case "pg": {
        // Only a `pg` string that parses gets here (see `byPg`).
        const parsed = classify(this.asked, self.catalog, self.codes) as PgSelector
        return rejectAll(self.channels, criteria(self, request, parsed.code, parsed.mid))
      }
      case "default":
        return rejectAll(self.channels, criteria(self, request))
    }
  }
  error(): ChannelNotFound {
    const request = this.request
    const error = quietDeferred(ChannelNotFound, "ChannelNotFound", this)
    error.merchant = request.merchant
    if (request.tier !== undefined) error.tier = request.tier
    error.mode = request.mode
    error.paymentType = paymentTypeOf(request)
    if (request.payMethod !== undefined) error.payMethod = request.payMethod
    error.lookup = this.lookup
    error.asked = this.asked
    return error
  }
  message(): string {
    const request = this.request
    return notFoundMessage({
      merchant: request.merchant,
      tier: request.tier,
      mode: request.mode,
      paymentType: paymentTypeOf(request),
      payMethod: request.payMethod,
      lookup: this.lookup,
      asked: this.asked,
      rejected: this.force()
    })
  }
}

class Suggestions implements Deferred {
  readonly catalog: PgCatalog.PgCatalog
  readonly pg: string
  readonly problem: PgSelectorProblem
  constructor(catalog: PgCatalog.PgCatalog, pg: string, problem: PgSelectorProblem) {
    this.catalog = catalog
    this.pg = pg
    this.problem = problem
  }
  // An edit distance per catalog code: worth doing only for someone who reads it.
  force(): ReadonlyArray<string> {
    return this.problem === "unknown-pg" ? PgCatalog.suggest(this.catalog, this.pg.split(".", 1)[0]!) : []
  }
  error(): InvalidPgSelector {
    const error = quietDeferred(InvalidPgSelector, "InvalidPgSelector", this)
    error.pg = this.pg
    error.problem = this.problem
    return error
  }
}

/** Why a `pg` string selected nothing: it does not parse, or no channel matches it. */
const whyPg = (self: IndexState, request: ResolveRequest, pg: string): Explanation | Suggestions => {
  const parsed = classify(pg, self.catalog, self.codes)
  return typeof parsed === "string" ? new Suggestions(self.catalog, pg, parsed) : new Explanation(self, request, "pg", pg)
}

/** Why the default served a `pg` request, worked out (from the string up) when first read. */
class LazyFallback implements Fallback {
  readonly pg: string
  private readonly self: IndexState
  private readonly request: ResolveRequest
  private why: Explanation | Suggestions | undefined
  private explained: { readonly detail: string; readonly rejected: ReadonlyArray<Rejection> } | undefined
  constructor(self: IndexState, request: ResolveRequest, pg: string) {
    this.self = self
    this.request = request
    this.pg = pg
  }
  private reasonOf(): Explanation | Suggestions {
    return this.why ??= whyPg(this.self, this.request, this.pg)
  }
  private explain(): { readonly detail: string; readonly rejected: ReadonlyArray<Rejection> } {
    const why = this.reasonOf()
    return this.explained ??= why instanceof Suggestions
      ? { detail: why.error().message, rejected: [] }
      : { detail: why.message(), rejected: why.force() }
  }
  get reason(): Fallback["reason"] {
    return this.reasonOf() instanceof Suggestions ? "pg-invalid" : "pg-unmatched"
  }
  get detail(): string {
    return this.explain().detail
  }
  get rejected(): ReadonlyArray<Rejection> {
    return this.explain().rejected
  }
  toJSON(): Fallback {
    return { reason: this.reason, pg: this.pg, detail: this.detail, rejected: this.rejected }
  }
}

export const unknownMerchant = (request: ResolveRequest): Outcome =>
  Result.fail(quiet(UnknownMerchant, "UnknownMerchant", { merchant: request.merchant }))

export const unknownTier = (self: IndexState, tier: string): Outcome =>
  Result.fail(quiet(UnknownTier, "UnknownTier", { merchant: self.code, tier, known: [...self.tiers.keys()].sort() }))

/** No channel of the mode in the scope at `scope`, whose header counts each mode's channels. */
export const noChannel = (request: ResolveRequest, cells: Int32Array, scope: number): Outcome =>
  Result.fail(quiet(NoChannelConfigured, "NoChannelConfigured", {
    merchant: request.merchant,
    ...(request.tier === undefined ? {} : { tier: request.tier }),
    mode: request.mode,
    otherMode: cells[scope + (request.mode === "test" ? S_LIVE : S_TEST)]!
  }))

export const byKey = (self: IndexState, request: ResolveRequest, key: string): Outcome =>
  Result.fail(new Explanation(self, request, "channelKey", key).error())

export const byGroup = (self: IndexState, request: ResolveRequest, id: string): Outcome =>
  Result.fail(new Explanation(self, request, "group", id).error())

export const byDefault = (self: IndexState, request: ResolveRequest): Outcome =>
  Result.fail(new Explanation(self, request, "default", "").error())

/**
 * A `pg` string the index could not answer: under `fallback`, when the default serves the
 * request (`fallback`), that channel with a lazily explained `fellBack`; otherwise the error
 * `strict` would give.
 */
export const byPg = (self: IndexState, request: ResolveRequest, pg: string, fallback: PaymentChannel.PaymentChannel | undefined): Outcome =>
  fallback === undefined
    ? Result.fail(whyPg(self, request, pg).error())
    : Result.succeed({ channel: fallback, via: "default", fellBack: new LazyFallback(self, request, pg) })
