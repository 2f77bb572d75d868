/**
 * The delivery engine: claims due deliveries from the `Outbox`, POSTs them with Standard Webhooks
 * headers on a bounded pool of fibers, records every attempt, retries on the `RetryPolicy`
 * schedule, and dead-letters what cannot be delivered. Closing its scope stops claiming, gives
 * back queued leases and lets in-flight requests finish (up to a grace period).
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Cause, Clock, Effect, Fiber, Layer, Queue, Random, type Scope } from "effect"
import type { Delivery, Outcome } from "./Delivery.ts"
import { Outbox } from "./Outbox.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import * as UrlGuard from "./UrlGuard.ts"
import type { WebhookSigner } from "./WebhookSigner.ts"
import { type Agents, destroyAgents, makeAgents, post, type PostResult } from "./internal/httpPost.ts"

/**
 * Dispatcher settings. Only `signer` is required.
 *
 * @since 0.1.0
 * @category models
 */
export interface Config {
  /** The signer, or a way to find the endpoint's signer for a delivery. */
  readonly signer: WebhookSigner | ((delivery: Delivery) => Effect.Effect<WebhookSigner>)
  readonly workerId?: string
  /** Concurrent requests (default 16). */
  readonly concurrency?: number
  /** Deliveries claimed per outbox call (default 2 × concurrency). */
  readonly batchSize?: number
  /** Wait between polls when nothing is due (default 1000 ms). */
  readonly pollIntervalMillis?: number
  /** How long a claim lasts (default 120 000 ms); must exceed the total timeout. */
  readonly leaseMillis?: number
  readonly connectTimeoutMillis?: number
  readonly totalTimeoutMillis?: number
  readonly scheduleMinutes?: ReadonlyArray<number>
  /** How long shutdown waits for in-flight requests before interrupting them (default 30 000 ms). */
  readonly shutdownGraceMillis?: number
  readonly resolver?: UrlGuard.Resolver
  readonly userAgent?: string
}

