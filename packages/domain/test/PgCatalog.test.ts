import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { PgCatalog } from "@paymux/domain"

const required = [
  "html5_inicis",
  "inicis_unified",
  "kcp",
  "kcp_billing",
  "kcp_quick",
  "nice",
  "nice_v2",
  "tosspayments",
  "toss_brandpay",
  "tosspay",
  "tosspay_v2",
  "kakaopay",
  "naverpay",
  "naverco",
  "payco",
  "smilepay",
  "danal",
  "danal_tpay",
  "daou",
  "kicc",
  "ksnet",
  "mobilians",
  "settle",
  "settle_acc",
  "smartro",
  "smartro_v2",
  "uplus",
  "welcome",
  "paypal",
  "paypal_v2",
  "eximbay",
  "paymentwall",
  "inicis_jp",
  "bluewalnut",
  // Added from the 2026 audit: the legacy API code, Galaxia, and PGs selected by channel key only.
  "inicis",
  "galaxia",
  "payletter_global",
  "kicc_global",
  "mobilians_v2",
  "kcp_v2"
]
const catalog = PgCatalog.builtIn
const provider = (code: string) => Result.getOrThrow(PgCatalog.get(catalog, code))

describe("PgCatalog", () => {
  it("the docs give the catalog's size as it is", () => {
    const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8")
    expect(read("../../../docs/domain.md")).toContain(`\`PgCatalog.builtIn\` holds ${catalog.providers.size} PG codes`)
    expect(read("../README.md")).toContain(`| \`PgCatalog\` | ${catalog.providers.size} PGs as data:`)
  })

  it("the built-in data decodes to itself: every provider is valid catalog data", () => {
    const decode = Schema.decodeUnknownSync(PgCatalog.PgProvider)
    expect(catalog.providers.size).toBeGreaterThan(required.length - 1)
    for (const p of PgCatalog.list(catalog)) expect(decode(p), p.code).toEqual(p)
  })

  it("holds every PG code the console offers", () => {
    for (const code of required) expect(catalog.providers.has(code), code).toBe(true)
  })

  it("has shared test credentials for every PG except Naver Pay, Toss and PayPal, and those without a shared one", () => {
    const families = new Set([
      "naverpay",
      "naverco",
      "tosspayments",
      "toss_brandpay",
      "tosspay",
      "tosspay_v2",
      "uplus",
      "paypal",
      "paypal_v2"
    ])
    // PortOne offers these no shared test credential at all: the merchant's own sandbox or MID.
    const noShared = new Set(["paymentwall", "inicis_jp", "settle_acc"])
    for (const p of PgCatalog.list(catalog)) {
      expect(p.test.kind, p.code).toBe(families.has(p.code) || noShared.has(p.code) ? "pg-provided" : "shared")
    }
  })

  it("gives every (PG, payment type) pair with shared test credentials a MID, or says why not (issue 16)", () => {
    const explained: Array<string> = []
    for (const p of PgCatalog.list(catalog)) {
      if (p.test.kind !== "shared") continue
      for (const type of PgCatalog.paymentTypesOf(p)) {
        const methods = PgCatalog.payMethodsOf(p, type)
        // Every single pay method, and all of them together, get a MID without the merchant typing one.
        const asked = methods.length === 0 ? [[]] : [...methods.map((m) => [m]), [...methods]]
        const reason = PgCatalog.untestedReason(p, type)
        for (const payMethods of asked) {
          const mid = PgCatalog.sharedTestMid(p, type, payMethods)
          expect(mid !== undefined || reason !== undefined, `${p.code} ${type} ${payMethods.join(",")}`).toBe(true)
          // A pair is either served or explained, never both.
          expect(mid !== undefined && reason !== undefined, `${p.code} ${type}`).toBe(false)
        }
        if (reason !== undefined) explained.push(`${p.code} ${type}`)
      }
    }
    // Identity verifications KCP, Danal and Inicis give no test for, the types the help centre
    // offers no MID for, and modules with no published test MID. Everything else is served.
    expect(explained.sort()).toEqual([
      "bluewalnut window.general",
      "danal api.subscription",
      "danal certification",
      "danal window.subscription",
      "inicis certification",
      "kcp certification",
      "kcp_quick window.simple",
      "kcp_v2 certification",
      "kicc_global window.general",
      "mobilians_v2 window.general",
      "smilepay window.subscription"
    ])
  })

  it("names the source of every PG and every shared test MID", () => {
    for (const p of PgCatalog.list(catalog)) {
      expect(p.sources?.length ?? 0, p.code).toBeGreaterThan(0)
      for (const s of p.sources ?? []) expect(s.checked, `${p.code} ${s.path}`).toMatch(/^2026-\d\d-\d\d$/)
      if (p.test.kind === "shared") for (const m of p.test.mids) expect(m.source, `${p.code} ${m.mid}`).toBeDefined()
    }
  })

  it("knows the documented shared test MIDs (help centre, 2026)", () => {
    expect(PgCatalog.sharedTestMid(provider("html5_inicis"), "window.general")).toBe("INIpayTest")
    expect(PgCatalog.sharedTestMid(provider("html5_inicis"), "window.subscription")).toBe("INIBillTst")
    expect(PgCatalog.sharedTestMid(provider("kcp"), "window.general")).toBe("AO09C")
    expect(PgCatalog.sharedTestMid(provider("kcp"), "window.general", ["payco"])).toBe("AO0Q9")
    expect(PgCatalog.sharedTestMid(provider("kcp"), "api.subscription")).toBe("A52LD")
    expect(PgCatalog.sharedTestMid(provider("kcp_billing"), "window.subscription")).toBe("A52LD")
    expect(PgCatalog.sharedTestMid(provider("kakaopay"), "window.simple")).toBe("TC0ONETIME")
    expect(PgCatalog.sharedTestMid(provider("kakaopay"), "window.subscription")).toBe("TCSUBSCRIP")
    expect(PgCatalog.sharedTestMid(provider("nice"), "window.general", ["vbank"])).toBe("iamport02m")
    expect(PgCatalog.sharedTestMid(provider("nice_v2"), "window.general", ["vbank"])).toBe("iamport03m")
    expect(PgCatalog.sharedTestMid(provider("settle"), "window.general")).toBe("portone1")
    expect(PgCatalog.sharedTestMid(provider("ksnet"), "api.keyin")).toBe("2999199990")
    expect(PgCatalog.sharedTestMid(provider("eximbay"), "window.general")).toBe("1849705C64")
    expect(PgCatalog.sharedTestMid(provider("galaxia"), "api.subscription")).toBe("M251105773")
    expect(PgCatalog.sharedTestMid(provider("naverpay"), "window.simple")).toBeUndefined()
    expect(PgCatalog.untestedReason(provider("kcp"), "certification")).toMatch(/no identity-verification test credentials/)
  })

  it("places payment types as PortOne does (issue 16)", () => {
    expect(PgCatalog.paymentTypesOf(provider("html5_inicis"))).toEqual(["window.general", "window.subscription"])
    expect(PgCatalog.paymentTypesOf(provider("inicis"))).toEqual(["api.keyin", "api.subscription", "certification"])
    for (const code of ["html5_inicis", "tosspay_v2", "kakaopay", "naverpay", "danal_tpay", "kicc", "paypal_v2"]) {
      expect(PgCatalog.paymentTypesOf(provider(code)), code).not.toContain("api.subscription")
    }
    expect(PgCatalog.payMethodsOf(provider("eximbay"), "window.general")).toContain("econtext")
    expect(PgCatalog.paymentTypesOf(provider("nice_v2"))).toContain("window.subscription")
    expect(PgCatalog.selectionOf(provider("settle_acc"))).toBe("code-and-mid")
    for (const code of ["payletter_global", "kicc_global", "mobilians_v2", "kcp_v2"])
      expect(PgCatalog.selectionOf(provider(code)), code).toBe("channel-key")
    expect(PgCatalog.selectionOf(provider("kcp"))).toBe("code")
    // Fields PortOne leaves optional, and the ones it asks for that were missing.
    const field = (code: string, name: string) => provider(code).credentialFields.find((f) => f.name === name)
    expect(field("html5_inicis", "iniapi_key")?.required).toBe(false)
    expect(field("welcome", "field_encryption_iv")?.required).toBe(false)
    expect(field("smilepay", "merchant_key")?.secret).toBe(true)
    expect(field("daou", "daou_mid")?.required).toBe(true)
    expect(field("naverpay", "settlement_api_key")).toBeUndefined()
  })

  it("describes credential fields in snake_case with secrets marked", () => {
    for (const p of PgCatalog.list(catalog)) {
      for (const f of p.credentialFields) expect(f.name, `${p.code}.${f.name}`).toMatch(/^[a-z][a-z0-9_]*$/)
    }
    const kcp = provider("kcp")
    expect(kcp.mid.name).toBe("site_code")
    expect(kcp.credentialFields.find((f) => f.name === "site_key")?.secret).toBe(true)
    expect(PgCatalog.isRequiredFor(kcp.credentialFields.find((f) => f.name === "group_id")!, "api.subscription")).toBe(true)
    expect(PgCatalog.isRequiredFor(kcp.credentialFields.find((f) => f.name === "group_id")!, "window.general")).toBe(false)
    expect(provider("nice").credentialFields.find((f) => f.name === "cancel_password")?.maxLength).toBe(10)
    expect(provider("smartro").credentialFields.find((f) => f.name === "cancel_password")?.maxLength).toBe(6)
    expect(provider("kakaopay").mid.name).toBe("cid")
    expect(provider("tosspayments").credentialFields.map((f) => [f.name, f.secret])).toEqual([
      ["client_key", false],
      ["secret_key", true]
    ])
  })

  it("every PG offers at least one payment type, and payment types other than certification have pay methods", () => {
    for (const p of PgCatalog.list(catalog)) {
      const types = PgCatalog.paymentTypesOf(p)
      expect(types.length, p.code).toBeGreaterThan(0)
      for (const t of types) {
        if (t !== "certification") expect(PgCatalog.payMethodsOf(p, t).length, `${p.code} ${t}`).toBeGreaterThan(0)
      }
    }
  })

  it("suggests the intended code for a typo", () => {
    expect(PgCatalog.suggest(catalog, "tosspayment")[0]).toBe("tosspayments")
    expect(PgCatalog.suggest(catalog, "html5inicis")[0]).toBe("html5_inicis")
    expect(PgCatalog.suggest(catalog, "kcpp")[0]).toBe("kcp")
    expect(PgCatalog.suggest(catalog, "zzzzzzzzzz")).toEqual([])
    const miss = PgCatalog.get(catalog, "tosspayment")
    expect(Result.isFailure(miss) && miss.failure.message).toBe(
      'pg: not a PG code in the catalog; did you mean tosspayments? (got "tosspayment")'
    )
  })

  it("is extensible: a host app adds a PG and overrides a shared test MID; the host's value wins", () => {
    const extended = Result.getOrThrow(
      PgCatalog.extend(catalog, [
        { ...provider("kcp_billing"), test: { kind: "shared", mids: [{ paymentType: "window.subscription", mid: "BA001" }] } },
        {
          code: "acme_pay",
          displayName: "Acme Pay",
          localName: "",
          mid: { name: "mid", label: "MID" },
          payMethods: { "window.general": ["card"] },
          credentialFields: [],
          test: { kind: "pg-provided", note: "ask Acme" }
        }
      ])
    )
    expect(PgCatalog.sharedTestMid(Result.getOrThrow(PgCatalog.get(extended, "kcp_billing")), "window.subscription")).toBe("BA001")
    expect(PgCatalog.sharedTestMid(provider("kcp_billing"), "window.subscription")).toBe("A52LD")
    expect(extended.providers.has("acme_pay")).toBe(true)
    expect(catalog.providers.has("acme_pay")).toBe(false)
    const bad = PgCatalog.extend(catalog, [{ code: "Bad Code" }])
    expect(Result.isFailure(bad) && bad.failure.field).toBe("provider.code")
  })
})
