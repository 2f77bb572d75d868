import { describe, expect, it } from "@effect/vitest"
import { Redacted, Result, Schema } from "effect"
import * as fc from "fast-check"
import { Credentials, PaymentChannel, PgCatalog } from "@paymux/domain"
import * as Arb from "@paymux/domain/testing"
import { vi } from "vitest"

// The property tests here take 3-6 s on a shared 2-core machine under load (the same before and
// after the input bounds of issue 13); 5 s made them fail on timing alone.
vi.setConfig({ testTimeout: 30_000 })

const catalog = PgCatalog.builtIn
const key = "channel-key-0b2c5d3e-1111-4222-8333-444455556666"
const base = { key, merchant: "imp12345678", sequence: 0, createdAt: 1_700_000_000_000 } as const
const make = (
  input: Partial<PaymentChannel.ChannelInput> & Pick<PaymentChannel.ChannelInput, "mode" | "pg" | "paymentType" | "payMethods">
) => PaymentChannel.make(catalog, { ...base, ...input })
const failure = <A, E>(r: Result.Result<A, E>): E => {
  if (Result.isSuccess(r)) throw new Error(`expected a failure, got ${JSON.stringify(r.success)}`)
  return r.failure
}
const liveKcp = () =>
  Result.getOrThrow(
    make({
      mode: "live",
      pg: "kcp",
      mid: "A1234",
      paymentType: "window.general",
      payMethods: ["card", "vbank"],
      credentials: { site_key: "live-site-key-xyz" }
    })
  )