/**
 * What a test send reports: the receiver's answer or the reason there was none.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestSendResult {
  readonly ok: boolean
  readonly httpStatus: number | null
  readonly latencyMillis: number
  readonly responseExcerpt: string
  readonly error: string | null
  readonly headers: Readonly<Record<string, string>>
}

interface Settings {
  readonly workerId: string
  readonly concurrency: number
  readonly batchSize: number
  readonly pollIntervalMillis: number
  readonly leaseMillis: number
  readonly connectTimeoutMillis: number
  readonly totalTimeoutMillis: number
  readonly scheduleMinutes: ReadonlyArray<number>
  readonly shutdownGraceMillis: number
  readonly resolver: UrlGuard.Resolver | undefined
  readonly userAgent: string
  readonly signerFor: (delivery: Delivery) => Effect.Effect<WebhookSigner>
}

const settings = (config: Config): Settings => {
  const concurrency = Math.max(1, config.concurrency ?? 16)
  const signer = config.signer
  return {
    workerId: config.workerId ?? `dispatcher-${randomUUID()}`,
    concurrency,
    batchSize: Math.max(1, config.batchSize ?? concurrency * 2),
    pollIntervalMillis: config.pollIntervalMillis ?? 1000,
    leaseMillis: config.leaseMillis ?? 120_000,
    connectTimeoutMillis: config.connectTimeoutMillis ?? 10_000,
    totalTimeoutMillis: config.totalTimeoutMillis ?? 30_000,
    scheduleMinutes: config.scheduleMinutes ?? RetryPolicy.defaultScheduleMinutes,
    shutdownGraceMillis: config.shutdownGraceMillis ?? 30_000,
    resolver: config.resolver,
    userAgent: config.userAgent ?? "paymux-webhooks/0.1",
    signerFor: typeof signer === "function" ? signer : () => Effect.succeed(signer)
  }
}

interface Sent {
  readonly result: PostResult | { readonly _tag: "Refused"; readonly error: string }
  readonly headers: Readonly<Record<string, string>>
}

const send = (
  s: Settings,
  agents: Agents | undefined,
  target: { readonly url: string; readonly mode: UrlGuard.Mode; readonly contentType: string },
  message: { readonly id: string; readonly body: string },
  signer: WebhookSigner
): Effect.Effect<Sent> =>
  Effect.gen(function*() {
    const approved = yield* Effect.result(UrlGuard.check(target.url, { mode: target.mode, ...(s.resolver ? { resolver: s.resolver } : {}) }))
    if (approved._tag === "Failure") return { result: { _tag: "Refused", error: approved.failure.message }, headers: {} }
    const now = yield* Clock.currentTimeMillis
    const headers = {
      ...signer.sign({ id: message.id, timestamp: Math.floor(now / 1000), body: message.body }),
      "content-type": target.contentType,
      "user-agent": s.userAgent
    }
    const result = yield* post({
      url: approved.success.url,
      address: approved.success.address,
      family: approved.success.family,
      headers,
      body: message.body,
      connectTimeoutMillis: s.connectTimeoutMillis,
      totalTimeoutMillis: s.totalTimeoutMillis,
      agents
    })
    return { result, headers }
  })

const outcomeOf = (result: Sent["result"]): Outcome =>
  result._tag === "Response" ? RetryPolicy.classifyStatus(result.status) : result._tag === "Refused" ? "failed" : "retry"

/** One attempt at one claimed delivery, with its bookkeeping. */
const attempt = (s: Settings, agents: Agents, delivery: Delivery) =>
  Effect.gen(function*() {
    const outbox = yield* Outbox
    const startedAt = yield* Clock.currentTimeMillis
    const signer = yield* s.signerFor(delivery)
    const { result } = yield* send(s, agents, delivery, { id: delivery.messageId, body: delivery.payload }, signer)
    const outcome = outcomeOf(result)
    const number = delivery.attempts + 1
    const now = yield* Clock.currentTimeMillis
    const record = {
      deliveryId: delivery.id,
      number,
      workerId: s.workerId,
      startedAt,
      latencyMillis: result._tag === "Refused" ? 0 : result.latencyMillis,
      httpStatus: result._tag === "Response" ? result.status : null,
      error: result._tag === "Response" ? null : result.error,
      responseExcerpt: result._tag === "Response" ? result.excerpt : "",
      outcome
    }
    const ids = { deliveryId: delivery.id, workerId: s.workerId, now }
    if (outcome === "delivered") {
      yield* outbox.recordAttempt(record, { now })
      return yield* outbox.complete(ids)
    }
    const delay = outcome === "retry" && number < delivery.maxAttempts
      ? RetryPolicy.delayAfter({
        attempt: number,
        random: yield* Random.next,
        retryAfterMillis: result._tag === "Response" ? RetryPolicy.parseRetryAfter(result.retryAfter, now) : undefined,
        scheduleMinutes: s.scheduleMinutes
      })
      : undefined
    if (delay !== undefined) return yield* outbox.recordAttempt(record, { now, retryAt: now + delay })
    yield* outbox.recordAttempt(record, { now })
    const why = result._tag === "Response" ? `HTTP ${result.status}` : result.error
    return yield* outbox.deadLetter({
      ...ids,
      reason: outcome === "retry" ? `gave up after ${number} attempt(s): ${why}` : `not retryable: ${why}`
    })
  }).pipe(
    // A lost lease or a broken store must not stop the worker; the delivery stays in the outbox.
    Effect.catch((error) => Effect.logWarning(`webhook delivery ${delivery.id}: ${error.message}`)),
    Effect.catchDefect((defect) => Effect.logError(`webhook delivery ${delivery.id} crashed`, defect)),
    Effect.asVoid
  )

