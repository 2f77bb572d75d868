import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { Credentials, PgCatalog } from "@paymux/domain"
import { builtInProviders } from "../src/internal/catalogData.ts"
import { verifiedSourcePaths } from "./fixtures/sourcePaths.ts"

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
    // Decoded to a Result so a failure names the PG; decodeUnknownSync threw before the code was attached.
    const decode = Schema.decodeUnknownResult(PgCatalog.PgProvider)
    expect(catalog.providers.size).toBeGreaterThan(required.length - 1)
    const failures: Array<string> = []
    for (const p of builtInProviders) {
      const decoded = decode(p)
      if (Result.isFailure(decoded)) failures.push(`${p.code}: ${decoded.failure.message}`)
      else expect(decoded.success, p.code).toEqual(p)
    }
    expect(failures).toEqual([])
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
    const noShared = new Set(["paymentwall", "inicis_jp", "settle_acc", "kicc_global"])
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
      "kcp api.keyin",
      "kcp certification",
      "kcp_quick window.simple",
      "kcp_v2 certification",
      "mobilians_v2 window.general",
      "mobilians_v2 window.subscription",
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

  it("suggests a code up to the edit limit (2, or a third of the typo's length) and none beyond it", () => {
    // 8 characters, limit 2: "kakaupey" is 2 edits from kakaopay, "kakxupxy" 3.
    expect(PgCatalog.suggest(catalog, "kakaupey")).toEqual(["kakaopay"])
    expect(PgCatalog.suggest(catalog, "kakxupxy")).toEqual([])
    // 11 characters, limit 3: "kcp_bxllxxg" is 3 edits from kcp_billing, "kcp_bxxlxxg" 4.
    expect(PgCatalog.suggest(catalog, "kcp_bxllxxg")).toEqual(["kcp_billing"])
    expect(PgCatalog.suggest(catalog, "kcp_bxxlxxg")).toEqual([])
    const miss = PgCatalog.get(catalog, "kcp_bxllxxg")
    expect(Result.isFailure(miss) && miss.failure.message).toBe(
      'pg: not a PG code in the catalog; did you mean kcp_billing? (got "kcp_bxllxxg")'
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
    // Among many PGs, a broken one is named.
    const unlabelled = { ...provider("kcp"), credentialFields: [{ ...provider("kcp").credentialFields[0]!, label: "" }] }
    const named = PgCatalog.extend(catalog, [provider("nice"), unlabelled])
    expect(Result.isFailure(named) && named.failure.field).toBe("provider[kcp].credentialFields.0.label")
  })
})

