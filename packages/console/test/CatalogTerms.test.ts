/**
 * Korean mode names every label the built-in PG catalog has: a MID field's, each credential
 * field's and each pattern's description. A label added to the catalog without a Korean name (or
 * an entry saying the PG's own name stays) fails here, instead of showing in English.
 */
import { ChannelTerms, PgCatalog } from "@paymux/domain"
import { describe, expect, it } from "vitest"
import { catalogLabel, labelsKo, payMethodName } from "../app/src/i18n/catalogTerms.ts"

const catalogLabels = (): Array<string> =>
  [...PgCatalog.builtIn.providers.values()].flatMap((p) => [
    p.mid.label,
    ...p.credentialFields.flatMap((f) => [f.label, ...(f.patternDescription === undefined ? [] : [f.patternDescription])])
  ])

describe("catalog labels in Korean", () => {
  it("has an entry for every label of the built-in catalog", () => {
    const missing = [...new Set(catalogLabels())].filter((label) => !Object.hasOwn(labelsKo, label))
    expect(missing).toEqual([])
  })

  it("names every pay method the domain knows in Korean, and shows an unknown code as it is", () => {
    const unnamed = ChannelTerms.knownPayMethods.filter((code) => payMethodName("ko", code) === code)
    expect(unnamed).toEqual([])
    expect(payMethodName("ko", "card")).toBe("신용카드 (card)")
    expect(payMethodName("en", "card")).toBe("card")
    expect(payMethodName("ko", "constructor")).toBe("constructor")
  })

  it("shows the catalog's own words in English and the Korean entry in Korean", () => {
    expect(catalogLabel("en", "Site key")).toBe("Site key")
    expect(catalogLabel("ko", "Site key")).toBe("사이트 키")
    expect(catalogLabel("ko", "a label the table does not know")).toBe("a label the table does not know")
  })
})
