// Issue 17, "What the page promises, done right": content type per mode, V1/V2 test sends,
// per-request notice URLs, endpoints with event filters, resends, endpoint health.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Audit, Doctor, ErrorCatalog, Merchants, ResolverCache, WebhookEndpoints, Webhooks } from "@paymux/admin"
import { EndpointHealth, WebhookSettings } from "@paymux/domain"
import { Memory } from "@paymux/store"
import { Notification, WebhookVerifier } from "@paymux/webhooks"
import { Effect, Layer, Redacted, Result } from "effect"
import { TestClock } from "effect/testing"

interface Received {
  readonly path: string
  readonly contentType: string
  readonly body: Buffer
  readonly headers: Record<string, string>
}

let server: Server
let base = ""
let received: Array<Received> = []

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        contentType: req.headers["content-type"] ?? "",
        body: Buffer.concat(chunks),
        headers: req.headers as Record<string, string>
      })
      res.writeHead(req.url?.startsWith("/down") ? 410 : 200).end("ok")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const layer = () => Layer.merge(Memory.layer(), ResolverCache.layer())
const local = Effect.provideService(Webhooks.PrivateTargets, "test-mode")

const paid = JSON.stringify({
  type: "Transaction.Paid",
  timestamp: "2026-12-05T00:00:00Z",
  data: { storeId: "store-1", paymentId: "order 1&2", transactionId: "imp_123" }
})

const merchantWith = (path: string, contentType: WebhookSettings.ContentType = "json") =>
  Effect.gen(function* () {
    const merchant = yield* Merchants.create({ name: "Hook Shop" })
    const { newSecret } = yield* WebhookEndpoints.set({ merchant: merchant.code, mode: "test", url: `${base}${path}`, contentType })
    return { code: merchant.code, secret: Redacted.value(newSecret!) }
  })

// Signed at the test clock's time: verify as of the message's own timestamp.
const verifies = (r: Received, secret: string) =>
  Result.isSuccess(
    WebhookVerifier.make({ secrets: [secret] }).verify(r.body, r.headers, { now: Number(r.headers["webhook-timestamp"]) * 1000 })
  )

describe("content type per mode (issue 17 §1)", () => {
  it.effect("form on test leaves live JSON; a form mode sends V1's fields form-encoded, signed over those bytes", () =>
    Effect.gen(function* () {
      received = []
      const { code, secret } = yield* merchantWith("/form", "form")
      const view = yield* WebhookEndpoints.show(code)
      expect([view.test.contentType, view.live.contentType]).toEqual(["form", "json"])
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.deliverDue()
      expect(received).toHaveLength(1)
      const [r] = received
      expect(r!.contentType).toBe("application/x-www-form-urlencoded")
      expect(r!.body.toString()).not.toContain("{")
      expect(Object.fromEntries(new URLSearchParams(r!.body.toString()))).toEqual({
        imp_uid: "imp_123",
        merchant_uid: "order 1&2",
        status: "paid"
      })
      expect(verifies(r!, secret)).toBe(true)
    }).pipe(local, Effect.provide(layer()))
  )

  it.effect("a JSON mode sends the event as given; an event V1 never sent is not queued for a form mode", () =>
    Effect.gen(function* () {
      received = []
      const { code, secret } = yield* merchantWith("/json")
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.deliverDue()
      expect(received[0]!.contentType).toBe("application/json")
      expect(received[0]!.body.toString()).toBe(paid)
      expect(verifies(received[0]!, secret)).toBe(true)
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", contentType: "form" })
      const billing = JSON.stringify({ type: "BillingKey.Issued", timestamp: "t", data: { billingKey: "bk" } })
      expect(yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "BillingKey.Issued", payload: billing })).toEqual([])
    }).pipe(local, Effect.provide(layer()))
  )

  // Regression (mutation probe): a change that leaves a mode without endpoints creates no signing
  // secret; the mode's first endpoint does, and shows it once.
  it.effect("setting the content type of a mode with no endpoint creates no signing secret", () =>
    Effect.gen(function* () {
      const { code } = yield* Merchants.create({ name: "Form Shop" })
      const changed = yield* WebhookEndpoints.set({ merchant: code, mode: "live", contentType: "form" })
      expect(changed.newSecret).toBeUndefined()
      expect([changed.settings.live.contentType, changed.settings.activeSecrets.live]).toEqual(["form", 0])
      expect(yield* Audit.list(code, { action: "webhook.secret.create" })).toEqual([])
      const { newSecret } = yield* WebhookEndpoints.set({ merchant: code, mode: "live", url: "https://shop.example/hook" })
      expect(newSecret).toBeDefined()
      expect((yield* WebhookEndpoints.show(code)).activeSecrets.live).toBe(1)
    }).pipe(local, Effect.provide(layer()))
  )
})

