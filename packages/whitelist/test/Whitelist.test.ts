import { describe, expect, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Effect, Option } from "effect"
import { isIP } from "node:net"
import { Cidr, Whitelist } from "../src/index.ts"
import { blockList, blocks, probes, range, addressValue } from "./arbitraries.ts"

const ADVERSARIAL = [
  "",
  " ",
  "1.2.3.4 ",
  " 1.2.3.4",
  "1.2.3.4\n",
  "\t::1",
  "1.2.3.4\0",
  "0177.0.0.1",
  "127.1",
  "127.0.1",
  "1.2.3.4.5",
  "256.1.1.1",
  "1.2.3.-1",
  "1.2.3.4/32",
  "1.2.3.4:80",
  "[::1]",
  "[::1]:443",
  "::1%eth0",
  "fe80::1%25eth0",
  "::ffff:01.2.3.4",
  "::ffff:1.2.3",
  ":::",
  "1:::2",
  "1::2::3",
  "1:2:3:4:5:6:7:8:9",
  "12345::",
  "::g",
  "０.０.０.０",
  "١.٢.٣.٤",
  "1.2.3.4 ",
  "0x7f.0.0.1",
  "1e3.0.0.1",
  "+1.2.3.4",
  "::ffff:1.2.3.4.5",
  "1:2:3:4:5:6:7:1.2.3.4",
  "1::2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7:8::",
  ":1::",
  "1:",
  ":",
  "a".repeat(10_000),
  "1.".repeat(5000),
  "\u{1F600}",
  "\uD800",
  "NaN",
  "undefined",
  "constructor",
  "__proto__"
]

