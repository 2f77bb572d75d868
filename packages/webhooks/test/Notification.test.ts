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

  // Regression (mutation probe N03, N04): a byte body is UTF-8, so a Korean field survives.
  it("decodes byte bodies as UTF-8", () => {
    const event = { type: "Webhook.Test", timestamp: "t", data: { name: "주문" } }
    expect(ok(Notification.parse(Buffer.from(JSON.stringify(event))))).toEqual(event)
    const v1 = { imp_uid: "i", merchant_uid: "주문-1", status: "paid" }
    const { body, contentType } = Notification.encodeV1(v1, "json")
    expect(ok(Notification.parseV1(Buffer.from(body), contentType))).toEqual(v1)
    expect(ok(Notification.parseV1(Buffer.from(body)))).toEqual(v1)
    // A form body whose value is raw UTF-8 rather than percent-encoded.
    expect(ok(Notification.parseV1(Buffer.from("imp_uid=i&merchant_uid=주문-1&status=paid")))).toEqual(v1)
  })

  // Regression (mutation probe N01, N02): the content type is matched in any case, and without one
  // a JSON body is recognised after leading whitespace.
  it("reads a V1 JSON body by an upper-case content type or by its first non-blank character", () => {
    const text = '{"imp_uid":"a","merchant_uid":"b","status":"paid"}'
    const v1 = { imp_uid: "a", merchant_uid: "b", status: "paid" }
    expect(ok(Notification.parseV1(text, "Application/JSON"))).toEqual(v1)
    expect(ok(Notification.parseV1(text, "APPLICATION/JSON; charset=UTF-8"))).toEqual(v1)
    expect(ok(Notification.parseV1(` ${text}`))).toEqual(v1)
    expect(ok(Notification.parseV1(`\r\n\t${text}`))).toEqual(v1)
  })

  it("toV1 gives the V1 fields of the transaction events V1 sent, and nothing for the others", () => {
    const event = (type: string, extra: Record<string, string> = {}) =>
      ok(Notification.parse({ type, timestamp: "t", data: { storeId: "s", paymentId: "order-1", transactionId: "tx-1", ...extra } }))
    const expected: Record<string, string> = {
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
    // Transaction.Ready is a payment window opening, which V1 never notified; V1's `ready` is a
    // virtual account issued (conformance audit 2026-12, A5).
    for (const type of ["Transaction.Ready", "Transaction.PayPending", "Transaction.DisputeCreated", "Transaction.Teleported"]) {
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

describe("an event's data", () => {
  // The oracle: the deepest bracket nesting of the data's JSON text, read outside its strings.
  const nestingOf = (json: string): number => {
    let depth = 0
    let deepest = 0
    let inString = false
    for (let i = 0; i < json.length; i++) {
      const c = json[i]
      if (inString) {
        if (c === "\\") i++
        else if (c === '"') inString = false
      } else if (c === '"') inString = true
      else if (c === "{" || c === "[") deepest = Math.max(deepest, ++depth)
      else if (c === "}" || c === "]") depth--
    }
    return deepest
  }
  // A JSON value wrapped in 25 to 40 arrays or objects: around the limit on both sides.
  const deepData = fc
    .tuple(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.boolean(), { minLength: 25, maxLength: 40 }))
    .map(([inner, wraps]) => wraps.reduce<unknown>((value, asArray) => (asArray ? [value] : { k: value }), inner))

  it("property: is refused exactly when its JSON nests deeper than maxDataDepth", () => {
    fc.assert(
      fc.property(deepData, (data) => {
        const accepted = Notification.dataProblem(data) === undefined
        expect(accepted).toBe(nestingOf(JSON.stringify(data)) <= Notification.maxDataDepth)
      }),
      { numRuns: 300 }
    )
  })

  it("refuses very deep data, a cycle and a bigint with a reason, without throwing", () => {
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(Notification.dataProblem({ x: deep })).toContain("deeper than 32")
    const cycle: Record<string, unknown> = { a: 1 }
    cycle["self"] = cycle
    // Named as a cycle (embedding probe: it was reported as nesting deeper than 32 levels).
    expect(Notification.dataProblem(cycle)).toBe("holds itself (a cycle), which JSON cannot carry")
    const shared = { total: 1000 }
    expect(Notification.dataProblem({ a: shared, b: [shared] })).toBeUndefined()
    expect(Notification.dataProblem({ amount: 10n })).toBe("holds a bigint, which JSON cannot carry")
    expect(Notification.dataProblem({ paymentId: "pay_1", amount: { total: 1000 }, items: [{ id: 1 }] })).toBeUndefined()
  })
})

describe("Notification.eventProblem", () => {
  const knownTypes = [...Notification.transactionTypes, ...Notification.billingKeyTypes, "Webhook.Test"]
  const field = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null), fc.constant(undefined))
  // Data near the events' shapes: each field of either kind present, missing or of another type.
  const nearEventData = fc.oneof(
    fc.record({ storeId: field, paymentId: field, transactionId: field, cancellationId: field, billingKey: field }, { requiredKeys: [] }),
    fc.jsonValue({ maxDepth: 2 })
  )

  // The oracle is the receiver's side: data is accepted exactly when `parse` reads the event it makes.
  it("property: accepts exactly the data of which parse reads the event back", () => {
    fc.assert(
      fc.property(fc.constantFrom(...knownTypes, "Shop.Custom"), nearEventData, (type, data) => {
        const wire = JSON.parse(Notification.eventBody(type, data, 0)) as object
        expect(Notification.eventProblem(type, data) === undefined).toBe(Result.isSuccess(Notification.parse(wire)))
      }),
      { numRuns: 500 }
    )
  })

  // Regression (new-user walkthrough): the guide's Transaction.Paid with only a paymentId was queued,
  // and parse refused it with an empty message.
  it("names the missing field, and the refusal of parse has a message", () => {
    expect(Notification.eventProblem("Transaction.Paid", { paymentId: "pay_1" })).toBe("Transaction.Paid data.storeId: Missing key")
    expect(Notification.eventProblem("Transaction.Paid", { storeId: "s", paymentId: "p", transactionId: "t" })).toBeUndefined()
    expect(Notification.eventProblem("Shop.Custom", { anything: 1 })).toBeUndefined()
    expect(Notification.eventProblem("Shop.Custom", { amount: 1n })).toBe("holds a bigint, which JSON cannot carry")
    const refused = Notification.parse(Notification.eventBody("Transaction.Paid", { paymentId: "pay_1" }, 0))
    expect(Result.isFailure(refused) && refused.failure.message).toBe("malformed notification: malformed data for Transaction.Paid")
  })
})
