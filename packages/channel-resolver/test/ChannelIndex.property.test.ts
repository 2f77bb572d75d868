import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import * as ChannelIndex from "../src/ChannelIndex.ts"
import type { ResolveRequest } from "../src/Resolution.ts"
import * as Naive from "./support/NaiveResolver.ts"
import { normalize } from "./support/normalize.ts"
import { request, seeded, world } from "./support/worlds.ts"

const scenario = fc
  .tuple(world(), fc.integer())
  .chain(([w, seed]) => fc.tuple(fc.constant(w), fc.array(request(w), { minLength: 1, maxLength: 40 }), fc.constant(seed)))

describe("ChannelIndex against the naive linear resolver", () => {
  it("agrees on every generated merchant and request", () => {
    fc.assert(
      fc.property(scenario, ([w, requests, seed]) => {
        const index = Result.getOrThrow(ChannelIndex.make(w.input))
        const naive = Naive.load(w.input)
        const ours = seeded(seed)
        const theirs = seeded(seed)
        for (const r of requests) {
          expect(normalize(ChannelIndex.resolve(index, r, ours))).toEqual(normalize(Naive.resolve(naive, r, theirs)))
        }
      }),
      { numRuns: 300 }
    )
  }, 120_000)

  it("agrees on requests aimed at the MID form and the pay method of each channel", () => {
    fc.assert(
      fc.property(world(), fc.constantFrom("card", "vbank", undefined), (w, payMethod) => {
        const index = Result.getOrThrow(ChannelIndex.make(w.input))
        const naive = Naive.load(w.input)
        for (const c of w.input.channels) {
          for (const pg of [`${c.pg}.${c.mid}`, c.pg]) {
            const r: ResolveRequest = { merchant: w.input.merchant.code, mode: c.mode, pg, payMethod, paymentType: c.paymentType }
            expect(normalize(ChannelIndex.resolve(index, r))).toEqual(normalize(Naive.resolve(naive, r)))
          }
        }
      }),
      { numRuns: 150 }
    )
  }, 120_000)

  it("is deterministic for a fixed random source", () => {
    fc.assert(
      fc.property(scenario, ([w, requests, seed]) => {
        const index = Result.getOrThrow(ChannelIndex.make(w.input))
        const run = () => {
          const random = seeded(seed)
          return requests.map((r) => normalize(ChannelIndex.resolve(index, r, random)))
        }
        expect(run()).toEqual(run())
      }),
      { numRuns: 100 }
    )
  }, 120_000)

  it("never returns a channel of another merchant, another mode or an unassigned tier", () => {
    fc.assert(
      fc.property(scenario, ([w, requests, seed]) => {
        const index = Result.getOrThrow(ChannelIndex.make(w.input))
        const random = seeded(seed)
        for (const r of requests) {
          const outcome = ChannelIndex.resolve(index, r, random)
          if (Result.isFailure(outcome)) continue
          const { channel } = outcome.success
          expect(channel.merchant).toBe(r.merchant)
          expect(channel.mode).toBe(r.mode ?? outcome.success.mode)
          expect(channel.enabled).toBe(true)
          if (r.tier !== undefined) {
            const sub = w.input.subMerchants!.find((s) => s.tier === r.tier)!
            expect(sub.channels).toContain(channel.key)
          }
          if (r.payMethod !== undefined) expect(channel.payMethods).toContain(r.payMethod)
        }
      }),
      { numRuns: 150 }
    )
  }, 120_000)

  it("serves a pg request by another PG only when the string names no channel at all", () => {
    fc.assert(
      fc.property(scenario, ([w, requests, seed]) => {
        const index = Result.getOrThrow(ChannelIndex.make(w.input))
        const random = seeded(seed)
        for (const r of requests) {
          const outcome = ChannelIndex.resolve(index, r, random)
          if (r.pg === undefined || r.channelKey !== undefined || r.groupId !== undefined || Result.isFailure(outcome)) continue
          const [code, ...rest] = r.pg.split(".")
          const mid = rest.length === 0 ? undefined : rest.join(".")
          const names = w.input.channels.some((c) => c.pg === code && (mid === undefined || c.mid === mid))
          const { channel, fellBack } = outcome.success
          if (names) {
            expect(fellBack).toBeUndefined()
            expect([channel.pg, mid ?? channel.mid]).toEqual([code, channel.mid])
          }
        }
      }),
      { numRuns: 150 }
    )
  }, 120_000)
})
