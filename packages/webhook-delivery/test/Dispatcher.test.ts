import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, type Exit, Fiber, Logger, References, Result, Tracer } from "effect"
import { TestClock } from "effect/testing"
import { Webhook as StandardWebhook } from "standardwebhooks"
import { type Delivery, Outbox, StoreError } from "@paymux/store"
import { WebhookSecret } from "@paymux/webhooks"
import { Dispatcher } from "../src/index.ts"
import { enqueue, fixedRandom, memoryOutbox, receiver, secret, signer, verifier, waitUntil } from "./fixtures/harness.ts"

// The receivers listen on 127.0.0.1: test-mode deliveries may go to loopback here.
const base = { signer, pollIntervalMillis: 1000, shutdownGraceMillis: 0, concurrency: 4, privateTargets: "test-mode" } as const

const setup = (fallback?: Parameters<typeof receiver>[0]) =>
  Effect.gen(function* () {
    const r = yield* receiver(fallback)
    const outbox = memoryOutbox()
    return { r, outbox }
  })

const statusOf = (outbox: Outbox.OutboxShape, id: string) => Effect.map(outbox.get(id), (h) => h.delivery)

describe("Dispatcher", () => {
  // Review of the store's checks: a lease the outbox refuses (1.5 ms) made every claim fail, and
  // the dispatcher only logged a warning on each poll.
  it.effect("refuses a lease that is not a whole number of milliseconds before it claims anything", () =>
    Effect.gen(function* () {
      const outbox = memoryOutbox()
      for (const leaseMillis of [1.5, 0, Number.POSITIVE_INFINITY]) {
        const exit = yield* Effect.exit(Dispatcher.drain({ ...base, leaseMillis }).pipe(Effect.provideService(Outbox.Outbox, outbox)))
        expect(exit._tag === "Failure" && String(exit.cause)).toContain("leaseMillis must be a whole number")
      }
    })
  )

  // Noticed with finding 5: the other counts and times were not checked either. A concurrency of
  // NaN left no fiber free to claim (nothing was ever sent); a batch size of 0 claimed nothing.
  it.effect("refuses a count or time option that is not a whole number in range before it claims anything", () =>
    Effect.gen(function* () {
      const outbox = memoryOutbox()
      const bad = [
        ["concurrency", Number.NaN],
        ["concurrency", 0],
        ["batchSize", 1.5],
        ["batchSize", 0],
        ["pollIntervalMillis", -1],
        ["connectTimeoutMillis", Number.POSITIVE_INFINITY],
        ["readTimeoutMillis", 0],
        ["shutdownGraceMillis", Number.NaN]
      ] as const
      for (const [name, value] of bad) {
        const exit = yield* Effect.exit(Dispatcher.drain({ ...base, [name]: value }).pipe(Effect.provideService(Outbox.Outbox, outbox)))
        expect(exit._tag === "Failure" && String(exit.cause), `${name}: ${value}`).toContain(`RangeError: ${name} must be a whole number`)
      }
      // The edges that are allowed: no wait between polls, and no grace at shutdown.
      const fine = yield* Effect.exit(
        Dispatcher.drain({ ...base, pollIntervalMillis: 0, shutdownGraceMillis: 0 }).pipe(Effect.provideService(Outbox.Outbox, outbox))
      )
      expect(fine._tag).toBe("Success")
    })
  )

  // Time probe, finding 5: a step of NaN (a config string that is not a number), Infinity, below 0
  // or far too long gave a retry time the store refuses, so no failed attempt was ever recorded and
  // the delivery went out again on every lease lapse, never dead-lettered.
  it.effect("refuses a schedule step that is not a number of minutes from 0 to a week before it claims anything", () =>
    Effect.gen(function* () {
      const outbox = memoryOutbox()
      const run = (scheduleMinutes: ReadonlyArray<number>) =>
        Effect.exit(Dispatcher.drain({ ...base, scheduleMinutes }).pipe(Effect.provideService(Outbox.Outbox, outbox)))
      for (const [scheduleMinutes, bad] of [
        [[Number.NaN], "NaN"],
        [[1, Number.POSITIVE_INFINITY], "Infinity"],
        [[-1], "-1"],
        [[1e12], "1000000000000"],
        [[1, 4, 10_081], "10081"]
      ] as const) {
        const exit = yield* run(scheduleMinutes)
        expect(exit._tag === "Failure" && String(exit.cause)).toContain(
          `RangeError: scheduleMinutes must hold numbers of minutes from 0 to 10080 (a week), got ${bad}`
        )
      }
      // The same check when the dispatcher starts as a worker.
      const started = yield* Effect.exit(
        Dispatcher.start({ ...base, scheduleMinutes: [Number.NaN] }).pipe(Effect.provideService(Outbox.Outbox, outbox), Effect.scoped)
      )
      expect(started._tag === "Failure" && String(started.cause)).toContain("scheduleMinutes must hold numbers of minutes")
      for (const scheduleMinutes of [[], [0], [0.5, 10_080]]) {
        expect(yield* run(scheduleMinutes)).toMatchObject({ _tag: "Success" })
      }
    })
  )

  // The same finding, end to end: with the longest step allowed a failed attempt is recorded and
  // scheduled (it was never recorded at all with a step of 1e12).
  it.effect("records a failed attempt and schedules its retry with the longest step allowed", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 503 })
      const [d] = yield* enqueue(outbox, r.url, 1)
      const report = yield* Dispatcher.drain({ ...base, scheduleMinutes: [10_080] }).pipe(
        fixedRandom(0.999_999_999),
        Effect.provideService(Outbox.Outbox, outbox)
      )
      expect(report).toEqual({ attempted: 1, delivered: 0, retrying: 1, deadLettered: 0, unrecorded: 0, claimFailed: false })
      const { attempts, delivery } = yield* outbox.get(d!.id)
      expect(attempts.map((a) => a.httpStatus)).toEqual([503])
      expect(delivery.nextAttemptAt).toBe(Math.floor(10_080 * 60_000 * 0.999_999_999))
    }).pipe(Effect.scoped)
  )

  it.effect("POSTs signed, verifiable headers and records the attempt", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse("2024-06-01T00:00:00Z"))
      const { outbox, r } = yield* setup({ _tag: "Status", status: 200, body: "thanks" + "!".repeat(3000) })
      const [d] = yield* enqueue(outbox, r.url, 1, yield* Clock.currentTimeMillis)
      yield* Dispatcher.start(base).pipe(Effect.provideService(Outbox.Outbox, outbox))
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.status === "delivered"))
      const got = r.received[0]!
      expect(got.headers["webhook-id"]).toBe(d!.messageId)
      expect(got.headers["content-type"]).toBe("application/json")
      const now = yield* Clock.currentTimeMillis
      expect(Result.isSuccess(verifier.verify(got.body, got.headers, { now }))).toBe(true)
      const { attempts } = yield* outbox.get(d!.id)
      expect(attempts).toHaveLength(1)
      expect(attempts[0]).toMatchObject({ number: 1, httpStatus: 200, outcome: "delivered", error: null })
      expect(Buffer.byteLength(attempts[0]!.responseExcerpt)).toBe(1024)
      expect(attempts[0]!.latencyMillis).toBeGreaterThanOrEqual(0)
    }).pipe(Effect.scoped)
  )

  // Regression (webhook probe): an answer holding NUL was kept as it came; PostgreSQL's text cannot
  // hold NUL, so the attempt was never recorded and the message went out again every lease period.
  it.effect("keeps a NUL in the answer as U+FFFD in the excerpt", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 200, body: "ok\u0000tail" })
      const [d] = yield* enqueue(outbox, r.url, 1)
      yield* Dispatcher.drain(base).pipe(Effect.provideService(Outbox.Outbox, outbox))
      const { attempts } = yield* outbox.get(d!.id)
      expect(attempts.map((a) => a.responseExcerpt)).toEqual(["ok\uFFFDtail"])
    }).pipe(Effect.scoped)
  )

  it.effect("drain makes one attempt at every due delivery, leaves retries queued and reports what became of each", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 200 })
      r.script.push({ _tag: "Status", status: 500, body: "last" }, { _tag: "Status", status: 500, body: "later" })
      // Claimed first, it meets the first 500; its only attempt failed, so it is dead-lettered.
      const last = yield* outbox.enqueue(
        { mode: "test", url: r.url, eventType: "Transaction.Paid", subject: "last", payload: "{}", maxAttempts: 1 },
        0
      )
      const ds = yield* enqueue(outbox, r.url, 5)
      const report = yield* Dispatcher.drain({ ...base, concurrency: 1 }).pipe(Effect.provideService(Outbox.Outbox, outbox))
      expect(report).toEqual({ attempted: 6, delivered: 4, retrying: 1, deadLettered: 1, unrecorded: 0, claimFailed: false })
      const statuses = yield* Effect.forEach([...ds, last], (d) => Effect.map(statusOf(outbox, d.id), (x) => x.status))
      expect(statuses.filter((x) => x === "delivered")).toHaveLength(4)
      expect(statuses.filter((x) => x === "pending")).toHaveLength(1)
      expect(statuses.at(-1)).toBe("dead")
      expect(r.received).toHaveLength(6)
      expect((yield* Dispatcher.drain(base).pipe(Effect.provideService(Outbox.Outbox, outbox))).attempted).toBe(0)
    }).pipe(fixedRandom(0.5), Effect.scoped)
  )

  // A 4xx is retried like a 5xx: PortOne resends on merchant errors too, so a receiver answering
  // 404 while it is being deployed gets the message later (conformance audit 2026-12, A7; earlier
  // builds dead-lettered it at once).
  it.effect("retries 500 and 404 on the jittered schedule with the same webhook-id, then delivers", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup()
      r.script.push({ _tag: "Status", status: 500, body: "boom" }, { _tag: "Status", status: 404 })
      const [d] = yield* enqueue(outbox, r.url, 1)
      yield* Dispatcher.start(base).pipe(Effect.provideService(Outbox.Outbox, outbox))
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.attempts === 1))
      expect((yield* statusOf(outbox, d!.id)).nextAttemptAt).toBe(30_000) // 1 min × 0.5
      yield* TestClock.adjust(30_000)
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.attempts === 2))
      expect((yield* statusOf(outbox, d!.id)).nextAttemptAt).toBe(30_000 + 120_000) // 4 min × 0.5
      yield* TestClock.adjust(120_000)
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.status === "delivered"))
      const { attempts } = yield* outbox.get(d!.id)
      expect(attempts.map((a) => [a.httpStatus, a.outcome])).toEqual([
        [500, "retry"],
        [404, "retry"],
        [200, "delivered"]
      ])
      expect(attempts[0]!.responseExcerpt).toBe("boom")
      expect(new Set(r.received.map((x) => x.headers["webhook-id"]))).toEqual(new Set([d!.messageId]))
    }).pipe(fixedRandom(0.5), Effect.scoped)
  )

  // Regression (ops probe): a receiver answering 500 left nothing in the dispatcher's log.
  it.effect("logs a failed attempt as a warning: the delivery, the receiver's origin (no path or query) and the answer", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup()
      r.script.push({ _tag: "Status", status: 500, body: "boom" })
      const [d] = yield* enqueue(outbox, `${r.url}/hook?token=SECRETTOKEN`, 1)
      const lines: Array<string> = []
      const capture = Logger.make(({ logLevel, message }) => void lines.push(`${logLevel} ${[message].flat().join(" ")}`))
      yield* Dispatcher.start(base).pipe(Effect.provideService(Outbox.Outbox, outbox), Effect.provide(Logger.layer([capture])))
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.attempts === 1))
      expect(lines).toEqual([`Warn webhook delivery ${d!.id} to ${new URL(r.url).origin}: answered HTTP 500 (retry)`])
    }).pipe(fixedRandom(0.5), Effect.scoped)
  )

  // Regression (telemetry probe): the line named only the delivery id and the receiver's origin, and
  // no span stood for the attempt, so an operator could not tell the merchant, event or attempt.
  it.effect("an attempt's log lines carry its merchant, delivery, event and attempt number; a tracer sees it as one span", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup()
      r.script.push({ _tag: "Status", status: 500, body: "boom" })
      const [d] = yield* enqueue(outbox, `${r.url}/hook?token=SECRETTOKEN`, 1)
      const annotations: Array<Record<string, unknown>> = []
      const capture = Logger.make(({ fiber }) => void annotations.push({ ...fiber.getRef(References.CurrentLogAnnotations) }))
      const spans: Array<{ name: string; attributes: Record<string, unknown> }> = []
      class Recording extends Tracer.NativeSpan {
        override end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
          spans.push({ name: this.name, attributes: Object.fromEntries(this.attributes) })
          super.end(endTime, exit)
        }
      }
      const tracer = Tracer.make({ span: (options) => new Recording(options) })
      yield* Dispatcher.drain(base).pipe(
        Effect.provideService(Outbox.Outbox, outbox),
        Effect.provide(Logger.layer([capture])),
        Effect.withTracer(tracer)
      )
      const expected = {
        merchant: d!.merchant ?? "",
        deliveryId: d!.id,
        webhookId: d!.messageId,
        mode: d!.mode,
        eventType: d!.eventType,
        endpointId: "",
        attempt: `1/${d!.maxAttempts}`
      }
      expect(annotations).toEqual([expected])
      expect(spans.filter((x) => x.name === "webhook.deliver")).toEqual([{ name: "webhook.deliver", attributes: expected }])
      expect(JSON.stringify([annotations, spans])).not.toContain("SECRETTOKEN")
    }).pipe(fixedRandom(0.5), Effect.scoped)
  )

  // Regression (webhook probe, PostgreSQL): a connection lost inside the claim's transaction made
  // its failed rollback a defect, which ended the claimer; the process lived on and sent nothing.
  it.effect("a claim that dies is logged and the next poll claims again", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 200 })
      let claims = 0
      const dying: Outbox.OutboxShape = {
        ...outbox,
        claim: (options) => (++claims === 1 ? Effect.die(new Error("rollback failed: connection lost")) : outbox.claim(options))
      }
      const [d] = yield* enqueue(outbox, r.url, 1)
      const lines: Array<string> = []
      const capture = Logger.make(({ logLevel, message }) => void lines.push(`${logLevel} ${[message].flat().join(" ")}`))
      yield* Dispatcher.start({ ...base, pollIntervalMillis: 10 }).pipe(
        Effect.provideService(Outbox.Outbox, dying),
        Effect.provide(Logger.layer([capture]))
      )
      yield* waitUntil(Effect.sync(() => lines.length > 0))
      expect(lines[0]).toMatch(/^Warn webhook claim failed/)
      yield* TestClock.adjust(10) // the next poll
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.status === "delivered"))
    }).pipe(Effect.scoped)
  )

  // Regression (webhook probe): a refusal was logged with its message, which quotes the URL's path
  // (where a receiver may keep a token), though the log line names the origin only.
  it.effect("logs a refused URL with the refusal's reason, never the URL's path", () =>
    Effect.gen(function* () {
      const { outbox } = yield* setup()
      const d = yield* outbox.enqueue(
        { mode: "live", url: "http://127.0.0.1:9/hooks/sk_live_PATHTOKEN", eventType: "x", payload: "{}" },
        yield* Clock.currentTimeMillis
      )
      const lines: Array<string> = []
      const capture = Logger.make(({ logLevel, message }) => void lines.push(`${logLevel} ${[message].flat().join(" ")}`))
      yield* Dispatcher.drain(base).pipe(Effect.provideService(Outbox.Outbox, outbox), Effect.provide(Logger.layer([capture])))
      expect(lines).toEqual([`Warn webhook delivery ${d.id} to http://127.0.0.1:9: refused: live endpoints must use https (failed)`])
      expect((yield* outbox.get(d.id)).attempts[0]!.error).toContain("/hooks/sk_live_PATHTOKEN")
    }).pipe(Effect.scoped)
  )

  it.effect("honours Retry-After on 429 and treats 408 as retryable", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup()
      r.script.push({ _tag: "Status", status: 429, headers: { "retry-after": "120" } }, { _tag: "Status", status: 408 })
      const [d] = yield* enqueue(outbox, r.url, 1)
      yield* Dispatcher.start(base).pipe(Effect.provideService(Outbox.Outbox, outbox))
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.attempts === 1))
      expect((yield* statusOf(outbox, d!.id)).nextAttemptAt).toBe(120_000)
      yield* TestClock.adjust(120_000)
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.attempts === 2))
      expect((yield* statusOf(outbox, d!.id)).nextAttemptAt).toBe(120_000) // 4 min × 0 jitter
      yield* TestClock.adjust(1000) // the next poll
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.status === "delivered"))
    }).pipe(fixedRandom(0), Effect.scoped)
  )

  it.effect("dead-letters after the sixth attempt and records each one", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 502 })
      const [d] = yield* enqueue(outbox, r.url, 1)
      yield* Dispatcher.start(base).pipe(Effect.provideService(Outbox.Outbox, outbox))
      for (const [n, minutes] of [
        [1, 1],
        [2, 4],
        [3, 16],
        [4, 64],
        [5, 256]
      ] as const) {
        yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.attempts === n))
        yield* TestClock.adjust(minutes * 60_000)
      }
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.status === "dead"))
      const { attempts, delivery } = yield* outbox.get(d!.id)
      expect(attempts).toHaveLength(6)
      expect(delivery.lastError).toContain("gave up after 6 attempt(s): HTTP 502")
      expect(r.received.every((x) => x.headers["webhook-id"] === d!.messageId)).toBe(true)
    }).pipe(fixedRandom(0.999), Effect.scoped)
  )

  it.effect("a schedule shorter than the delivery's attempts repeats its last step: the delivery still gets all six", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 502 })
      const [d] = yield* enqueue(outbox, r.url, 1)
      yield* Dispatcher.start({ ...base, scheduleMinutes: [1] }).pipe(Effect.provideService(Outbox.Outbox, outbox))
      for (let n = 1; n <= 5; n++) {
        yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.attempts === n))
        expect((yield* statusOf(outbox, d!.id)).status).toBe("pending")
        yield* TestClock.adjust(60_000)
      }
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.status === "dead"))
      const { attempts, delivery } = yield* outbox.get(d!.id)
      expect([attempts.length, delivery.maxAttempts]).toEqual([6, 6])
      expect(delivery.lastError).toContain("gave up after 6 attempt(s)")
    }).pipe(fixedRandom(0.999), Effect.scoped)
  )

  it.effect("records network errors: hung receiver (total timeout) and destroyed socket", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup()
      r.script.push({ _tag: "Hang" }, { _tag: "Destroy" })
      const [d] = yield* enqueue(outbox, r.url, 1)
      yield* Dispatcher.start({ ...base, readTimeoutMillis: 200 }).pipe(Effect.provideService(Outbox.Outbox, outbox))
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.attempts === 1))
      yield* TestClock.adjust(60_000)
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.attempts === 2))
      yield* TestClock.adjust(240_000)
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.status === "delivered"))
      const { attempts } = yield* outbox.get(d!.id)
      expect(attempts[0]).toMatchObject({ httpStatus: null, outcome: "retry", error: "read timeout after 200 ms" })
      expect(attempts[1]).toMatchObject({ httpStatus: null, outcome: "retry" })
      expect(attempts[1]!.error).toBeTruthy()
    }).pipe(fixedRandom(0.999), Effect.scoped)
  )

  it.effect("dead-letters at once on 410 Gone and on URLs the guard refuses", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 410, body: "gone" })
      const [gone] = yield* enqueue(outbox, r.url, 1)
      const live = yield* outbox.enqueue({ mode: "live", url: r.url, eventType: "x", payload: "{}" }, 0)
      yield* Dispatcher.start(base).pipe(Effect.provideService(Outbox.Outbox, outbox))
      yield* waitUntil(Effect.map(outbox.history({ status: "dead" }), (h) => h.length === 2))
      expect((yield* statusOf(outbox, gone!.id)).lastError).toBe("not retryable: HTTP 410")
      const refused = yield* outbox.get(live.id)
      expect(refused.delivery.lastError).toContain("live endpoints must use https")
      expect(refused.attempts[0]).toMatchObject({ outcome: "failed", httpStatus: null })
      expect(r.received).toHaveLength(1)
    }).pipe(Effect.scoped)
  )

  it.effect("testSend posts at once and reports the answer; live mode refuses loopback", () =>
    Effect.gen(function* () {
      const { r } = yield* setup({ _tag: "Status", status: 201, body: "hello" })
      const result = yield* Dispatcher.testSend(r.url, { signer, mode: "test", privateTargets: "test-mode" })
      expect(result).toMatchObject({ outcome: "answered", ok: true, httpStatus: 201, responseExcerpt: "hello", error: null })
      const got = r.received[0]!
      expect(JSON.parse(got.body.toString()).type).toBe("Webhook.Test")
      const now = Number(got.headers["webhook-timestamp"]) * 1000
      expect(Result.isSuccess(verifier.verify(got.body, got.headers, { now }))).toBe(true)
      const refused = yield* Dispatcher.testSend(r.url, { signer, mode: "live", privateTargets: "test-mode" })
      expect(refused).toMatchObject({ outcome: "refused", ok: false, httpStatus: null })
      expect(r.received).toHaveLength(1)
      // Nothing listens on port 1 of loopback: allowed, sent, and unanswered.
      const unreachable = yield* Dispatcher.testSend("http://127.0.0.1:1/hook", { signer, mode: "test", privateTargets: "test-mode" })
      expect(unreachable).toMatchObject({ outcome: "unreachable", ok: false, httpStatus: null })
    }).pipe(Effect.scoped)
  )

  it.live("what the dispatcher sends, standardwebhooks verifies on the wall clock", () =>
    Effect.gen(function* () {
      const { r } = yield* setup()
      yield* Dispatcher.testSend(r.url, { signer, mode: "test", privateTargets: "test-mode", body: '{"a":1}' })
      const got = r.received[0]!
      const h = Object.fromEntries(["webhook-id", "webhook-timestamp", "webhook-signature"].map((k) => [k, String(got.headers[k])]))
      expect(new StandardWebhook(WebhookSecret.reveal(secret)).verify(got.body.toString(), h)).toEqual({ a: 1 })
    }).pipe(Effect.scoped)
  )

  it.effect("a killed dispatcher restarted on the same outbox completes every delivery exactly once", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup()
      const n = 40
      const deliveries = yield* enqueue(outbox, r.url, n)
      // The first dispatcher's first requests hang, so it is killed with requests in flight.
      let hung = 0
      r.decide = () => (hung++ < 4 ? { _tag: "Hang" } : undefined)
      const config = { ...base, leaseMillis: 60_000, batchSize: 8 }
      const first = yield* Effect.forkChild(Dispatcher.run({ ...config, workerId: "a" }).pipe(Effect.provideService(Outbox.Outbox, outbox)))
      yield* waitUntil(Effect.sync(() => r.received.length >= 4))
      yield* Fiber.interrupt(first)
      yield* Dispatcher.start({ ...config, workerId: "b" }).pipe(Effect.provideService(Outbox.Outbox, outbox))
      yield* TestClock.adjust(60_000) // the killed worker's leases expire
      yield* waitUntil(Effect.map(outbox.history({ status: "delivered" }), (h) => h.length === n))
      for (const d of deliveries) {
        const { attempts, delivery } = yield* outbox.get(d.id)
        expect(delivery.status).toBe("delivered")
        expect(attempts.filter((a) => a.outcome === "delivered")).toHaveLength(1)
      }
      const wireIds = new Set(r.received.map((x) => x.headers["webhook-id"]))
      expect(wireIds).toEqual(new Set(deliveries.map((d) => d.messageId)))
      expect(r.received.length).toBeGreaterThanOrEqual(n + 4) // the hung ones went out twice
    }).pipe(Effect.scoped)
  )

  // Regression: drain counted an attempt the store refused to record as attempted and nothing
  // else, so `paymux webhook dispatch --once` reported success while every such delivery stayed
  // pending and went out again each time its lease lapsed (the upgrade probe's missing column).
  it.effect("drain reports the attempts the store did not record; those deliveries stay pending and go out again", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 200 })
      const ds = yield* enqueue(outbox, r.url, 3)
      const refusing: Outbox.OutboxShape = {
        ...outbox,
        recordAttempt: (attempt, options) =>
          attempt.deliveryId === ds[1]!.id
            ? Effect.fail(StoreError.unavailable("table paymux_outbox_attempts has no column named url"))
            : outbox.recordAttempt(attempt, options)
      }
      const config = { ...base, leaseMillis: 60_000 }
      expect(yield* Dispatcher.drain(config).pipe(Effect.provideService(Outbox.Outbox, refusing))).toEqual({
        attempted: 3,
        delivered: 2,
        retrying: 0,
        deadLettered: 0,
        unrecorded: 1,
        claimFailed: false
      })
      expect((yield* statusOf(outbox, ds[1]!.id)).status).toBe("pending")
      yield* TestClock.adjust(60_000)
      expect(yield* Dispatcher.drain(config).pipe(Effect.provideService(Outbox.Outbox, outbox))).toEqual({
        attempted: 1,
        delivered: 1,
        retrying: 0,
        deadLettered: 0,
        unrecorded: 0,
        claimFailed: false
      })
      const sent = r.received.map((x) => x.headers["webhook-id"])
      expect(ds.map((d) => sent.filter((id) => id === d.messageId).length)).toEqual([1, 2, 1])
    }).pipe(Effect.scoped)
  )

  // Regression (limits probe, finding 6): drain claimed until nothing was due, so retries that fell
  // due while it worked were claimed again: 20,170 deliveries to a dead receiver made 49,666
  // attempts in one `dispatch --once` run of 4.4 minutes, longer than the cron period.
  describe("drain attempts what was due when it started, each delivery once", () => {
    /** Each attempt takes a minute of the test clock, as a receiver that times out does. */
    const aMinuteEach = () => TestClock.adjust(60_000)

    it.effect("retries and new deliveries that fall due during the run wait for the next one", () =>
      Effect.gen(function* () {
        const { outbox, r } = yield* setup({ _tag: "Status", status: 503 })
        const ds = yield* enqueue(outbox, r.url, 3)
        let late: Delivery.Delivery | undefined
        const onAttempt = () =>
          Effect.gen(function* () {
            yield* aMinuteEach()
            if (late === undefined) [late] = yield* Effect.orDie(enqueue(outbox, r.url, 1, yield* Clock.currentTimeMillis))
          })
        const drain = Dispatcher.drain({ ...base, concurrency: 1, onAttempt }).pipe(Effect.provideService(Outbox.Outbox, outbox))
        // Each retry falls due 30 s after its attempt (1 minute × 0.5), inside the run.
        expect(yield* drain).toEqual({ attempted: 3, delivered: 0, retrying: 3, deadLettered: 0, unrecorded: 0, claimFailed: false })
        const after = yield* Effect.forEach(ds, (d) => statusOf(outbox, d.id))
        expect(after.map((d) => [d.attempts, d.nextAttemptAt])).toEqual([
          [1, 30_000],
          [1, 90_000],
          [1, 150_000]
        ])
        expect((yield* statusOf(outbox, late!.id)).attempts).toBe(0)
        // The next run takes what was due when it started: the three retries and the new one.
        expect((yield* drain).attempted).toBe(4)
      }).pipe(fixedRandom(0.5), Effect.scoped)
    )

    it.effect("a retry due at once (a zero-minute step) is not claimed again in the same run", () =>
      Effect.gen(function* () {
        const { outbox, r } = yield* setup({ _tag: "Status", status: 503 })
        const [d] = yield* enqueue(outbox, r.url, 1)
        const drain = Dispatcher.drain({ ...base, scheduleMinutes: [0] }).pipe(Effect.provideService(Outbox.Outbox, outbox))
        expect(yield* drain).toMatchObject({ attempted: 1, retrying: 1 })
        // Due a millisecond after the run's start, the first time a next run can take it.
        expect(yield* statusOf(outbox, d!.id)).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: 1 })
        yield* TestClock.adjust(1)
        expect(yield* drain).toMatchObject({ attempted: 1, retrying: 1 })
        expect(r.received).toHaveLength(2)
      }).pipe(Effect.scoped)
    )

    it.effect("an attempt the store did not record is not made again when its lease lapses during the run", () =>
      Effect.gen(function* () {
        const { outbox, r } = yield* setup({ _tag: "Status", status: 200 })
        const ds = yield* enqueue(outbox, r.url, 3)
        let refused = false
        const refusingOnce: Outbox.OutboxShape = {
          ...outbox,
          recordAttempt: (attempt, options) => {
            if (refused || attempt.deliveryId !== ds[0]!.id) return outbox.recordAttempt(attempt, options)
            refused = true
            return Effect.fail(StoreError.unavailable("database or disk is full"))
          }
        }
        const config = { ...base, concurrency: 1, leaseMillis: 60_000, onAttempt: aMinuteEach }
        const report = yield* Dispatcher.drain(config).pipe(Effect.provideService(Outbox.Outbox, refusingOnce))
        expect(report).toMatchObject({ attempted: 3, delivered: 2, unrecorded: 1 })
        expect(r.received.map((x) => x.headers["webhook-id"])).toEqual(ds.map((d) => d.messageId))
        expect(yield* Dispatcher.drain(config).pipe(Effect.provideService(Outbox.Outbox, outbox))).toMatchObject({
          attempted: 1,
          delivered: 1
        })
      }).pipe(Effect.scoped)
    )
  })

  it.effect("a dispatcher killed right after its store call that records a success leaves nothing to send again", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 200 })
      const [d] = yield* enqueue(outbox, r.url, 1)
      // The process dies the moment the attempt's store call returns: nothing after it runs.
      const killedAfterRecord: Outbox.OutboxShape = {
        ...outbox,
        recordAttempt: (attempt, options) => Effect.andThen(outbox.recordAttempt(attempt, options), Effect.die("SIGKILL"))
      }
      const config = { ...base, leaseMillis: 60_000 }
      yield* Dispatcher.drain({ ...config, workerId: "a" }).pipe(Effect.provideService(Outbox.Outbox, killedAfterRecord))
      yield* TestClock.adjust(60_000) // the killed worker's lease would have lapsed
      const { attempted } = yield* Dispatcher.drain({ ...config, workerId: "b" }).pipe(Effect.provideService(Outbox.Outbox, outbox))
      expect(attempted).toBe(0)
      expect(r.received).toHaveLength(1)
      const { attempts, delivery } = yield* outbox.get(d!.id)
      expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lease: null })
      expect(attempts.map((a) => [a.workerId, a.outcome])).toEqual([["a", "delivered"]])
    }).pipe(Effect.scoped)
  )

  // Regression (operations probe): a failing onAttempt was logged with its nested causes and
  // stacks, about 25 lines each; a store outage filled the log. It is one line with the reason.
  it.effect("onAttempt hears every verdict with its URL; its failure does not change the delivery and is one log line", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 200 })
      r.script.push({ _tag: "Status", status: 500 })
      const ds = yield* enqueue(outbox, r.url, 2)
      const heard: Array<[string, string]> = []
      const onAttempt = (report: Dispatcher.AttemptReport) =>
        Effect.andThen(
          Effect.sync(() => heard.push([report.url, report.outcome])),
          Effect.fail(new Error("the health store is down", { cause: new Error("database or disk is full") }))
        )
      const lines: Array<string> = []
      const capture = Logger.make(({ logLevel, message }) => void lines.push(`${logLevel} ${[message].flat().map(String).join(" | ")}`))
      yield* Dispatcher.drain({ ...base, concurrency: 1, onAttempt }).pipe(
        Effect.provideService(Outbox.Outbox, outbox),
        Effect.provide(Logger.layer([capture]))
      )
      expect(heard).toEqual([
        [r.url, "retry"],
        [r.url, "delivered"]
      ])
      expect((yield* outbox.history({ status: "delivered" })).length).toBe(1)
      expect(lines.filter((line) => line.includes("onAttempt"))).toEqual(
        ds.map((d) => `Warn webhook delivery ${d.id}: onAttempt failed: the health store is down`)
      )
    }).pipe(fixedRandom(0.5), Effect.scoped)
  )

  it.effect("an endpoint lookup that answers unsendable dead-letters the delivery unsent with that reason", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 200 })
      const [d] = yield* enqueue(outbox, r.url, 1)
      const endpoint = () => Effect.succeed({ unsendable: "endpoint ep_x is disabled" })
      const { signer: _s, ...rest } = base
      yield* Dispatcher.drain({ ...rest, endpoint }).pipe(Effect.provideService(Outbox.Outbox, outbox))
      expect(yield* statusOf(outbox, d!.id)).toMatchObject({ status: "dead", lastError: "endpoint ep_x is disabled" })
      expect(r.received).toEqual([])
    }).pipe(Effect.scoped)
  )

  it.effect(
    "an endpoint lookup that fails is a recorded attempt that sent nothing, retried on the schedule (it held its lease, unseen)",
    () =>
      Effect.gen(function* () {
        const { outbox, r } = yield* setup({ _tag: "Status", status: 200 })
        const [d] = yield* enqueue(outbox, r.url, 1)
        let opens = false
        const endpoint = () =>
          opens
            ? Effect.succeed({ url: r.url, signer })
            : Effect.fail(new Error("stored secret is corrupt: sealed with master key k0, which is not configured"))
        const { signer: _s, ...rest } = base
        const lines: Array<string> = []
        const capture = Logger.make(({ logLevel, message }) => void lines.push(`${logLevel} ${[message].flat().join(" ")}`))
        const drain = Dispatcher.drain({ ...rest, endpoint }).pipe(Effect.provideService(Outbox.Outbox, outbox))
        expect((yield* Effect.provide(drain, Logger.layer([capture]))).attempted).toBe(1)
        // Logged like any attempt that does not deliver (a wrong master key was silent until dead-letter).
        expect(lines).toEqual([
          `Warn webhook delivery ${d!.id} to ${new URL(r.url).origin}: not sent: the endpoint could not be looked up: stored secret is corrupt: sealed with master key k0, which is not configured (retry)`
        ])
        const { attempts, delivery } = yield* outbox.get(d!.id)
        expect(delivery).toMatchObject({ status: "pending", attempts: 1, lease: null, nextAttemptAt: 30_000 })
        expect(attempts[0]).toMatchObject({ number: 1, httpStatus: null, outcome: "retry" })
        expect(attempts[0]!.error).toContain("not sent: the endpoint could not be looked up: stored secret is corrupt")
        expect(r.received).toEqual([])
        // Once the key is configured again, the next attempt goes out.
        opens = true
        yield* TestClock.adjust(30_000)
        yield* drain
        expect((yield* statusOf(outbox, d!.id)).status).toBe("delivered")
      }).pipe(fixedRandom(0.5), Effect.scoped)
  )

  // Regression (fault probe F6): a store blink during the lookup counted as an attempt, so on the
  // last attempt it dead-lettered a message that was never sent.
  it.effect("an endpoint lookup the store could not answer is no attempt: the delivery goes out once its lease lapses", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 200 })
      const [d] = yield* enqueue(outbox, r.url, 1)
      let storeUp = false
      const endpoint = () =>
        storeUp ? Effect.succeed({ url: r.url, signer }) : Effect.fail(StoreError.unavailable("ConnectionError: Connection closed"))
      const { signer: _s, ...rest } = base
      const config = { ...rest, endpoint, leaseMillis: 60_000 }
      const drain = Dispatcher.drain(config).pipe(Effect.provideService(Outbox.Outbox, outbox))
      expect(yield* drain).toMatchObject({ attempted: 1, unrecorded: 1, retrying: 0, claimFailed: false })
      const { attempts, delivery } = yield* outbox.get(d!.id)
      expect(attempts).toEqual([])
      expect(delivery).toMatchObject({ status: "pending", attempts: 0 })
      expect(r.received).toEqual([])
      storeUp = true
      yield* TestClock.adjust(60_000)
      expect(yield* drain).toMatchObject({ attempted: 1, delivered: 1 })
      expect((yield* outbox.get(d!.id)).attempts.map((a) => a.number)).toEqual([1])
    }).pipe(Effect.scoped)
  )

  // Regression (fault probe F3): a claim the store refused ended the run as "nothing due".
  it.effect("a drain whose claim the store refuses says so (claimFailed)", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 200 })
      yield* enqueue(outbox, r.url, 1)
      const full: Outbox.OutboxShape = { ...outbox, claim: () => Effect.fail(StoreError.unavailable("database or disk is full")) }
      expect(yield* Dispatcher.drain(base).pipe(Effect.provideService(Outbox.Outbox, full))).toEqual({
        attempted: 0,
        delivered: 0,
        retrying: 0,
        deadLettered: 0,
        unrecorded: 0,
        claimFailed: true
      })
      expect((yield* Dispatcher.drain(base).pipe(Effect.provideService(Outbox.Outbox, outbox))).claimFailed).toBe(false)
    }).pipe(Effect.scoped)
  )

  // Regression: a lease that lapses and comes back to the same worker while it is still sending
  // must not start a second POST (the claimer skips deliveries it is working on; mutation probe R17).
  it.effect("a delivery the claim hands back while its attempt is still in flight is not sent twice", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 200 })
      let release!: () => void
      r.script.push({ _tag: "Hold", until: new Promise<void>((resolve) => (release = resolve)), status: 200 })
      const [d] = yield* enqueue(outbox, r.url, 1)
      // The first claim leases the delivery; the next poll hands the same delivery back (as a lapsed
      // lease reclaimed by this worker would), then the store is asked as usual.
      let claims = 0
      let first: ReadonlyArray<Delivery.Delivery> = []
      let recorded = 0
      const lapsing: Outbox.OutboxShape = {
        ...outbox,
        claim: (options) => {
          claims++
          if (claims === 2) return Effect.succeed(first)
          const n = claims
          return Effect.tap(outbox.claim(options), (batch) =>
            Effect.sync(() => {
              if (n === 1) first = batch
            })
          )
        },
        recordAttempt: (attempt, options) =>
          Effect.suspend(() => {
            recorded++
            return outbox.recordAttempt(attempt, options)
          })
      }
      yield* Dispatcher.start({ ...base, concurrency: 2 }).pipe(Effect.provideService(Outbox.Outbox, lapsing))
      yield* waitUntil(Effect.sync(() => r.received.length === 1)) // the first POST is held open
      expect(first.map((x) => x.id)).toEqual([d!.id])
      yield* TestClock.adjust(1000) // the next poll: the delivery comes back, then an empty claim
      // A third claim means the claimer finished the batch that handed the delivery back (had it
      // started a second attempt, no fiber would be idle to claim again until that attempt ended).
      yield* waitUntil(Effect.sync(() => claims >= 3))
      release()
      yield* waitUntil(Effect.map(statusOf(outbox, d!.id), (x) => x.status === "delivered"))
      expect(r.received).toHaveLength(1)
      expect(recorded).toBe(1)
      const { attempts } = yield* outbox.get(d!.id)
      expect(attempts.map((a) => [a.number, a.outcome])).toEqual([[1, "delivered"]])
    }).pipe(Effect.scoped)
  )

  // Regression: only 2xx is delivered; a 300 (any 3xx: redirects are not followed) is not
  // (RetryPolicy.classifyStatus, mutation probe R02). Like any answer but 2xx and 410, it is retried.
  it.effect("a receiver answering 300 has not received the delivery: it is retried, not delivered", () =>
    Effect.gen(function* () {
      const { outbox, r } = yield* setup({ _tag: "Status", status: 300, body: "choose" })
      const [d] = yield* enqueue(outbox, r.url, 1)
      expect((yield* Dispatcher.drain(base).pipe(Effect.provideService(Outbox.Outbox, outbox))).attempted).toBe(1)
      const { attempts, delivery } = yield* outbox.get(d!.id)
      expect(delivery).toMatchObject({ status: "pending", lastError: "HTTP 300" })
      expect(attempts.map((a) => [a.httpStatus, a.outcome])).toEqual([[300, "retry"]])
      // A redirecting target yields no response excerpt (mutation probe H02): the body was "choose".
      expect(attempts[0]!.responseExcerpt).toBe("")
      expect(r.received).toHaveLength(1)
      const sent = yield* Dispatcher.testSend(r.url, { signer, mode: "test", privateTargets: "test-mode" })
      expect(sent).toMatchObject({ outcome: "answered", ok: false, httpStatus: 300 })
    }).pipe(Effect.scoped)
  )
})