describe("test send formats (issue 17 §1)", () => {
  it.effect("defaults to the mode's shape; the other shape is refused, naming what the mode sends", () =>
    Effect.gen(function* () {
      received = []
      const { code, secret } = yield* merchantWith("/t", "form")
      const v1Form = yield* Webhooks.test(code, "test")
      expect(v1Form).toMatchObject({ ok: true, format: "v1", contentType: "application/x-www-form-urlencoded" })
      expect(Result.getOrThrow(Notification.parseV1(received[0]!.body, received[0]!.contentType)).status).toBe("paid")
      expect(received[0]!.contentType).toBe("application/x-www-form-urlencoded")
      expect(verifies(received[0]!, secret)).toBe(true)
      yield* Webhooks.test(code, "test", { format: "v1" })
      expect(received[1]!.contentType).toBe("application/x-www-form-urlencoded")
      const refused = yield* Effect.flip(Webhooks.test(code, "test", { format: "v2" }))
      expect(refused._tag === "WebhookNotSent" && refused.reason).toBe(
        "the test mode sends V1's fields form-encoded, so a v2 test would not show how its receiver takes them: " +
          "test with format v1 (the default), or set the test content type to json to send V2 events as JSON"
      )
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", contentType: "json" })
      const v2Json = yield* Webhooks.test(code, "test")
      expect(v2Json).toMatchObject({ ok: true, format: "v2", contentType: "application/json" })
      expect(JSON.parse(received[2]!.body.toString()).type).toBe("Webhook.Test")
      yield* Webhooks.test(code, "test", { format: "v2" })
      // Regression (interop probe, F2): V1's fields went out as JSON here, so a V1 receiver passed
      // the test and then broke on every notification of the mode, all V2 events.
      const v1InJson = yield* Effect.flip(Webhooks.test(code, "test", { format: "v1" }))
      expect(v1InJson._tag === "WebhookNotSent" && v1InJson.reason).toBe(
        "the test mode sends V2 events as JSON, so a v1 test would not show how its receiver takes them: " +
          "test with format v2 (the default), or set the test content type to form to send V1's fields form-encoded"
      )
      expect(received).toHaveLength(4)
      expect(received.every((r) => verifies(r, secret))).toBe(true)
      expect((yield* Audit.list(code, { action: "webhook.test" })).map((e) => (e.after as { format: string }).format)).toEqual([
        "v2",
        "v2",
        "v1",
        "v1"
      ])
    }).pipe(local, Effect.provide(layer()))
  )
})

