import { describe, expect, it } from "@effect/vitest"
import { DomainError, Merchant } from "@paymux/domain"
import { Result } from "effect"
import * as ChannelIndex from "../src/ChannelIndex.ts"
import * as ChannelResolver from "../src/ChannelResolver.ts"
import type { ResolveRequest } from "../src/Resolution.ts"
import { channel, code, group, index, merchant, tier } from "./support/fixtures.ts"

const ask = (i: ChannelIndex.ChannelIndex, request: Omit<ResolveRequest, "merchant">, random?: () => number) =>
  ChannelIndex.resolve(i, { merchant: code, ...request }, random)
const keyOf = (outcome: ReturnType<typeof ask>) => Result.getOrThrow(outcome).channel.key
const failure = (outcome: ReturnType<typeof ask>) => {
  if (Result.isSuccess(outcome)) throw new Error(`expected a failure, got ${outcome.success.channel.key}`)
  return outcome.failure
}

describe("pg matching", () => {
  const kcpOld = channel({ pg: "kcp", mid: "T0000" })
  const kcpNew = channel({ pg: "kcp", mid: "T0001", payMethods: ["card", "vbank"] })
  const dotted = channel({ pg: "nice_v2", mid: "shop.a.b" })
  const i = index({ channels: [kcpNew, dotted, kcpOld] })

  it("a PG code alone picks the oldest matching channel", () => {
    expect(keyOf(ask(i, { mode: "test", pg: "kcp" }))).toBe(kcpOld.key)
  })
  it("code.MID picks among several channels of one PG", () => {
    expect(keyOf(ask(i, { mode: "test", pg: "kcp.T0001" }))).toBe(kcpNew.key)
    expect(Result.getOrThrow(ask(i, { mode: "test", pg: "kcp.T0001" })).via).toBe("pg")
  })
  it("splits on the first dot only, since MIDs may contain dots", () => {
    expect(keyOf(ask(i, { mode: "test", pg: "nice_v2.shop.a.b" }))).toBe(dotted.key)
  })
  it("skips channels that do not take the pay method", () => {
    expect(keyOf(ask(i, { mode: "test", pg: "kcp", payMethod: "vbank" }))).toBe(kcpNew.key)
  })
  it("matches the payment type", () => {
    const keyin = channel({ pg: "kcp", mid: "T0000", paymentType: "api.keyin", credentials: { site_key: "k" } })
    const j = index({ channels: [kcpOld, keyin] })
    expect(keyOf(ask(j, { mode: "test", pg: "kcp", paymentType: "api.keyin" }))).toBe(keyin.key)
  })
})

describe("default channel and the fallback policy", () => {
  const uplus = channel({ pg: "uplus", mid: "M1", payMethods: ["card", "trans"] })
  const kcp = channel({ pg: "kcp", mid: "T0000" })

  it("without pg, the oldest enabled payment channel of the mode", () => {
    const r = Result.getOrThrow(ask(index({ channels: [kcp, uplus] }), { mode: "test" }))
    expect(r.channel.key).toBe(uplus.key)
    expect(r.via).toBe("default")
  })
  it("the merchant's configured default wins over the oldest", () => {
    const m = Result.getOrThrow(Merchant.setDefaultChannel(merchant(), kcp))
    expect(keyOf(ask(index({ merchant: m, channels: [uplus, kcp] }), { mode: "test" }))).toBe(kcp.key)
  })
  it("under fallback, an unmatched pg is served by the default and the result says why", () => {
    const r = Result.getOrThrow(ask(index({ channels: [uplus] }), { mode: "test", pg: "tosspayments" }))
    expect(r.channel.key).toBe(uplus.key)
    expect(r.fellBack?.reason).toBe("pg-unmatched")
    expect(r.fellBack?.rejected.map((x) => x.reason)).toEqual(["pg-differs"])
    expect(r.fellBack?.detail).toBe(`pg "tosspayments" matched no channel of ${code} (test, window.general); configured: uplus.M1 (test)`)
  })
  it("under fallback, an unparseable pg is served by the default too", () => {
    const r = Result.getOrThrow(ask(index({ channels: [uplus] }), { mode: "test", pg: "tosspayment" }))
    expect(r.fellBack?.reason).toBe("pg-invalid")
    expect(r.fellBack?.detail).toContain("did you mean tosspayments")
  })
  it("under strict, an unmatched pg is a ChannelNotFound that lists the configured channels", () => {
    const error = failure(ask(index({ merchant: merchant("strict"), channels: [uplus] }), { mode: "test", pg: "tosspayments" }))
    expect(error._tag).toBe("ChannelNotFound")
    expect(error.message).toBe(`pg "tosspayments" matched no channel of ${code} (test, window.general); configured: uplus.M1 (test)`)
  })
  it("under strict, a typo is an InvalidPgSelector with a suggestion", () => {
    const error = failure(ask(index({ merchant: merchant("strict"), channels: [uplus] }), { mode: "test", pg: "tosspayment" }))
    expect(error._tag).toBe("InvalidPgSelector")
    expect(error.message).toBe(`pg "tosspayment": "tosspayment" is not a known PG code; did you mean tosspayments?`)
  })
  it("no fallback when the default cannot serve the request either", () => {
    const error = failure(ask(index({ channels: [uplus] }), { mode: "test", pg: "kcp", payMethod: "vbank" }))
    expect(error._tag).toBe("ChannelNotFound")
  })
})

