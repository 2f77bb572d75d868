import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Audit, Merchants, ResolverCache, WebhookEndpoints, WebhookSecrets, Webhooks } from "@paymux/admin"
import { AuditLog, Memory, Outbox, StoreError } from "@paymux/store"
import { WebhookSigner } from "@paymux/webhooks"
import { Context, Effect, Layer } from "effect"

// A loopback-only service on the host, as in the security review's H3 reproduction.
let server: Server
let base = ""
let hits: Array<string> = []

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume()
    req.on("end", () => {
      hits.push(req.url ?? "")
      if (req.url === "/redirect") res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" }).end("REDIRECT-BODY-SECRET")
      else if (req.url === "/gone") res.writeHead(410).end("gone for good")
      else res.writeHead(200).end("INTERNAL-ONLY-ADMIN-SECRET=hunter2\n")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const layer = () => Layer.merge(Memory.layer(), ResolverCache.layer())

const merchantWithUrl = (path: string) =>
  Effect.gen(function* () {
    const merchant = yield* Merchants.create({ name: "Hook Shop" })
    yield* WebhookEndpoints.set({ merchant: merchant.code, mode: "test", url: `${base}${path}` })
    return merchant.code
  })

describe("Webhooks: private targets (security H3)", () => {
  it.effect("by default (the HTTP server's setting) a test send to a loopback service is refused and returns no excerpt", () =>
    Effect.gen(function* () {
      hits = []
      const code = yield* merchantWithUrl("/secret")
      const result = yield* Webhooks.test(code, "test")
      expect(result).toMatchObject({ ok: false, httpStatus: null, responseExcerpt: "" })
      expect(result.error).toContain("loopback")
      expect(JSON.stringify(result)).not.toContain("hunter2")
      expect(hits).toEqual([])
    }).pipe(Effect.provide(layer()))
  )

  it.effect("with the operator's opt-in the same test send works; test-mode allows loopback for test URLs only", () =>
    Effect.gen(function* () {
      hits = []
      const code = yield* merchantWithUrl("/secret")
      const allowed = yield* Webhooks.test(code, "test", { privateTargets: "allow" })
      expect(allowed).toMatchObject({ ok: true, httpStatus: 200 })
      const local = yield* Webhooks.test(code, "test", { privateTargets: "test-mode" })
      expect(local).toMatchObject({ ok: true, httpStatus: 200 })
      expect(hits).toEqual(["/secret", "/secret"])
    }).pipe(Effect.provide(layer()))
  )

  it.effect("the host's PrivateTargets applies unless a call names its own policy, which wins for that call only", () =>
    Effect.gen(function* () {
      hits = []
      const code = yield* merchantWithUrl("/secret")
      const host = yield* Webhooks.test(code, "test")
      expect(host).toMatchObject({ ok: true, httpStatus: 200 })
      const refused = yield* Webhooks.test(code, "test", { privateTargets: "refuse" })
      expect(refused).toMatchObject({ ok: false, httpStatus: null })
      expect(refused.error).toContain("loopback")
      expect(hits).toEqual(["/secret"])
    }).pipe(Effect.provideService(Webhooks.PrivateTargets, "allow"), Effect.provide(layer()))
  )

  it.effect("a redirecting receiver is reported without its body, and the redirect is not followed", () =>
    Effect.gen(function* () {
      hits = []
      const code = yield* merchantWithUrl("/redirect")
      const result = yield* Webhooks.test(code, "test", { privateTargets: "allow" })
      expect(result).toMatchObject({ ok: false, httpStatus: 302, responseExcerpt: "" })
      expect(hits).toEqual(["/redirect"])
    }).pipe(Effect.provide(layer()))
  )

  it.effect("queued deliveries follow the same policy: refused by default, recorded without an excerpt", () =>
    Effect.gen(function* () {
      hits = []
      const code = yield* merchantWithUrl("/secret")
      const queued = yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}" })
      expect((yield* Webhooks.deliverDue()).attempted).toBe(1)
      const [h] = yield* Webhooks.history(code)
      expect(h!.delivery).toMatchObject({ id: queued[0]!.id, status: "dead" })
      expect(h!.attempts).toHaveLength(1)
      expect(h!.attempts[0]).toMatchObject({ outcome: "failed", httpStatus: null, responseExcerpt: "" })
      expect(hits).toEqual([])
    }).pipe(Effect.provide(layer()))
  )
})

describe("Webhooks: deliveries follow the URL configured now (security M7)", () => {
  it.effect("a resend after the merchant fixed the URL goes to the new URL; each attempt records its URL", () =>
    Effect.gen(function* () {
      hits = []
      const code = yield* merchantWithUrl("/gone")
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}" })
      yield* Webhooks.deliverDue()
      const [dead] = yield* Webhooks.history(code)
      expect(dead!.delivery.status).toBe("dead")
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", url: `${base}/ok?k=resend` })
      const again = yield* Webhooks.resend(code, dead!.delivery.id)
      yield* Webhooks.deliverDue()
      const after = (yield* Webhooks.history(code)).find((x) => x.delivery.id === again.id)!
      expect(after.delivery.status).toBe("delivered")
      expect(after.attempts.map((a) => a.url)).toEqual([`${base}/ok?k=resend`])
      expect(dead!.attempts.map((a) => a.url)).toEqual([`${base}/gone`])
      expect(hits).toEqual(["/gone", "/ok?k=resend"])
    }).pipe(Effect.provideService(Webhooks.PrivateTargets, "test-mode"), Effect.provide(layer()))
  )

  // Regression (webhook probe): after `webhook set --clear` and `--url` again (a new endpoint), a
  // delivery for the old endpoint died as "no test webhook URL is configured any more".
  it.effect("a delivery whose endpoint was removed while the mode has another is dead-lettered naming its endpoint", () =>
    Effect.gen(function* () {
      hits = []
      const code = yield* merchantWithUrl("/old")
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}" })
      const [queued] = yield* Webhooks.history(code)
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", url: null })
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", url: `${base}/old` })
      yield* Webhooks.deliverDue()
      const [latest] = yield* Webhooks.history(code)
      expect(latest!.delivery).toMatchObject({
        status: "dead",
        lastError: `the test endpoint ${queued!.delivery.endpointId} it was for was removed; resend it with a URL to send it to one`
      })
      expect(hits).toEqual([])
    }).pipe(Effect.provideService(Webhooks.PrivateTargets, "test-mode"), Effect.provide(layer()))
  )

  it.effect("a pending delivery goes to the URL set after it was queued; with the URL removed it is dead-lettered unsent", () =>
    Effect.gen(function* () {
      hits = []
      const code = yield* merchantWithUrl("/old")
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}" })
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", url: `${base}/new` })
      yield* Webhooks.deliverDue()
      expect(hits).toEqual(["/new"])
      yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}" })
      yield* WebhookEndpoints.set({ merchant: code, mode: "test", url: null })
      yield* Webhooks.deliverDue()
      const [latest] = yield* Webhooks.history(code)
      expect(latest!.delivery).toMatchObject({ status: "dead", lastError: "no test webhook URL is configured any more" })
      expect(latest!.attempts).toEqual([])
      expect(hits).toEqual(["/new"])
    }).pipe(Effect.provideService(Webhooks.PrivateTargets, "test-mode"), Effect.provide(layer()))
  )
})

