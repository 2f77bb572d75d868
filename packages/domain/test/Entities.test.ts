import { describe, expect, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import * as fc from "fast-check"
import { ApiKey, ChannelGroup, Merchant, PaymentChannel, PgCatalog, SubMerchant, WebhookSettings, WhitelistRules } from "@paymux/domain"
import * as Arb from "@paymux/domain/testing"

const catalog = PgCatalog.builtIn
const failure = <A, E>(r: Result.Result<A, E>): E => {
  if (Result.isSuccess(r)) throw new Error(`expected a failure, got ${JSON.stringify(r.success)}`)
  return r.failure
}
const channelOf = (merchant: string, n: number, mode: "test" | "live" = "test") =>
  Result.getOrThrow(
    PaymentChannel.make(catalog, {
      key: `channel-key-00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
      merchant,
      mode,
      pg: "kcp",
      mid: `M${n}`,
      paymentType: "window.general",
      payMethods: ["card"],
      credentials: { site_key: "k" },
      sequence: n,
      createdAt: n
    })
  )

/** A Danal identity-verification channel: one that takes no payments. */
const identityChannelOf = (merchant: string, n: number) =>
  Result.getOrThrow(
    PaymentChannel.make(catalog, {
      key: `channel-key-00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
      merchant,
      mode: "test",
      pg: "danal",
      mid: `CP${n}`,
      paymentType: "certification",
      payMethods: [],
      credentials: { cp_pwd: "pw" },
      sequence: n,
      createdAt: n
    })
  )

const roundTrips = <S extends Schema.Top & { readonly DecodingServices: never; readonly EncodingServices: never }>(
  name: string,
  schema: S,
  arb: fc.Arbitrary<S["Type"]>
) =>
  it(`${name}: every generated value is valid and round-trips`, () => {
    fc.assert(
      fc.property(arb, (value) => {
        expect(Schema.is(schema)(value)).toBe(true)
        const encoded = Schema.encodeUnknownSync(schema)(value)
        expect(Schema.decodeUnknownSync(schema)(JSON.parse(JSON.stringify(encoded)))).toEqual(value)
      }),
      { numRuns: 150 }
    )
  })

describe("arbitraries", () => {
  roundTrips("Merchant", Merchant.Merchant, Arb.merchant())
  roundTrips("SubMerchant", SubMerchant.SubMerchant, Arb.subMerchant())
  roundTrips("WebhookSettings", WebhookSettings.WebhookSettings, Arb.webhookSettings())
  roundTrips("WhitelistRules", WhitelistRules.WhitelistRules, Arb.whitelistRules())
  roundTrips("ApiKey", ApiKey.ApiKey, Arb.apiKey())
  it("ChannelGroup: generated groups are valid", () => {
    const channels = Array.from({ length: 12 }, (_, i) => channelOf("imp00000001", i))
    fc.assert(
      fc.property(Arb.channelGroup(channels), (group) => {
        expect(group.members.reduce((s, m) => s + m.weight, 0)).toBe(100)
        expect(Result.isSuccess(ChannelGroup.make(group, channels))).toBe(true)
      })
    )
  })
  it("weights always sum to 100 with every weight at least 1", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }).chain((n) => Arb.weights(n).map((w) => [n, w] as const)),
        ([n, w]) => {
          expect(w.length).toBe(n)
          expect(w.reduce((a, b) => a + b, 0)).toBe(100)
          expect(Math.min(...w)).toBeGreaterThanOrEqual(1)
        }
      )
    )
  })
})

