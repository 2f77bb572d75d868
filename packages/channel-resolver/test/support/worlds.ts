/**
 * Generated merchants ("worlds") and requests against them: many channels with several MIDs per
 * PG (some with dots), disabled channels, both modes, identity-verification channels, stale
 * default channels, tiers and groups; `pg` strings that hit, miss, or are typos and malformed.
 */
import { ChannelGroup, type Merchant, PaymentChannel, PgCatalog, SubMerchant } from "@paymux/domain"
import * as Arb from "@paymux/domain/testing"
import { Result } from "effect"
import * as fc from "fast-check"
import type { IndexInput } from "../../src/ChannelIndex.ts"
import type { ResolveRequest } from "../../src/Resolution.ts"

export const pgCodes = ["kcp", "nice_v2", "uplus", "html5_inicis", "kakaopay", "danal", "inicis_unified"] as const
// Two long MIDs that differ only at the end: `pg` keys past the 32 characters a bucket holds.
const mids = [
  "T0000",
  "T0001",
  "M1",
  "shop.a",
  "shop.a.b",
  "merchant.id.issued-by-the-pg.0000000001",
  "merchant.id.issued-by-the-pg.0000000002"
] as const
const payMethods = ["card", "vbank", "trans", "phone", "kakaopay", "naverpay"] as const

const channelsOf = (merchant: string, max: number) =>
  fc.uniqueArray(
    fc
      .tuple(
        Arb.channelInput({
          merchant: fc.constant(merchant as never),
          pg: fc.constantFrom(...pgCodes),
          sequence: fc.nat({ max: 40 })
        }),
        fc.constantFrom(...mids)
      )
      .map(([input, mid]) =>
        Result.getOrThrow(PaymentChannel.make(PgCatalog.builtIn, input.mid === undefined ? input : { ...input, mid }))
      ),
    { minLength: 0, maxLength: max, selector: (c) => c.key }
  )

export interface World {
  readonly input: IndexInput
  readonly other: string
}

/** One merchant with up to `max` channels, its tiers and groups, plus another merchant's code. */
export const world = (max = 30): fc.Arbitrary<World> =>
  fc.tuple(Arb.merchant(), Arb.merchantCode).chain(([merchant, other]) =>
    channelsOf(merchant.code, max).chain((channels) => {
      const keys = channels.map((c) => c.key)
      const anyKey = keys.length === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...keys), { nil: undefined })
      const payment = (mode: string) => channels.filter((c) => c.purpose === "payment" && c.mode === mode)
      const groupArb = (mode: "test" | "live") => {
        const pool = payment(mode).slice(0, ChannelGroup.maxMembers)
        if (pool.length === 0) return fc.constant(undefined)
        return fc.option(
          fc.subarray(pool, { minLength: 1 }).chain((members) =>
            fc.tuple(Arb.channelGroupId, Arb.weights(members.length)).map(([id, ws]) =>
              Result.getOrThrow(
                ChannelGroup.make(
                  {
                    id,
                    merchant: merchant.code,
                    name: "Routing",
                    mode,
                    createdAt: 0,
                    members: members.map((c, i) => ({ channel: c.key, weight: ws[i]! }))
                  },
                  channels
                )
              )
            )
          ),
          { nil: undefined }
        )
      }
      return fc
        .record({
          test: anyKey,
          live: anyKey,
          tiers: fc.uniqueArray(fc.tuple(Arb.tierCode, fc.subarray(keys)), { maxLength: 3, selector: ([t]) => t }),
          groups: fc.tuple(groupArb("test"), groupArb("live"))
        })
        .map(({ test, live, tiers, groups }): World => {
          // Defaults are set without Merchant.setDefaultChannel on purpose: a stored default may have
          // been disabled or point at a channel of the other mode since it was set.
          const withDefaults: Merchant.Merchant = {
            ...merchant,
            defaultChannels: { ...(test === undefined ? {} : { test }), ...(live === undefined ? {} : { live }) }
          }
          const subMerchants = tiers.map(([tier, assigned]) => ({
            ...Result.getOrThrow(SubMerchant.make({ merchant: merchant.code, tier, createdAt: 0 })),
            channels: assigned
          }))
          return {
            input: { merchant: withDefaults, channels, subMerchants, groups: groups.filter((g) => g !== undefined) },
            other
          }
        })
    })
  )

