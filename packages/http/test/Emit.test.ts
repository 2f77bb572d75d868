// A host that runs Paymux as a service reports payment events over HTTP: POST …/webhooks/:mode/notifications.
import { Webhooks } from "@paymux/admin"
import { Outbox } from "@paymux/store"
import { Effect } from "effect"
import { OpenApi } from "effect/http-api"
import { Api } from "../src/Api.ts"
import { describe, expect, it } from "vitest"
import { body, serving } from "./fixture.ts"

const s = serving()
/** A request under the fixture merchant's path, with its bearer. */
const call = (path: string, init: { method?: string; body?: unknown } = {}) => s.call(`/merchants/${s.f.merchant}${path}`, init)

describe("notifications emitted over HTTP", () => {
  it("queues one delivery per endpoint that receives the event type, with the event as its body", async () => {
    await call("/webhooks/live/endpoints", { body: { url: "https://shop.example/all" } })
    await call("/webhooks/live/endpoints", { body: { url: "https://shop.example/cancelled", events: ["Transaction.Cancelled"] } })
    const emitted = await call("/webhooks/live/notifications", {
      body: { type: "Transaction.Paid", data: { paymentId: "pay_1", storeId: "store_1", transactionId: "tx_1" }, subject: "pay_1" }
    })
    expect(emitted.status).toBe(202)
    const deliveries = await body(emitted)
    expect(deliveries.map((d: { url: string }) => d.url)).toEqual(["https://shop.example/all"])
    expect(deliveries[0]).toMatchObject({ eventType: "Transaction.Paid", subject: "pay_1", status: "pending", mode: "live" })
    // The body the dispatcher will sign and send, as queued.
    const [due] = await s.f.run(
      Effect.gen(function* () {
        return yield* (yield* Outbox.Outbox).claim({ workerId: "test", now: Date.now() + 1, leaseMillis: 60_000, limit: 10 })
      })
    )
    expect(due?.id).toBe(deliveries[0].id)
    const event = JSON.parse(due!.payload)
    expect(event).toMatchObject({ type: "Transaction.Paid", data: { paymentId: "pay_1", storeId: "store_1" } })
    expect(Number.isNaN(Date.parse(event.timestamp))).toBe(false)
  })

  it("a payment's own notice URLs replace the mode's endpoints; a bad one is a 400 naming it", async () => {
    const paid = { storeId: "store_1", paymentId: "pay_2", transactionId: "tx_2" }
    const emitted = await call("/webhooks/live/notifications", {
      body: { type: "Transaction.Paid", data: paid, noticeUrls: ["https://a.example/n", "https://b.example/n"] }
    })
    expect(emitted.status).toBe(202)
    expect((await body(emitted)).map((d: { url: string }) => d.url)).toEqual(["https://a.example/n", "https://b.example/n"])
    const refused = await call("/webhooks/live/notifications", {
      body: { type: "Transaction.Paid", data: paid, noticeUrls: ["https://ok.example/n", "http://plain.example/n"] }
    })
    expect(refused.status).toBe(400)
    expect(JSON.stringify(await body(refused))).toContain("noticeUrls.1")
    const tooMany = await call("/webhooks/live/notifications", {
      body: { type: "Transaction.Paid", data: paid, noticeUrls: Array.from({ length: 11 }, (_, i) => `https://n${i}.example/`) }
    })
    // The domain's rule alone, so too many and none are the same problem on the same field.
    expect([tooMany.status, await body(tooMany)]).toMatchObject([400, { code: "invalid-input", field: "noticeUrls" }])
    const none = await call("/webhooks/live/notifications", { body: { type: "Transaction.Paid", data: paid, noticeUrls: [] } })
    expect([none.status, await body(none)]).toMatchObject([400, { code: "invalid-input", field: "noticeUrls" }])
  })

  // Regression (new-user walkthrough): a Transaction.Paid without the ids receivers parse was queued (202).
  it("an event of a known type without the fields its receivers parse is a 400 on data, and nothing is queued", async () => {
    const refused = await call("/webhooks/live/notifications", { body: { type: "Transaction.Paid", data: { paymentId: "pay_3" } } })
    expect([refused.status, await body(refused)]).toMatchObject([
      400,
      { code: "invalid-input", field: "data", detail: expect.stringContaining("data.storeId") }
    ])
  })

  // Regression (limits probe, finding 3): data could fill the 1 MiB body, and the outbox kept it once
  // per target, ten times over with ten endpoints.
  it("an event over 64 KiB of JSON is a 400 on data naming the limit, nothing is queued, and the document says so", async () => {
    await call("/webhooks/test/endpoints", { body: { url: "https://shop.example/big" } })
    const ids = { storeId: "store_1", paymentId: "pay_4", transactionId: "tx_4" }
    const refused = await call("/webhooks/test/notifications", {
      body: { type: "Transaction.Paid", data: { ...ids, receipt: "x".repeat(Webhooks.maxPayloadBytes) } }
    })
    expect([refused.status, await body(refused)]).toMatchObject([
      400,
      { code: "invalid-input", field: "data", detail: expect.stringContaining("at most 65536 bytes (64 KiB)") }
    ])
    const history = await body(await call("/webhooks/deliveries"))
    expect(history.map((h: { delivery: { mode: string } }) => h.delivery.mode)).not.toContain("test")
    const operation = OpenApi.fromApi(Api).paths["/merchants/{merchant}/webhooks/{mode}/notifications"]!.post!
    expect(operation.description).toContain("The event as JSON is at most 64 KiB")
    expect(JSON.stringify(operation.requestBody)).toContain("at most 65536 bytes (64 KiB)")
  })
})