describe("Merchant", () => {
  it("starts with the fallback policy and no default channel", () => {
    const m = Result.getOrThrow(Merchant.make({ code: "imp00000001", name: "Acme", createdAt: 0 }))
    expect([m.policy, m.defaultChannels, m.version]).toEqual(["fallback", {}, 0])
  })
  it("sets the default channel per mode, only to its own enabled payment channel", () => {
    const m = Result.getOrThrow(Merchant.make({ code: "imp00000001", name: "Acme", createdAt: 0 }))
    const own = channelOf("imp00000001", 1, "live")
    expect(Result.getOrThrow(Merchant.setDefaultChannel(m, own)).defaultChannels).toEqual({ live: own.key })
    expect((failure(Merchant.setDefaultChannel(m, channelOf("imp00000002", 2))) as { rule: string }).rule).toBe("foreign-channel")
    expect((failure(Merchant.setDefaultChannel(m, { ...own, enabled: false })) as { rule: string }).rule).toBe("default-disabled")
    expect(Merchant.clearDefaultChannel(Result.getOrThrow(Merchant.setDefaultChannel(m, own)), "live").defaultChannels).toEqual({})
  })
  it("an identity-verification channel, though its own and enabled, cannot be the default channel", () => {
    const m = Result.getOrThrow(Merchant.make({ code: "imp00000001", name: "Acme", createdAt: 0 }))
    const identity = identityChannelOf("imp00000001", 7)
    expect([identity.purpose, identity.enabled]).toEqual(["identity-verification", true])
    expect((failure(Merchant.setDefaultChannel(m, identity)) as { rule: string }).rule).toBe("default-not-payment")
  })
  // Concurrency probe 2026-12: disabling the default channel was accepted, and request_pay without
  // pg then failed while doctor said ok.
  it("keeps the default an enabled channel of its mode: disabling or moving it is refused, others are free", () => {
    const own = channelOf("imp00000001", 1, "live")
    const other = channelOf("imp00000001", 2, "live")
    const m = Result.getOrThrow(
      Merchant.setDefaultChannel(Result.getOrThrow(Merchant.make({ code: "imp00000001", name: "Acme", createdAt: 0 })), own)
    )
    expect((failure(Merchant.keepsDefault(m, own, { ...own, enabled: false })) as { rule: string }).rule).toBe("default-disabled")
    expect((failure(Merchant.keepsDefault(m, own, { ...own, mode: "test" })) as { rule: string }).rule).toBe("default-mode")
    expect(Result.isSuccess(Merchant.keepsDefault(m, own, { ...own, name: "Renamed" }))).toBe(true)
    expect(Result.isSuccess(Merchant.keepsDefault(m, other, { ...other, enabled: false }))).toBe(true)
  })
  it("refuses a bad name naming the field", () => {
    expect(failure(Merchant.make({ code: "imp00000001", name: "", createdAt: 0 })).field).toBe("name")
    expect(failure(Merchant.make({ code: "imp0001", name: "x", createdAt: 0 })).field).toBe("code")
  })
})

describe("SubMerchant", () => {
  const sub = Result.getOrThrow(SubMerchant.make({ merchant: "imp00000001", tier: "T01", createdAt: 0 }))
  it("may only be assigned its parent's channels", () => {
    const own = channelOf("imp00000001", 1)
    const assigned = Result.getOrThrow(SubMerchant.assign(sub, own))
    expect(assigned.channels).toEqual([own.key])
    expect(SubMerchant.mayUse(assigned, own)).toBe(true)
    expect(Result.getOrThrow(SubMerchant.assign(assigned, own)).channels).toEqual([own.key])
    const foreign = channelOf("imp00000002", 2)
    expect(failure(SubMerchant.assign(sub, foreign)).rule).toBe("foreign-channel")
    expect(SubMerchant.mayUse(assigned, { ...foreign, key: own.key })).toBe(false)
    expect(Result.getOrThrow(SubMerchant.unassign(assigned, own.key)).channels).toEqual([])
    expect(failure(SubMerchant.unassign(sub, own.key)).rule).toBe("not-assigned")
  })
  it("refuses tier codes that are not 3 letters or digits", () => {
    fc.assert(
      fc.property(Arb.invalidTierCode, (tier) => {
        expect(failure(SubMerchant.make({ merchant: "imp00000001", tier, createdAt: 0 })).field).toBe("tier")
      })
    )
  })
})

