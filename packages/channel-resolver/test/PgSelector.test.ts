import { describe, expect, it } from "@effect/vitest"
import { PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import * as fc from "fast-check"
import * as PgSelector from "../src/PgSelector.ts"

const problem = (text: string) => {
  const parsed = PgSelector.parse(text)
  if (Result.isSuccess(parsed)) throw new Error(`parsed ${text}`)
  return parsed.failure
}

describe("PgSelector.parse", () => {
  it("reads a code alone and a code with a MID, splitting on the first dot", () => {
    expect(Result.getOrThrow(PgSelector.parse("kcp"))).toEqual({ code: "kcp", mid: undefined })
    expect(Result.getOrThrow(PgSelector.parse("html5_inicis.INIpayTest"))).toEqual({ code: "html5_inicis", mid: "INIpayTest" })
    expect(Result.getOrThrow(PgSelector.parse("nice_v2.shop.a.b"))).toEqual({ code: "nice_v2", mid: "shop.a.b" })
  })
  it("accepts codes a merchant's channels use beyond the catalog", () => {
    expect(Result.isSuccess(PgSelector.parse("mypg.M1", PgCatalog.builtIn, new Set(["mypg"])))).toBe(true)
  })
  it("explains each problem", () => {
    expect(problem("").message).toBe(`pg is empty: give a PG code such as "kcp", or "kcp.T0000" to pick a MID`)
    expect(problem(".T0000").message).toBe(`pg ".T0000" has no PG code before the dot: write "{pg code}.{MID}", e.g. "kcp.T0000"`)
    expect(problem("kcp.").message).toBe(`pg "kcp." has no MID after the dot: drop the dot, or write "{pg code}.{MID}"`)
    expect(problem(" kcp").message).toBe(`pg " kcp" contains whitespace: PG codes and MIDs never do`)
    expect(problem("kcp .T0000").problem).toBe("whitespace")
    expect(problem("tosspayment").message).toBe(`pg "tosspayment": "tosspayment" is not a known PG code; did you mean tosspayments?`)
    expect(problem("tosspayment.M1").suggestions).toContain("tosspayments")
    expect(problem("zzzzzzzzzz").message).toBe(`pg "zzzzzzzzzz": "zzzzzzzzzz" is not a known PG code`)
  })
  it("follows the catalog's selection: channel-key PGs never parse, code-and-mid ones only with a MID", () => {
    expect(problem("kicc_global").problem).toBe("channel-key-only")
    expect(problem("kicc_global.K1").problem).toBe("channel-key-only")
    expect(problem("settle_acc").message).toBe(
      `pg "settle_acc" does not select a channel: this PG must be named with its MID, write "settle_acc.{MID}"`
    )
    expect(Result.getOrThrow(PgSelector.parse("settle_acc.M1"))).toEqual({ code: "settle_acc", mid: "M1" })
  })
  it("format is the inverse of parse", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...[...PgCatalog.builtIn.providers.values()].filter((p) => PgCatalog.selectionOf(p) === "code").map((p) => p.code)),
        fc.option(
          fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/).filter((m) => !m.endsWith(".") || m.length > 1),
          { nil: undefined }
        ),
        (code, mid) => {
          const text = PgSelector.format({ code, mid })
          expect(Result.getOrThrow(PgSelector.parse(text))).toEqual({ code, mid })
        }
      )
    )
  })
})
