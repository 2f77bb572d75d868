import { describe, expect, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Effect } from "effect"
import ipaddr from "ipaddr.js"
import { isIP } from "node:net"
import { Cidr } from "../src/index.ts"
import { v4Text, v6Text } from "./arbitraries.ts"

const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n })
const MAPPED = 0xffffn << 32n
/** Values with long zero runs, where "::" placement matters. */
const sparse128 = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n))
const anyValue = fc.oneof(
  u128,
  sparse128,
  fc.integer({ min: 0, max: 0xffffffff }).map((x) => MAPPED | BigInt(x))
)

/** RFC 5952 text computed independently: ipaddr.js, plus §5 mixed notation for mapped addresses. */
const expectedCanonical = (x: bigint): string =>
  x >> 32n === 0xffffn
    ? `::ffff:${v4Text(Number(x & 0xffffffffn))}`
    : new ipaddr.IPv6(Array.from({ length: 8 }, (_, k) => Number((x >> BigInt(112 - 16 * k)) & 0xffffn))).toRFC5952String()

/** Near-miss spellings: valid texts with a random edit. */
const edited = fc
  .tuple(anyValue, fc.nat(3), fc.nat(60), fc.constantFrom("", ...":.0123456789abcdefG%/ "), fc.constantFrom("insert", "replace", "delete"))
  .map(([x, style, at, ch, op]) => {
    const text = x >> 32n === 0xffffn && style === 0 ? v4Text(Number(x & 0xffffffffn)) : v6Text(x, style)
    const i = at % (text.length + 1)
    if (op === "insert") return text.slice(0, i) + ch + text.slice(i)
    if (op === "replace") return text.slice(0, i) + ch + text.slice(i + 1)
    return text.slice(0, i) + text.slice(i + 1)
  })
const dottedShapes = fc.array(fc.stringMatching(/^[0-9]{1,4}$/), { minLength: 1, maxLength: 5 }).map((parts) => parts.join("."))

/** The message of the error `Cidr.parseSync` throws for `input`. */
const reason = (input: unknown): string => {
  try {
    Cidr.parseSync(input as string)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`accepted ${String(input)}`)
}

