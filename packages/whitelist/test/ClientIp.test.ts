import { isIP } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Effect } from "effect"
import { ClientIp } from "../src/index.ts"
import { blockList, v4Text } from "./arbitraries.ts"

const proxies = ["10.0.0.0/8", "2001:db8:ffff::/48"]

describe("ClientIp", () => {
  const byProxies = ClientIp.makeSync({ trustedProxies: proxies })

  it("reads right to left and stops at the first untrusted hop", () => {
    expect(byProxies.resolve("10.0.0.2", "198.51.100.7, 203.0.113.9, 10.0.0.1")).toBe("203.0.113.9")
    expect(byProxies.resolve("10.0.0.2", "203.0.113.9")).toBe("203.0.113.9")
    expect(byProxies.resolve("::ffff:10.0.0.2", "203.0.113.9")).toBe("203.0.113.9")
    expect(byProxies.resolve("2001:db8:ffff::1", "2001:db8:1::7")).toBe("2001:db8:1::7")
  })

  it("ignores the header when the socket peer is not a trusted proxy", () => {
    expect(byProxies.resolve("203.0.113.5", "10.0.0.9, 1.2.3.4")).toBe("203.0.113.5")
    expect(byProxies.resolve("203.0.113.5", undefined)).toBe("203.0.113.5")
  })

  it("returns the leftmost entry only when every hop is trusted", () => {
    expect(byProxies.resolve("10.0.0.2", "10.0.0.3, 10.0.0.1")).toBe("10.0.0.3")
    expect(byProxies.resolve("10.0.0.2", undefined)).toBe("10.0.0.2")
    expect(byProxies.resolve("10.0.0.2", "")).toBeUndefined()
  })

  it("handles duplicate headers joined by Node and string[] headers", () => {
    expect(byProxies.resolve("10.0.0.2", "6.6.6.6, 5.5.5.5, 10.0.0.1")).toBe("5.5.5.5")
    expect(byProxies.resolve("10.0.0.2", ["6.6.6.6", "5.5.5.5,10.0.0.1"])).toBe("5.5.5.5")
    expect(byProxies.resolve("10.0.0.2", ["6.6.6.6, 10.0.0.5", "\t10.0.0.1 "])).toBe("6.6.6.6")
  })

  it("fails closed on garbage at the first untrusted hop", () => {
    expect(byProxies.resolve("10.0.0.2", "1.2.3.4, unknown")).toBeUndefined()
    expect(byProxies.resolve("10.0.0.2", "1.2.3.4:5678")).toBeUndefined()
    expect(byProxies.resolve("10.0.0.2", "[2001:db8::1]")).toBeUndefined()
    expect(byProxies.resolve("10.0.0.2", "1.2.3.4, , 10.0.0.1")).toBeUndefined()
    expect(byProxies.resolve("garbage", "1.2.3.4")).toBeUndefined()
    expect(byProxies.resolve(undefined, "1.2.3.4")).toBeUndefined()
    // Garbage left of the client is never looked at.
    expect(byProxies.resolve("10.0.0.2", "not an ip, 1.2.3.4")).toBe("1.2.3.4")
  })

  it("counts hops from the socket peer", () => {
    expect(ClientIp.makeSync({ hops: 0 }).resolve("10.0.0.2", "1.1.1.1, 2.2.2.2")).toBe("10.0.0.2")
    expect(ClientIp.makeSync({ hops: 1 }).resolve("10.0.0.2", "1.1.1.1, 2.2.2.2")).toBe("2.2.2.2")
    expect(ClientIp.makeSync({ hops: 2 }).resolve("10.0.0.2", "1.1.1.1, 2.2.2.2")).toBe("1.1.1.1")
    expect(ClientIp.makeSync({ hops: 5 }).resolve("10.0.0.2", "1.1.1.1, 2.2.2.2")).toBe("1.1.1.1")
    expect(() => ClientIp.makeSync({ hops: -1 })).toThrowError(RangeError)
  })

  it("refuses a hops count that is not a whole number", () => {
    // Infinity would trust the whole chain (the client picks its own address); NaN would ignore it.
    for (const hops of [Number.POSITIVE_INFINITY, Number.NaN, 1.5]) {
      expect(() => ClientIp.makeSync({ hops })).toThrowError(RangeError)
      expect(() => Effect.runSync(ClientIp.make({ hops }))).toThrowError(/hops must be a non-negative integer/)
    }
  })

  it("trims only spaces and tabs around a hop, so other whitespace fails closed", () => {
    // RFC 9110 OWS is SP and HTAB; a vertical tab, form feed or no-break space is not an address.
    for (const header of ["1.2.3.4\u000b", "\u000c1.2.3.4", "\u00a01.2.3.4", "1.2.3.4\n"]) {
      expect(byProxies.resolve("10.0.0.2", header)).toBeUndefined()
    }
    // A value that is not a string (outside the type, from untyped callers) is skipped, not stringified.
    expect(byProxies.resolve("10.0.0.2", [123 as unknown as string])).toBe("10.0.0.2")
  })

  const hop = fc.oneof(
    fc.integer({ min: 0, max: 0xffffffff }).map(v4Text),
    fc.integer({ min: 0, max: 255 }).map((x) => `10.0.0.${x}`),
    fc.integer({ min: 0, max: 255 }).map((x) => `::ffff:10.1.0.${x}`),
    fc.constantFrom("2001:db8:ffff::1", "2001:db8::1", "garbage", "")
  )

  test.prop([hop, fc.array(hop, { maxLength: 6 }), fc.integer({ min: 1, max: 3 })], { numRuns: 500 })(
    "matches a straightforward reference on random chains, however the header is split",
    (remote, chain, pieces) => {
      const trusted = blockList(proxies)
      // Validity from node:net, not from the resolver under test (the mutation probe's note).
      const valid = (ip: string): boolean => isIP(ip) !== 0
      // Reference: walk [remote, ...chain reversed]; the first untrusted hop is the client.
      const hops = [remote, ...[...chain].reverse()]
      let expected: string | undefined = hops[hops.length - 1]
      for (const ip of hops) {
        if (!valid(ip)) {
          expected = undefined
          break
        }
        if (!trusted(ip)) {
          expected = ip
          break
        }
      }
      const size = Math.ceil(chain.length / pieces) || 1
      const split = Array.from({ length: pieces }, (_, i) => chain.slice(i * size, (i + 1) * size))
        .filter((piece) => piece.length > 0)
        .map((piece) => piece.join(", "))
      const header = chain.length === 0 ? undefined : split
      expect(byProxies.resolve(remote, header)).toBe(expected)
      if (chain.length > 0) expect(byProxies.resolve(remote, chain.join(", "))).toBe(expected)
    }
  )

  it.effect("make fails with InvalidCidr for a bad proxy rule", () =>
    Effect.gen(function* () {
      const resolver = yield* ClientIp.make({ trustedProxies: ["10.0.0.0/8"] })
      expect(resolver.resolve("10.1.1.1", "8.8.8.8")).toBe("8.8.8.8")
      const error = yield* Effect.flip(ClientIp.make({ trustedProxies: ["10.0.0.1/8"] }))
      expect(error._tag).toBe("InvalidCidr")
    })
  )
})
