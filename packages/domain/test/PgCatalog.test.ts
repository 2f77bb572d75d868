import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { PgCatalog } from "@paymux/domain"

const required = [
  "html5_inicis", "inicis_unified", "kcp", "kcp_billing", "kcp_quick", "nice", "nice_v2", "tosspayments", "toss_brandpay",
  "tosspay", "tosspay_v2", "kakaopay", "naverpay", "naverco", "payco", "smilepay", "danal", "danal_tpay", "daou", "kicc",
  "ksnet", "mobilians", "settle", "settle_acc", "smartro", "smartro_v2", "uplus", "welcome", "paypal", "paypal_v2",
  "eximbay", "paymentwall", "inicis_jp", "bluewalnut"
]
const catalog = PgCatalog.builtIn
const provider = (code: string) => Result.getOrThrow(PgCatalog.get(catalog, code))

describe("PgCatalog", () => {
  it("holds every PG code the console offers", () => {
    for (const code of required) expect(catalog.providers.has(code), code).toBe(true)
  })

  it("has shared test credentials for every PG except Naver Pay, Toss and PayPal (and PGs without a test mode)", () => {
    const noShared = new Set(["naverpay", "naverco", "tosspayments", "toss_brandpay", "tosspay", "tosspay_v2", "uplus", "paypal", "paypal_v2"])
    const noTestMode = new Set(["settle_acc", "paymentwall"])
    for (const p of PgCatalog.list(catalog)) {
      const expected = noShared.has(p.code) ? "pg-provided" : noTestMode.has(p.code) ? "unavailable" : "shared"
      expect(p.test.kind, p.code).toBe(expected)
    }
  })

  it("knows the documented shared test MIDs", () => {
    expect(PgCatalog.sharedTestMid(provider("html5_inicis"), "window.general")).toBe("INIpayTest")
    expect(PgCatalog.sharedTestMid(provider("html5_inicis"), "window.subscription")).toBe("INIBillTst")
    expect(PgCatalog.sharedTestMid(provider("kcp"), "window.general")).toBe("T0000")
    expect(PgCatalog.sharedTestMid(provider("kakaopay"), "window.simple")).toBe("TC0ONETIME")
    expect(PgCatalog.sharedTestMid(provider("kakaopay"), "window.subscription")).toBe("TCSUBSCRIP")
    const nice = provider("nice")
    expect(nice.test.kind === "shared" && nice.test.mids.map((m) => m.mid)).toContain("nictest00m")
    expect(PgCatalog.sharedTestMid(provider("naverpay"), "window.simple")).toBeUndefined()
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
    expect(provider("tosspayments").credentialFields.map((f) => [f.name, f.secret])).toEqual([["client_key", false], ["secret_key", true]])
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
    expect(Result.isFailure(miss) && miss.failure.message).toBe('pg: not a PG code in the catalog; did you mean tosspayments? (got "tosspayment")')
  })

  it("is extensible: a host app adds a PG and overrides a shared test MID", () => {
    const extended = Result.getOrThrow(PgCatalog.extend(catalog, [
      { ...provider("kcp_billing"), test: { kind: "shared", mids: [{ paymentType: "window.subscription", mid: "BA001" }] } },
      { code: "acme_pay", displayName: "Acme Pay", localName: "", mid: { name: "mid", label: "MID" }, payMethods: { "window.general": ["card"] }, credentialFields: [], test: { kind: "pg-provided", note: "ask Acme" } }
    ]))
    expect(PgCatalog.sharedTestMid(Result.getOrThrow(PgCatalog.get(extended, "kcp_billing")), "window.subscription")).toBe("BA001")
    expect(extended.providers.has("acme_pay")).toBe(true)
    expect(catalog.providers.has("acme_pay")).toBe(false)
    const bad = PgCatalog.extend(catalog, [{ code: "Bad Code" }])
    expect(Result.isFailure(bad) && bad.failure.field).toBe("provider.code")
  })
})
