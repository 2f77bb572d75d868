import { BlockList, isIPv4 } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Paymux, PaymuxError } from "@paymux/admin"
import { ChannelIndex } from "@paymux/channel-resolver"
import { Memory } from "@paymux/store"
import { Result } from "effect"
import * as fc from "fast-check"

const pgs = ["kcp", "html5_inicis", "nice_v2", "kakaopay"] as const
const typeOf = (pg: string) => (pg === "kakaopay" ? "window.simple" : "window.general") as "window.general" | "window.simple"

type Op =
  | { readonly kind: "add"; readonly pg: (typeof pgs)[number]; readonly mid: string | undefined }
  | { readonly kind: "toggle"; readonly at: number }
  | { readonly kind: "remove"; readonly at: number }
  | { readonly kind: "policy"; readonly strict: boolean }

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("add" as const),
      pg: fc.constantFrom(...pgs),
      mid: fc.option(fc.constantFrom("M1", "M2", "M.3"), { nil: undefined })
    })
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("toggle" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("policy" as const), strict: fc.boolean() }) }
)
const request = fc.record({
  pg: fc.option(fc.oneof(fc.constantFrom(...pgs), fc.constantFrom("kcp.M1", "nice_v2.M.3", "html5_inicis.M2", "kcpp", "nice_v2.nope")), {
    nil: undefined
  }),
  payMethod: fc.constantFrom("card", "vbank", "kakaopay")
})

const credentialsFor = (pg: string): Record<string, string> =>
  pg === "kcp"
    ? { site_key: "k" }
    : pg === "nice_v2"
      ? { merchant_key: "k", cancel_password: "1" }
      : pg === "html5_inicis"
        ? { sign_key: "k" }
        : {}

describe("use-case rules (properties)", () => {
  it("the cached resolver always answers like an index freshly built from the store, whatever changes came before", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 14 }), fc.array(request, { minLength: 1, maxLength: 6 }), async (ops, requests) => {
        const paymux = await Paymux.make({ store: Memory.layer() })
        const merchant = await paymux.merchants.create({ name: "Prop Shop" })
        const keys: Array<string> = []
        for (const o of ops) {
          if (o.kind === "add") {
            const added = await paymux.channels
              .add({
                merchant: merchant.code,
                mode: "test",
                pg: o.pg,
                mid: o.mid,
                paymentType: typeOf(o.pg),
                payMethods: ["card"],
                credentials: o.mid === undefined ? {} : credentialsFor(o.pg)
              })
              .then(
                (c) => c.key,
                () => undefined
              )
            if (added !== undefined) keys.push(added)
          } else if (o.kind === "policy") {
            await paymux.merchants.setPolicy(merchant.code, o.strict ? "strict" : "fallback")
          } else if (keys.length > 0) {
            const key = keys[o.at % keys.length]!
            if (o.kind === "remove") {
              await paymux.channels.remove(merchant.code, key)
              keys.splice(keys.indexOf(key), 1)
            } else {
              const c = await paymux.channels.get(merchant.code, key)
              await (c.enabled ? paymux.channels.disable(merchant.code, key) : paymux.channels.enable(merchant.code, key))
            }
          }
          // Interleave reads so a stale cache would be observed.
          await paymux.resolve({ merchant: merchant.code, mode: "test", payMethod: "card" }).catch(() => undefined)
        }
        const fresh = Result.getOrThrow(
          ChannelIndex.make({
            merchant: await paymux.merchants.get(merchant.code),
            channels: await paymux.channels.list(merchant.code)
          })
        )
        for (const r of requests) {
          const req = { merchant: merchant.code, mode: "test" as const, ...r }
          const viaAdmin = await paymux.resolve(req).then(
            (x) => x.channel.key,
            (e: { code: string }) => e.code
          )
          const expected = ChannelIndex.resolve(fresh, req)
          expect(viaAdmin).toBe(Result.isSuccess(expected) ? expected.success.channel.key : PaymuxError.fromFailure(expected.failure).code)
        }
        await paymux.close()
      }),
      { numRuns: 40 }
    )
    // 40 runs of up to 14 use cases each take ~2 s on an idle 2-core machine and passed 5 s under load.
  }, 60_000)

  it("after any sequence of whitelist set/add/remove, an address is allowed exactly when the last operation touching it added it", async () => {
    const cidr = fc.oneof(
      fc.tuple(fc.constantFrom("10.0.0.0", "10.0.1.0", "10.0.0.128", "192.168.0.0"), fc.constantFrom(24, 25, 30, 32)).map(([a, p]) => {
        const n =
          a
            .split(".")
            .map(Number)
            .reduce((x, y) => (x << 8) | y, 0) >>> 0
        const masked = (n & (~0 << (32 - p))) >>> 0
        return `${[24, 16, 8, 0].map((s) => (masked >>> s) & 255).join(".")}/${p}`
      }),
      fc.constantFrom("2001:db8::/64", "2001:db8::1/128")
    )
    // Adding or removing nothing is refused (UncheckedInput.test.ts); setting an empty list is not.
    const wop = fc.oneof(
      fc.record({ kind: fc.constant("set"), rules: fc.array(cidr, { maxLength: 3 }) }),
      fc.record({ kind: fc.constantFrom("add", "remove"), rules: fc.array(cidr, { minLength: 1, maxLength: 3 }) })
    )
    const ip = fc.oneof(
      fc
        .tuple(fc.constantFrom("10.0.0.", "10.0.1.", "192.168.0.", "10.0.2."), fc.integer({ min: 0, max: 255 }))
        .map(([p, n]) => `${p}${n}`),
      fc.constantFrom("2001:db8::1", "2001:db8::2", "2001:db8:1::1", "::ffff:10.0.0.5")
    )
    const contains = (rule: string, address: string) => {
      const [base, prefix] = rule.split("/")
      const list = new BlockList()
      const family = isIPv4(base!) ? "ipv4" : "ipv6"
      list.addSubnet(base!, Number(prefix), family)
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)
      const probe = mapped !== null && family === "ipv4" ? mapped[1]! : address
      return list.check(probe, isIPv4(probe) ? "ipv4" : "ipv6")
    }
    // The model's own covered space, to know whether the list is enforced (a non-empty list is;
    // the ops never set denyByDefault). Every IPv4 rule lies in three /24s, so its addresses are
    // listed one by one; the two IPv6 rules split 2001:db8::/64 into ::1 and the rest.
    const atomsOf = (rule: string): ReadonlyArray<string> => {
      if (rule === "2001:db8::/64") return ["v6 ::1", "v6 rest of the /64"]
      if (rule === "2001:db8::1/128") return ["v6 ::1"]
      const [base, prefix] = rule.split("/")
      const [a, b, c, d] = base!.split(".").map(Number)
      return Array.from({ length: 2 ** (32 - Number(prefix)) }, (_, i) => `${a}.${b}.${c}.${d! + i}`)
    }
    await fc.assert(
      fc.asyncProperty(fc.array(wop, { minLength: 1, maxLength: 6 }), fc.array(ip, { minLength: 1, maxLength: 8 }), async (ops, ips) => {
        const paymux = await Paymux.make({ store: Memory.layer() })
        const merchant = await paymux.merchants.create({ name: "Prop Shop" })
        for (const o of ops) {
          if (o.kind === "set") await paymux.whitelist.set(merchant.code, o.rules)
          else if (o.kind === "add") await paymux.whitelist.add(merchant.code, o.rules)
          else await paymux.whitelist.remove(merchant.code, o.rules)
        }
        const covered = new Set<string>()
        for (const o of ops) {
          if (o.kind === "set") covered.clear()
          for (const atom of o.rules.flatMap(atomsOf)) {
            if (o.kind === "remove") covered.delete(atom)
            else covered.add(atom)
          }
        }
        const enforced = covered.size > 0
        const view = await paymux.whitelist.show(merchant.code)
        expect(view.enforced, `enforced with ${JSON.stringify(view.rules)}`).toBe(enforced)
        for (const address of ips) {
          let allowed = false
          for (const o of ops) {
            if (o.kind === "set") allowed = o.rules.some((r) => contains(r, address))
            else if (o.rules.some((r) => contains(r, address))) allowed = o.kind === "add"
          }
          const decision = await paymux.whitelist.check(merchant.code, address)
          expect(decision.allowed, `${address} with ${JSON.stringify(view.rules)}`).toBe(enforced ? allowed : true)
        }
        await paymux.close()
      }),
      { numRuns: 60 }
    )
  })
})