describe("per-request notice URLs (issue 17 §2)", () => {
  it.effect("override the mode's endpoints for that notification, one message to each", () =>
    Effect.gen(function* () {
      received = []
      const { code } = yield* merchantWith("/configured")
      const queued = yield* Webhooks.emit({
        merchant: code,
        mode: "test",
        eventType: "Transaction.Paid",
        payload: paid,
        noticeUrls: [`${base}/notice-a`, `${base}/notice-b`]
      })
      expect(queued.map((d) => d.endpointId)).toEqual([null, null])
      expect(new Set(queued.map((d) => d.messageId)).size).toBe(1)
      yield* Webhooks.deliverDue()
      expect(received.map((r) => r.path).sort()).toEqual(["/notice-a", "/notice-b"])
    }).pipe(local, Effect.provide(layer()))
  )

  it.effect("a bad or guarded notice URL is InvalidInput naming its index, and nothing is queued", () =>
    Effect.gen(function* () {
      const { code } = yield* merchantWith("/configured")
      const emit = (noticeUrls: ReadonlyArray<string>, mode: "test" | "live" = "test") =>
        Effect.flip(Webhooks.emit({ merchant: code, mode, eventType: "Transaction.Paid", payload: paid, noticeUrls }))
      const fragment = yield* emit([`${base}/ok`, "https://shop.example/#x"])
      expect(fragment).toMatchObject({ _tag: "InvalidInput", field: "noticeUrls.1" })
      const plain = yield* emit(["http://shop.example/hook"], "live")
      expect(plain).toMatchObject({ _tag: "InvalidInput", field: "noticeUrls.0" })
      // Loopback in a live-mode (or, by default, any) notice URL is the guard's to refuse.
      const guarded = yield* emit(["https://127.0.0.1/hook"], "live")
      expect(guarded).toMatchObject({ _tag: "InvalidInput", field: "noticeUrls.0" })
      expect(guarded._tag === "InvalidInput" && guarded.rule).toMatch(/loopback/)
      expect(yield* Webhooks.history(code)).toEqual([])
    }).pipe(local, Effect.provide(layer()))
  )
})

describe("emitting an event given by its data", () => {
  it.effect("data JSON cannot carry, or nested too deep to walk, is InvalidInput on data, and nothing is queued", () =>
    Effect.gen(function* () {
      const { code } = yield* merchantWith("/configured")
      const emit = (data: unknown) => Effect.flip(Webhooks.emitEvent({ merchant: code, mode: "test", type: "Transaction.Paid", data }))
      let deep: unknown = {}
      for (let i = 0; i < 5_000; i++) deep = [deep]
      const cycle: Record<string, unknown> = { paymentId: "pay_1" }
      cycle["again"] = cycle
      for (const data of [{ x: deep }, cycle, { amount: 10n }]) {
        expect(yield* emit(data)).toMatchObject({ _tag: "InvalidInput", field: "data" })
      }
      // Regression (new-user walkthrough): a Transaction.Paid with only a paymentId was queued, and
      // every receiver using Notification.parse refused it as malformed.
      expect(yield* emit({ paymentId: "pay_1" })).toMatchObject({
        _tag: "InvalidInput",
        field: "data",
        rule: "Transaction.Paid data.storeId: Missing key"
      })
      expect(yield* Webhooks.history(code)).toEqual([])
      const whole = { storeId: "store-1", paymentId: "pay_1", transactionId: "tx_1" }
      expect(yield* Webhooks.emitEvent({ merchant: code, mode: "test", type: "Transaction.Paid", data: whole })).toHaveLength(1)
      // A type this version does not know carries the sender's own data.
      expect(yield* Webhooks.emitEvent({ merchant: code, mode: "test", type: "Shop.Custom", data: { any: 1 } })).toHaveLength(1)
    }).pipe(local, Effect.provide(layer()))
  )
})

