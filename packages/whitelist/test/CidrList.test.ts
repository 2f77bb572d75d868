import { describe, expect, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Effect } from "effect"
import { Cidr, CidrList } from "../src/index.ts"
import { blockList, blocks, probes, v4Text } from "./arbitraries.ts"

const pairs = blocks.chain((a) => blocks.chain((b) => fc.tuple(fc.constant(a), fc.constant(b), probes([...a, ...b]))))

/** Fewest CIDRs covering exactly `set` within a 2^bits aligned universe: brute force on a bitmap. */
const minimalCount = (set: ReadonlyArray<boolean>, from: number, size: number): number => {
  const slice = set.slice(from, from + size)
  if (slice.every(Boolean)) return 1
  if (!slice.some(Boolean)) return 0
  return minimalCount(set, from, size / 2) + minimalCount(set, from + size / 2, size / 2)
}

describe("CidrList", () => {
  test.prop([blocks.chain((rules) => fc.tuple(fc.constant(rules), probes(rules)))], { numRuns: 300 })(
    "aggregate allows exactly the same addresses (net.BlockList as oracle), canonically and idempotently",
    ([rules, addresses]) => {
      const texts = rules.map((r) => r.text)
      const aggregated = CidrList.aggregateSync(texts)
      const before = blockList(texts)
      const after = blockList([...aggregated])
      for (const ip of addresses) expect(after(ip), ip).toBe(before(ip))
      expect(CidrList.aggregateSync(aggregated)).toEqual(aggregated)
      for (const cidr of aggregated) expect(Cidr.canonical(cidr)).toBe(cidr)
      expect(aggregated.length).toBeLessThanOrEqual(Math.max(texts.length, 1) * 128)
    }
  )

  test.prop([fc.array(fc.tuple(fc.nat(255), fc.integer({ min: 24, max: 32 })), { maxLength: 20 })], { numRuns: 500 })(
    "aggregate is minimal (brute force over 10.0.0.0/24)",
    (specs) => {
      const rules = specs.map(([host, prefix]) => {
        const network = host & (prefix === 32 ? 255 : (0xff << (32 - prefix)) & 255)
        return `10.0.0.${network}/${prefix}`
      })
      // One oracle per run: building it per probed address made this test 256 times slower.
      const allows = blockList(rules)
      const covered = Array.from({ length: 256 }, (_, host) => allows(`10.0.0.${host}`))
      expect(CidrList.aggregateSync(rules).length).toBe(minimalCount(covered, 0, 256))
    }
  )

  it("merges overlaps and neighbours, drops covered blocks, folds mapped rules", () => {
    expect(CidrList.aggregateSync(["10.0.1.0/24", "10.0.0.0/24", "10.0.0.7", "2001:DB8::/33", "2001:db8:8000::/33"])).toEqual([
      "10.0.0.0/23",
      "2001:db8::/32"
    ])
    expect(CidrList.aggregateSync(["::ffff:10.0.0.0/104", "10.1.0.0/16"])).toEqual(["10.0.0.0/8"])
    expect(CidrList.aggregateSync(["0.0.0.0/1", "128.0.0.0/1"])).toEqual(["0.0.0.0/0"])
    expect(CidrList.aggregateSync(["::/0", "1.2.3.4"])).toEqual(["::/0"])
    expect(CidrList.aggregateSync(["10.0.0.1", "10.0.0.2"])).toEqual(["10.0.0.1/32", "10.0.0.2/32"])
    expect(CidrList.aggregateSync([])).toEqual([])
    expect(() => CidrList.aggregateSync(["10.0.0.1/8"])).toThrowError(/host bits set/)
    expect(CidrList.aggregateSync(["10.0.0.1/8"], { lenient: true })).toEqual(["10.0.0.0/8"])
  })

  test.prop([pairs], { numRuns: 300 })("diff reports exactly the added and removed address space", ([a, b, addresses]) => {
    const before = a.map((r) => r.text)
    const after = b.map((r) => r.text)
    const { added, removed } = CidrList.diffSync(before, after)
    const inA = blockList(before)
    const inB = blockList(after)
    const inAdded = blockList([...added])
    const inRemoved = blockList([...removed])
    for (const ip of addresses) {
      expect(inAdded(ip), `added ${ip}`).toBe(inB(ip) && !inA(ip))
      expect(inRemoved(ip), `removed ${ip}`).toBe(inA(ip) && !inB(ip))
    }
    expect(CidrList.aggregateSync(added)).toEqual(added)
    expect(CidrList.diffSync(after, before)).toEqual({ added: removed, removed: added })
    expect(CidrList.diffSync(before, before)).toEqual({ added: [], removed: [] })
  })

  it("diffs by address space, not by text", () => {
    expect(CidrList.diffSync(["10.0.0.0/24"], ["10.0.0.0/25", "192.0.2.1"])).toEqual({
      added: ["192.0.2.1/32"],
      removed: ["10.0.0.128/25"]
    })
    expect(CidrList.diffSync(["10.0.0.0/25", "10.0.0.128/25"], ["10.0.0.0/24"])).toEqual({ added: [], removed: [] })
    expect(CidrList.diffSync(["::ffff:1.2.3.0/120"], ["1.2.3.0/24"])).toEqual({ added: [], removed: [] })
    expect(CidrList.diffSync(["10.0.0.0/8"], ["10.0.0.0/8", "2001:db8::/32"]).added).toEqual(["2001:db8::/32"])
    expect(v4Text(0x0a000001)).toBe("10.0.0.1")
  })

  it.effect("aggregate and diff fail with InvalidCidr in the error channel", () =>
    Effect.gen(function* () {
      expect(yield* CidrList.aggregate(["10.0.0.0/8"])).toEqual(["10.0.0.0/8"])
      const error = yield* Effect.flip(CidrList.diff(["10.0.0.0/8"], ["10.0.0.0/8", "300.0.0.0/8"]))
      expect(error.index).toBe(1)
      expect(error.reason).toBe("IPv4 part out of range 0-255")
    })
  )
})