describe("Cidr", () => {
  test.prop([fc.oneof(edited, dottedShapes, fc.string({ unit: fc.constantFrom(..."0123456789abcdef:.") }))], { numRuns: 3000 })(
    "accepts the same addresses as node:net (minus zone ids) and reads the same value as ipaddr.js",
    (s) => {
      // Rules with a prefix length have their own tests; this one compares bare addresses.
      fc.pre(!s.includes("/"))
      const valid = isIP(s) !== 0 && !s.includes("%")
      expect(Cidr.isValid(s)).toBe(valid)
      if (!valid) return
      const parsed = Cidr.parseSync(s)
      expect(parsed.prefix).toBe(parsed.family === "ipv4" ? 32 : 128)
      expect(ipaddr.parse(parsed.address).toByteArray()).toEqual(ipaddr.parse(s).toByteArray())
    }
  )

  test.prop([fc.oneof(edited, dottedShapes), fc.option(fc.integer({ min: 0, max: 128 }), { nil: undefined })], { numRuns: 2000 })(
    "isAddress: exactly the addresses node:net accepts (minus zone ids), never with a prefix",
    (s, prefix) => {
      const text = prefix === undefined ? s : `${s}/${prefix}`
      expect(Cidr.isAddress(text)).toBe(prefix === undefined && isIP(s) !== 0 && !s.includes("%"))
    }
  )

  test.prop([anyValue, fc.nat(3)], { numRuns: 1000 })("formats IPv6 canonically (RFC 5952) and stably", (x, style) => {
    const text = `${v6Text(x, style)}/128`
    const canonical = Cidr.canonical(text)
    expect(canonical).toBe(`${expectedCanonical(x)}/128`)
    expect(Cidr.canonical(canonical)).toBe(canonical)
  })

  test.prop([fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })])("formats IPv4 networks", (x, prefix) => {
    const network = prefix === 0 ? 0 : (x & (0xffffffff << (32 - prefix))) >>> 0
    expect(Cidr.canonical(`${v4Text(network)}/${prefix}`)).toBe(`${v4Text(network)}/${prefix}`)
    expect(Cidr.parseSync(`${v4Text(network)}/${prefix}`)).toEqual({ family: "ipv4", address: v4Text(network), prefix })
  })

  it("parses the RFC 4291 text forms", () => {
    expect(Cidr.parseSync("::")).toEqual({ family: "ipv6", address: "::", prefix: 128 })
    expect(Cidr.parseSync("::/0")).toEqual({ family: "ipv6", address: "::", prefix: 0 })
    expect(Cidr.canonical("2001:0DB8:0000:0000:0008:0800:200C:417A")).toBe("2001:db8::8:800:200c:417a/128")
    expect(Cidr.canonical("1:2:3:4:5:6:7::")).toBe("1:2:3:4:5:6:7:0/128")
    expect(Cidr.canonical("::2:3:4:5:6:7:8")).toBe("0:2:3:4:5:6:7:8/128")
    expect(Cidr.canonical("2001:db8:0:1:1:1:1:1")).toBe("2001:db8:0:1:1:1:1:1/128")
    expect(Cidr.canonical("2001:0:0:1:0:0:0:1")).toBe("2001:0:0:1::1/128")
    expect(Cidr.canonical("::ffff:1.2.3.4")).toBe("::ffff:1.2.3.4/128")
    expect(Cidr.canonical("::FFFF:102:304")).toBe("::ffff:1.2.3.4/128")
    expect(Cidr.canonical("64:ff9b::192.0.2.33")).toBe("64:ff9b::c000:221/128")
    expect(Cidr.canonical("::ffff:0:0/96")).toBe("::ffff:0.0.0.0/96")
    expect(Cidr.canonical("1.2.3.4")).toBe("1.2.3.4/32")
  })

  it("explains every refusal", () => {
    expect(reason("1.1.1.1/24")).toBe('Invalid CIDR "1.1.1.1/24": host bits set; did you mean 1.1.1.0/24 (or 1.1.1.1/32)?')
    expect(reason("2001:db8::1/32")).toBe('Invalid CIDR "2001:db8::1/32": host bits set; did you mean 2001:db8::/32 (or 2001:db8::1/128)?')
    expect(reason("")).toBe('Invalid CIDR "": empty rule')
    expect(reason(" 10.0.0.0/8")).toBe('Invalid CIDR " 10.0.0.0/8": surrounding whitespace is not allowed; did you mean "10.0.0.0/8"?')
    expect(reason(" nope ")).toBe('Invalid CIDR " nope ": surrounding whitespace is not allowed')
    expect(reason("fe80::1%eth0/64")).toBe('Invalid CIDR "fe80::1%eth0/64": zone id "%eth0" is not allowed; did you mean fe80::1/64?')
    expect(reason("[::1]")).toBe('Invalid CIDR "[::1]": brackets are not allowed around an address')
    expect(reason("127.1")).toBe('Invalid CIDR "127.1": IPv4 needs four dotted decimal parts (shorthand like 127.1 is not allowed)')
    expect(reason("1.2.3.4.5")).toBe('Invalid CIDR "1.2.3.4.5": IPv4 has more than four parts')
    expect(reason("1..3.4")).toBe('Invalid CIDR "1..3.4": empty part in IPv4 address')
    expect(reason("0177.0.0.1")).toBe(
      'Invalid CIDR "0177.0.0.1": leading zeros are not allowed in IPv4 (0177 would be octal to some parsers)'
    )
    expect(reason("256.0.0.0/8")).toBe('Invalid CIDR "256.0.0.0/8": IPv4 part out of range 0-255')
    expect(reason("1::2::3")).toBe('Invalid CIDR "1::2::3": "::" may appear only once in an IPv6 address')
    expect(reason("1:2:3")).toBe('Invalid CIDR "1:2:3": not a valid IPv6 address')
    expect(reason("example.com")).toBe('Invalid CIDR "example.com": not a valid IPv4 or IPv6 address')
    expect(reason("/8")).toBe('Invalid CIDR "/8": missing address')
    expect(reason("10.0.0.0/")).toBe('Invalid CIDR "10.0.0.0/": missing prefix length after "/"')
    expect(reason("10.0.0.0/8/8")).toBe('Invalid CIDR "10.0.0.0/8/8": more than one "/"')
    expect(reason("10.0.0.0/08")).toBe('Invalid CIDR "10.0.0.0/08": leading zeros are not allowed in the prefix length')
    expect(reason("10.0.0.0/x")).toBe('Invalid CIDR "10.0.0.0/x": prefix length must be a decimal number 0-32')
    expect(reason("10.0.0.0/33")).toBe('Invalid CIDR "10.0.0.0/33": prefix length 33 is out of range 0-32')
    expect(reason("::/129")).toBe('Invalid CIDR "::/129": prefix length 129 is out of range 0-128')
    expect(reason(42)).toBe('Invalid CIDR "42": expected a string, got number')
  })

  it("exposes the error's fields", () => {
    try {
      Cidr.parseSync("1.1.1.1/24")
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(Cidr.InvalidCidr)
      const e = error as Cidr.InvalidCidr
      expect(e._tag).toBe("InvalidCidr")
      expect(e.input).toBe("1.1.1.1/24")
      expect(e.reason).toBe("host bits set")
      expect(e.suggestion).toBe("did you mean 1.1.1.0/24 (or 1.1.1.1/32)?")
    }
    expect(Cidr.parseSync("1.1.1.1/24", { lenient: true })).toEqual({ family: "ipv4", address: "1.1.1.0", prefix: 24 })
  })

  it("names the zone id it refuses", () => {
    expect(reason("1.2.3.4%0")).toBe('Invalid CIDR "1.2.3.4%0": zone id "%0" is not allowed; did you mean 1.2.3.4?')
  })

  it("repeats at most 200 characters of a refused input (security finding L7)", () => {
    for (const input of ["1".repeat(1_000_000), ` ${"1.2.3.4/32".padEnd(5_000, "0")} `, `fe80::1%${"x".repeat(9_999)}`]) {
      try {
        Cidr.parseSync(input)
        expect.unreachable()
      } catch (error) {
        const e = error as Cidr.InvalidCidr
        expect(e.input.length).toBeLessThan(260)
        expect(e.input.startsWith(input.slice(0, 200))).toBe(true)
        expect(e.input).toContain(`${input.length - 200} more characters`)
        expect(e.message.length).toBeLessThan(700)
      }
    }
    // Short inputs are repeated whole.
    expect(reason("10.0.0.0/33")).toContain('"10.0.0.0/33"')
  })

  it.effect("parse fails in the error channel", () =>
    Effect.gen(function* () {
      expect(yield* Cidr.parse("10.0.0.0/8")).toEqual({ family: "ipv4", address: "10.0.0.0", prefix: 8 })
      const error = yield* Effect.flip(Cidr.parse("10.0.0.1/8"))
      expect(error.reason).toBe("host bits set")
      expect(Cidr.format({ family: "ipv6", address: "2001:db8::", prefix: 32 })).toBe("2001:db8::/32")
    })
  )
})