describe("Webhooks: outbox errors", () => {
  it.effect("reach the caller as the store's own error, not flattened to Unavailable", () => {
    const conflict = StoreError.conflict("delivery", "d1", "already exists")
    const memory = Memory.make()
    const failing = Outbox.Outbox.of({ ...Context.get(memory, Outbox.Outbox), enqueue: () => Effect.fail(conflict) })
    const store = Layer.succeedContext(Context.add(memory, Outbox.Outbox, failing))
    return Effect.gen(function* () {
      const code = yield* merchantWithUrl("/ok")
      const error = yield* Effect.flip(Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}" }))
      expect(error).toBe(conflict)
      const missing = yield* Effect.flip(Webhooks.resend(code, "no-such-delivery"))
      expect(missing._tag === "StoreError" && missing.reason).toEqual({ _tag: "NotFound", entity: "delivery", id: "no-such-delivery" })
    }).pipe(Effect.provide(Layer.merge(store, ResolverCache.layer())))
  })
})

it.effect("a message goes to all its endpoints or none: a failed enqueue leaves no delivery a retry would duplicate", () => {
  const busy = StoreError.unavailable("database is locked")
  const memory = Memory.make()
  const outbox = Context.get(memory, Outbox.Outbox)
  let enqueues = 0
  const thirdFails = Outbox.Outbox.of({
    ...outbox,
    enqueue: (delivery, now) => (++enqueues === 3 ? Effect.fail(busy) : outbox.enqueue(delivery, now))
  })
  const store = Layer.succeedContext(Context.add(memory, Outbox.Outbox, thirdFails))
  return Effect.gen(function* () {
    const code = yield* merchantWithUrl("/a")
    for (const path of ["/b", "/c", "/d"]) yield* WebhookEndpoints.addEndpoint({ merchant: code, mode: "test", url: `${base}${path}` })
    const error = yield* Effect.flip(Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}" }))
    expect(error).toBe(busy)
    expect(yield* Webhooks.history(code)).toEqual([])
    // The retry the error invites sends the message once to each endpoint.
    const sent = yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}" })
    expect(sent.map((d) => new URL(d.url).pathname).sort()).toEqual(["/a", "/b", "/c", "/d"])
    expect((yield* Webhooks.history(code)).length).toBe(4)
  }).pipe(Effect.provide(Layer.merge(store, ResolverCache.layer())))
})

