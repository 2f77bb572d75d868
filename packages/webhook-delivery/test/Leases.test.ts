/**
 * Leases against a real receiver on 127.0.0.1, in real time (the security review's L2 and L3
 * reproductions), and the guard's connect-time check of what a host name resolves to.
 */
import { describe, expect, it } from "@effect/vitest"
import { Outbox } from "@paymux/store"
import { Clock, Effect, Exit, Fiber, Scope } from "effect"
import { Dispatcher, UrlGuard } from "../src/index.ts"
import { destroyAgents, makeAgents, post } from "../src/internal/httpPost.ts"
import { memoryOutbox, receiver, signer } from "./fixtures/harness.ts"

/** Polls in real time until `condition` holds; fails after about 20 s. */
const waitUntil = <E, R>(condition: Effect.Effect<boolean, E, R>): Effect.Effect<void, E | Error, R> =>
  Effect.gen(function* () {
    for (let i = 0; i < 1000; i++) {
      if (yield* condition) return
      yield* Effect.sleep(20)
    }
    return yield* Effect.fail(new Error("condition not reached"))
  })

const local = { signer, privateTargets: "test-mode", pollIntervalMillis: 20 } as const

const enqueueDead = (outbox: Outbox.OutboxShape, url: string, n: number) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    return yield* Effect.forEach(
      Array.from({ length: n }, (_, i) => i),
      (i) => outbox.enqueue({ mode: "test", url, eventType: "Transaction.Paid", subject: `pay-${i}`, payload: "{}", maxAttempts: 1 }, now)
    )
  })

describe("Dispatcher leases (security L2, L3)", () => {
  it.live(
    "L2: a dispatcher claims only what it can work on, so queued rows never outlive their lease and no POST goes unrecorded",
    () =>
      Effect.gen(function* () {
        const r = yield* receiver({ _tag: "Hang" })
        const outbox = memoryOutbox()
        const deliveries = yield* enqueueDead(outbox, r.url, 12)
        // The review's harness: concurrency 1, lease 1200 ms, total timeout 300 ms, a hanging receiver.
        yield* Dispatcher.start({ ...local, concurrency: 1, leaseMillis: 1200, readTimeoutMillis: 300 }).pipe(
          Effect.provideService(Outbox.Outbox, outbox)
        )
        yield* waitUntil(Effect.map(outbox.history({ status: "dead" }), (h) => h.length === 12))
        const histories = yield* Effect.forEach(deliveries, (d) => outbox.get(d.id))
        const recorded = histories.flatMap((h) => h.attempts)
        expect(recorded).toHaveLength(12)
        expect(histories.every((h) => h.attempts.length === 1 && h.attempts[0]!.error === "read timeout after 300 ms")).toBe(true)
        expect(r.received).toHaveLength(recorded.length)
      }).pipe(Effect.scoped),
    30_000
  )

  it.live(
    "the lease is renewed while a slow attempt runs: a second dispatcher never takes the row, the receiver sees one POST",
    () =>
      Effect.gen(function* () {
        const r = yield* receiver({ _tag: "Delay", millis: 1500, status: 200 })
        const outbox = memoryOutbox()
        const [d] = yield* enqueueDead(outbox, r.url, 1)
        const config = { ...local, concurrency: 1, leaseMillis: 300, readTimeoutMillis: 5000 }
        yield* Dispatcher.start({ ...config, workerId: "a" }).pipe(Effect.provideService(Outbox.Outbox, outbox))
        yield* waitUntil(Effect.sync(() => r.received.length === 1))
        yield* Dispatcher.start({ ...config, workerId: "b" }).pipe(Effect.provideService(Outbox.Outbox, outbox))
        yield* waitUntil(Effect.map(outbox.get(d!.id), (h) => h.delivery.status === "delivered"))
        yield* Effect.sleep(300) // b keeps polling; nothing is left for it
        const { attempts } = yield* outbox.get(d!.id)
        expect(attempts.map((a) => [a.workerId, a.httpStatus])).toEqual([["a", 200]])
        expect(r.received).toHaveLength(1)
      }).pipe(Effect.scoped),
    30_000
  )

  it.live(
    "L3: a graceful stop records the interrupted attempts and gives their leases back",
    () =>
      Effect.gen(function* () {
        const r = yield* receiver({ _tag: "Hang" })
        const outbox = memoryOutbox()
        const deliveries = yield* Effect.forEach([0, 1], (i) =>
          outbox.enqueue({ mode: "test", url: r.url, eventType: "Transaction.Paid", subject: `pay-${i}`, payload: "{}" }, 0)
        )
        const scope = yield* Scope.make()
        yield* Dispatcher.start({ ...local, concurrency: 2, shutdownGraceMillis: 100 }).pipe(
          Effect.provideService(Outbox.Outbox, outbox),
          Scope.provide(scope)
        )
        yield* waitUntil(Effect.sync(() => r.received.length === 2))
        yield* Scope.close(scope, Exit.void)
        const stoppedAt = yield* Clock.currentTimeMillis
        for (const d of deliveries) {
          const { attempts, delivery } = yield* outbox.get(d.id)
          expect(delivery).toMatchObject({ status: "pending", lease: null, attempts: 1 })
          expect(delivery.nextAttemptAt).toBeLessThanOrEqual(stoppedAt)
          expect(attempts).toHaveLength(1)
          expect(attempts[0]).toMatchObject({ outcome: "retry", httpStatus: null, url: r.url })
          expect(attempts[0]!.error).toContain("interrupted")
        }
        // Another dispatcher takes them at once instead of waiting out a lease.
        const again = yield* outbox.claim({ workerId: "next", now: stoppedAt, leaseMillis: 1000, limit: 10 })
        expect(again.map((d) => d.id).sort()).toEqual(deliveries.map((d) => d.id).sort())
      }).pipe(Effect.scoped),
    30_000
  )
})

