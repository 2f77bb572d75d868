/**
 * The oracle and the benchmark's anchor: a linear scan over every channel for every request, as
 * the mobile SDKs do, written from the rules alone and as plainly as possible. It shares only
 * the public types and the error classes with the index: the request's defaults are its own,
 * and `pg` strings go through the hand-written NaiveSelector.
 */
import { type ChannelGroup, type Merchant, type PaymentChannel, PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import type { IndexInput } from "../../src/ChannelIndex.ts"
import type { Fallback, Resolution, ResolveRequest } from "../../src/Resolution.ts"
import {
  ChannelNotFound,
  NoChannelConfigured,
  type Rejection,
  type RejectionReason,
  type ResolutionError,
  UnknownMerchant,
  UnknownTier
} from "../../src/ResolutionError.ts"
import * as NaiveSelector from "./NaiveSelector.ts"

export interface Naive {
  readonly merchant: Merchant.Merchant
  readonly channels: ReadonlyArray<PaymentChannel.PaymentChannel>
  readonly tiers: ReadonlyMap<string, ReadonlyArray<string>>
  readonly groups: ReadonlyArray<ChannelGroup.ChannelGroup>
  readonly catalog: PgCatalog.PgCatalog
}

/** Keeps the channels in creation order, as the console stores them. */
export const load = (input: IndexInput): Naive => ({
  merchant: input.merchant,
  channels: [...input.channels].sort((a, b) => a.sequence - b.sequence),
  tiers: new Map((input.subMerchants ?? []).map((s) => [s.tier as string, s.channels as ReadonlyArray<string>])),
  groups: input.groups ?? [],
  catalog: input.catalog ?? PgCatalog.builtIn
})

// The defaults: identity verification goes with the certification payment type, each implying
// the other; otherwise a request is a payment of the general window type.
const paymentTypeOf = (request: ResolveRequest): string =>
  request.paymentType !== undefined ? request.paymentType : request.purpose === "identity-verification" ? "certification" : "window.general"

const purposeOf = (request: ResolveRequest): string =>
  request.purpose !== undefined ? request.purpose : paymentTypeOf(request) === "certification" ? "identity-verification" : "payment"

interface Ask {
  readonly tier: string | undefined
  readonly assigned: ReadonlyArray<string> | undefined
  readonly code?: string | undefined
  readonly mid?: string | undefined
  readonly mode: "test" | "live" | undefined
  readonly purpose: string
  readonly paymentType: string
  readonly payMethod: string | undefined
}

const why = (c: PaymentChannel.PaymentChannel, ask: Ask): RejectionReason | undefined => {
  if (ask.assigned && !ask.assigned.includes(c.key)) return "not-assigned-to-tier"
  if (ask.code !== undefined && c.pg !== ask.code) return "pg-differs"
  if (ask.mid !== undefined && c.mid !== ask.mid) return "mid-differs"
  if (ask.mode !== undefined && c.mode !== ask.mode) return "wrong-mode"
  if (!c.enabled) return "disabled"
  if (c.purpose !== ask.purpose) return "purpose-differs"
  if (c.paymentType !== ask.paymentType) return "payment-type-mismatch"
  if (ask.payMethod !== undefined && !(c.payMethods as ReadonlyArray<string>).includes(ask.payMethod)) return "pay-method-unsupported"
  return undefined
}

const rejectedAmong = (channels: ReadonlyArray<PaymentChannel.PaymentChannel>, ask: Ask): Array<Rejection> => {
  const out: Array<Rejection> = []
  for (const c of channels) {
    const reason = why(c, ask)
    // The oracle's detail text is not part of what it checks; the index owns the wording.
    if (reason) out.push({ channel: c.key, pg: c.pg + "." + c.mid, mode: c.mode, reason, detail: reason })
  }
  return out
}

// Plain loops and module-level helpers: no closures are made per request, so the anchor is not
// slowed by allocation the index avoids (tsx also wraps every closure it creates in a naming call).

const byKey = (channels: ReadonlyArray<PaymentChannel.PaymentChannel>, key: string): PaymentChannel.PaymentChannel | undefined => {
  for (const c of channels) if (c.key === key) return c
  return undefined
}

const firstServing = (channels: ReadonlyArray<PaymentChannel.PaymentChannel>, ask: Ask): PaymentChannel.PaymentChannel | undefined => {
  for (const c of channels) if (why(c, ask) === undefined) return c
  return undefined
}

const defaultOfMode = (naive: Naive, ask: Ask): PaymentChannel.PaymentChannel | undefined => {
  const configured = naive.merchant.defaultChannels[ask.mode!]
  const chosen = configured === undefined ? undefined : byKey(naive.channels, configured)
  if (chosen && why(chosen, ask) === undefined) return chosen
  return firstServing(naive.channels, ask)
}

interface Pick {
  readonly channel: PaymentChannel.PaymentChannel
  readonly other?: PaymentChannel.PaymentChannel
}

/** Without a mode: the search for each mode, the older answer, and the younger kept for the warning. */
const perMode = (naive: Naive, ask: Ask, search: (ask: Ask) => PaymentChannel.PaymentChannel | undefined): Pick | undefined => {
  if (ask.mode !== undefined) {
    const channel = search(ask)
    return channel && { channel }
  }
  const found = [search({ ...ask, mode: "test" }), search({ ...ask, mode: "live" })].filter((c) => c !== undefined)
  found.sort((a, b) => naive.channels.indexOf(a) - naive.channels.indexOf(b))
  if (found.length === 0) return undefined
  return found.length === 1 ? { channel: found[0]! } : { channel: found[0]!, other: found[1]! }
}

const defaultChannel = (naive: Naive, ask: Ask): Pick | undefined => perMode(naive, ask, (a) => defaultOfMode(naive, a))

const ok = (pick: Pick, via: Resolution["via"], fellBack?: Fallback): Result.Result<Resolution, never> => {
  const { channel, other } = pick
  const result: { -readonly [K in keyof Resolution]: Resolution[K] } = { channel, mode: channel.mode, via }
  if (fellBack !== undefined) result.fellBack = fellBack
  if (other !== undefined) {
    const test = channel.mode === "test" ? channel : other
    const live = channel.mode === "test" ? other : channel
    // The oracle's detail text is not part of what it checks.
    result.warning = { reason: "both-modes-match", test: test.key, live: live.key, detail: "" }
  }
  return Result.succeed(result)
}

const notFound = (
  naive: Naive,
  request: ResolveRequest,
  ask: Ask,
  lookup: ChannelNotFound["lookup"],
  asked: string,
  rejected: ReadonlyArray<Rejection>
): Result.Result<never, ChannelNotFound> =>
  Result.fail(
    new ChannelNotFound({
      merchant: naive.merchant.code,
      ...(ask.tier === undefined ? {} : { tier: ask.tier }),
      ...(request.mode === undefined ? {} : { mode: request.mode }),
      paymentType: ask.paymentType,
      ...(request.payMethod === undefined ? {} : { payMethod: request.payMethod }),
      lookup,
      asked,
      rejected
    })
  )

export const resolve = (
  naive: Naive,
  request: ResolveRequest,
  random: () => number = Math.random
): Result.Result<Resolution, ResolutionError> => {
  const code = naive.merchant.code
  if (request.merchant !== code) return Result.fail(new UnknownMerchant({ merchant: request.merchant }))
  const tier = request.tier
  const assigned = tier === undefined ? undefined : naive.tiers.get(tier)
  if (tier !== undefined && assigned === undefined) {
    return Result.fail(new UnknownTier({ merchant: code, tier, known: [...naive.tiers.keys()].sort() }))
  }
  let sameMode = 0
  let otherMode = 0
  for (const c of naive.channels) {
    if (assigned !== undefined && !assigned.includes(c.key)) continue
    if (request.mode === undefined || c.mode === request.mode) sameMode++
    else otherMode++
  }
  if (sameMode === 0) {
    const mode = request.mode === undefined ? {} : { mode: request.mode }
    return Result.fail(new NoChannelConfigured({ merchant: code, ...(tier === undefined ? {} : { tier }), ...mode, otherMode }))
  }
  const ask: Ask = {
    tier,
    assigned,
    mode: request.mode,
    purpose: purposeOf(request),
    paymentType: paymentTypeOf(request),
    payMethod: request.payMethod
  }

  if (request.channelKey !== undefined) {
    const channel = byKey(naive.channels, request.channelKey)
    if (channel && why(channel, ask) === undefined) return ok({ channel }, "channelKey")
    return notFound(naive, request, ask, "channelKey", request.channelKey, channel ? rejectedAmong([channel], ask) : [])
  }

  if (request.groupId !== undefined) {
    let group: ChannelGroup.ChannelGroup | undefined
    for (const g of naive.groups) if (g.id === request.groupId) group = g
    if (!group) return notFound(naive, request, ask, "group", request.groupId, [])
    const members: Array<PaymentChannel.PaymentChannel> = []
    const usable: Array<{ channel: PaymentChannel.PaymentChannel; weight: number }> = []
    let total = 0
    for (const m of group.members) {
      const channel = byKey(naive.channels, m.channel)!
      members.push(channel)
      if (why(channel, ask) === undefined) {
        usable.push({ channel, weight: m.weight })
        total += m.weight
      }
    }
    if (usable.length === 0) return notFound(naive, request, ask, "group", request.groupId, rejectedAmong(members, ask))
    const x = random() * total
    let acc = 0
    for (const m of usable) {
      acc += m.weight
      if (x < acc) return ok({ channel: m.channel }, "group")
    }
    return ok({ channel: usable[usable.length - 1]!.channel }, "group")
  }

  if (request.pg === undefined) {
    const d = defaultChannel(naive, ask)
    return d ? ok(d, "default") : notFound(naive, request, ask, "default", "", rejectedAmong(naive.channels, ask))
  }

  const fallbackAllowed = naive.merchant.policy === "fallback"
  const codes = new Set<string>()
  for (const c of naive.channels) codes.add(c.pg)
  const parsed = NaiveSelector.parse(request.pg, naive.catalog, codes)
  if (Result.isFailure(parsed)) {
    const d = fallbackAllowed ? defaultChannel(naive, ask) : undefined
    if (!d) return Result.fail(parsed.failure)
    return ok(d, "default", { reason: "pg-invalid", pg: request.pg, detail: parsed.failure.message, rejected: [] })
  }
  const { code: pgCode, mid } = parsed.success
  const pgAsk: Ask = { ...ask, code: pgCode, mid }
  const match = perMode(naive, pgAsk, (a) => firstServing(naive.channels, a))
  if (match) return ok(match, "pg")
  const rejected = rejectedAmong(naive.channels, pgAsk)
  // A string that names a channel (of any mode, state or tier) is never served by another PG.
  const names = naive.channels.some((c) => c.pg === pgCode && (mid === undefined || c.mid === mid))
  const d = fallbackAllowed && !names ? defaultChannel(naive, ask) : undefined
  if (!d) return notFound(naive, request, ask, "pg", request.pg, rejected)
  return ok(d, "default", { reason: "pg-unmatched", pg: request.pg, detail: "", rejected })
}
