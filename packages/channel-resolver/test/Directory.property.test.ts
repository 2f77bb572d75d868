import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import * as ChannelIndex from "../src/ChannelIndex.ts"
import * as ChannelResolver from "../src/ChannelResolver.ts"
import { UnknownMerchant } from "../src/ResolutionError.ts"
import * as Naive from "./support/NaiveResolver.ts"
import { normalize } from "./support/normalize.ts"
import { request, seeded, world } from "./support/worlds.ts"

// Whatever sequence of sets, replacements and deletes a directory went through, it must answer
// exactly as the naive resolver over the merchants it currently holds, and every index it ever
// held must still answer on its own.

interface Op {
  readonly kind: "set" | "delete"
  readonly world: number
}

const scenario = fc.array(world(12), { minLength: 1, maxLength: 5 }).chain((worlds) =>
  fc.tuple(
    fc.constant(worlds),
    fc.array(fc.record({ kind: fc.constantFrom<Op["kind"]>("set", "set", "set", "delete"), world: fc.nat({ max: worlds.length - 1 }) }), {
      minLength: 1,
      maxLength: 60
    }),
    fc.tuple(...worlds.map((w) => fc.array(request(w), { minLength: 1, maxLength: 6 }))),
    fc.integer()
  )
)

const unknown = (merchant: string) => normalize(Result.fail(new UnknownMerchant({ merchant })))

describe("Directory", () => {
  it("agrees with the naive resolver through any sequence of sets, replacements and deletes", () => {
    fc.assert(
      fc.property(scenario, ([worlds, ops, requests, seed]) => {
        const directory = ChannelResolver.directory([])
        const model = new Map<string, { readonly index: ChannelIndex.ChannelIndex; readonly naive: Naive.Naive }>()
        const everBuilt: Array<{ readonly index: ChannelIndex.ChannelIndex; readonly naive: Naive.Naive; readonly w: number }> = []
        for (const op of ops) {
          const w = worlds[op.world]!
          const code = w.input.merchant.code as string
          if (op.kind === "set") {
            // A fresh index each time, so a repeated set replaces one and leaves dead space.
            const entry = { index: Result.getOrThrow(ChannelIndex.make(w.input)), naive: Naive.load(w.input) }
            directory.set(entry.index)
            model.set(code, entry)
            everBuilt.push({ ...entry, w: op.world })
          } else {
            expect(directory.delete(code)).toBe(model.has(code))
            model.delete(code)
          }
          expect(directory.size).toBe(model.size)
          const ours = seeded(seed)
          const theirs = seeded(seed)
          requests.flat().forEach((r) => {
            const held = model.get(r.merchant)
            expect(directory.get(r.merchant)).toBe(held?.index)
            const expected = held === undefined ? unknown(r.merchant) : normalize(Naive.resolve(held.naive, r, theirs))
            expect(normalize(directory.resolve(r, ours))).toEqual(expected)
          })
        }
        // Indexes replaced or deleted still answer on their own.
        for (const { index, naive, w } of everBuilt) {
          for (const r of requests[w]!) {
            expect(normalize(ChannelIndex.resolve(index, r, seeded(seed)))).toEqual(normalize(Naive.resolve(naive, r, seeded(seed))))
          }
        }
      }),
      { numRuns: 120 }
    )
  }, 180_000)
})