describe("endpoints with event filters (issue 17 §3)", () => {
  it.effect("an event goes to the endpoints that receive it; the mode's one secret signs for all", () =>
    Effect.gen(function* () {
      received = []
      const { code, secret } = yield* merchantWith("/all")
      const added = yield* WebhookEndpoints.addEndpoint({
        merchant: code,
        mode: "test",
        url: `${base}/paid-only`,
        events: ["Transaction.Paid"]
      })
      expect(added.newSecret).toBeUndefined()
      expect(added.settings.test.endpoints.map((e) => e.url)).toEqual([`${base}/all`, `${base}/paid-only`])
      const cancelled = paid.replace("Transaction.Paid", "Transaction.Cancelled")
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Cancelled", payload: cancelled })
      yield* Webhooks.deliverDue()
      expect(received.map((r) => [r.path, JSON.parse(r.body.toString()).type]).sort()).toEqual([
        ["/all", "Transaction.Cancelled"],
        ["/all", "Transaction.Paid"],
        ["/paid-only", "Transaction.Paid"]
      ])
      expect(received.every((r) => verifies(r, secret))).toBe(true)
      const single = yield* Effect.flip(WebhookEndpoints.set({ merchant: code, mode: "test", url: `${base}/x` }))
      expect(single._tag === "InvalidInput" && single.rule).toMatch(/several endpoints/)
      yield* WebhookEndpoints.removeEndpoint({ merchant: code, mode: "test", endpointId: added.endpointId })
      expect((yield* WebhookEndpoints.show(code)).test.endpoints).toHaveLength(1)
    }).pipe(local, Effect.provide(layer()))
  )

  // Regression (mutation probe): an unknown endpoint id was refused as bad input (400) by the
  // settings' own check instead of as a missing resource.
  it.effect("updating or removing an endpoint id the mode does not have is not-found, and changes nothing", () =>
    Effect.gen(function* () {
      const { code } = yield* merchantWith("/kept")
      const before = yield* WebhookEndpoints.show(code)
      const unknown = { merchant: code, mode: "test", endpointId: "ep_00000000000000000000" } as const
      const updated = yield* Effect.flip(WebhookEndpoints.updateEndpoint({ ...unknown, url: `${base}/moved` }))
      const removed = yield* Effect.flip(WebhookEndpoints.removeEndpoint(unknown))
      // Another mode's endpoint is unknown in this one too.
      const otherMode = yield* Effect.flip(
        WebhookEndpoints.removeEndpoint({ ...unknown, mode: "live", endpointId: before.test.endpoints[0]!.id })
      )
      for (const failure of [updated, removed, otherMode]) {
        expect(ErrorCatalog.classify(failure).code).toBe("not-found")
      }
      expect(ErrorCatalog.entry("not-found").status).toBe(404)
      expect(yield* WebhookEndpoints.show(code)).toEqual(before)
    }).pipe(local, Effect.provide(layer()))
  )
})

describe("resends (issue 17 §4)", () => {
  it.effect("resend goes to the URL configured now, or to one given; resend-failed since T queues each dead one once", () =>
    Effect.gen(function* () {
      received = []
      yield* TestClock.setTime(Date.parse("2026-12-01T00:00:00Z"))
      const { code } = yield* merchantWith("/down/1")
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* TestClock.adjust(3_600_000)
      const since = Date.parse("2026-12-01T00:30:00Z")
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.deliverDue()
      expect((yield* Webhooks.history(code)).map((h) => h.delivery.status)).toEqual(["dead", "dead", "dead"])
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", url: `${base}/fixed` })
      const [newest] = yield* Webhooks.history(code)
      const explicit = yield* Webhooks.resend(code, newest!.delivery.id, { url: `${base}/elsewhere` })
      expect(explicit).toMatchObject({ url: `${base}/elsewhere`, endpointId: null })
      const badUrl = yield* Effect.flip(Webhooks.resend(code, newest!.delivery.id, { url: "ftp://x/" }))
      expect(badUrl._tag).toBe("InvalidInput")
      const first = yield* Webhooks.resendFailed({ merchant: code, since })
      expect(first.queued).toHaveLength(2)
      expect(first.alreadyHandled).toBe(0)
      const again = yield* Webhooks.resendFailed({ merchant: code, since })
      expect(again).toEqual({ queued: [], alreadyHandled: 2 })
      received = []
      yield* Webhooks.deliverDue()
      expect(received.map((r) => r.path).sort()).toEqual(["/elsewhere", "/fixed", "/fixed"])
      const audit = yield* Audit.list(code, { action: "webhook.resend-failed" })
      expect(audit[0]!.after).toMatchObject({ queued: 0, alreadyHandled: 2 })
    }).pipe(local, Effect.provide(layer()))
  )
})