describe("Whitelist", () => {
  it("allows addresses inside the rules and nothing else", () => {
    const wl = Whitelist.compileSync(["1.1.1.0/24", "2001:db8::/32", "203.0.113.9"])
    expect(wl.allows("1.1.1.7")).toBe(true)
    expect(wl.allows("1.1.1.255")).toBe(true)
    expect(wl.allows("1.1.2.0")).toBe(false)
    expect(wl.allows("2001:db8:ffff::1")).toBe(true)
    expect(wl.allows("2001:db9::")).toBe(false)
    expect(wl.allows("203.0.113.9")).toBe(true)
    expect(wl.allows("203.0.113.10")).toBe(false)
  })

  it("folds IPv4-mapped IPv6 both ways", () => {
    const v4Rules = Whitelist.compileSync(["1.1.1.0/24"])
    expect(v4Rules.allows("::ffff:1.1.1.7")).toBe(true)
    expect(v4Rules.allows("::FFFF:101:107")).toBe(true)
    expect(v4Rules.allows("::1.1.1.7")).toBe(false) // IPv4-compatible is not folded
    const mapped = Whitelist.compileSync(["::ffff:0:0/96"])
    expect(mapped.allows("8.8.8.8")).toBe(true)
    expect(mapped.allows("2001:db8::1")).toBe(false)
    expect(Whitelist.compileSync(["::ffff:10.0.0.0/104"]).allows("10.9.9.9")).toBe(true)
  })

  it("reads a mapped address written out in full, 45 characters, the longest valid text", () => {
    const full = "0000:0000:0000:0000:0000:ffff:192.168.100.200"
    expect(full).toHaveLength(45)
    expect(Whitelist.compileSync(["192.168.0.0/16"]).allows(full)).toBe(true)
    expect(Cidr.canonical("0000:0000:0000:0000:0000:ffff:255.255.255.255/128")).toBe("::ffff:255.255.255.255/128")
    // One character more is refused without parsing.
    expect(Whitelist.compileSync(["192.168.0.0/16"]).allows(`0${full}`)).toBe(false)
  })

  it("allows IPv4 clients when merged rules run past either end of the mapped range", () => {
    // Each list merges into one interval that overlaps ::ffff:0:0/96 and ends (or starts) just
    // outside it, at an address whose low 32 bits are not those of the mapped range's edge.
    expect(Whitelist.compileSync(["::/79", "::2:0:0:0/128"]).allows("1.2.3.4")).toBe(true)
    expect(Whitelist.compileSync(["::fffe:ffff:ffff/128", "::ffff:0:0/96"]).allows("1.2.3.4")).toBe(true)
    const lists = [
      ["::/79", "::2:0:0:0/128"],
      ["::ffff:0:0/96", "::1:0:0:0/128"],
      ["::ffff:255.255.255.0/120", "::1:0:0:0/127"],
      ["::fffe:ffff:ffff/128", "::ffff:0:0/96"],
      ["::fffe:ffff:ff00/120", "::ffff:0.0.0.0/100"]
    ]
    const addresses = ["0.0.0.0", "1.2.3.4", "15.255.255.255", "16.0.0.0", "255.255.254.255", "255.255.255.0", "255.255.255.255"]
    for (const rules of lists) {
      const wl = Whitelist.compileSync(rules)
      const oracle = blockList(rules)
      for (const ip of [...addresses, ...addresses.map((a) => `::ffff:${a}`)]) {
        expect(wl.allows(ip), `${ip} in ${JSON.stringify(rules)}`).toBe(oracle(ip))
      }
    }
  })

  it("treats /0 as everything in its space and an empty list as nobody", () => {
    expect(Whitelist.compileSync(["0.0.0.0/0"]).allows("255.255.255.255")).toBe(true)
    expect(Whitelist.compileSync(["0.0.0.0/0"]).allows("2001:db8::1")).toBe(false)
    expect(Whitelist.compileSync(["::/0"]).allows("2001:db8::1")).toBe(true)
    expect(Whitelist.compileSync(["::/0"]).allows("1.2.3.4")).toBe(true) // ::/0 contains ::ffff:0:0/96
    expect(Whitelist.compileSync([]).allows("1.2.3.4")).toBe(false)
    expect(Whitelist.empty.allows("::1")).toBe(false)
  })

  it("denies adversarial strings and non-strings without throwing", () => {
    const everything = Whitelist.compileSync(["0.0.0.0/0", "::/0"])
    for (const s of ADVERSARIAL) expect(everything.allows(s), JSON.stringify(s)).toBe(false)
    for (const value of [undefined, null, 1, {}, [], Symbol("x"), 1n, new String("1.2.3.4")]) {
      expect(everything.allows(value as unknown as string)).toBe(false)
    }
  })

  test.prop(
    [fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF:.%/ ") }))],
    { numRuns: 2000 }
  )("never throws and accepts exactly what node:net accepts (minus zone ids)", (s) => {
    const everything = Whitelist.compileSync(["0.0.0.0/0", "::/0"])
    // node's isIP accepts "fe80::1%eth0"; we refuse zone ids (they name an interface, not a host).
    const expected = isIP(s) !== 0 && !s.includes("%")
    expect(everything.allows(s)).toBe(expected)
  })

  test.prop([blocks.chain((rules) => fc.tuple(fc.constant(rules), probes(rules)))], { numRuns: 300 })(
    "agrees with net.BlockList on random rules and addresses",
    ([rules, addresses]) => {
      const texts = rules.map((r) => r.text)
      const wl = Whitelist.compileSync(texts)
      const oracle = blockList(texts)
      for (const ip of addresses) expect(wl.allows(ip), `${ip} in ${JSON.stringify(texts)}`).toBe(oracle(ip))
    }
  )

  test.prop([blocks.chain((rules) => fc.tuple(fc.constant(rules), probes(rules)))], { numRuns: 200 })(
    "matchingRule names the most specific containing rule, first written on a tie",
    ([rules, addresses]) => {
      const texts = rules.map((r) => r.text)
      const wl = Whitelist.compileSync(texts)
      for (const ip of addresses) {
        const x = addressValue(ip)
        const containing = rules
          .map((rule, index) => ({ rule, index }))
          .filter(({ rule }) => {
            const [s, e] = range(rule)
            return s <= x && x <= e
          })
        const match = wl.matchingRule(ip)
        expect(Option.isSome(match)).toBe(wl.allows(ip))
        if (containing.length === 0) continue
        const width = (b: (typeof rules)[number]): number => (b.v6 ? b.prefix : b.prefix + 96)
        const best = containing.reduce((a, b) => (width(b.rule) > width(a.rule) ? b : a))
        const got = Option.getOrThrow(match)
        expect(got.index).toBe(best.index)
        expect(got.rule).toBe(texts[best.index])
        expect(got.cidr).toBe(Cidr.canonical(texts[best.index]!))
      }
    }
  )

  it("reports the matched rule for audit logs", () => {
    const wl = Whitelist.compileSync(["10.0.0.0/8", "10.1.0.0/16", "10.1.0.0/16", "2001:DB8::/32"])
    expect(wl.matchingRule("10.1.2.3")).toEqual(Option.some({ index: 1, rule: "10.1.0.0/16", cidr: "10.1.0.0/16" }))
    expect(wl.matchingRule("::ffff:10.2.0.1")).toEqual(Option.some({ index: 0, rule: "10.0.0.0/8", cidr: "10.0.0.0/8" }))
    expect(wl.matchingRule("2001:db8::5")).toEqual(Option.some({ index: 3, rule: "2001:DB8::/32", cidr: "2001:db8::/32" }))
    expect(wl.matchingRule("11.0.0.0")).toEqual(Option.none())
    expect(wl.matchingRule("garbage")).toEqual(Option.none())
  })

  it("throws InvalidCidr naming the rule's position", () => {
    expect(() => Whitelist.compileSync(["10.0.0.0/8", "1.1.1.1/24"])).toThrowError(
      'Invalid CIDR "1.1.1.1/24" (rule 1): host bits set; did you mean 1.1.1.0/24 (or 1.1.1.1/32)?'
    )
  })

  it("truncates host bits in lenient mode and says so", () => {
    const wl = Whitelist.compileSync(["1.1.1.1/24", "10.0.0.0/8"], { lenient: true })
    expect(wl.allows("1.1.1.200")).toBe(true)
    expect(wl.warnings).toEqual([
      {
        _tag: "HostBitsTruncated",
        input: "1.1.1.1/24",
        index: 0,
        cidr: "1.1.1.0/24",
        message: 'rule 0 "1.1.1.1/24": host bits set; truncated to 1.1.1.0/24'
      }
    ])
    expect(Whitelist.compileSync(["10.0.0.0/8"]).warnings).toEqual([])
    expect(() => Whitelist.compileSync(["0177.0.0.1/8"], { lenient: true })).toThrowError(/leading zeros/)
  })

  it("lists its minimal equivalent CIDRs", () => {
    expect(Whitelist.compileSync(["10.0.1.0/24", "10.0.0.0/24", "::ffff:10.0.2.0/119"]).cidrs()).toEqual(["10.0.0.0/22"])
  })

  it.effect("compile fails with InvalidCidr in the error channel", () =>
    Effect.gen(function* () {
      const ok = yield* Whitelist.compile(["192.0.2.0/24"])
      expect(ok.allows("192.0.2.1")).toBe(true)
      const error = yield* Effect.flip(Whitelist.compile(["192.0.2.0/24", "2001:db8::1/32"]))
      expect(error._tag).toBe("InvalidCidr")
      expect(error.input).toBe("2001:db8::1/32")
      expect(error.index).toBe(1)
      expect(error.suggestion).toBe("did you mean 2001:db8::/32 (or 2001:db8::1/128)?")
      const recovered = yield* Whitelist.compile(["nope"]).pipe(Effect.catchTag("InvalidCidr", (e) => Effect.succeed(e.reason)))
      expect(recovered).toBe("not a valid IPv4 or IPv6 address")
    })
  )
})