describe("rejection reasons", () => {
  const reasonsFor = (outcome: ReturnType<typeof ask>) => {
    const error = failure(outcome)
    if (error._tag !== "ChannelNotFound") throw new Error(error._tag)
    return error.rejected.map((r) => r.reason)
  }
  const strict = merchant("strict")

  it("mid-differs says why kcp.T0000 did not match", () => {
    const c = channel({ pg: "kcp", mid: "T0001" })
    const error = failure(ask(index({ merchant: strict, channels: [c] }), { mode: "test", pg: "kcp.T0000" }))
    expect(error._tag === "ChannelNotFound" && error.rejected[0]?.detail).toBe("MID is T0001, not T0000")
  })
  it("wrong-mode, disabled, pay-method-unsupported, payment-type-mismatch", () => {
    const live = channel({ pg: "kcp", mid: "A", mode: "live" })
    const off = channel({ pg: "kcp", mid: "B", enabled: false })
    const cardOnly = channel({ pg: "kcp", mid: "C" })
    const keyin = channel({ pg: "kcp", mid: "D", paymentType: "api.keyin" })
    const i = index({ merchant: strict, channels: [live, off, cardOnly, keyin] })
    expect(reasonsFor(ask(i, { mode: "test", pg: "kcp", payMethod: "vbank" }))).toEqual([
      "wrong-mode",
      "disabled",
      "pay-method-unsupported",
      "payment-type-mismatch"
    ])
  })
  it("purpose-differs for an identity-verification channel", () => {
    const cert = channel({ pg: "kcp", mid: "CERT", paymentType: "certification", payMethods: [] })
    const card = channel({ pg: "kcp", mid: "T0000" })
    const i = index({ merchant: strict, channels: [cert, card] })
    expect(reasonsFor(ask(i, { mode: "test", pg: "kcp.CERT" }))).toEqual(["purpose-differs", "mid-differs"])
    expect(keyOf(ask(i, { mode: "test", purpose: "identity-verification" }))).toBe(cert.key)
  })
  it("not-assigned-to-tier", () => {
    const a = channel({ pg: "kcp", mid: "A" })
    const b = channel({ pg: "uplus", mid: "B" })
    const i = index({ merchant: strict, channels: [a, b], subMerchants: [tier("T01", [b])] })
    expect(reasonsFor(ask(i, { mode: "test", tier: "T01", pg: "kcp" }))).toEqual(["not-assigned-to-tier", "pg-differs"])
  })
})

