import { BlockList } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import { Effect, Result } from "effect"
import fc from "fast-check"
import { UrlGuard } from "../src/index.ts"

const resolver =
  (table: Record<string, ReadonlyArray<string>>): UrlGuard.Resolver =>
  async (host) => {
    const addrs = table[host]
    if (!addrs) throw new Error("ENOTFOUND")
    return addrs.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }))
  }

const kindOf = (address: string) => UrlGuard.classifyAddress(address)?.kind

describe("UrlGuard", () => {
  it("classifies addresses: public, loopback, private, or special", () => {
    const cases: Record<string, string | undefined> = {
      "0.0.0.0": "special",
      "127.0.0.1": "loopback",
      "10.1.2.3": "private",
      "172.31.255.255": "private",
      "172.32.0.1": "public",
      "192.168.1.1": "private",
      "169.254.169.254": "special",
      "100.64.0.1": "special",
      "100.128.0.1": "public",
      "224.0.0.1": "special",
      "192.0.2.5": "special",
      "198.51.100.5": "special",
      "203.0.113.5": "special",
      "198.18.0.1": "special",
      "255.255.255.255": "special",
      "8.8.8.8": "public",
      "::": "special",
      "::1": "loopback",
      "::ffff:127.0.0.1": "loopback",
      "::ffff:7f00:1": "loopback",
      "::ffff:10.0.0.1": "private",
      "::ffff:8.8.8.8": "public",
      // The IPv4-translated form (RFC 6145) the security review found allowed.
      "::ffff:0:127.0.0.1": "loopback",
      "::ffff:0:7f00:1": "loopback",
      "::ffff:0:a9fe:a9fe": "special",
      "0:0:0:0:ffff:0:10.1.1.1": "private",
      "64:ff9b::a9fe:a9fe": "special",
      "64:ff9b::127.0.0.1": "loopback",
      "64:ff9b::8.8.8.8": "public",
      "64:ff9b:1::8.8.8.8": "special",
      "::127.0.0.1": "special",
      "::8.8.8.8": "special",
      "2002:7f00:1::": "special",
      "2001:0:4136:e378:8000:63bf:3fff:fdd2": "special",
      "fc00::1": "private",
      // AWS's IPv6 instance-metadata address lies in fc00::/7 but is never a webhook target.
      "fd00:ec2::254": "special",
      "fd00:ec2::253": "private",
      "fdff:ffff::1": "private",
      "fe80::1%eth0": "special",
      "ff02::1": "special",
      "2001:db8::1": "special",
      "2606:4700:4700::1111": "public",
      "2000::1": "public",
      "3c00::1": "public",
      // IPv6 unicast outside global unicast 2000::/3 is IETF-reserved space, reachable only by a
      // local route: not public (it was, as ipaddr.js calls it unicast).
      "1::1": "private",
      "4000::1": "private",
      "e000::1": "private",
      "::1:0:0:1": "private",
      "0:0:1::7f00:1": "private",
      "::ffff:1:7f00:1": "private",
      // Only 64:ff9b::/96 carries an IPv4 address (mutation probe U02): past it, the last 32 bits
      // are not judged as 8.8.8.8 or 127.0.0.1.
      "64:ff9b::1:0:808:808": "private",
      "64:ff9b::1:0:7f00:1": "private",
      "64:ff9b::ffff:ffff": "special",
      "example.com": undefined,
      "0177.0.0.1": undefined,
      "127.1": undefined
    }
    for (const [address, expected] of Object.entries(cases)) {
      expect([address, kindOf(address)]).toEqual([address, expected])
    }
  })

  it.effect("live mode wants https and public addresses", () =>
    Effect.gen(function* () {
      const r = resolver({
        "hooks.example": ["93.184.216.34"],
        "evil.example": ["93.184.216.34", "10.0.0.5"],
        "meta.example": ["169.254.169.254"],
        "v6.example": ["93.184.216.34", "2606:4700:4700::1111"],
        "lo6.example": ["::1"]
      })
      const ok = yield* UrlGuard.check("https://hooks.example/x", { mode: "live", resolver: r })
      expect(ok.addresses).toEqual([{ address: "93.184.216.34", family: 4 }])
      // A name resolving to IPv6 keeps family 6 and is judged by its IPv6 address (mutation probe U16).
      const v6 = yield* UrlGuard.check("https://v6.example/", { mode: "live", resolver: r })
      expect(v6.addresses).toEqual([
        { address: "93.184.216.34", family: 4 },
        { address: "2606:4700:4700::1111", family: 6 }
      ])
      const refusedPrivate = "; the operator has not allowed private webhook targets"
      // Each refusal with its reason, so a URL refused for the wrong reason (an IPv6 literal
      // refused only because the fake resolver does not know it) fails here.
      const refusals: Record<string, string> = {
        "http://hooks.example/x": "live endpoints must use https",
        "https://evil.example/": `host evil.example resolves to a private address (10.0.0.5)${refusedPrivate}`,
        "https://meta.example/": "host meta.example resolves to a special-purpose address (linkLocal) (169.254.169.254)",
        "https://127.0.0.1/": `127.0.0.1 is a loopback address${refusedPrivate}`,
        "https://[::1]/": `::1 is a loopback address${refusedPrivate}`,
        "https://[::ffff:192.168.0.1]/": `::ffff:c0a8:1 is a private address${refusedPrivate}`,
        "https://[::ffff:0:127.0.0.1]/": `::ffff:0:7f00:1 is a loopback address${refusedPrivate}`,
        "https://0x7f.1/": `127.0.0.1 is a loopback address${refusedPrivate}`,
        "https://user:pw@hooks.example/": "credentials in the URL are not allowed",
        // A password alone is a credential too (mutation probe U08).
        "https://:s3cret@hooks.example/": "credentials in the URL are not allowed",
        "https://nowhere.example/": "host nowhere.example does not resolve",
        "https://lo6.example/": `host lo6.example resolves to a loopback address (::1)${refusedPrivate}`,
        "ftp://hooks.example/": "live endpoints must use https",
        "not a url": "not a valid URL"
      }
      for (const [url, reason] of Object.entries(refusals)) {
        const e = yield* Effect.flip(UrlGuard.check(url, { mode: "live", resolver: r }))
        expect([url, e._tag, e.reason]).toEqual([url, "UrlRefused", reason])
      }
    })
  )

  // Regression: a host name whose DNS answer is empty is refused, never passed with no address to
  // check (UrlGuard.checkAddresses, mutation probe R11).
  it.effect("a host name that resolves to no address at all is refused", () =>
    Effect.gen(function* () {
      const empty: UrlGuard.Resolver = async () => []
      const e = yield* Effect.flip(UrlGuard.check("https://empty.example/hook", { mode: "live", resolver: empty }))
      expect(e._tag).toBe("UrlRefused")
      expect(e.reason).toBe("host empty.example does not resolve")
      const checked = Result.getOrThrow(UrlGuard.checkUrl("http://empty.example/hook", { mode: "test" }))
      const r = UrlGuard.checkAddresses(checked, [], { mode: "test", privateTargets: "allow" })
      expect(Result.isFailure(r) && r.failure.reason).toBe("host empty.example does not resolve")
    })
  )

  // Regression (mutation probe U12): a resolver answer that is not an IP literal is refused, not
  // passed on because it has no classification.
  it.effect("a resolver answer that is not an IP literal is refused", () =>
    Effect.gen(function* () {
      const checked = Result.getOrThrow(UrlGuard.checkUrl("https://hooks.example/", { mode: "live" }))
      for (const address of ["127.1", "", "0177.0.0.1", "localhost"]) {
        const r = UrlGuard.checkAddresses(checked, [{ address, family: 4 }], { mode: "live", privateTargets: "allow" })
        expect(Result.isFailure(r) && r.failure.reason, address).toBe(`host hooks.example resolves to a non-address (${address})`)
      }
      const odd = resolver({ "odd.example": ["93.184.216.34", "0177.0.0.1"] })
      const e = yield* Effect.flip(UrlGuard.check("https://odd.example/", { mode: "live", resolver: odd }))
      expect(e.reason).toBe("host odd.example resolves to a non-address (0177.0.0.1)")
    })
  )

  it.effect("an IPv6 address outside 2000::/3 is refused unless private targets are allowed", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(UrlGuard.check("https://[4000::1]/hook", { mode: "live" }))
      expect(e.reason).toBe("4000::1 is a private address; the operator has not allowed private webhook targets")
      const r = resolver({ "reserved.example": ["2606:4700:4700::1111", "e000::1"] })
      const named = yield* Effect.flip(UrlGuard.check("https://reserved.example/", { mode: "live", resolver: r }))
      expect(named.reason).toBe(
        "host reserved.example resolves to a private address (e000::1); the operator has not allowed private webhook targets"
      )
      const allowed = yield* UrlGuard.check("https://reserved.example/", { mode: "live", privateTargets: "allow", resolver: r })
      expect(allowed.addresses.map((a) => a.address)).toEqual(["2606:4700:4700::1111", "e000::1"])
    })
  )

  it.effect("refusals never quote URL credentials or the query", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(UrlGuard.check("https://u:SUPERSECRETPW@127.0.0.1/h?token=QUERYSECRET", { mode: "live" }))
      expect(e.message).not.toContain("SUPERSECRETPW")
      expect(e.message).not.toContain("QUERYSECRET")
      const local = yield* Effect.flip(UrlGuard.check("https://127.0.0.1/h?token=QUERYSECRET", { mode: "live" }))
      expect(local.message).toBe(
        "refused webhook URL https://127.0.0.1/h: 127.0.0.1 is a loopback address; the operator has not allowed private webhook targets"
      )
    })
  )

  it.effect("private targets: refused by default, loopback for test endpoints in test-mode, both with allow", () =>
    Effect.gen(function* () {
      const r = resolver({ localhost: ["127.0.0.1", "::1"], lan: ["192.168.0.10"], meta: ["169.254.169.254"], meta6: ["fd00:ec2::254"] })
      const verdict = (url: string, options: Omit<UrlGuard.Options, "resolver">) =>
        Effect.map(Effect.result(UrlGuard.check(url, { ...options, resolver: r })), Result.isSuccess)
      expect(yield* verdict("http://localhost:8080/", { mode: "test" })).toBe(false)
      expect(yield* verdict("http://localhost:8080/", { mode: "test", privateTargets: "refuse" })).toBe(false)
      expect(yield* verdict("http://localhost:8080/", { mode: "test", privateTargets: "test-mode" })).toBe(true)
      expect(yield* verdict("http://[::1]:8080/", { mode: "test", privateTargets: "test-mode" })).toBe(true)
      expect(yield* verdict("https://localhost/", { mode: "live", privateTargets: "test-mode" })).toBe(false)
      expect(yield* verdict("http://lan/", { mode: "test", privateTargets: "test-mode" })).toBe(false)
      expect(yield* verdict("http://lan/", { mode: "test", privateTargets: "allow" })).toBe(true)
      expect(yield* verdict("https://lan/", { mode: "live", privateTargets: "allow" })).toBe(true)
      expect(yield* verdict("http://lan/", { mode: "live", privateTargets: "allow" })).toBe(false)
      expect(yield* verdict("http://meta/", { mode: "test", privateTargets: "allow" })).toBe(false)
      expect(yield* verdict("http://meta6/", { mode: "test", privateTargets: "allow" })).toBe(false)
      expect(yield* verdict("http://[fd00:ec2::254]/", { mode: "test", privateTargets: "allow" })).toBe(false)
    })
  )

  // The oracle: node's BlockList over the IPv4 special-purpose registry (RFC 6890 and successors),
  // written out here independently of ipaddr.js.
  const loopback = new BlockList()
  loopback.addSubnet("127.0.0.0", 8, "ipv4")
  const privateNets = new BlockList()
  for (const [net, prefix] of [
    ["10.0.0.0", 8],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16]
  ] as const)
    privateNets.addSubnet(net, prefix, "ipv4")
  const special = new BlockList()
  for (const [net, prefix] of [
    ["0.0.0.0", 8],
    ["100.64.0.0", 10],
    ["169.254.0.0", 16],
    ["192.0.0.0", 24],
    ["192.0.2.0", 24],
    ["192.31.196.0", 24],
    ["192.52.193.0", 24],
    ["192.88.99.0", 24],
    ["192.175.48.0", 24],
    ["198.18.0.0", 15],
    ["198.51.100.0", 24],
    ["203.0.113.0", 24],
    ["224.0.0.0", 4],
    ["240.0.0.0", 4]
  ] as const)
    special.addSubnet(net, prefix, "ipv4")
  const oracle = (ipv4: string): string =>
    loopback.check(ipv4, "ipv4")
      ? "loopback"
      : privateNets.check(ipv4, "ipv4")
        ? "private"
        : special.check(ipv4, "ipv4")
          ? "special"
          : "public"

  const byte = fc.integer({ min: 0, max: 255 })
  // Addresses drawn from the interesting ranges as well as anywhere.
  const ipv4 = fc.oneof(
    fc.ipV4(),
    fc.tuple(fc.constantFrom(0, 10, 100, 127, 169, 172, 192, 198, 203, 224, 240, 255), byte, byte, byte).map((parts) => parts.join("."))
  )
  const hex = (ip: string): string => {
    const [a, b, c, d] = ip.split(".").map(Number) as [number, number, number, number]
    return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  // Every IPv6 spelling that carries the IPv4 address: mapped, translated, NAT64, dotted or hex,
  // compressed or written out, upper or lower case.
  const forms = (ip: string): ReadonlyArray<string> => [
    `::ffff:${ip}`,
    `::ffff:${hex(ip)}`,
    `0:0:0:0:0:ffff:${ip}`,
    `0000:0000:0000:0000:0000:FFFF:${hex(ip).toUpperCase()}`,
    `::ffff:0:${ip}`,
    `::ffff:0:${hex(ip)}`,
    `0:0:0:0:ffff:0:${ip}`,
    `64:ff9b::${ip}`,
    `64:ff9b::${hex(ip)}`,
    `64:FF9B:0:0:0:0:${hex(ip)}`
  ]

  test.prop([ipv4], { numRuns: 1000 })("IPv4 and every IPv6 form that carries it classify as the oracle says", (ip) => {
    const expected = oracle(ip)
    expect(kindOf(ip)).toBe(expected)
    for (const form of forms(ip)) expect([form, kindOf(form)]).toEqual([form, expected])
  })

  test.prop(
    [ipv4, fc.constantFrom<UrlGuard.PrivateTargets>("refuse", "test-mode", "allow"), fc.constantFrom<UrlGuard.Mode>("live", "test")],
    {
      numRuns: 1000
    }
  )("the policy lets through public addresses always, loopback and private only as configured", (ip, privateTargets, mode) => {
    const expected = oracle(ip)
    const allowed =
      expected === "public" ||
      (expected === "loopback" && (privateTargets === "allow" || (privateTargets === "test-mode" && mode === "test"))) ||
      (expected === "private" && privateTargets === "allow")
    for (const form of [ip, ...forms(ip)]) {
      expect(UrlGuard.allows(UrlGuard.classifyAddress(form)!, { mode, privateTargets })).toBe(allowed)
    }
  })

  // The mutation probe's note: beyond fc00::/7, fe80::/10 and ff00::/8, no IPv6 range was checked.
  // These are the IANA special-purpose blocks that carry no IPv4 address (those are classified by
  // the address they carry), listed here from the registry rather than from the guard's library.
  const notGlobal: ReadonlyArray<readonly [string, number]> = [
    ["::", 128],
    ["::1", 128],
    ["100::", 64],
    ["2001:2::", 48],
    ["2001:10::", 28],
    ["2001:20::", 28],
    ["2001:db8::", 32],
    ["3fff::", 20],
    ["5f00::", 16],
    ["fc00::", 7],
    ["fe80::", 10],
    ["fec0::", 10],
    ["ff00::", 8]
  ]
  const groupsOf = (text: string): Array<number> => {
    const [head, tail = ""] = text.split("::")
    const left = head === "" ? [] : head!.split(":").map((g) => parseInt(g, 16))
    const right = tail === "" ? [] : tail.split(":").map((g) => parseInt(g, 16))
    return [...left, ...Array(8 - left.length - right.length).fill(0), ...right]
  }
  const within = fc
    .tuple(fc.constantFrom(...notGlobal), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }))
    .map(([[prefix, length], random]) =>
      groupsOf(prefix)
        .map((group, i) => {
          const kept = Math.max(0, Math.min(16, length - 16 * i)) // prefix bits in this group
          const mask = kept === 0 ? 0 : (0xffff << (16 - kept)) & 0xffff
          return ((group & mask) | (random[i]! & ~mask & 0xffff)).toString(16)
        })
        .join(":")
    )
  test.prop([within], { numRuns: 500 })("no address of a special-purpose IPv6 block is public", (ip) => {
    expect(kindOf(ip), ip).toBeDefined()
    expect(kindOf(ip), ip).not.toBe("public")
  })

  test.prop([fc.ipV6()])("fc00::/7 is private, fe80::/10 and ff00::/8 special, nothing public outside 2000::/3", (ip) => {
    const first = parseInt(ip.split(":")[0] || "0", 16)
    const kind = kindOf(ip)
    expect(["public", "loopback", "private", "special"]).toContain(kind)
    if ((first & 0xfe00) === 0xfc00) expect(kind).toBe("private")
    if ((first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00) expect(kind).toBe("special")
    // Outside 2000::/3, only a form that carries an IPv4 address can be public (by that address).
    const groups = groupsOf(new URL(`http://[${ip}]/`).hostname.slice(1, -1))
    const carries =
      (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) ||
      (groups.slice(0, 4).every((g) => g === 0) && groups[4] === 0xffff && groups[5] === 0) ||
      (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0))
    if ((groups[0]! & 0xe000) !== 0x2000 && !carries) expect([ip, kind]).not.toEqual([ip, "public"])
  })
})