it.effect("a resend and its audit entry commit together: no resend without its entry", () => {
  const busy = StoreError.unavailable("database is locked")
  const memory = Memory.make()
  const log = Context.get(memory, AuditLog.AuditLog)
  const auditDown = AuditLog.AuditLog.of({
    ...log,
    append: (entry) => (entry.action === "webhook.resend" ? Effect.fail(busy) : log.append(entry))
  })
  const store = Layer.succeedContext(Context.add(memory, AuditLog.AuditLog, auditDown))
  return Effect.gen(function* () {
    const code = yield* merchantWithUrl("/a")
    const [original] = yield* Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}" })
    expect(yield* Effect.flip(Webhooks.resend(code, original!.id))).toBe(busy)
    expect((yield* Webhooks.history(code)).map((h) => h.delivery.id)).toEqual([original!.id])
  }).pipe(Effect.provide(Layer.merge(store, ResolverCache.layer())))
})

describe("Webhooks: signing secret rotation", () => {
  it.effect("rotate, retire, and the steps the secrets refuse are rule violations (nothing was being sent)", () =>
    Effect.gen(function* () {
      const code = yield* merchantWithUrl("/hook")
      const refused = (self: Effect.Effect<unknown, unknown, any>) => Effect.flip(self)
      expect(yield* refused(WebhookSecrets.retire(code, "test"))).toMatchObject({ _tag: "RuleViolation", rule: "webhook-secret-rotation" })
      yield* WebhookSecrets.rotate(code, "test")
      expect(yield* refused(WebhookSecrets.rotate(code, "test"))).toMatchObject({ _tag: "RuleViolation", rule: "webhook-secret-rotation" })
      yield* WebhookSecrets.retire(code, "test")
      expect(yield* refused(WebhookSecrets.rotate(code, "live"))).toMatchObject({ _tag: "RuleViolation", rule: "no-webhook-secret" })
    }).pipe(Effect.provide(layer()))
  )

  // Crash probe, finding 1: a rotation whose new secret was lost could only be retired, which left
  // that unknown secret signing alone.
  it.effect("a cancelled rotation signs with the older secret alone again, audited; with one secret there is no rotation to cancel", () =>
    Effect.gen(function* () {
      const code = yield* merchantWithUrl("/hook")
      const message = { id: "msg_1", timestamp: 1_700_000_000, body: "{}" }
      const before = (yield* WebhookSecrets.signerFor(code, "test")).signature(message)
      const lost = yield* WebhookSecrets.rotate(code, "test")
      const newer = WebhookSigner.make({ secrets: [lost] }).signature(message)
      expect((yield* WebhookSecrets.signerFor(code, "test")).signature(message)).toBe(`${before} ${newer}`)
      yield* WebhookSecrets.cancelRotation(code, "test")
      expect((yield* WebhookSecrets.signerFor(code, "test")).signature(message)).toBe(before)
      expect((yield* Audit.list(code, { action: "webhook.secret.cancel-rotation" })).map((e) => [e.target, e.before, e.after])).toEqual([
        ["test", { activeSecrets: 2 }, { activeSecrets: 1 }]
      ])
      expect(yield* Effect.flip(WebhookSecrets.cancelRotation(code, "test"))).toMatchObject({
        _tag: "RuleViolation",
        rule: "webhook-secret-rotation",
        detail: "only one secret is active; no rotation to cancel"
      })
      expect(yield* Effect.flip(WebhookSecrets.cancelRotation(code, "live"))).toMatchObject({
        _tag: "RuleViolation",
        rule: "no-webhook-secret"
      })
      // Then rotate again: two sign, the older first.
      yield* WebhookSecrets.rotate(code, "test")
      const again = (yield* WebhookSecrets.signerFor(code, "test")).signature(message).split(" ")
      expect([again.length, again[0], again[1] === newer]).toEqual([2, before, false])
    }).pipe(Effect.provide(layer()))
  )
})