describe("ChannelGroup", () => {
  const channels = [
    channelOf("imp00000001", 1),
    channelOf("imp00000001", 2),
    channelOf("imp00000001", 3, "live"),
    channelOf("imp00000002", 4)
  ]
  const group = (members: ReadonlyArray<{ channel: string; weight: number }>, mode: "test" | "live" = "test") =>
    ChannelGroup.make(
      { id: "channel-group-00000000-0000-4000-8000-000000000001", merchant: "imp00000001", name: "split", mode, members, createdAt: 0 },
      channels
    )
  it("accepts weights summing to 100", () => {
    expect(
      Result.isSuccess(
        group([
          { channel: channels[0]!.key, weight: 70 },
          { channel: channels[1]!.key, weight: 30 }
        ])
      )
    ).toBe(true)
  })
  it("refuses sums other than 100, duplicates, other modes, other merchants and too many members", () => {
    expect(
      failure(
        group([
          { channel: channels[0]!.key, weight: 70 },
          { channel: channels[1]!.key, weight: 20 }
        ])
      ).message
    ).toBe("members.weight: weights must sum to exactly 100 (got 90)")
    expect(
      (
        failure(
          group([
            { channel: channels[0]!.key, weight: 50 },
            { channel: channels[0]!.key, weight: 50 }
          ])
        ) as { rule: string }
      ).rule
    ).toBe("duplicate-member")
    expect(
      (
        failure(
          group([
            { channel: channels[0]!.key, weight: 50 },
            { channel: channels[2]!.key, weight: 50 }
          ])
        ) as { rule: string }
      ).rule
    ).toBe("mode-mismatch")
    expect((failure(group([{ channel: channels[3]!.key, weight: 100 }])) as { rule: string }).rule).toBe("unknown-channel")
    expect(failure(group([])).message).toMatch(/1 to 10 channels/)
    const eleven = Array.from({ length: 11 }, (_, i) => ({
      channel: `channel-key-00000000-0000-4000-8000-${String(100 + i).padStart(12, "0")}`,
      weight: i === 0 ? 90 : 1
    }))
    expect(failure(group(eleven)).message).toMatch(/1 to 10 channels/)
    expect(
      (
        failure(
          group([
            { channel: channels[0]!.key, weight: 0 },
            { channel: channels[1]!.key, weight: 100 }
          ])
        ) as { field: string }
      ).field
    ).toBe("members.0.weight")
  })

  it("refuses an identity-verification channel as a member, though it is the merchant's and of the group's mode", () => {
    const identity = identityChannelOf("imp00000001", 7)
    const withIdentity = ChannelGroup.make(
      {
        id: "channel-group-00000000-0000-4000-8000-000000000001",
        merchant: "imp00000001",
        name: "split",
        mode: "test",
        members: [
          { channel: channels[0]!.key, weight: 50 },
          { channel: identity.key, weight: 50 }
        ],
        createdAt: 0
      },
      [...channels, identity]
    )
    expect((failure(withIdentity) as { rule: string }).rule).toBe("not-payment")
  })

  // Concurrency probe 2026-12: deleting a member left the group at a sum below 100, so every later
  // edit of the group (a rename) was refused until its members were given again.
  it("without a deleted channel, the others keep their shares, scaled back to 100; the last member cannot go", () => {
    const many = Array.from({ length: 12 }, (_, i) => channelOf("imp00000001", i))
    fc.assert(
      fc.property(
        Arb.channelGroup(many).filter((g) => g.members.length >= 2),
        fc.nat(),
        (g, pick) => {
          const gone = g.members[pick % g.members.length]!
          const rest = g.members.filter((m) => m !== gone)
          const after = Result.getOrThrow(ChannelGroup.withoutChannel(g, gone.channel))
          // The oracle: each share is the exact proportion w * 100 / (sum of the others), to within 1.
          const total = rest.reduce((sum, m) => sum + m.weight, 0)
          expect(after.members.map((m) => m.channel)).toEqual(rest.map((m) => m.channel))
          for (const [i, m] of after.members.entries()) expect(Math.abs(m.weight - (rest[i]!.weight * 100) / total)).toBeLessThan(1)
          expect(Result.isSuccess(ChannelGroup.make(after, many))).toBe(true)
        }
      )
    )
    const one = Result.getOrThrow(group([{ channel: channels[0]!.key, weight: 100 }]))
    // A member stays in the group's mode; a channel outside the group may move.
    expect((failure(ChannelGroup.keepsMember(one, { ...channels[0]!, mode: "live" })) as { rule: string }).rule).toBe("mode-mismatch")
    expect(Result.isSuccess(ChannelGroup.keepsMember(one, { ...channels[1]!, mode: "live" }))).toBe(true)
    expect((failure(ChannelGroup.withoutChannel(one, channels[0]!.key)) as { rule: string }).rule).toBe("group-last-member")
    expect(ChannelGroup.withoutChannel(one, channels[1]!.key)).toEqual(Result.succeed(one))
  })
})