// Concurrency probe 2026-12: disabling the default channel was accepted, after which request_pay
// without pg failed while doctor said ok.
describe("the default channel", () => {
  it("refuses to disable the default channel until another is the default", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    const merchant = (await paymux.merchants.create({ name: "Defaults" })).code
    const add = (mid: string) =>
      paymux.channels.add({
        merchant,
        mode: "live",
        pg: "kcp",
        mid,
        paymentType: "window.general",
        payMethods: ["card"],
        credentials: { site_key: "k" }
      })
    const first = await add("L0001")
    const second = await add("L0002")
    await paymux.channels.setDefault(merchant, first.key)
    await expect(paymux.channels.disable(merchant, first.key)).rejects.toMatchObject({ code: "rule-violation", rule: "default-disabled" })
    await expect(paymux.channels.edit(merchant, first.key, { mode: "test", mid: null })).rejects.toMatchObject({ rule: "default-mode" })
    expect((await paymux.channels.get(merchant, first.key)).enabled).toBe(true)
    await paymux.channels.setDefault(merchant, second.key)
    expect((await paymux.channels.disable(merchant, first.key)).enabled).toBe(false)
    await paymux.close()
  })

  // Regression (mutation probe): the merchant kept naming a deleted channel as its default.
  it("clears the merchant's default for a mode when that mode's default channel is deleted", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    const merchant = (await paymux.merchants.create({ name: "Defaults" })).code
    const add = (mode: "test" | "live", mid: string) =>
      paymux.channels.add({
        merchant,
        mode,
        pg: "kcp",
        mid,
        paymentType: "window.general",
        payMethods: ["card"],
        credentials: { site_key: "k" }
      })
    const test = await add("test", "T0001")
    const live = await add("live", "L0001")
    await paymux.channels.setDefault(merchant, test.key)
    await paymux.channels.setDefault(merchant, live.key)
    await paymux.channels.remove(merchant, test.key)
    expect((await paymux.merchants.get(merchant)).defaultChannels).toEqual({ live: live.key })
    await paymux.close()
  })

  it("refuses to make an identity-verification channel the default", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    const merchant = (await paymux.merchants.create({ name: "Defaults" })).code
    const certification = await paymux.channels.add({
      merchant,
      mode: "test",
      pg: "danal",
      mid: "CP1",
      paymentType: "certification",
      payMethods: [],
      credentials: { cp_pwd: "x" }
    })
    await expect(paymux.channels.setDefault(merchant, certification.key)).rejects.toMatchObject({
      code: "rule-violation",
      rule: "default-not-payment"
    })
    expect((await paymux.merchants.get(merchant)).defaultChannels).toEqual({})
    await paymux.close()
  })
})