describe("Webhooks.pruneDeliveries (soak probe F2: nothing ever left the outbox)", () => {
  it.effect("deletes every finished delivery changed before the cutoff, batch after batch, and keeps pending ones", () =>
    Effect.gen(function* () {
      const outbox = yield* Outbox.Outbox
      const queue = (i: number, at: number) =>
        outbox.enqueue(
          { messageId: `msg_${i}`, mode: "test", url: "https://hook.example/", eventType: "Transaction.Paid", payload: "{}" },
          at
        )
      const finished = Webhooks.pruneBatch + 5
      for (let i = 0; i < finished; i++) yield* queue(i, 1)
      for (const d of yield* outbox.claim({ workerId: "w", now: 2, leaseMillis: 60_000, limit: finished })) {
        yield* outbox.recordAttempt(
          {
            deliveryId: d.id,
            number: 1,
            workerId: "w",
            url: d.url,
            startedAt: 2,
            latencyMillis: 1,
            httpStatus: 200,
            error: null,
            responseExcerpt: "",
            outcome: "delivered"
          },
          { now: 3, next: { _tag: "Complete" } }
        )
      }
      const pending = yield* queue(finished, 4)
      expect(yield* Webhooks.pruneDeliveries(3)).toEqual({ deleted: 0 })
      expect(yield* Webhooks.pruneDeliveries(10)).toEqual({ deleted: finished })
      expect((yield* outbox.history({})).map((h) => h.delivery.id)).toEqual([pending.id])
      expect((yield* Effect.flip(Webhooks.pruneDeliveries(Number.NaN)))._tag).toBe("InvalidInput")
    }).pipe(Effect.provide(layer()))
  )
})

// Regression (security re-probe): in a form mode, a Transaction.Paid without the ids V1's fields
// need answered "queued nothing" (202 []), and the notification was lost without a word.
describe("Webhooks: a form mode and events V1 sent", () => {
  it.effect("refuses one whose data lacks V1's ids, queues a whole one, and skips an event V1 never sent", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Form Shop" })
      yield* WebhookEndpoints.set({ merchant: merchant.code, mode: "test", url: `${base}/form`, contentType: "form" })
      const emit = (type: string, data: unknown) => Webhooks.emitEvent({ merchant: merchant.code, mode: "test", type, data })
      // A payload given as text is not parsed by its type, so the form mode's own check speaks.
      const refused = yield* Effect.flip(
        Webhooks.emit({
          merchant: merchant.code,
          mode: "test",
          eventType: "Transaction.Paid",
          payload: JSON.stringify({ type: "Transaction.Paid", timestamp: "2026-12-07T00:00:00.000Z", data: { paymentId: "pay_1" } })
        })
      )
      expect(refused._tag === "InvalidInput" && [refused.field, refused.rule]).toEqual([
        "data",
        "the test mode sends V1's form fields, and a Transaction.Paid event needs data.transactionId and data.paymentId for them"
      ])
      expect(yield* emit("Transaction.Paid", { storeId: "s", paymentId: "pay_1", transactionId: "tx_1" })).toHaveLength(1)
      expect(yield* emit("BillingKey.Issued", { billingKey: "bk" })).toEqual([])
    }).pipe(Effect.provideService(Webhooks.PrivateTargets, "test-mode"), Effect.provide(layer()))
  )
})