/** `pg` strings: exact hits, code-only hits, MID misses, typos, unknown and malformed strings. */
const pgString = (w: World): fc.Arbitrary<string | undefined> => {
  const channels = w.input.channels
  const known =
    channels.length === 0
      ? [fc.constantFrom<string>("kcp", "kcp.T0000")]
      : [fc.constantFrom(...channels.map((c) => `${c.pg}.${c.mid}`)), fc.constantFrom(...channels.map((c) => c.pg as string))]
  return fc.oneof(
    fc.constant(undefined),
    ...known,
    ...known,
    fc.tuple(fc.constantFrom(...pgCodes), fc.constantFrom(...mids, "NOPE")).map(([p, m]) => `${p}.${m}`),
    fc.constantFrom("tosspayment", "kpc", "tosspayments", "nice", "", "kcp.", ".T0000", " kcp", "kcp .T0000", "KCP"),
    // Characters past Latin-1, which no stored key has (MIDs are ASCII) and must never match.
    fc.constantFrom("kcp.T\u0130000", "kcp.\u4e2d\u6587", "nice_v2.shop.\u0101", "kcp.T000\u0100")
  )
}

export const request = (w: World): fc.Arbitrary<ResolveRequest> =>
  w.input.channels.length === 0
    ? anyRequest(w)
    : fc.oneof({ weight: 3, arbitrary: aimedRequest(w) }, { weight: 2, arbitrary: anyRequest(w) })

/** Undefined `odds` times out of `odds + 1`. */
const sometimes = <A>(arb: fc.Arbitrary<A>, odds: number): fc.Arbitrary<A | undefined> =>
  fc.oneof({ weight: odds, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb })

/** A request built from one channel's own facts, so most of them can hit. */
const aimedRequest = (w: World): fc.Arbitrary<ResolveRequest> => {
  const tiers = (w.input.subMerchants ?? []).map((s) => s.tier as string)
  const groups = (w.input.groups ?? []).map((g) => g.id as string)
  const enabled = w.input.channels.filter((c) => c.enabled)
  const channel =
    enabled.length === 0
      ? fc.constantFrom(...w.input.channels)
      : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...enabled) }, { weight: 1, arbitrary: fc.constantFrom(...w.input.channels) })
  return channel.chain((c) =>
    fc.record(
      {
        merchant: fc.constant(w.input.merchant.code as string),
        tier: tiers.length === 0 ? fc.constant(undefined) : sometimes(fc.constantFrom(...tiers), 4),
        channelKey: sometimes(fc.constant(c.key as string), 8),
        groupId: groups.length === 0 ? fc.constant(undefined) : sometimes(fc.constantFrom(...groups), 6),
        mode: fc.oneof({ weight: 3, arbitrary: fc.constant(c.mode) }, { weight: 1, arbitrary: fc.constant(undefined) }),
        pg: fc.constantFrom(`${c.pg}.${c.mid}`, c.pg as string, undefined),
        payMethod: fc.option(fc.constantFrom(...c.payMethods, "vbank"), { nil: undefined }),
        paymentType: fc.constantFrom(c.paymentType, undefined)
      },
      { requiredKeys: ["merchant"] }
    )
  )
}

const anyRequest = (w: World): fc.Arbitrary<ResolveRequest> => {
  const channels = w.input.channels
  const tiers = (w.input.subMerchants ?? []).map((s) => s.tier as string)
  const groups = (w.input.groups ?? []).map((g) => g.id as string)
  const pick = <A>(xs: ReadonlyArray<A>, extra: fc.Arbitrary<A>) => (xs.length === 0 ? extra : fc.oneof(fc.constantFrom(...xs), extra))
  return fc.record(
    {
      merchant: fc.oneof(
        { weight: 20, arbitrary: fc.constant(w.input.merchant.code as string) },
        { weight: 1, arbitrary: fc.constant(w.other) }
      ),
      tier: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: pick(tiers, fc.constant("ZZZ")) }),
      mode: fc.constantFrom("test" as const, "live" as const, undefined),
      purpose: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom("payment" as const, "identity-verification" as const) }
      ),
      pg: pgString(w),
      channelKey: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: pick(
            channels.map((c) => c.key as string),
            Arb.channelKey
          )
        }
      ),
      groupId: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: pick(groups, Arb.channelGroupId) }),
      payMethod: fc.option(fc.constantFrom(...payMethods), { nil: undefined }),
      paymentType: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            "window.general" as const,
            "window.simple" as const,
            "api.subscription" as const,
            "certification" as const
          )
        }
      )
    },
    { requiredKeys: ["merchant"] }
  )
}

/** A small deterministic generator (mulberry32) for reproducible group draws. */
export const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