describe("WebhookSettings", () => {
  const empty = WebhookSettings.empty("imp00000001" as Merchant.Merchant["code"])
  const id = "ep_one" as WebhookSettings.EndpointId
  it("requires https for live and allows http for test", () => {
    expect(Result.isSuccess(WebhookSettings.setUrl(empty, "test", "http://127.0.0.1:8080/hook", id))).toBe(true)
    expect(failure(WebhookSettings.setUrl(empty, "live", "http://shop.example/hook", id)).message).toMatch(
      /^live.endpoints.0.url: a live webhook URL must use https/
    )
    expect(failure(WebhookSettings.setUrl(empty, "test", "ftp://x/y", id)).rule).toMatch(/http or https/)
    expect(failure(WebhookSettings.setUrl(empty, "test", "https://u:p@x.example/", id)).rule).toMatch(/user name or password/)
    expect(failure(WebhookSettings.setUrl(empty, "test", "not a url", id)).field).toBe("test.endpoints.0.url")
    // The scheme as the URL parser reads it: an upper-case HTTPS is https (it was refused for live).
    expect(Result.isSuccess(WebhookSettings.setUrl(empty, "live", "HTTPS://shop.example/hook", id))).toBe(true)
    expect(failure(WebhookSettings.setUrl(empty, "live", "HTTP://shop.example/hook", id)).rule).toMatch(/must use https/)
  })
  it("flags modes with vbank or subscription channels and no URL", () => {
    const vbank = Result.getOrThrow(
      PaymentChannel.make(catalog, {
        key: "channel-key-00000000-0000-4000-8000-000000000009",
        merchant: "imp00000001",
        mode: "test",
        pg: "kcp",
        paymentType: "window.general",
        payMethods: ["card", "vbank"],
        sequence: 1,
        createdAt: 1
      })
    )
    const card = channelOf("imp00000001", 2, "live")
    const findings = WebhookSettings.readiness(empty, [vbank, card])
    expect(findings.map((f) => [f.mode, f.channels])).toEqual([["test", [vbank.key]]])
    const withUrl = Result.getOrThrow(WebhookSettings.setUrl(empty, "test", "https://shop.example/hook", id))
    expect(WebhookSettings.readiness(withUrl, [vbank, card])).toEqual([])
    expect(WebhookSettings.readiness(empty, [{ ...vbank, enabled: false }])).toEqual([])
  })
})