describe("channelKey, tiers and other errors", () => {
  const a = channel({ pg: "kcp", mid: "A" })
  const b = channel({ pg: "kcp", mid: "B" })
  const liveOnly = channel({ pg: "kcp", mid: "L", mode: "live" })

  it("a channelKey wins over pg", () => {
    const r = Result.getOrThrow(ask(index({ channels: [a, b] }), { mode: "test", channelKey: b.key, pg: "kcp.A" }))
    expect([r.channel.key, r.via]).toEqual([b.key, "channelKey"])
  })
  it("a channelKey miss never falls back", () => {
    const error = failure(ask(index({ channels: [a, b, liveOnly] }), { mode: "live", channelKey: b.key }))
    expect(error.message).toBe(
      `channelKey "${b.key}" names no usable channel of ${code} (live, window.general): kcp.B (test): a test channel; the request is live`
    )
  })
  it("a tier resolves only among its assigned channels", () => {
    const i = index({ channels: [a, b], subMerchants: [tier("T01", [b])] })
    expect(keyOf(ask(i, { mode: "test", tier: "T01" }))).toBe(b.key)
    expect(keyOf(ask(i, { mode: "test", tier: "T01", pg: "kcp" }))).toBe(b.key)
    expect(failure(ask(i, { mode: "test", tier: "T01", channelKey: a.key }))._tag).toBe("ChannelNotFound")
  })
  it("an unknown tier", () => {
    const error = failure(ask(index({ channels: [a], subMerchants: [tier("T01", [a])] }), { mode: "test", tier: "XYZ" }))
    expect(error.message).toBe(`tier "XYZ" is not a sub-merchant of ${code}; known tiers: T01`)
  })
  it("no channel at all in the mode", () => {
    const error = failure(ask(index({ channels: [liveOnly] }), { mode: "test", pg: "kcp" }))
    expect(error.message).toBe(`${code} has no test channel (it has 1 live channel: check the mode); add one in the console`)
  })
  it("another merchant's request", () => {
    const outcome = ChannelIndex.resolve(index({ channels: [a] }), { merchant: "imp00000001", mode: "test" })
    expect(failure(outcome).message).toBe(`merchant "imp00000001" is not known to this resolver`)
  })
  it("is frozen, and a directory holding it does not change it", () => {
    const i = index({ channels: [a, b] })
    const before = { ...i }
    expect(Object.isFrozen(i)).toBe(true)
    expect(Object.isFrozen(i.channels)).toBe(true)
    ChannelResolver.directory([i]).set(index({ channels: [a] }))
    expect({ ...i }).toEqual(before)
  })
  it("refuses an inconsistent snapshot", () => {
    const foreign = { ...a, merchant: "imp00000001" } as typeof a
    const made = ChannelIndex.make({ merchant: merchant(), channels: [foreign] })
    expect(Result.isFailure(made) && made.failure.rule).toBe("foreign-channel")
    const twice = ChannelIndex.make({ merchant: merchant(), channels: [a, a] })
    expect(Result.isFailure(twice) && twice.failure.rule).toBe("duplicate-channel")
  })
  // Each names only this merchant's channels, so ownership is the one thing wrong with it.
  const stranger = Result.getOrThrow(Merchant.make({ code: "imp00000001", name: "Other", policy: "fallback", createdAt: 0 })).code
  it("refuses another merchant's sub-merchant", () => {
    const foreign = { ...tier("T01", [a]), merchant: stranger }
    const made = ChannelIndex.make({ merchant: merchant(), channels: [a, b], subMerchants: [foreign] })
    const error = Result.isFailure(made) ? made.failure : undefined
    expect(error).toBeInstanceOf(DomainError.RuleViolation)
    expect({ rule: error?.rule, detail: error?.detail }).toEqual({
      rule: "foreign-sub-merchant",
      detail: `tier T01 belongs to imp00000001, not ${code}`
    })
  })
  it("refuses another merchant's group", () => {
    const foreign = { ...group([[a, 100]], [a, b]), merchant: stranger }
    const made = ChannelIndex.make({ merchant: merchant(), channels: [a, b], groups: [foreign] })
    const error = Result.isFailure(made) ? made.failure : undefined
    expect(error).toBeInstanceOf(DomainError.RuleViolation)
    expect({ rule: error?.rule, detail: error?.detail }).toEqual({
      rule: "foreign-group",
      detail: `group ${foreign.id} belongs to imp00000001, not ${code}`
    })
  })
})

describe("channel groups", () => {
  const a = channel({ pg: "kcp", mid: "A" })
  const b = channel({ pg: "kcp", mid: "B" })
  const c = channel({ pg: "kcp", mid: "C", enabled: false })
  const all = [a, b, c]
  const g = group(
    [
      [a, 30],
      [b, 50],
      [c, 20]
    ],
    all
  )
  const i = index({ channels: all, groups: [g] })

  it("routes by weight among enabled members, disabled ones re-weighted away", () => {
    // a holds [0, 30) and b [30, 80) of the 80 enabled weight.
    expect(keyOf(ask(i, { mode: "test", groupId: g.id }, () => 0.37))).toBe(a.key)
    expect(keyOf(ask(i, { mode: "test", groupId: g.id }, () => 0.38))).toBe(b.key)
    // The boundary itself (0.375 × 80 = 30 exactly) is b's: a's share ends before it.
    expect(keyOf(ask(i, { mode: "test", groupId: g.id }, () => 0.375))).toBe(b.key)
    expect(keyOf(ask(i, { mode: "test", groupId: g.id }, () => 0.999))).toBe(b.key)
    expect(Result.getOrThrow(ask(i, { mode: "test", groupId: g.id }, () => 0)).via).toBe("group")
  })
  it("a group with no usable member is a ChannelNotFound listing each member", () => {
    const error = failure(ask(i, { mode: "test", groupId: g.id, payMethod: "vbank" }))
    expect(error._tag === "ChannelNotFound" && error.rejected.map((r) => r.reason)).toEqual([
      "pay-method-unsupported",
      "pay-method-unsupported",
      "disabled"
    ])
  })
})

