/**
 * The `request_pay` snippet a test card offers to copy: the MID is the merchant's own text, so a
 * quote in it must stay inside the string (it broke out of the snippet's quotes: console probe).
 */
import { describe, expect, it } from "vitest"
import { requestPaySnippet } from "../app/src/model.ts"

/** Runs the snippet against a stand-in `IMP` and returns what it passed to `request_pay`. */
const requested = (snippet: string): unknown => {
  const calls: Array<unknown> = []
  const IMP = { request_pay: (params: unknown) => calls.push(params) }
  new Function("IMP", "alert", snippet)(IMP, () => calls.push("alert ran"))
  expect(calls).toHaveLength(1)
  return calls[0]
}

describe("requestPaySnippet", () => {
  it("names the channel as pg.MID with the pay method", () => {
    expect(requested(requestPaySnippet("kcp", "AO09C", "card"))).toEqual({
      pg: "kcp.AO09C",
      pay_method: "card",
      merchant_uid: "order_0001",
      name: "Order 0001",
      amount: 1000
    })
  })

  it("keeps a hostile MID inside its string", () => {
    const mid = `x', pay_method: 'vbank' }); alert(1); ({ a: '\\" \n\u2028`
    expect(requested(requestPaySnippet("kcp", mid, "card"))).toMatchObject({ pg: `kcp.${mid}`, pay_method: "card" })
  })

  it("names the PG alone without a MID, and card without a pay method", () => {
    expect(requested(requestPaySnippet("paypal_v2", undefined, undefined))).toMatchObject({ pg: "paypal_v2", pay_method: "card" })
  })
})