describe("drain (dispatch --once) stops as start does", () => {
  // Regression (webhook probe): SIGTERM to `paymux webhook dispatch --once` interrupted the
  // attempts in flight at once, so receivers that answered 200 got every message a second time.
  it.live(
    "interrupted, it gives the attempts in flight the shutdown grace, and interrupts them after it",
    () =>
      Effect.gen(function* () {
        let release!: () => void
        const held = new Promise<void>((resolve) => (release = resolve))
        const r = yield* receiver({ _tag: "Hold", until: held, status: 200 })
        const outbox = memoryOutbox()
        const [d] = yield* Effect.forEach([0], (i) =>
          outbox.enqueue({ mode: "test", url: r.url, eventType: "Transaction.Paid", subject: `pay-${i}`, payload: "{}" }, 0)
        )
        const draining = yield* Effect.forkDetach(
          Dispatcher.drain({ ...local, shutdownGraceMillis: 10_000 }).pipe(Effect.provideService(Outbox.Outbox, outbox))
        )
        yield* waitUntil(Effect.sync(() => r.received.length === 1))
        const stopping = yield* Effect.forkDetach(Fiber.interrupt(draining))
        yield* Effect.sleep(100)
        release()
        yield* Fiber.join(stopping)
        const { attempts, delivery } = yield* outbox.get(d!.id)
        expect(delivery.status).toBe("delivered")
        expect(attempts.map((a) => [a.outcome, a.httpStatus])).toEqual([["delivered", 200]])

        // Past the grace, the attempt still running is recorded as interrupted.
        const hung = yield* receiver({ _tag: "Hang" })
        const [e] = yield* Effect.forEach([0], (i) =>
          outbox.enqueue({ mode: "test", url: hung.url, eventType: "Transaction.Paid", subject: `hang-${i}`, payload: "{}" }, 0)
        )
        const draining2 = yield* Effect.forkDetach(
          Dispatcher.drain({ ...local, shutdownGraceMillis: 100 }).pipe(Effect.provideService(Outbox.Outbox, outbox))
        )
        yield* waitUntil(Effect.sync(() => hung.received.length === 1))
        yield* Fiber.interrupt(draining2)
        const after = yield* outbox.get(e!.id)
        expect(after.delivery).toMatchObject({ status: "pending", lease: null, attempts: 1 })
        expect(after.attempts[0]!.error).toContain("interrupted")
      }).pipe(Effect.scoped),
    30_000
  )
})