describe("the resolution rules of issue 16", () => {
  const uplus = channel({ pg: "uplus", mid: "M1", payMethods: ["card", "trans"] })
  const kcp = channel({ pg: "kcp", mid: "T0000", payMethods: ["card", "vbank"] })
  const defaulted = Result.getOrThrow(Merchant.setDefaultChannel(merchant(), uplus))
  const reasons = (outcome: ReturnType<typeof ask>) => {
    const error = failure(outcome)
    return error._tag === "ChannelNotFound" ? error.rejected.filter((r) => r.reason !== "pg-differs").map((r) => r.reason) : error._tag
  }

  it("rule pg-never-another-pg: a pg naming a configured channel that lacks the pay method is a miss under fallback, not the default of another PG", () => {
    // The audit's case: kcp.T0000 with trans, the KCP channel taking card and vbank, a U+ default.
    const i = index({ merchant: defaulted, channels: [uplus, kcp] })
    expect(reasons(ask(i, { mode: "test", pg: "kcp.T0000", payMethod: "trans" }))).toEqual(["pay-method-unsupported"])
    expect(reasons(ask(i, { mode: "test", pg: "kcp", payMethod: "trans" }))).toEqual(["pay-method-unsupported"])
  })

  it("rule pg-miss-says-why: a named channel that cannot serve for its payment type, state or mode is a miss under either policy", () => {
    const keyin = channel({ pg: "kcp", mid: "K", paymentType: "api.keyin" })
    const off = channel({ pg: "nice_v2", mid: "N", enabled: false })
    const live = channel({ pg: "tosspayments", mid: "L", mode: "live" })
    for (const policy of ["fallback", "strict"] as const) {
      const m = Result.getOrThrow(Merchant.setDefaultChannel(merchant(policy), uplus))
      const i = index({ merchant: m, channels: [uplus, keyin, off, live] })
      expect(reasons(ask(i, { mode: "test", pg: "kcp.K" }))).toEqual(["payment-type-mismatch"])
      expect(reasons(ask(i, { mode: "test", pg: "nice_v2" }))).toEqual(["disabled"])
      expect(reasons(ask(i, { mode: "test", pg: "tosspayments.L" }))).toEqual(["wrong-mode"])
    }
  })

  it("rule fallback-only-when-nothing-named: an unknown code, a code with no channel and an unknown MID fall back to the default", () => {
    const i = index({ merchant: defaulted, channels: [uplus, kcp] })
    for (const pg of ["kpc", "kakaopay", "kcp.T9999"]) {
      const r = Result.getOrThrow(ask(i, { mode: "test", pg }))
      expect([r.channel.key, r.via, r.fellBack?.reason]).toEqual([uplus.key, "default", pg === "kpc" ? "pg-invalid" : "pg-unmatched"])
    }
  })

  it("rule mode-optional: without mode, both modes are candidates in creation order and the result gives the chosen channel's mode", () => {
    const live = channel({ pg: "kcp", mid: "L", mode: "live" })
    const test = channel({ pg: "kcp", mid: "T" })
    const i = index({ channels: [live, test] })
    const r = Result.getOrThrow(ask(i, { pg: "kcp" }))
    expect([r.channel.key, r.mode]).toEqual([live.key, "live"])
    const byKey = Result.getOrThrow(ask(i, { channelKey: test.key }))
    expect([byKey.channel.key, byKey.mode, byKey.warning]).toEqual([test.key, "test", undefined])
    expect(Result.getOrThrow(ask(i, { mode: "test", pg: "kcp" })).mode).toBe("test")
  })

  it("rule mode-ambiguity-warns: without mode, a test and a live channel that both match give a warning; with mode, none", () => {
    const test = channel({ pg: "tosspayments", mid: "tp-test" })
    const live = channel({ pg: "tosspayments", mid: "tp-live", mode: "live" })
    const i = index({ channels: [test, live] })
    const r = Result.getOrThrow(ask(i, { pg: "tosspayments" }))
    expect(r.channel.key).toBe(test.key)
    expect(r.warning).toMatchObject({ reason: "both-modes-match", test: test.key, live: live.key })
    expect(r.warning?.detail).toContain("pass mode")
    expect(Result.getOrThrow(ask(i, { mode: "live", pg: "tosspayments" })).warning).toBeUndefined()
    // A MID names one channel: no ambiguity.
    expect(Result.getOrThrow(ask(i, { pg: "tosspayments.tp-live" })).warning).toBeUndefined()
  })

  it("rule ambiguities-listed: ChannelIndex.ambiguities lists every mode-less request that would warn", () => {
    const test = channel({ pg: "tosspayments", mid: "tp-test" })
    const live = channel({ pg: "tosspayments", mid: "tp-live", mode: "live" })
    const kcpOnly = channel({ pg: "kcp", mid: "T0000" })
    expect(ChannelIndex.ambiguities(index({ channels: [test, live, kcpOnly] }))).toEqual([
      { pg: undefined, paymentType: "window.general", chosen: test.key, other: live.key },
      { pg: "tosspayments", paymentType: "window.general", chosen: test.key, other: live.key }
    ])
    expect(ChannelIndex.ambiguities(index({ channels: [test, kcpOnly] }))).toEqual([])
  })

  it("rule catalog-selection: a channel-key PG is chosen by channelKey only, a code-and-mid PG by code.MID only", () => {
    const kicc = channel({ pg: "kicc_global", mid: "K1", payMethods: ["wechat"], credentials: { crypto_key: "k" } })
    const settle = channel({ pg: "settle_acc", mid: "S1", payMethods: ["trans"], credentials: { license_key: "l" } })
    const kcp = channel({ pg: "kcp", mid: "T0000" })
    const i = index({ channels: [kicc, settle, kcp] })
    // Never another PG, even under the fallback policy, and the message says what to write.
    for (const pg of ["kicc_global", "kicc_global.K1"]) {
      const e = failure(ask(i, { mode: "test", pg }))
      expect(e).toMatchObject({ _tag: "InvalidPgSelector", problem: "channel-key-only" })
      expect(e.message).toContain("only by channelKey")
    }
    expect(keyOf(ask(i, { mode: "test", channelKey: kicc.key }))).toBe(kicc.key)
    const bare = failure(ask(i, { mode: "test", pg: "settle_acc", payMethod: "trans" }))
    expect(bare).toMatchObject({ _tag: "InvalidPgSelector", problem: "mid-required" })
    expect(bare.message).toContain("settle_acc.{MID}")
    expect(keyOf(ask(i, { mode: "test", pg: "settle_acc.S1", payMethod: "trans" }))).toBe(settle.key)
    // The default channel is not a `pg` selection: a channel-key PG may still be it.
    expect(keyOf(ask(i, { mode: "test" }))).toBe(kicc.key)
    // Without a channel of that PG the string names nothing configured: the fallback policy applies.
    const kcpOnly = index({ channels: [kcp] })
    const fellBack = Result.getOrThrow(ask(kcpOnly, { mode: "test", pg: "settle_acc" }))
    expect([fellBack.channel.key, fellBack.via, fellBack.fellBack?.reason]).toEqual([kcp.key, "default", "pg-invalid"])
    expect(failure(ask(index({ merchant: merchant("strict"), channels: [kcp] }), { mode: "test", pg: "kicc_global" }))).toMatchObject({
      problem: "channel-key-only"
    })
  })

  it("rule code-mid-split: code.MID splits on the first dot and MIDs match exactly, case-sensitive", () => {
    const dotted = channel({ pg: "nice_v2", mid: "shop.A" })
    const i = index({ merchant: merchant("strict"), channels: [dotted] })
    expect(keyOf(ask(i, { mode: "test", pg: "nice_v2.shop.A" }))).toBe(dotted.key)
    for (const pg of ["nice_v2.shop.a", "nice_v2.SHOP.A", "nice_v2.shop"]) {
      expect(reasons(ask(i, { mode: "test", pg }))).toEqual(["mid-differs"])
    }
  })
})