describe("PaymentChannel.make", () => {
  it("every generated input builds a channel that decodes and round-trips through its schema", () => {
    fc.assert(
      fc.property(Arb.channelInput(), (input) => {
        const channel = Result.getOrThrow(PaymentChannel.make(catalog, input))
        const encoded = Schema.encodeSync(PaymentChannel.PaymentChannel)(channel)
        const decoded = Result.getOrThrow(PaymentChannel.decode(encoded))
        expect(PaymentChannel.view(catalog, decoded)).toEqual(PaymentChannel.view(catalog, channel))
        expect(Schema.is(PaymentChannel.PaymentChannel)(channel)).toBe(true)
        const offered = PgCatalog.payMethodsOf(catalog.providers.get(channel.pg)!, channel.paymentType)
        for (const m of channel.payMethods) expect(offered).toContain(m)
      }),
      { numRuns: 300 }
    )
  })

  it("never shows a secret credential in JSON, string form or the view", () => {
    fc.assert(
      fc.property(Arb.channel({ mode: fc.constant("live") }), (channel) => {
        const provider = catalog.providers.get(channel.pg)!
        const json = JSON.parse(JSON.stringify(channel)) as { credentials: Record<string, unknown> }
        for (const value of Object.values(json.credentials)) expect(value).toMatch(/^<redacted/)
        for (const value of Object.values(channel.credentials)) expect(String(value)).toMatch(/^<redacted/)
        const view = PaymentChannel.view(catalog, channel).credentials
        for (const field of provider.credentialFields) {
          const value = channel.credentials[field.name]
          if (value === undefined) continue
          expect(view[field.name]).toBe(field.secret ? Credentials.mask : Redacted.value(value))
        }
      }),
      { numRuns: 200 }
    )
  })

  it("a test channel without a MID takes the PG's shared test credential", () => {
    const c = Result.getOrThrow(make({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] }))
    expect(c.mid).toBe("AO09C")
    expect(c.credentialSource).toBe("shared-test")
    expect(PaymentChannel.pgString(c)).toBe("kcp.AO09C")
    const inicis = Result.getOrThrow(make({ mode: "test", pg: "html5_inicis", paymentType: "window.subscription", payMethods: ["card"] }))
    expect(inicis.mid).toBe("INIBillTst")
    // An empty MID (a blank form field) is no MID (a mutant that took "" as the merchant's own passed).
    const blank = Result.getOrThrow(make({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"], mid: "" }))
    expect([blank.mid, blank.credentialSource]).toEqual(["AO09C", "shared-test"])
  })

  // Regression (embedding probe): a string spread into its letters, "kcp does not offer c, a, r, d".
  it("pay methods that are not a list of strings are InvalidInput on payMethods", () => {
    for (const payMethods of ["card", null, [1], { 0: "card" }]) {
      const refused = make({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: payMethods as never })
      expect(Result.isFailure(refused) && refused.failure).toMatchObject({ _tag: "InvalidInput", field: "payMethods" })
    }
  })

  it("Naver Pay, Toss and PayPal test channels need the test MID the PG issued", () => {
    for (const pg of ["naverpay", "tosspayments", "paypal_v2"]) {
      const provider = catalog.providers.get(pg)!
      const type = PgCatalog.paymentTypesOf(provider)[0]!
      const methods = PgCatalog.payMethodsOf(provider, type).slice(0, 1)
      const e = failure(make({ mode: "test", pg, paymentType: type, payMethods: methods }))
      expect(e._tag === "RuleViolation" && e.rule, pg).toBe("test-mid-required")
    }
    const ok = make({
      mode: "test",
      pg: "naverpay",
      mid: "np_test_partner",
      paymentType: "window.simple",
      payMethods: ["naverpay"],
      credentials: { client_id: "cid", client_secret: "shh", chain_id: "chain" }
    })
    expect(Result.isSuccess(ok)).toBe(true)
  })

  it("a virtual-account test channel gets the PG's virtual-account MID (issue 16)", () => {
    const vbank = (pg: string, payMethods: Array<string>) =>
      Result.getOrThrow(make({ mode: "test", pg, paymentType: "window.general", payMethods })).mid
    expect(vbank("nice", ["vbank"])).toBe("iamport02m")
    expect(vbank("nice_v2", ["vbank"])).toBe("iamport03m")
    expect(vbank("nice_v2", ["card"])).toBe("iamport00m")
    // A channel for card and vbank is not a virtual-account-only channel: the general MID serves it.
    expect(vbank("nice_v2", ["card", "vbank"])).toBe("iamport00m")
  })

  it("a MID limited to some pay methods serves only channels it covers, even when the catalog lists it first", () => {
    const restrictedFirst = Result.getOrThrow(
      PgCatalog.extend(catalog, [
        {
          code: "acme_pay",
          displayName: "Acme Pay",
          localName: "",
          mid: { name: "mid", label: "MID" },
          payMethods: { "window.general": ["card", "vbank"] },
          credentialFields: [],
          test: {
            kind: "shared",
            mids: [
              { paymentType: "window.general", mid: "ACMEVBANK", payMethods: ["vbank"] },
              { paymentType: "window.general", mid: "ACMEGENERAL" }
            ]
          }
        }
      ])
    )
    const midFor = (payMethods: Array<string>) =>
      Result.getOrThrow(
        PaymentChannel.make(restrictedFirst, { ...base, mode: "test", pg: "acme_pay", paymentType: "window.general", payMethods })
      ).mid
    expect(midFor(["card"])).toBe("ACMEGENERAL")
    expect(midFor(["card", "vbank"])).toBe("ACMEGENERAL")
    expect(midFor(["vbank"])).toBe("ACMEVBANK")
  })

  it("duplicate pay methods are stored once", () => {
    const c = Result.getOrThrow(make({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card", "vbank", "card"] }))
    expect(c.payMethods).toEqual(["card", "vbank"])
    expect(Result.getOrThrow(PaymentChannel.edit(catalog, c, { payMethods: ["vbank", "vbank"] })).payMethods).toEqual(["vbank"])
  })

  it("a credential value of the field's maximum length is accepted, one character more refused", () => {
    const nice = catalog.providers.get("nice")!
    const kcp = catalog.providers.get("kcp")!
    // Nice's cancel password is at most 10 characters; a field without its own limit, 512.
    const cancelPassword = (length: number) =>
      Credentials.validate(nice, "window.general", { merchant_key: "k", cancel_password: "p".repeat(length) })
    expect(Redacted.value(Result.getOrThrow(cancelPassword(10)).cancel_password!)).toBe("p".repeat(10))
    expect(failure(cancelPassword(11)).message).toBe(
      "credentials.cancel_password: Cancel password is at most 10 characters (got <redacted>)"
    )
    const siteKey = (length: number) => Credentials.validate(kcp, "window.general", { site_key: "s".repeat(length) })
    expect(Credentials.maxValueLength).toBe(512)
    expect(Redacted.value(Result.getOrThrow(siteKey(512)).site_key!)).toHaveLength(512)
    expect(failure(siteKey(513)).message).toBe("credentials.site_key: Site key is at most 512 characters (got <redacted>)")
  })

  it("a PG without a test mode refuses test channels", () => {
    const noTest = Result.getOrThrow(
      PgCatalog.extend(catalog, [{ ...catalog.providers.get("settle_acc")!, test: { kind: "unavailable", note: "no test mode" } }])
    )
    const e = failure(
      PaymentChannel.make(noTest, {
        ...base,
        mode: "test",
        pg: "settle_acc",
        mid: "M1",
        paymentType: "window.general",
        payMethods: ["trans"],
        credentials: { license_key: "k" }
      })
    )
    expect(e._tag === "RuleViolation" && e.rule).toBe("no-test-mode")
  })

  it("the view of a channel whose PG the catalog does not hold masks every credential, secret or not", () => {
    const withAcme = Result.getOrThrow(
      PgCatalog.extend(catalog, [
        {
          code: "acme_pay",
          displayName: "Acme Pay",
          localName: "",
          mid: { name: "mid", label: "MID" },
          payMethods: { "window.general": ["card"] },
          credentialFields: [
            { name: "client_id", label: "Client ID", secret: false, required: true },
            { name: "api_secret", label: "API secret", secret: true, required: true }
          ],
          test: { kind: "pg-provided", note: "ask Acme" }
        }
      ])
    )
    const channel = Result.getOrThrow(
      PaymentChannel.make(withAcme, {
        ...base,
        mode: "live",
        pg: "acme_pay",
        mid: "ACME1",
        paymentType: "window.general",
        payMethods: ["card"],
        credentials: { client_id: "acme-client-id", api_secret: "acme-api-secret" }
      })
    )
    // The catalog that knows the PG shows the plain field; one that does not cannot tell which is secret.
    expect(PaymentChannel.view(withAcme, channel).credentials).toEqual({ client_id: "acme-client-id", api_secret: Credentials.mask })
    expect(PaymentChannel.view(catalog, channel).credentials).toEqual({ client_id: Credentials.mask, api_secret: Credentials.mask })
    expect(Credentials.view(undefined, channel.credentials)).toEqual({ client_id: Credentials.mask, api_secret: Credentials.mask })
  })

  it("a channel name takes letters, digits, spaces, _ and - only, as PortOne's console", () => {
    const named = (name: string) => make({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"], name })
    expect(Result.getOrThrow(named("KCP 정기_main-2")).name).toBe("KCP 정기_main-2")
    for (const bad of ["KCP (정기)/test!", "kcp.main", "a\u202eb"]) {
      expect(failure(named(bad)).message, bad).toMatch(/^name: a channel name takes letters, digits, spaces, _ and - only/)
    }
    // A name stored before the rule survives edits that do not rename the channel.
    const old = { ...Result.getOrThrow(named("old")), name: "KCP (old) / live" }
    expect(Result.getOrThrow(PaymentChannel.edit(catalog, old, { enabled: false })).name).toBe("KCP (old) / live")
    expect(Result.isFailure(PaymentChannel.edit(catalog, old, { name: "still (bad)" }))).toBe(true)
  })

  it("a live channel needs a MID and every required credential", () => {
    expect(
      failure(make({ mode: "live", pg: "kcp", paymentType: "window.general", payMethods: ["card"], credentials: { site_key: "k" } }))
        .message
    ).toMatch(/^mid: a live channel needs the Site code/)
    const e = failure(
      make({ mode: "live", pg: "kcp", mid: "A1", paymentType: "api.subscription", payMethods: ["card"], credentials: { site_key: "k" } })
    )
    expect(e.message).toBe("credentials.group_id: kcp needs Batch group ID for api.subscription (got <missing>)")
  })

  it("refuses payment types and pay methods the PG does not offer", () => {
    expect(
      (failure(make({ mode: "test", pg: "kcp_billing", paymentType: "window.general", payMethods: ["card"] })) as { rule: string }).rule
    ).toBe("payment-type-unsupported")
    const e = failure(make({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card", "paypal"] }))
    expect(e.message).toMatch(/kcp does not offer paypal for window.general/)
    expect(failure(make({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: [] })).message).toMatch(
      /^payMethods: choose at least one of card/
    )
  })

  it("refuses unknown PGs with a suggestion", () => {
    expect(failure(make({ mode: "test", pg: "tosspayment", paymentType: "window.general", payMethods: ["card"] })).message).toMatch(
      /did you mean tosspayments\?/
    )
  })

  it("refuses bad credentials without echoing secrets", () => {
    const tooLong = failure(
      make({
        mode: "live",
        pg: "nice",
        mid: "nice1",
        paymentType: "window.general",
        payMethods: ["card"],
        credentials: { merchant_key: "k", cancel_password: "supersecret1" }
      })
    )
    expect(tooLong.message).toBe("credentials.cancel_password: Cancel password is at most 10 characters (got <redacted>)")
    // Regression (HTTP probe): NUL and U+202E were accepted (NUL cannot even be stored on PostgreSQL).
    for (const value of ["site\u0000key", "site\u202ekey", "line\nbreak"]) {
      const pasted = failure(
        make({ mode: "live", pg: "kcp", mid: "A1", paymentType: "window.general", payMethods: ["card"], credentials: { site_key: value } })
      )
      expect(pasted.message).toBe("credentials.site_key: must not hold control or bidirectional-control characters (got <redacted>)")
    }
    // Regression (limits probe): a lone surrogate was accepted, and sealing as UTF-8 kept U+FFFD instead.
    for (const value of ["site\ud800key", "key\udc00"]) {
      const half = failure(
        make({ mode: "live", pg: "kcp", mid: "A1", paymentType: "window.general", payMethods: ["card"], credentials: { site_key: value } })
      )
      expect(half.message).toBe("credentials.site_key: must not hold lone surrogates (half of a UTF-16 pair) (got <redacted>)")
    }
    const unknown = failure(
      make({
        mode: "live",
        pg: "kcp",
        mid: "A1",
        paymentType: "window.general",
        payMethods: ["card"],
        credentials: { site_key: "k", sitekey: "leak-me" }
      })
    )
    expect(unknown.message).toContain("not a credential field of kcp; expected site_key, group_id")
    expect(unknown.message).not.toContain("leak-me")
    const midAsCred = failure(
      make({
        mode: "live",
        pg: "kcp",
        mid: "A1",
        paymentType: "window.general",
        payMethods: ["card"],
        credentials: { site_key: "k", site_code: "A1" }
      })
    )
    expect(midAsCred.message).toContain("site_code is the MID of kcp")
    const pattern = failure(
      make({
        mode: "live",
        pg: "inicis_jp",
        mid: "jp1",
        paymentType: "window.general",
        payMethods: ["card"],
        credentials: { iniapi_key: "k", cbt_type: "XX" }
      })
    )
    expect(pattern.message).toBe('credentials.cbt_type: CBT type must be JPPG or SBPS (got "XX")')
  })

  it("the name defaults like the console's and the tax type to taxable", () => {
    const c = Result.getOrThrow(make({ mode: "test", pg: "kakaopay", paymentType: "window.simple", payMethods: ["card"] }))
    expect(c.name).toBe("kakaopay test window simple")
    expect(c.taxType).toBe("taxable")
    expect(c.purpose).toBe("payment")
    const iv = Result.getOrThrow(
      make({ mode: "test", pg: "danal", mid: "CP1", paymentType: "certification", payMethods: [], credentials: { cp_pwd: "pw" } })
    )
    expect(iv.purpose).toBe("identity-verification")
  })
})

describe("PaymentChannel.edit", () => {
  // Regression (an edit from unchecked JSON): `credentials: null` threw inside the merge ("internal
  // error" on the facade), and a null pay method list, tax type or switch was taken for "unchanged".
  it("a field of the wrong kind is InvalidInput naming it, and nothing else is changed", () => {
    const channel = liveKcp()
    const wrong: ReadonlyArray<readonly [string, unknown]> = [
      ["credentials", null],
      ["credentials", ["x"]],
      ["credentials", { site_key: 5 }],
      ["payMethods", null],
      ["taxType", null],
      ["mode", null],
      ["enabled", null],
      ["name", 5]
    ]
    for (const [field, value] of wrong) {
      const refused = PaymentChannel.edit(catalog, channel, { [field]: value } as never)
      expect(Result.isFailure(refused) && refused.failure, `${field}: ${JSON.stringify(value)}`).toMatchObject({
        _tag: "InvalidInput",
        field: field === "credentials" && value !== null && !Array.isArray(value) ? "credentials.site_key" : field
      })
    }
    // Regression (security re-probe): a name the PG does not take was accepted by an edit (given
    // as "", or as __proto__) though create refuses it, and wrote a version that changed nothing.
    for (const credentials of [{ bogus: "" }, JSON.parse('{"__proto__":"x"}'), { bogus: "x" }]) {
      const refused = PaymentChannel.edit(catalog, channel, { credentials })
      expect(Result.isFailure(refused) && refused.failure.message).toMatch(/^credentials\.(bogus|__proto__): not a credential field of kcp/)
    }
    // An empty string takes away a stored field the catalog no longer takes: how such a channel
    // is mended (the review found the first fix had made it refuse).
    const stale = { ...channel, credentials: { ...channel.credentials, old_field: Redacted.make("z") } }
    const mended = PaymentChannel.edit(catalog, stale, { credentials: { old_field: "" } })
    expect(Result.isSuccess(mended) && Object.keys(mended.success.credentials)).toEqual(Object.keys(channel.credentials))
    // An empty string still takes a field the PG takes away (a required one is then missing).
    const emptied = PaymentChannel.edit(catalog, channel, { credentials: { site_key: "" } })
    expect(Result.isFailure(emptied) && emptied.failure.message).toContain("kcp needs Site key")
    // A credential of the wrong kind reads as on create, not as the union's last member.
    const number = PaymentChannel.edit(catalog, channel, { credentials: { site_key: 5 } } as never)
    expect(Result.isFailure(number) && number.failure.message).toBe("credentials.site_key: must be text (got <redacted>)")
    // What the type allows still applies: undefined keeps a field, a Redacted credential is a value.
    const kept = Result.getOrThrow(
      PaymentChannel.edit(catalog, channel, { name: undefined, credentials: { site_key: Redacted.make("rotated-site-key") } })
    )
    expect([kept.name, Redacted.value(kept.credentials.site_key!)]).toEqual([channel.name, "rotated-site-key"])
  })

  // Docs probe 2026-12: a channel saved under an older catalog (here: pay methods the catalog no
  // longer offers) could not even be disabled, since every edit re-checked every rule.
  it("disabling alone is never refused, even for a channel the current catalog would refuse; enabling it is", () => {
    const kcp = liveKcp()
    const stale: PaymentChannel.PaymentChannel = {
      ...kcp,
      payMethods: [...kcp.payMethods, "no_such_method" as (typeof kcp.payMethods)[number]]
    }
    const disabled = Result.getOrThrow(PaymentChannel.edit(catalog, stale, { enabled: false }))
    expect(disabled).toEqual({ ...stale, enabled: false })
    expect((failure(PaymentChannel.edit(catalog, disabled, { enabled: true })) as { rule: string }).rule).toBe("pay-method-unsupported")
    expect((failure(PaymentChannel.edit(catalog, stale, { enabled: false, name: "renamed" })) as { rule: string }).rule).toBe(
      "pay-method-unsupported"
    )
  })

  // Regression (CLI probe): `--mode test` alone dropped a live channel's MID and credentials
  // silently; the mode change now names the new MID, or asks for the shared credential.
  it("a live KCP channel changes mode only with a MID named: unasked, its MID and secrets are kept (refused)", () => {
    const e = failure(PaymentChannel.edit(catalog, liveKcp(), { mode: "test" }))
    expect(e._tag === "RuleViolation" && e.rule).toBe("mode-change-needs-mid")
    expect(e.message).toContain("shared test credential")
    const own = Result.getOrThrow(PaymentChannel.edit(catalog, liveKcp(), { mode: "test", mid: "T0000" }))
    expect([own.mode, own.mid, own.credentialSource]).toEqual(["test", "T0000", "own"])
  })

  it("a live KCP channel switched to test with the shared credential asked for moves to the shared MID and drops its own secrets", () => {
    const test = Result.getOrThrow(PaymentChannel.edit(catalog, liveKcp(), { mode: "test", mid: null }))
    expect(test.mid).toBe("AO09C")
    expect(test.credentialSource).toBe("shared-test")
    expect(Credentials.view(catalog.providers.get("kcp"), test.credentials)).toEqual({})
  })

  it("a live Naver Pay channel cannot switch to test without a PG-provided test MID", () => {
    const live = Result.getOrThrow(
      make({
        mode: "live",
        pg: "naverpay",
        mid: "np_live",
        paymentType: "window.simple",
        payMethods: ["naverpay"],
        credentials: { client_id: "c", client_secret: "s", chain_id: "ch" }
      })
    )
    const e = failure(PaymentChannel.edit(catalog, live, { mode: "test", mid: null }))
    expect(e._tag === "RuleViolation" && e.rule).toBe("test-mid-required")
    const ok = Result.getOrThrow(PaymentChannel.edit(catalog, live, { mode: "test", mid: "np_test" }))
    expect([ok.mode, ok.mid, ok.credentialSource]).toEqual(["test", "np_test", "own"])
  })

  it("a shared-test channel cannot go live without the merchant's own MID", () => {
    const test = Result.getOrThrow(make({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] }))
    expect(failure(PaymentChannel.edit(catalog, test, { mode: "live" })).message).toMatch(/^mid: a live channel needs/)
    expect(failure(PaymentChannel.edit(catalog, test, { mode: "live", mid: "A9" })).message).toMatch(/site_key/)
    const live = Result.getOrThrow(PaymentChannel.edit(catalog, test, { mode: "live", mid: "A9", credentials: { site_key: "k" } }))
    expect([live.mode, live.mid, live.credentialSource]).toEqual(["live", "A9", "own"])
  })

  it("keeps identity fields and the version, and re-checks pay methods", () => {
    const live = liveKcp()
    const edited = Result.getOrThrow(
      PaymentChannel.edit(catalog, { ...live, version: 7 }, { name: "KCP main", enabled: false, payMethods: ["card"] })
    )
    expect([edited.key, edited.sequence, edited.version, edited.name, edited.enabled, edited.payMethods]).toEqual([
      live.key,
      0,
      7,
      "KCP main",
      false,
      ["card"]
    ])
    expect(failure(PaymentChannel.edit(catalog, live, { payMethods: ["alipay"] }))._tag).toBe("RuleViolation")
  })

  it("merges credentials: a value replaces, an empty string removes an optional field", () => {
    const live = Result.getOrThrow(
      make({
        mode: "live",
        pg: "kcp",
        mid: "A1",
        paymentType: "api.subscription",
        payMethods: ["card"],
        credentials: { site_key: "k1", group_id: "G1" }
      })
    )
    const rotated = Result.getOrThrow(PaymentChannel.edit(catalog, live, { credentials: { site_key: "k2" } }))
    expect(Redacted.value(rotated.credentials["site_key"]!)).toBe("k2")
    expect(Redacted.value(rotated.credentials["group_id"]!)).toBe("G1")
    expect(failure(PaymentChannel.edit(catalog, live, { credentials: { group_id: "" } })).message).toMatch(/group_id/)
  })

  it("edit with an empty patch is the identity on every generated channel", () => {
    fc.assert(
      fc.property(Arb.channel(), (channel) => {
        const same = Result.getOrThrow(PaymentChannel.edit(catalog, channel, {}))
        expect(PaymentChannel.view(catalog, same)).toEqual(PaymentChannel.view(catalog, channel))
      }),
      { numRuns: 200 }
    )
  })
})