describe("UrlGuard at connect time (security H3)", () => {
  const hostUrl = (url: string) => url.replace("127.0.0.1", "hooks.example.test")

  it.live("a host name is judged by the address it resolves to when the connection is made", () =>
    Effect.gen(function* () {
      const r = yield* receiver()
      const toLoopback: UrlGuard.Resolver = async () => [{ address: "127.0.0.1", family: 4 }]
      const refused = yield* Dispatcher.testSend(hostUrl(r.url), { signer, mode: "test", resolver: toLoopback })
      expect(refused).toMatchObject({ ok: false, httpStatus: null, responseExcerpt: "" })
      expect(refused.error).toContain("resolves to a loopback address (127.0.0.1)")
      expect(r.received).toHaveLength(0)
      // With the opt-in the same name connects, and it connects to exactly that address.
      const allowed = yield* Dispatcher.testSend(hostUrl(r.url), { signer, mode: "test", resolver: toLoopback, privateTargets: "allow" })
      expect(allowed).toMatchObject({ ok: true, httpStatus: 200, responseExcerpt: "ok" })
      expect(r.received).toHaveLength(1)
    }).pipe(Effect.scoped)
  )

  // Regression (webhook probe): one kept-alive pool served both modes, so under "test-mode" a live
  // delivery queued after a test one to the same host reused its loopback socket, and the guard's
  // lookup, which refuses loopback for live, never ran.
  it.live("a live delivery never reuses a connection a test delivery's guard admitted", () =>
    Effect.gen(function* () {
      const r = yield* receiver()
      const toLoopback: UrlGuard.Resolver = async () => [{ address: "127.0.0.1", family: 4 }]
      const agents = yield* Effect.acquireRelease(
        Effect.sync(() => makeAgents(1)),
        (a) => Effect.sync(() => destroyAgents(a))
      )
      const send = (mode: UrlGuard.Mode) => {
        const guard: UrlGuard.Options = { mode, privateTargets: "test-mode", resolver: toLoopback }
        // The URL's own rules (https for live) are the dispatcher's earlier check; this is the socket's.
        const target = UrlGuard.checkUrl(hostUrl(r.url), { ...guard, mode: "test" })
        if (target._tag === "Failure") return Effect.die(target.failure)
        const request = { target: target.success, guard, headers: {}, body: "{}", connectTimeoutMillis: 5000, readTimeoutMillis: 5000 }
        return post({ ...request, agents })
      }
      expect((yield* send("test"))._tag).toBe("Response")
      const live = yield* send("live")
      expect(live._tag).toBe("Refused")
      expect(live._tag === "Refused" && live.reason).toContain("loopback")
      expect(r.received).toHaveLength(1)
    }).pipe(Effect.scoped)
  )

  it.live("DNS rebinding: a name that passed a pre-flight check and then resolves to a private address is refused", () =>
    Effect.gen(function* () {
      const r = yield* receiver()
      let calls = 0
      const rebinding: UrlGuard.Resolver = async () =>
        calls++ === 0 ? [{ address: "93.184.216.34", family: 4 }] : [{ address: "127.0.0.1", family: 4 }]
      const preflight = yield* UrlGuard.check(hostUrl(r.url), { mode: "test", resolver: rebinding })
      expect(preflight.addresses).toEqual([{ address: "93.184.216.34", family: 4 }])
      const sent = yield* Dispatcher.testSend(hostUrl(r.url), { signer, mode: "test", resolver: rebinding })
      expect(sent).toMatchObject({ ok: false, httpStatus: null, responseExcerpt: "" })
      expect(calls).toBe(2)
      expect(r.received).toHaveLength(0)
    }).pipe(Effect.scoped)
  )

  // Regression (webhook probe): a resolver that failed for a moment (EAI_AGAIN) dead-lettered the
  // delivery on its first attempt, as if the guard had refused the host.
  it.live("a host that does not resolve for a moment is a network error: the delivery is retried, not dead-lettered", () =>
    Effect.gen(function* () {
      const r = yield* receiver()
      const flaky: UrlGuard.Resolver = () => Promise.reject(Object.assign(new Error("getaddrinfo EAI_AGAIN"), { code: "EAI_AGAIN" }))
      const outbox = memoryOutbox()
      const d = yield* outbox.enqueue({ mode: "test", url: hostUrl(r.url), eventType: "x", payload: "{}" }, yield* Clock.currentTimeMillis)
      yield* Dispatcher.drain({ signer, resolver: flaky }).pipe(Effect.provideService(Outbox.Outbox, outbox))
      const { attempts, delivery } = yield* outbox.get(d.id)
      expect([delivery.status, delivery.attempts]).toEqual(["pending", 1])
      expect(attempts[0]!.error).toBe("host hooks.example.test does not resolve (EAI_AGAIN)")
      expect(r.received).toHaveLength(0)
    }).pipe(Effect.scoped)
  )

  it.live("one private address among public ones refuses the host; a queued delivery records the refusal", () =>
    Effect.gen(function* () {
      const r = yield* receiver()
      const mixed: UrlGuard.Resolver = async () => [
        { address: "93.184.216.34", family: 4 },
        { address: "::ffff:0:127.0.0.1", family: 6 }
      ]
      const outbox = memoryOutbox()
      const d = yield* outbox.enqueue({ mode: "test", url: hostUrl(r.url), eventType: "x", payload: "{}" }, yield* Clock.currentTimeMillis)
      yield* Dispatcher.drain({ signer, resolver: mixed }).pipe(Effect.provideService(Outbox.Outbox, outbox))
      const { attempts, delivery } = yield* outbox.get(d.id)
      expect(delivery.status).toBe("dead")
      expect(attempts[0]).toMatchObject({ outcome: "failed", httpStatus: null, responseExcerpt: "" })
      expect(attempts[0]!.error).toContain("::ffff:0:127.0.0.1")
      expect(r.received).toHaveLength(0)
    }).pipe(Effect.scoped)
  )
})
