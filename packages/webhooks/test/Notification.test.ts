import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import { Notification } from "../src/index.ts"

const ok = <A>(r: Result.Result<A, unknown>): A => Result.getOrThrow(r)

describe("Notification", () => {
  it("parses typed events and drops unknown fields", () => {
    const e = ok(
      Notification.parse(
        JSON.stringify({
          type: "Transaction.Paid",
          timestamp: "2024-05-01T00:00:00Z",
          data: { storeId: "store-1", paymentId: "pay-1", transactionId: "tx-1", novel: true },
          extra: 1
        })
      )
    )
    expect(e).toEqual({
      type: "Transaction.Paid",
      timestamp: "2024-05-01T00:00:00Z",
      data: { storeId: "store-1", paymentId: "pay-1", transactionId: "tx-1" }
    })
    const b = ok(Notification.parse({ type: "BillingKey.Issued", timestamp: "t", data: { billingKey: "bk" } }))
    expect(b.type === "BillingKey.Issued" && b.data.billingKey).toBe("bk")
    expect(ok(Notification.parse('{"type":"Webhook.Test","timestamp":"t","data":{}}')).type).toBe("Webhook.Test")
    const c = ok(
      Notification.parse({
        type: "Transaction.Cancelled",
        timestamp: "t",
        data: { storeId: "s", paymentId: "p", transactionId: "x", cancellationId: "c" }
      })
    )
    expect(c.type === "Transaction.Cancelled" && c.data.cancellationId).toBe("c")
  })

  it("turns unknown types into the Unknown variant", () => {
    const e = ok(Notification.parse({ type: "Transaction.Teleported", timestamp: "t", data: { a: 1 } }))
    expect(e).toEqual({ type: "Unknown", originalType: "Transaction.Teleported", timestamp: "t", data: { a: 1 } })
  })

  it("fails on malformed bodies", () => {
    for (const bad of ["not json", "[]", '{"type":1}', '{"type":"Transaction.Paid","timestamp":"t","data":{}}']) {
      const r = Notification.parse(bad)
      expect(Result.isFailure(r) && r.failure._tag).toBe("MalformedNotification")
    }
  })

  it("round-trips V1 bodies in JSON and form encoding", () => {
    const v1 = { imp_uid: "imp_1", merchant_uid: "order 1&2", status: "cancelled", cancellation_id: "c-1" }
    for (const enc of ["json", "form"] as const) {
      const { body, contentType } = Notification.encodeV1(v1, enc)
      expect(ok(Notification.parseV1(body, contentType))).toEqual(v1)
      expect(ok(Notification.parseV1(Buffer.from(body)))).toEqual(v1)
    }
    expect(ok(Notification.parseV1("imp_uid=a&merchant_uid=b&status=paid&other=x"))).toEqual({
      imp_uid: "a",
      merchant_uid: "b",
      status: "paid"
    })
    expect(Result.isFailure(Notification.parseV1("imp_uid=a"))).toBe(true)
  })

  it("toV1 gives the V1 fields of the transaction events V1 sent, and nothing for the others", () => {
    const event = (type: string, extra: Record<string, string> = {}) =>
      ok(Notification.parse({ type, timestamp: "t", data: { storeId: "s", paymentId: "order-1", transactionId: "tx-1", ...extra } }))
    const expected: Record<string, string> = {
      "Transaction.Ready": "ready",
      "Transaction.VirtualAccountIssued": "ready",
      "Transaction.Paid": "paid",
      "Transaction.Cancelled": "cancelled",
      "Transaction.Failed": "failed"
    }
    for (const [type, status] of Object.entries(expected)) {
      expect(Notification.toV1(event(type))).toEqual({ imp_uid: "tx-1", merchant_uid: "order-1", status })
    }
    expect(Notification.toV1(event("Transaction.PartialCancelled", { cancellationId: "c-9" }))).toEqual({
      imp_uid: "tx-1",
      merchant_uid: "order-1",
      status: "cancelled",
      cancellation_id: "c-9"
    })
    for (const type of ["Transaction.PayPending", "Transaction.DisputeCreated", "Transaction.Teleported"]) {
      expect(Notification.toV1(event(type))).toBeUndefined()
    }
    expect(
      Notification.toV1(ok(Notification.parse({ type: "BillingKey.Issued", timestamp: "t", data: { billingKey: "b" } })))
    ).toBeUndefined()
  })

  // Oracle written apart from URLSearchParams: split on & and =, "+" is a space, then percent-decode.
  const decodeForm = (body: string): Record<string, string> =>
    Object.fromEntries(
      body
        .split("&")
        .filter((pair) => pair !== "")
        .map((pair) => {
          const at = pair.indexOf("=")
          const part = (t: string) => decodeURIComponent(t.replaceAll("+", " "))
          return [part(pair.slice(0, at)), part(pair.slice(at + 1))]
        })
    )

  it("property: a form-encoded V1 body carries exactly V1's fields, in bytes any form decoder reads back", () => {
    const text = fc.string({ unit: "grapheme", maxLength: 40 })
    fc.assert(
      fc.property(text, text, text, fc.option(text, { nil: undefined }), (imp_uid, merchant_uid, status, cancellation_id) => {
        const v1 = { imp_uid, merchant_uid, status, ...(cancellation_id === undefined ? {} : { cancellation_id }) }
        const { body, contentType } = Notification.encodeV1(v1, "form")
        expect(contentType).toBe("application/x-www-form-urlencoded")
        expect(body).toMatch(/^[A-Za-z0-9%*._+=&-]*$/)
        expect(decodeForm(body)).toEqual(v1)
      }),
      { numRuns: 300 }
    )
  })
})