// Regression (security re-probe): clearing a mode that has no endpoint wrote a new version and an
// audit entry that changed nothing.
describe("webhook settings that do not change", () => {
  it.effect("write nothing: no version, no audit entry", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Quiet Shop" })
      const { settings } = yield* WebhookEndpoints.set({ merchant: merchant.code, mode: "test", url: `${base}/quiet` })
      const entries = (yield* Audit.list(merchant.code)).length
      for (const input of [
        { mode: "live", url: null },
        { mode: "test", contentType: settings.test.contentType }
      ] as const) {
        expect((yield* WebhookEndpoints.set({ merchant: merchant.code, ...input })).settings.version).toBe(settings.version)
      }
      expect(yield* Audit.list(merchant.code)).toHaveLength(entries)
      const changed = yield* WebhookEndpoints.set({ merchant: merchant.code, mode: "test", contentType: "form" })
      expect(changed.settings.version).toBe(settings.version + 1)
    }).pipe(local, Effect.provide(layer()))
  )
})

describe("resend-failed input", () => {
  // Regression (HTTP probe): a `since` no Date holds answered 500 (the audit entry renders it), and
  // a bad `url` passed unchecked when no delivery had failed.
  it.effect("a since outside the timestamps, or a bad url, is InvalidInput before anything is read", () =>
    Effect.gen(function* () {
      const { code } = yield* merchantWith("/down/3")
      for (const since of [8_640_000_000_000_001, -8_640_000_000_000_001, -1, 1.5]) {
        const refused = yield* Effect.flip(Webhooks.resendFailed({ merchant: code, since }))
        expect(refused).toMatchObject({ _tag: "InvalidInput", field: "since" })
      }
      for (const url of ["junk", "ftp://x/"]) {
        const refused = yield* Effect.flip(Webhooks.resendFailed({ merchant: code, since: 0, url }))
        // The field the caller named (it said noticeUrls.0, a field of another call).
        expect(refused).toMatchObject({ _tag: "InvalidInput", field: "url" })
      }
      expect(yield* Webhooks.resendFailed({ merchant: code, since: 8_640_000_000_000_000 })).toEqual({ queued: [], alreadyHandled: 0 })
    }).pipe(local, Effect.provide(layer()))
  )
})

describe("resends that fail again", () => {
  it.effect("a message whose resend died too is queued again by the next resend-failed, once", () =>
    Effect.gen(function* () {
      received = []
      yield* TestClock.setTime(Date.parse("2026-12-02T00:00:00Z"))
      const since = Date.parse("2026-12-01T00:00:00Z")
      const { code } = yield* merchantWith("/down/2")
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.deliverDue()
      expect((yield* Webhooks.resendFailed({ merchant: code, since })).queued).toHaveLength(1)
      yield* Webhooks.deliverDue()
      expect((yield* Webhooks.history(code)).map((h) => h.delivery.status)).toEqual(["dead", "dead"])
      const second = yield* Webhooks.resendFailed({ merchant: code, since })
      expect(second.queued).toHaveLength(1)
      expect(second.alreadyHandled).toBe(1)
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", url: `${base}/fixed` })
      yield* Webhooks.deliverDue()
      // The receiver saw the two failed tries and then the one delivery.
      expect(received.map((r) => r.path)).toEqual(["/down/2", "/down/2", "/fixed"])
      expect((yield* Webhooks.history(code)).map((h) => h.delivery.status)).toEqual(["delivered", "dead", "dead"])
    }).pipe(local, Effect.provide(layer()))
  )
})