/**
 * Starts the dispatcher in the current scope and returns once it runs. Closing the scope shuts
 * it down gracefully.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = (config: Config): Effect.Effect<void, never, Outbox | Scope.Scope> =>
  Effect.gen(function*() {
    const s = settings(config)
    const outbox = yield* Outbox
    const agents = yield* Effect.acquireRelease(Effect.sync(() => makeAgents(s.concurrency)), (a) =>
      Effect.sync(() => destroyAgents(a)))
    const queue = yield* Queue.bounded<Delivery, Cause.Done>(s.concurrency)
    const claimer = yield* Effect.gen(function*() {
      while (true) {
        const now = yield* Clock.currentTimeMillis
        const batch = yield* outbox.claim({ workerId: s.workerId, now, leaseMillis: s.leaseMillis, limit: s.batchSize })
          .pipe(Effect.catch((e) => Effect.as(Effect.logWarning(`webhook claim failed: ${e.message}`), [])))
        for (const delivery of batch) yield* Queue.offer(queue, delivery)
        if (batch.length < s.batchSize) yield* Effect.sleep(s.pollIntervalMillis)
      }
    }).pipe(Effect.interruptible, Effect.forkDetach)
    const worker = Effect.gen(function*() {
      while (true) {
        const delivery = yield* Queue.take(queue)
        yield* attempt(s, agents, delivery)
      }
    }).pipe(Effect.catchCause(() => Effect.void), Effect.provideService(Outbox, outbox), Effect.interruptible)
    const workers = yield* Effect.forEach(Array.from({ length: s.concurrency }), () => Effect.forkDetach(worker))
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        yield* Fiber.interrupt(claimer)
        const queued = yield* Queue.clear(queue)
        yield* Effect.forEach(queued, (d) =>
          Effect.ignore(outbox.release({ deliveryId: d.id, workerId: s.workerId })), { discard: true })
        yield* Queue.end(queue)
        if (s.shutdownGraceMillis > 0) {
          yield* Effect.ignore(Effect.timeout(Fiber.awaitAll(workers), s.shutdownGraceMillis))
        }
        yield* Fiber.interruptAll(workers)
      })
    )
  }).pipe(Effect.uninterruptible) // so the finalizer is registered whenever a fiber was forked

/**
 * Works the outbox until nothing is due: claims due deliveries, makes one attempt at each
 * (bounded concurrency), and repeats until a claim comes back empty. Deliveries rescheduled for a
 * later retry stay queued. For a cron job or a command line (`paymux webhook dispatch --once`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const drain = (config: Config): Effect.Effect<{ readonly attempted: number }, never, Outbox> =>
  Effect.scoped(Effect.gen(function*() {
    const s = settings(config)
    const outbox = yield* Outbox
    const agents = yield* Effect.acquireRelease(Effect.sync(() => makeAgents(s.concurrency)), (a) =>
      Effect.sync(() => destroyAgents(a)))
    let attempted = 0
    while (true) {
      const now = yield* Clock.currentTimeMillis
      const batch = yield* outbox.claim({ workerId: s.workerId, now, leaseMillis: s.leaseMillis, limit: s.batchSize })
        .pipe(Effect.catch((e) => Effect.as(Effect.logWarning(`webhook claim failed: ${e.message}`), [])))
      if (batch.length === 0) return { attempted }
      yield* Effect.forEach(batch, (delivery) => attempt(s, agents, delivery), { concurrency: s.concurrency, discard: true })
      attempted += batch.length
    }
  }))

/**
 * Runs the dispatcher until interrupted.
 *
 * @since 0.1.0
 * @category constructors
 */
export const run = (config: Config): Effect.Effect<never, never, Outbox> =>
  Effect.scoped(Effect.andThen(start(config), Effect.never))

/**
 * A layer that runs the dispatcher for as long as the layer lives.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: Config): Layer.Layer<never, never, Outbox> => Layer.effectDiscard(start(config))

/**
 * Posts a message to `url` at once (no outbox, no retries) and reports the receiver's answer.
 * By default the body is a `Webhook.Test` event.
 *
 * @since 0.1.0
 * @category sending
 */
export const testSend = (
  url: string,
  options: {
    readonly signer: WebhookSigner
    readonly mode: UrlGuard.Mode
    readonly body?: string
    readonly contentType?: string
    readonly messageId?: string
  } & Pick<Config, "connectTimeoutMillis" | "totalTimeoutMillis" | "resolver" | "userAgent">
): Effect.Effect<TestSendResult> =>
  Effect.gen(function*() {
    const s = settings({ ...options, concurrency: 1 })
    const now = yield* Clock.currentTimeMillis
    const body = options.body ??
      JSON.stringify({ type: "Webhook.Test", timestamp: new Date(now).toISOString(), data: {} })
    const { headers, result } = yield* send(
      s,
      undefined,
      { url, mode: options.mode, contentType: options.contentType ?? "application/json" },
      { id: options.messageId ?? `msg_${randomUUID().replaceAll("-", "")}`, body },
      options.signer
    )
    return {
      ok: result._tag === "Response" && RetryPolicy.classifyStatus(result.status) === "delivered",
      httpStatus: result._tag === "Response" ? result.status : null,
      latencyMillis: result._tag === "Refused" ? 0 : result.latencyMillis,
      responseExcerpt: result._tag === "Response" ? result.excerpt : "",
      error: result._tag === "Response" ? null : result.error,
      headers
    }
  })
