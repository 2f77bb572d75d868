// Issue 17: webhook endpoints, test-send formats and resends over HTTP.
import { WebhookSecrets, Webhooks } from "@paymux/admin"
import { describe, expect, it } from "vitest"
import { body, type CallInit, serving } from "./fixture.ts"

const s = serving()
/** A request under the fixture merchant's path, with its bearer. */
const call = (path: string, init: CallInit = {}) => s.call(`/merchants/${s.f.merchant}${path}`, init)

describe("webhook endpoints over HTTP", () => {
  it("adds, filters, updates, enables and removes endpoints; content type is per mode", async () => {
    const added = await call("/webhooks/live/endpoints", { body: { url: "https://shop.example/paid", events: ["Transaction.Paid"] } })
    expect(added.status).toBe(201)
    const a = await body(added)
    expect(a.newSecret).toMatch(/^whsec_/)
    expect(a.settings.live.endpoints).toEqual([
      {
        id: a.endpointId,
        url: "https://shop.example/paid",
        events: ["Transaction.Paid"],
        consecutiveFailures: 0,
        failingSince: null,
        disabledAt: null
      }
    ])
    expect((await call("/webhooks/live/endpoints", { body: { url: "http://shop.example/plain" } })).status).toBe(400)
    const form = await body(await call("/webhooks/test", { method: "PUT", body: { contentType: "form" } }))
    expect([form.settings.test.contentType, form.settings.live.contentType]).toEqual(["form", "json"])
    const updated = await call(`/webhooks/live/endpoints/${a.endpointId}`, { method: "PATCH", body: { events: null } })
    expect((await body(updated)).live.endpoints[0].events).toBeUndefined()
    expect((await call(`/webhooks/live/endpoints/${a.endpointId}/enable`, { body: {} })).status).toBe(200)
    // Regression (HTTP probe): an unknown endpoint id was 400 here and 422 for a test send; it is
    // a missing resource, 404 like an unknown channel or delivery.
    for (const [path, init] of [
      ["/webhooks/live/endpoints/ep_nope/enable", { body: {} }],
      ["/webhooks/live/endpoints/ep_nope", { method: "PATCH", body: { events: null } }],
      ["/webhooks/live/endpoints/ep_nope", { method: "DELETE" }],
      ["/webhooks/live/test?endpoint=ep_nope", { body: {} }]
    ] as const) {
      const missing = await call(path, init)
      expect([path, missing.status, (await body(missing)).code]).toEqual([path, 404, "not-found"])
    }
    const removed = await call(`/webhooks/live/endpoints/${a.endpointId}`, { method: "DELETE" })
    expect((await body(removed)).live.endpoints).toEqual([])
  })

  it("a refused webhook URL is quoted without its user info, in the spellings without // too", async () => {
    for (const url of [
      "https:a:SUPERSECRETPW@shop.example/",
      "https:\\\\a:SUPERSECRETPW@shop.example/",
      "https://SUPERSECRETPW@shop.example/"
    ]) {
      const refused = await call("/webhooks/live", { method: "PUT", body: { url } })
      expect(refused.status, url).toBe(400)
      const text = await refused.text()
      expect(text, url).not.toContain("SUPERSECRETPW")
      expect(text, url).toContain("***@shop.example")
    }
  })

  it("a test in the format the mode does not send is refused; resend-failed answers 202 with what it queued", async () => {
    await call("/webhooks/test", { method: "PUT", body: { url: "https://shop.example/hook", contentType: "form" } })
    const refused = await call("/webhooks/test/test?format=v2", { body: {} })
    expect([refused.status, (await body(refused)).code]).toEqual([422, "webhook-not-sent"])
    // Regression (interop probe, F2): V1's fields went out as JSON from a JSON mode, whose
    // notifications are all V2 events, so a V1 receiver passed the test and broke on them.
    await call("/webhooks/live", { method: "PUT", body: { url: "https://shop.example/hook" } })
    const v1InJson = await call("/webhooks/live/test?format=v1", { body: {} })
    const problem = await body(v1InJson)
    expect([v1InJson.status, problem.code]).toEqual([422, "webhook-not-sent"])
    expect(problem.detail).toContain("the live mode sends V2 events as JSON")
    expect(problem.detail).toContain("set the live content type to form")
    await s.f.run(
      Webhooks.emit({
        merchant: s.f.merchant,
        mode: "test",
        eventType: "Transaction.Paid",
        payload: "{}",
        v1: { imp_uid: "i", merchant_uid: "m", status: "paid" }
      })
    )
    const again = await call("/webhooks/deliveries/resend-failed", { body: { since: 0 } })
    expect(again.status).toBe(202)
    expect(await body(again)).toEqual({ queued: [], alreadyHandled: 0 })
    const [pending] = await body(await call("/webhooks/deliveries"))
    expect(pending.delivery.endpointId).toMatch(/^ep_/)
    const moved = await call(`/webhooks/deliveries/${pending.delivery.id}/resend?url=${encodeURIComponent("https://other.example/h")}`, {
      body: {}
    })
    expect(moved.status).toBe(202)
    expect(await body(moved)).toMatchObject({ url: "https://other.example/h", endpointId: null })
  })
  // Crash probe, finding 1: a rotation's answer is never replayed, and retiring after a lost one
  // left only the lost secret signing. Cancelling the rotation keeps the older one.
  it("a rotation whose answer was lost is cancelled: the older secret signs alone again; with one there is none to cancel", async () => {
    await call("/webhooks/test", { method: "PUT", body: { url: "https://shop.example/hook" } })
    const message = { id: "msg_1", timestamp: 1_700_000_000, body: "{}" }
    const signature = async () => (await s.f.run(WebhookSecrets.signerFor(s.f.merchant, "test"))).signature(message)
    const before = await signature()
    const rotate = { method: "POST", headers: { "idempotency-key": "rotate-lost" } }
    expect((await call("/webhooks/test/secrets/rotate", rotate)).status).toBe(201)
    const retried = await call("/webhooks/test/secrets/rotate", rotate)
    expect([retried.status, (await body(retried)).code]).toEqual([409, "idempotency-secret-not-replayable"])
    const cancel = { method: "POST", headers: { "idempotency-key": "cancel-lost" } }
    expect((await call("/webhooks/test/secrets/cancel-rotation", cancel)).status).toBe(204)
    const replayed = await call("/webhooks/test/secrets/cancel-rotation", cancel)
    expect([replayed.status, replayed.headers.get("idempotent-replayed")]).toEqual([204, "true"])
    expect(await signature()).toBe(before)
    expect((await body(await call("/webhooks"))).activeSecrets.test).toBe(1)
    const none = await call("/webhooks/test/secrets/cancel-rotation", { method: "POST" })
    expect([none.status, await body(none)]).toMatchObject([
      422,
      { code: "rule-violation", rule: "webhook-secret-rotation", detail: "only one secret is active; no rotation to cancel" }
    ])
    const entries = await body(await call("/audit?action=webhook.secret.cancel-rotation"))
    expect(entries).toMatchObject([
      { target: "test", actor: `api-key:${s.f.keyId}`, before: { activeSecrets: 2 }, after: { activeSecrets: 1 } }
    ])
  })
})