// The December 2026 conformance audit against PG-CATALOG.md and the mirrored PortOne sources.
describe("PgCatalog conformance (December 2026 audit)", () => {
  const field = (code: string, name: string) => provider(code).credentialFields.find((f) => f.name === name)
  // A provider's own sources plus those of its shared test MIDs and untested types.
  const sourcesOf = (p: PgCatalog.PgProvider): Array<PgCatalog.Source> =>
    [
      ...(p.sources ?? []),
      ...(p.test.kind === "shared" ? [...p.test.mids.map((m) => m.source), ...(p.test.untested ?? []).map((u) => u.source)] : [])
    ].filter((s): s is PgCatalog.Source => s !== undefined)

  it("A1: legacy inicis asks for INIAPI Key / IV when needed and SEEDKEY, SEEDIV and a 12-character DI_CODE for card identity verification", () => {
    const inicis = provider("inicis")
    for (const name of ["iniapi_key", "iniapi_iv"]) {
      expect(field("inicis", name)?.secret, name).toBe(true)
      expect(field("inicis", name)?.required, name).toBe(false)
    }
    for (const name of ["seed_key", "seed_iv"]) {
      expect(field("inicis", name)?.secret, name).toBe(true)
      expect(field("inicis", name)?.required, name).toEqual(["certification"])
    }
    expect(field("inicis", "di_code")?.required).toBe(false)
    // Key-in and billing channels need none of the identity-verification keys.
    expect(Result.isSuccess(Credentials.validate(inicis, "api.keyin", {}))).toBe(true)
    expect(Result.isSuccess(Credentials.validate(inicis, "certification", { seed_key: "k", seed_iv: "v" }))).toBe(true)
    expect(Result.isSuccess(Credentials.validate(inicis, "certification", { seed_key: "k", seed_iv: "v", di_code: "ABCDEF123456" }))).toBe(
      true
    )
    expect(Result.isFailure(Credentials.validate(inicis, "certification", { seed_key: "k", seed_iv: "v", di_code: "ABCDEF12345" }))).toBe(
      true
    )
  })

  it("A2: nice_v2's non-authenticated window takes Naver Pay and Kakao Pay only", () => {
    expect(PgCatalog.payMethodsOf(provider("nice_v2"), "window.subscription")).toEqual(["naverpay_card", "naverpay_point", "kakaopay"])
    for (const m of PgCatalog.payMethodsOf(provider("nice_v2"), "window.subscription"))
      expect(PgCatalog.payMethodsOf(provider("nice_v2"), "window.general"), m).toContain(m)
  })

  it("A3: kicc_global (KICC_V2) takes wechat and alipay_plus, asks for the crypto key, and its test key comes from KICC", () => {
    const kicc = provider("kicc_global")
    expect(PgCatalog.paymentTypesOf(kicc)).toEqual(["window.general"])
    expect(PgCatalog.payMethodsOf(kicc, "window.general")).toEqual(["wechat", "alipay_plus"])
    expect(kicc.credentialFields.map((f) => [f.name, f.secret, f.required])).toEqual([["crypto_key", true, true]])
    expect(kicc.test.kind).toBe("pg-provided")
    expect(kicc.notes?.join(" ")).toContain("KICC_V2")
    expect(PgCatalog.selectionOf(kicc)).toBe("channel-key")
  })

  it("A4: mobilians_v2 offers the documented pay methods and billing by window, and warns that test card billing keys cannot be charged", () => {
    const mobilians = provider("mobilians_v2")
    expect([...PgCatalog.payMethodsOf(mobilians, "window.general")].sort()).toEqual(
      [
        "card",
        "phone",
        "vbank",
        "trans",
        "cultureland",
        "booknlife",
        "smartculture",
        "payco",
        "samsung",
        "ssgpay",
        "kakaopay",
        "naverpay",
        "lpay",
        "tosspay",
        "applepay"
      ].sort()
    )
    expect([...PgCatalog.payMethodsOf(mobilians, "window.subscription")].sort()).toEqual(["card", "phone"])
    expect(mobilians.testNotes?.join(" ")).toMatch(/card billing-key payments work live only/)
  })

  // Catalog probe 2026-12, each against the page it cites.
  it("mobilians bills by window by phone only; payletter_global's window has no PayPal; inicis_jp is selected by channel key", () => {
    expect(PgCatalog.payMethodsOf(provider("mobilians"), "window.subscription")).toEqual(["phone"])
    expect(PgCatalog.payMethodsOf(provider("payletter_global"), "window.general")).not.toContain("paypal")
    expect(PgCatalog.selectionOf(provider("inicis_jp"))).toBe("channel-key")
  })

  it("A8: kcp offers no key-in test MID: AO09C belongs to the payment window", () => {
    const kcp = provider("kcp")
    expect(PgCatalog.sharedTestMid(kcp, "window.general")).toBe("AO09C")
    expect(PgCatalog.sharedTestMid(kcp, "api.keyin")).toBeUndefined()
    expect(PgCatalog.untestedReason(kcp, "api.keyin")).toMatch(/no key-in test MID/)
  })

  it("A9: every source path names a file verified in the mirrored repositories", () => {
    for (const p of PgCatalog.list(catalog)) {
      for (const s of sourcesOf(p)) {
        expect(verifiedSourcePaths.has(`${s.repo}:${s.path}`), `${p.code}: ${s.repo}:${s.path}`).toBe(true)
      }
    }
    // The new Smartro module's shared MIDs are not on the old module's 2024 page.
    const smartroV2 = sourcesOf(provider("smartro_v2")).map((s) => s.path)
    expect(smartroV2.some((path) => path.endsWith("payment-gateway/smartro.mdx"))).toBe(false)
  })

  it("A11: the help centre's test-mode traps sit on the PG they belong to", () => {
    const notes = (code: string) => (provider(code).testNotes ?? []).join(" ")
    expect(notes("danal_tpay")).toMatch(/Partial cancellation cannot be tested/)
    expect(notes("danal")).not.toMatch(/[Pp]artial cancellation/)
    expect(notes("ksnet")).toMatch(/KB Kookmin cards, bank transfer and gift certificates cannot be tested/)
    expect(notes("ksnet")).toMatch(/cancelled automatically/)
    expect(notes("welcome")).toMatch(/LPAY, PAYCO and card points/)
    expect(notes("payco")).toMatch(/not charged/)
    expect(notes("payco")).toMatch(/PAYCO development app/)
    expect(notes("tosspayments")).toMatch(/Most easy pays .* cannot be tested/)
    for (const code of ["nice", "nice_v2"]) expect(notes(code), code).toMatch(/Partial cancellations are not reflected in test mode/)
    expect(notes("kakaopay")).toMatch(/KB Kookmin cards cannot be used in test mode/)
  })

  it("A12: eximbay requests econtext, which is recorded as vbank, and never offers vbank itself", () => {
    const methods = PgCatalog.payMethodsOf(provider("eximbay"), "window.general")
    expect(methods).toContain("econtext")
    expect(methods).not.toContain("vbank")
    expect(provider("eximbay").notes?.join(" ")).toMatch(/recorded with pay_method vbank/)
  })

  it("A13: naverpay requires the chain ID Naver Pay issues", () => {
    expect(field("naverpay", "chain_id")?.required).toBe(true)
    expect(field("naverpay", "chain_id")?.secret).toBe(false)
  })

  it("A16: payletter_global's credential is the Secret Key, under its stored field name", () => {
    expect(field("payletter_global", "api_key")?.label).toBe("Secret key")
    expect(field("payletter_global", "api_key")?.secret).toBe(true)
  })
})