// Regression (store probe): a lone surrogate in the subject or the payload was queued, and the SQL
// stores gave it back as U+FFFD: the receiver got other text than the caller emitted.
describe("Webhooks.emit: text kept as given", () => {
  it.effect("refuses a subject or payload with a lone surrogate, and queues nothing", () =>
    Effect.gen(function* () {
      const code = yield* merchantWithUrl("/ok")
      const subject = yield* Effect.flip(
        Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: "{}", subject: "pay-\uD800" })
      )
      expect(subject).toMatchObject({ _tag: "InvalidInput", field: "subject" })
      const payload = yield* Effect.flip(
        Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload: '{"name":"\uDC00"}' })
      )
      expect(payload).toMatchObject({ _tag: "InvalidInput", field: "payload" })
      expect(yield* Webhooks.history(code)).toEqual([])
      // A surrogate pair is whole text.
      expect(
        yield* Webhooks.emit({
          merchant: code,
          mode: "test",
          eventType: "Transaction.Paid",
          payload: '{"name":"\uD83D\uDE00"}',
          subject: "pay-\uD83D\uDE00"
        })
      ).toHaveLength(1)
    }).pipe(Effect.provide(layer()))
  )
})

// Regression (limits probe, finding 3): a notification's data could fill the 1 MiB request body,
// and the outbox kept it once per target: 9.5 MiB of requests to 10 endpoints stored 99 MiB.
describe("Webhooks.emit: the payload's size", () => {
  /** JSON of exactly `bytes` bytes in UTF-8, padded with `char` (three bytes for 가). */
  const jsonOf = (bytes: number, char = "x") => {
    const room = bytes - JSON.stringify({ pad: "" }).length
    const wide = Math.floor(room / Buffer.byteLength(char))
    return JSON.stringify({ pad: char.repeat(wide) + "x".repeat(room - wide * Buffer.byteLength(char)) })
  }

  it.effect("queues 64 KiB of JSON and refuses a byte more, counted in UTF-8, naming the field and the limit", () =>
    Effect.gen(function* () {
      const code = yield* merchantWithUrl("/ok")
      const emit = (payload: string) => Webhooks.emit({ merchant: code, mode: "test", eventType: "Transaction.Paid", payload })
      expect(Webhooks.maxPayloadBytes).toBe(65_536)
      for (const payload of [jsonOf(65_537), jsonOf(65_537, "가"), jsonOf(1_000_000)]) {
        const refused = yield* Effect.flip(emit(payload))
        expect(refused).toMatchObject({ _tag: "InvalidInput", field: "payload", value: `${Buffer.byteLength(payload)} bytes` })
        expect(refused._tag === "InvalidInput" && refused.rule).toContain("at most 65536 bytes (64 KiB)")
      }
      // Three bytes a character: fewer characters than the limit, more bytes.
      expect(jsonOf(65_537, "가").length).toBeLessThan(65_536)
      expect(yield* Webhooks.history(code)).toEqual([])
      expect(yield* emit(jsonOf(65_536))).toHaveLength(1)
      expect(yield* emit(jsonOf(65_536, "가"))).toHaveLength(1)
    }).pipe(Effect.provide(layer()))
  )

  it.effect("emitEvent refuses data that makes the event larger, on data (the field its caller gave)", () =>
    Effect.gen(function* () {
      const code = yield* merchantWithUrl("/ok")
      const data = { storeId: "s", paymentId: "pay_1", transactionId: "tx_1", receipt: "x".repeat(65_536) }
      const refused = yield* Effect.flip(Webhooks.emitEvent({ merchant: code, mode: "test", type: "Transaction.Paid", data }))
      expect(refused).toMatchObject({ _tag: "InvalidInput", field: "data" })
      expect(refused.message).toContain("at most 65536 bytes (64 KiB)")
      expect(yield* Webhooks.history(code)).toEqual([])
      const { receipt: _, ...ids } = data
      expect(yield* Webhooks.emitEvent({ merchant: code, mode: "test", type: "Transaction.Paid", data: ids })).toHaveLength(1)
    }).pipe(Effect.provide(layer()))
  )
})
