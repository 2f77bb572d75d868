import { describe, expect, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { UrlGuard } from "../src/index.ts"

const resolver = (table: Record<string, ReadonlyArray<string>>): UrlGuard.Resolver => async (host) => {
  const addrs = table[host]
  if (!addrs) throw new Error("ENOTFOUND")
  return addrs.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }))
}

describe("UrlGuard", () => {
  it("classifies special-purpose addresses", () => {
    const cases: Record<string, string | undefined> = {
      "0.0.0.0": "unspecified",
      "127.0.0.1": "loopback",
      "10.1.2.3": "private",
      "172.31.255.255": "private",
      "172.32.0.1": undefined,
      "192.168.1.1": "private",
      "169.254.169.254": "link-local",
      "100.64.0.1": "cgnat",
      "100.128.0.1": undefined,
      "224.0.0.1": "multicast",
      "192.0.2.5": "documentation",
      "198.51.100.5": "documentation",
      "203.0.113.5": "documentation",
      "198.18.0.1": "reserved",
      "255.255.255.255": "reserved",
      "8.8.8.8": undefined,
      "::": "unspecified",
      "::1": "loopback",
      "::ffff:127.0.0.1": "loopback",
      "::ffff:7f00:1": "loopback",
      "::ffff:10.0.0.1": "private",
      "::ffff:8.8.8.8": undefined,
      "64:ff9b::a9fe:a9fe": "link-local",
      "fc00::1": "private",
      "fdff:ffff::1": "private",
      "fe80::1%eth0": "link-local",
      "ff02::1": "multicast",
      "2001:db8::1": "documentation",
      "2606:4700:4700::1111": undefined,
      "example.com": "invalid"
    }
    for (const [address, expected] of Object.entries(cases)) {
      expect([address, UrlGuard.classifyAddress(address)]).toEqual([address, expected])
    }
  })

  it.effect("live mode wants https and public addresses", () =>
    Effect.gen(function*() {
      const r = resolver({ "hooks.example": ["93.184.216.34"], "evil.example": ["93.184.216.34", "10.0.0.5"], "meta.example": ["169.254.169.254"] })
      const ok = yield* UrlGuard.check("https://hooks.example/x", { mode: "live", resolver: r })
      expect(ok.address).toBe("93.184.216.34")
      for (const url of [
        "http://hooks.example/x",
        "https://evil.example/",
        "https://meta.example/",
        "https://127.0.0.1/",
        "https://[::1]/",
        "https://[::ffff:192.168.0.1]/",
        "https://0x7f.1/",
        "https://user:pw@hooks.example/",
        "https://nowhere.example/",
        "ftp://hooks.example/",
        "not a url"
      ]) {
        const e = yield* Effect.flip(UrlGuard.check(url, { mode: "live", resolver: r }))
        expect(e._tag).toBe("UrlRefused")
      }
    }))

  it.effect("test mode allows http and loopback, nothing else private", () =>
    Effect.gen(function*() {
      const r = resolver({ localhost: ["127.0.0.1", "::1"], lan: ["192.168.0.10"] })
      expect((yield* UrlGuard.check("http://localhost:8080/", { mode: "test", resolver: r })).address).toBe("127.0.0.1")
      expect((yield* UrlGuard.check("http://[::1]:8080/", { mode: "test", resolver: r })).family).toBe(6)
      expect((yield* Effect.flip(UrlGuard.check("http://lan/", { mode: "test", resolver: r })))._tag).toBe("UrlRefused")
    }))

  const v4 = (a: number, b: number, c: number, d: number) => `${a}.${b}.${c}.${d}`
  const byte = fc.integer({ min: 0, max: 255 })

  test.prop([byte, byte, byte])("every 10/8, 127/8 and 192.168/16 address is refused, also IPv4-mapped", (b, c, d) => {
    for (const ip of [v4(10, b, c, d), v4(127, b, c, d), v4(192, 168, c, d)]) {
      expect(UrlGuard.isAllowedAddress(ip, "live")).toBe(false)
      expect(UrlGuard.isAllowedAddress(`::ffff:${ip}`, "live")).toBe(false)
    }
  })

  test.prop([fc.ipV4()])("an IPv4 address and its mapped IPv6 form get the same answer", (ip) => {
    expect(UrlGuard.classifyAddress(`::ffff:${ip}`)).toBe(UrlGuard.classifyAddress(ip))
  })

  test.prop([fc.ipV6()])("fc00::/7 and fe80::/10 are never allowed", (ip) => {
    const first = parseInt(ip.split(":")[0] || "0", 16)
    const range = UrlGuard.classifyAddress(ip)
    expect(range).not.toBe("invalid")
    if ((first & 0xfe00) === 0xfc00) expect(range).toBe("private")
    if ((first & 0xffc0) === 0xfe80) expect(range).toBe("link-local")
  })
})