describe("WhitelistRules", () => {
  it("an empty list is not enforced unless deny-by-default is on", () => {
    const empty = WhitelistRules.empty("imp00000001" as Merchant.Merchant["code"])
    expect(WhitelistRules.isEnforced(empty)).toBe(false)
    expect(WhitelistRules.isEnforced({ ...empty, denyByDefault: true })).toBe(true)
    expect(WhitelistRules.isEnforced(Result.getOrThrow(WhitelistRules.replace(empty, ["1.1.1.0/24"])))).toBe(true)
  })
  it("holds at most 1000 rules: 1000 are accepted, 1001 refused", () => {
    const empty = WhitelistRules.empty("imp00000001" as Merchant.Merchant["code"])
    const rules = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}/32`)
    expect(Result.getOrThrow(WhitelistRules.replace(empty, rules(1000))).rules).toHaveLength(WhitelistRules.maxRules)
    expect(failure(WhitelistRules.replace(empty, rules(1001))).field).toBe("rules")
  })
  it("refuses text that is not CIDR-shaped, naming the index", () => {
    const empty = WhitelistRules.empty("imp00000001" as Merchant.Merchant["code"])
    expect(failure(WhitelistRules.replace(empty, ["1.1.1.0/24", "1.1.1.1 /32"])).field).toBe("rules.1")
  })
})

describe("ApiKey", () => {
  const hash = "a".repeat(64)
  const key = Result.getOrThrow(
    ApiKey.make({
      id: "ak_000000000000000000000001",
      merchant: "imp00000001",
      name: "server",
      secretHash: hash,
      createdAt: 1000,
      expiresAt: 5000
    })
  )
  it("is active until it expires or is revoked", () => {
    expect(ApiKey.isActive(key, 4999)).toBe(true)
    expect(ApiKey.unusableReason(key, 5000)).toBe("expired")
    const revoked = Result.getOrThrow(ApiKey.revoke(key, 2000))
    expect(ApiKey.unusableReason(revoked, 2001)).toBe("revoked")
    expect(failure(ApiKey.revoke(revoked, 3000)).rule).toBe("already-revoked")
    expect(failure(ApiKey.rotate(revoked, hash as ApiKey.SecretHash, 3000)).rule).toBe("key-revoked")
    // An expired key gets no new secret either: it could not authenticate with it (a mutant that
    // refused only revoked keys survived every test).
    expect(failure(ApiKey.rotate(key, hash as ApiKey.SecretHash, 5000)).rule).toBe("key-expired")
    expect(Result.isSuccess(ApiKey.rotate(key, hash as ApiKey.SecretHash, 4999))).toBe(true)
  })
  it("rotation swaps the hash; expiry must follow creation; the hash is 64 hex digits", () => {
    const next = Result.getOrThrow(ApiKey.rotate(key, "b".repeat(64) as ApiKey.SecretHash, 2000))
    expect(next.secretHash).toBe("b".repeat(64))
    expect(
      (
        failure(ApiKey.make({ id: key.id, merchant: key.merchant, name: "x", secretHash: hash, createdAt: 10, expiresAt: 10 })) as {
          rule: string
        }
      ).rule
    ).toBe("expiry-in-past")
    const badHash = failure(ApiKey.make({ id: key.id, merchant: key.merchant, name: "x", secretHash: "plain-secret", createdAt: 10 }))
    expect(badHash.message).toBe("secretHash: a secret hash is 64 lower-case hex digits (got <redacted>)")
  })
  it("a key that expires hands out secrets only for keys that expire no later; one without expiry, for any", () => {
    expect(Result.isSuccess(ApiKey.mayManage(key, 5000))).toBe(true)
    expect(Result.isSuccess(ApiKey.mayManage(key, 4999))).toBe(true)
    expect(failure(ApiKey.mayManage(key, 5001)).rule).toBe("outlives-caller")
    expect(failure(ApiKey.mayManage(key, undefined)).rule).toBe("outlives-caller")
    const { expiresAt: _, ...forever } = key
    expect(Result.isSuccess(ApiKey.mayManage(forever, undefined))).toBe(true)
    expect(Result.isSuccess(ApiKey.mayManage(forever, Number.MAX_SAFE_INTEGER))).toBe(true)
  })
})