describe("endpoint health (issue 17 §5)", () => {
  it.effect("failing for 5 days disables an endpoint once: audit, event to the other endpoint, doctor; enable is explicit", () =>
    Effect.gen(function* () {
      received = []
      yield* TestClock.setTime(Date.parse("2026-12-01T00:00:00Z"))
      const { code } = yield* merchantWith("/down/hook")
      const other = yield* WebhookEndpoints.addEndpoint({
        merchant: code,
        mode: "test",
        url: `${base}/ops`,
        events: [WebhookEndpoints.endpointDisabledEvent]
      })
      const failing = (yield* WebhookEndpoints.show(code)).test.endpoints[0]!.id
      const day = 86_400_000
      // A failure a day; the fourth day's check is only a warning.
      for (let i = 0; i <= 4; i++) {
        yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
        yield* Webhooks.deliverDue()
        if (i === 4) break
        yield* TestClock.adjust(day)
      }
      const warned = yield* Doctor.check(code)
      expect(warned.findings.find((f) => f.check === "webhook-endpoint-failing")).toMatchObject({ endpoint: failing })
      expect((yield* WebhookEndpoints.show(code)).test.endpoints[0]).toMatchObject({ consecutiveFailures: 5, disabledAt: null })
      yield* TestClock.adjust(day)
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.deliverDue()
      const shown = (yield* WebhookEndpoints.show(code)).test.endpoints[0]!
      expect(shown.disabledAt).toBe(Date.parse("2026-12-06T00:00:00Z"))
      const entries = yield* Audit.list(code, { action: "webhook.endpoint.disabled" })
      expect(entries).toHaveLength(1)
      expect(entries[0]!.target).toBe(`test/${failing}`)
      const report = yield* Doctor.check(code)
      expect(report.findings.find((f) => f.check === "webhook-endpoint-disabled")).toMatchObject({ mode: "test", endpoint: failing })
      // The event went to the other endpoint, which receives only it.
      const ops = received.filter((r) => r.path === "/ops")
      expect(ops.map((r) => JSON.parse(r.body.toString()))).toEqual([
        expect.objectContaining({
          type: "Webhook.EndpointDisabled",
          data: expect.objectContaining({ endpointId: failing, origin: new URL(base).origin })
        })
      ])
      // Regression (webhook probe): it carried the disabled endpoint's whole URL to other parties.
      expect(ops[0]!.body.toString()).not.toContain("/down/hook")
      // While disabled, its deliveries are dead-lettered unsent.
      const before = received.length
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.deliverDue()
      expect(received.length).toBe(before)
      expect((yield* Webhooks.history(code, { limit: 1 }))[0]!.delivery.lastError).toMatch(/disabled on 2026-12-06/)
      yield* WebhookEndpoints.enableEndpoint({ merchant: code, mode: "test", endpointId: failing })
      expect((yield* WebhookEndpoints.show(code)).test.endpoints[0]).toMatchObject({ consecutiveFailures: 0, disabledAt: null })
      expect((yield* Doctor.check(code)).findings.some((f) => f.check.startsWith("webhook-endpoint"))).toBe(false)
      expect(other.endpointId).toMatch(/^ep_/)
    }).pipe(local, Effect.provide(layer()))
  )

  it.effect("a success in between starts the count again", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(0)
      const { code } = yield* merchantWith("/down/a")
      const day = 86_400_000
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.deliverDue()
      yield* TestClock.adjust(3 * day)
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", url: `${base}/up` })
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.deliverDue()
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", url: `${base}/down/b` })
      yield* TestClock.adjust(day)
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.deliverDue()
      yield* TestClock.adjust(3 * day)
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: paid })
      yield* Webhooks.deliverDue()
      // 7 days since the first failure, but only 3 since the success: still enabled.
      expect((yield* WebhookEndpoints.show(code)).test.endpoints[0]).toMatchObject({ consecutiveFailures: 2, disabledAt: null })
      expect(EndpointHealth.disableAfterDays).toBe(5)
    }).pipe(local, Effect.provide(layer()))
  )
})
