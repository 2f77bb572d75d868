import { PgCatalog } from "@paymux/domain"
import { Result } from "effect"
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
import { type Criteria, rejectAll, rejection, rejectionOf } from "./criteria.ts"
import { notFoundMessage } from "./message.ts"
import { type Deferred, quiet, quietDeferred } from "./quiet.ts"
import { answer, DEFAULT_AT, type IndexState, type Scope } from "./table.ts"

// The cold path: everything here runs only when the index had no precomputed answer. Explanations
// are computed when first read, so a miss costs about as much as a hit until someone looks. The
// deferred work is held in small objects with a `force` method rather than in closures.

type Outcome = Result.Result<Resolution, ResolutionError>

const criteria = (scope: Scope, request: ResolveRequest, code?: string, mid?: string): Criteria => ({
  tier: scope.tier,
  assigned: scope.assigned,
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
  readonly scope: Scope
  readonly request: ResolveRequest
  readonly lookup: Lookup
  readonly asked: string
  readonly code: string | undefined
  readonly mid: string | undefined
  constructor(self: IndexState, scope: Scope, request: ResolveRequest, lookup: Lookup, asked: string, code?: string, mid?: string) {
    this.self = self
    this.scope = scope
    this.request = request
    this.lookup = lookup
    this.asked = asked
    this.code = code
    this.mid = mid
  }
  force(): ReadonlyArray<Rejection> {
    const { self, scope, request } = this
    const c = criteria(scope, request, this.code, this.mid)
    switch (this.lookup) {
      case "channelKey": {
        const n = self.byKey.get(this.asked)
        const channel = n === undefined ? undefined : self.channels[n]!
        const reason = channel === undefined ? undefined : rejectionOf(channel, c)
        return channel === undefined || reason === undefined ? [] : [rejection(channel, reason, c)]
      }
      case "group": {
        const group = self.groupsById.get(this.asked)
        if (group === undefined) return []
        return rejectAll(group.members.map((m) => self.channels[self.byKey.get(m.channel)!]!), c)
      }
      case "pg":
      case "default":
        return rejectAll(self.channels, c)
    }
  }
  error(): ChannelNotFound {
    const { scope, request } = this
    return quietDeferred(ChannelNotFound, "ChannelNotFound", {
      merchant: this.self.code,
      ...(scope.tier === undefined ? {} : { tier: scope.tier }),
      mode: request.mode,
      paymentType: paymentTypeOf(request),
      ...(request.payMethod === undefined ? {} : { payMethod: request.payMethod }),
      lookup: this.lookup,
      asked: this.asked
    }, this)
  }
  message(): string {
    const { scope, request } = this
    return notFoundMessage({
      merchant: this.self.code,
      tier: scope.tier,
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
    return quietDeferred(InvalidPgSelector, "InvalidPgSelector", { pg: this.pg, problem: this.problem }, this)
  }
}

/** Why the default served a `pg` request, worked out when first read. */
class LazyFallback implements Fallback {
  readonly reason: Fallback["reason"]
  readonly pg: string
  private readonly why: Explanation | Suggestions
  private explained: { readonly detail: string; readonly rejected: ReadonlyArray<Rejection> } | undefined
  constructor(pg: string, why: Explanation | Suggestions) {
    this.reason = why instanceof Suggestions ? "pg-invalid" : "pg-unmatched"
    this.pg = pg
    this.why = why
  }
  private explain(): { readonly detail: string; readonly rejected: ReadonlyArray<Rejection> } {
    const why = this.why
    return this.explained ??= why instanceof Suggestions
      ? { detail: why.error().message, rejected: [] }
      : { detail: why.message(), rejected: why.force() }
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

export const noChannel = (self: IndexState, scope: Scope, request: ResolveRequest): Outcome =>
  Result.fail(quiet(NoChannelConfigured, "NoChannelConfigured", {
    merchant: self.code,
    ...(scope.tier === undefined ? {} : { tier: scope.tier }),
    mode: request.mode,
    otherMode: request.mode === "test" ? scope.counts[1] : scope.counts[0]
  }))

export const byKey = (self: IndexState, scope: Scope, request: ResolveRequest, key: string): Outcome =>
  Result.fail(new Explanation(self, scope, request, "channelKey", key).error())

export const byGroup = (self: IndexState, scope: Scope, request: ResolveRequest, id: string): Outcome =>
  Result.fail(new Explanation(self, scope, request, "group", id).error())

export const byDefault = (self: IndexState, scope: Scope, request: ResolveRequest): Outcome =>
  Result.fail(new Explanation(self, scope, request, "default", "").error())

/**
 * A `pg` string the index could not answer: under `fallback` the default channel serves it and
 * the result says why; under `strict`, or when no default serves the request either, the error
 * `strict` would give.
 */
export const byPg = (self: IndexState, scope: Scope, request: ResolveRequest, pg: string, slot: number): Outcome => {
  const parsed = classify(pg, self.catalog, self.codes)
  const why = typeof parsed === "string"
    ? new Suggestions(self.catalog, pg, parsed)
    : new Explanation(self, scope, request, "pg", pg, parsed.code, parsed.mid)
  const fallback = self.merchant.policy === "fallback" ? answer(scope.cells, DEFAULT_AT, slot, request.payMethod) : undefined
  if (fallback === undefined) return Result.fail(why.error())
  return Result.succeed({ channel: fallback, via: "default", fellBack: new LazyFallback(pg, why) })
}
