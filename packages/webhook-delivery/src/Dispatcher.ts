/**
 * The delivery engine: claims due deliveries from the store's `Outbox`, POSTs them with Standard
 * Webhooks headers on a bounded pool of fibers, records every attempt, retries on the
 * `RetryPolicy` schedule, and dead-letters what cannot be delivered.
 *
 * - It claims only as many deliveries as it has idle fibers, renews a lease while its attempt
 *   runs, and never starts a delivery it is still working on.
 * - Each attempt goes to the endpoint configured at that moment (`endpoint`), so a resend or a
 *   pending retry follows a corrected URL; the attempt records the URL it used.
 * - Closing its scope stops claiming and lets in-flight attempts finish for a grace period; an
 *   attempt still running then is recorded as interrupted and its lease given back.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Delivery, Outbox, StoreError } from "@paymux/store"
import { Notification, type WebhookSigner } from "@paymux/webhooks"
import { Cause, Clock, Effect, Fiber, Layer, Queue, Random, Result, type Scope } from "effect"
import * as RetryPolicy from "./RetryPolicy.ts"
import * as UrlGuard from "./UrlGuard.ts"
import { type Agents, destroyAgents, makeAgents, post, type PostResult } from "./internal/httpPost.ts"

/**
 * Where an attempt goes and how it is signed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Endpoint {
  readonly url: string
  readonly signer: WebhookSigner.WebhookSigner
}

/**
 * What an endpoint lookup may answer besides an endpoint: the delivery cannot be sent, for the
 * reason given (it is dead-lettered unsent with it).
 *
 * @since 0.1.0
 * @category models
 */
export interface Unsendable {
  readonly unsendable: string
}

/**
 * Where deliveries go: either one signer for every delivery, each sent to the URL it was queued
 * with, or an `endpoint` function that looks up the endpoint configured now (`undefined` when
 * there is none any more, or `Unsendable` with a reason: the delivery is dead-lettered). A
 * failing lookup sends nothing and is recorded as a failed attempt with its reason, retried on the
 * schedule; when the store cannot record even that, the delivery's lease lapses.
 *
 * @since 0.1.0
 * @category models
 */
export type Target =
  | { readonly signer: WebhookSigner.WebhookSigner }
  | { readonly endpoint: (delivery: Delivery.Delivery) => Effect.Effect<Endpoint | Unsendable | undefined, unknown> }

/**
 * What `onAttempt` hears after each attempt: the delivery as it was claimed, the URL
 * the attempt went to, and how it ended.
 *
 * @since 0.1.0
 * @category models
 */
export interface AttemptReport {
  readonly delivery: Delivery.Delivery
  readonly url: string
  readonly outcome: Delivery.Outcome
  readonly at: number
}

/**
 * Dispatcher settings besides the target. The counts and times are whole numbers (at least 1, or 0
 * for `pollIntervalMillis` and `shutdownGraceMillis`); anything else fails the dispatcher at start
 * with a RangeError naming the option.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly workerId?: string | undefined
  /** Concurrent requests (default 16). */
  readonly concurrency?: number | undefined
  /** The most deliveries claimed per outbox call (default 2 × concurrency), never more than idle fibers. */
  readonly batchSize?: number | undefined
  /** Wait between polls when nothing is due (default 1000 ms). */
  readonly pollIntervalMillis?: number | undefined
  /**
   * How long a claim lasts (default 120 000 ms); renewed every third of it while an attempt runs.
   * A whole number of at least 1 (anything else fails the dispatcher at start with a RangeError).
   */
  readonly leaseMillis?: number | undefined
  /** How long connecting to a receiver may take (default 30 000 ms, as PortOne's sender). */
  readonly connectTimeoutMillis?: number | undefined
  /**
   * How long the whole answer may take once connected, from sending the request to the end of the
   * response (default 30 000 ms, as PortOne's sender).
   */
  readonly readTimeoutMillis?: number | undefined
  /**
   * The waits in minutes before each retry (default `RetryPolicy.defaultScheduleMinutes`), the last
   * repeating; a delivery is tried at most its `maxAttempts` times whatever the schedule's length.
   * Each step is a number of minutes from 0 to 10 080 (a week); anything else fails the dispatcher
   * at start with a RangeError.
   */
  readonly scheduleMinutes?: ReadonlyArray<number> | undefined
  /** How long shutdown waits for in-flight requests before interrupting them (default 30 000 ms). */
  readonly shutdownGraceMillis?: number | undefined
  /** Which non-public targets are allowed (default `refuse`); see `UrlGuard.PrivateTargets`. */
  readonly privateTargets?: UrlGuard.PrivateTargets | undefined
  readonly resolver?: UrlGuard.Resolver | undefined
  readonly userAgent?: string | undefined
  /**
   * Called after each attempt that reached a verdict, before it is recorded (endpoint health,
   * metrics). Its failures are logged and never affect the delivery.
   */
  readonly onAttempt?: ((report: AttemptReport) => Effect.Effect<void, unknown>) | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type Config = Target & Options

/**
 * What a test send reports: the receiver's answer or the reason there was none. A refused or
 * redirecting target has an empty `responseExcerpt`.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestSendResult {
  /** `answered`: the receiver answered (see `httpStatus`); `refused`: the URL guard refused the target and nothing was sent; `unreachable`: no answer (connection, TLS or timeout, see `error`). */
  readonly outcome: "answered" | "refused" | "unreachable"
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
  readonly readTimeoutMillis: number
  readonly scheduleMinutes: ReadonlyArray<number>
  readonly shutdownGraceMillis: number
  readonly privateTargets: UrlGuard.PrivateTargets
  readonly resolver: UrlGuard.Resolver | undefined
  readonly userAgent: string
  readonly endpointFor: (delivery: Delivery.Delivery) => Effect.Effect<Endpoint | Unsendable | undefined, unknown>
  readonly onAttempt: (report: AttemptReport) => Effect.Effect<void, unknown>
}

/**
 * The longest step `scheduleMinutes` may hold: a week. Far above the default's 256 minutes and the
 * day a `Retry-After` may ask for, so no sensible schedule meets it; and it keeps every retry time
 * a finite whole number well inside the store's `Timestamp` range. The store refuses a retry time
 * that is not one (NaN from an unset variable, Infinity, 1e12), and then no failed attempt could be
 * recorded: the delivery went out again on every lease lapse, never dead-lettered.
 */
const maxScheduleStepMinutes = 7 * 24 * 60

/**
 * A count or a time option: a whole number of at least `least`, or its default. Anything else is a
 * RangeError at start: a `concurrency` of NaN left no fiber free to claim, so nothing was ever
 * sent, and the outbox refuses a lease that is not a whole number of milliseconds, so every claim
 * failed.
 */
const wholeOption = (name: keyof Options, value: number | undefined, fallback: number, least: number, unit: string): number => {
  if (value === undefined) return fallback
  if (!(Number.isSafeInteger(value) && value >= least))
    throw new RangeError(`${name} must be a whole number ${unit}of at least ${least}, got ${value}`)
  return value
}

const settings = (config: Options & Partial<Target>): Settings => {
  const concurrency = wholeOption("concurrency", config.concurrency, 16, 1, "")
  const millis = (name: keyof Options, value: number | undefined, fallback: number, least: number) =>
    wholeOption(name, value, fallback, least, "of milliseconds ")
  for (const step of config.scheduleMinutes ?? []) {
    if (!(Number.isFinite(step) && step >= 0 && step <= maxScheduleStepMinutes)) {
      throw new RangeError(
        `scheduleMinutes must hold numbers of minutes from 0 to ${maxScheduleStepMinutes} (a week), got ${step} in [${config.scheduleMinutes}]`
      )
    }
  }
  const signer = "signer" in config ? config.signer : undefined
  const endpoint = "endpoint" in config ? config.endpoint : undefined
  return {
    workerId: config.workerId ?? `dispatcher-${randomUUID()}`,
    concurrency,
    batchSize: wholeOption("batchSize", config.batchSize, concurrency * 2, 1, ""),
    pollIntervalMillis: millis("pollIntervalMillis", config.pollIntervalMillis, 1000, 0),
    leaseMillis: millis("leaseMillis", config.leaseMillis, 120_000, 1),
    connectTimeoutMillis: millis("connectTimeoutMillis", config.connectTimeoutMillis, 30_000, 1),
    readTimeoutMillis: millis("readTimeoutMillis", config.readTimeoutMillis, 30_000, 1),
    scheduleMinutes: config.scheduleMinutes ?? RetryPolicy.defaultScheduleMinutes,
    shutdownGraceMillis: millis("shutdownGraceMillis", config.shutdownGraceMillis, 30_000, 0),
    privateTargets: config.privateTargets ?? "refuse",
    resolver: config.resolver,
    userAgent: config.userAgent ?? "paymux-webhooks/0.1",
    endpointFor: endpoint ?? ((delivery) => Effect.succeed(signer === undefined ? undefined : { url: delivery.url, signer })),
    onAttempt: config.onAttempt ?? (() => Effect.void)
  }
}

interface Sent {
  readonly result: PostResult
  readonly headers: Readonly<Record<string, string>>
}

const send = (
  s: Settings,
  agents: Agents | undefined,
  target: { readonly url: string; readonly mode: UrlGuard.Mode; readonly contentType: string },
  message: { readonly id: string; readonly body: string },
  signer: WebhookSigner.WebhookSigner
): Effect.Effect<Sent> =>
  Effect.gen(function* () {
    const guard: UrlGuard.Options = { mode: target.mode, privateTargets: s.privateTargets, resolver: s.resolver }
    const checked = UrlGuard.checkUrl(target.url, guard)
    if (Result.isFailure(checked))
      return { result: { _tag: "Refused", error: checked.failure.message, reason: checked.failure.reason, latencyMillis: 0 }, headers: {} }
    const now = yield* Clock.currentTimeMillis
    const headers = {
      ...signer.sign({ id: message.id, timestamp: Math.floor(now / 1000), body: message.body }),
      "content-type": target.contentType,
      "user-agent": s.userAgent
    }
    const result = yield* post({
      target: checked.success,
      guard,
      headers,
      body: message.body,
      connectTimeoutMillis: s.connectTimeoutMillis,
      readTimeoutMillis: s.readTimeoutMillis,
      agents
    })
    return { result, headers }
  })

const outcomeOf = (result: PostResult): Delivery.Outcome =>
  result._tag === "Response" ? RetryPolicy.classifyStatus(result.status) : result._tag === "Refused" ? "failed" : "retry"

const originOf = (url: string): string => {
  try {
    return new URL(url).origin
  } catch {
    return "an unparsable URL"
  }
}

/** Runs `self` while renewing the delivery's lease every third of the lease time. */
const renewing = <A>(s: Settings, outbox: Outbox.OutboxShape, deliveryId: string, self: Effect.Effect<A>): Effect.Effect<A> => {
  const renewals = Effect.gen(function* () {
    while (true) {
      yield* Effect.sleep(Math.max(1, Math.floor(s.leaseMillis / 3)))
      const now = yield* Clock.currentTimeMillis
      yield* outbox.renew({ deliveryId, workerId: s.workerId, now, leaseMillis: s.leaseMillis })
    }
  }).pipe(
    // A lost lease or a broken store: stop renewing and let the attempt end; its record will fail.
    Effect.catch((e) => Effect.logWarning(`webhook delivery ${deliveryId}: lease not renewed: ${e.message}`)),
    Effect.andThen(Effect.never)
  )
  return Effect.raceFirst(self, renewals)
}

/**
 * What the outbox does with a delivery after an attempt: complete it, retry it later, or give up.
 * `asOf` is a drain's start: its claims look as of that time, so a retry it schedules falls due
 * after it (a zero-minute step, or a clock set back, made one due within it, claimed again).
 */
const afterAttempt = (
  s: Settings,
  delivery: Delivery.Delivery,
  result: PostResult,
  outcome: Delivery.Outcome,
  now: number,
  asOf: number | undefined
): Effect.Effect<Outbox.AfterAttempt> =>
  Effect.gen(function* () {
    if (outcome === "delivered") return { _tag: "Complete" } as const
    const number = delivery.attempts + 1
    if (outcome === "retry" && number < delivery.maxAttempts) {
      const delay = RetryPolicy.delayAfter({
        attempt: number,
        random: yield* Random.next,
        retryAfterMillis: result._tag === "Response" ? RetryPolicy.parseRetryAfter(result.retryAfter, now) : undefined,
        scheduleMinutes: s.scheduleMinutes
      })
      return { _tag: "Retry", at: asOf === undefined ? now + delay : Math.max(now + delay, asOf + 1) } as const
    }
    const why = result._tag === "Response" ? `HTTP ${result.status}` : result.error
    return {
      _tag: "DeadLetter",
      reason: outcome === "retry" ? `gave up after ${number} attempt(s): ${why}` : `not retryable: ${why}`
    } as const
  })

/** A failure's own message, for a one-line warning. */
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * An attempt's log lines annotated with what an operator looks it up by (paymux webhook history,
 * the API's deliveries), and the attempt one span for a tracer. No URL: its path or query may
 * carry a token.
 */
const traced =
  (delivery: Delivery.Delivery) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
    const annotations = attemptAnnotations(delivery)
    return self.pipe(Effect.annotateLogs(annotations), Effect.withSpan("webhook.deliver", { attributes: annotations }))
  }

/** What identifies an attempt in logs and spans. */
const attemptAnnotations = (delivery: Delivery.Delivery) => ({
  merchant: delivery.merchant ?? "",
  deliveryId: delivery.id,
  webhookId: delivery.messageId,
  mode: delivery.mode,
  eventType: delivery.eventType,
  endpointId: delivery.endpointId ?? "",
  attempt: `${delivery.attempts + 1}/${delivery.maxAttempts}`
})

/**
 * One attempt at one claimed delivery, with its bookkeeping. Only the endpoint lookup and the
 * request can be interrupted; an interrupted request is recorded, so its lease is given back.
 * Succeeds with the status the store recorded for the delivery, or `undefined` when it could not
 * record it. `asOf`: the start of the drain it is part of (see `afterAttempt`).
 */
const attempt = (
  s: Settings,
  outbox: Outbox.OutboxShape,
  agents: Agents,
  delivery: Delivery.Delivery,
  asOf?: number
): Effect.Effect<Delivery.Status | undefined> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function* () {
      const ids = { deliveryId: delivery.id, workerId: s.workerId }
      const startedAt = yield* Clock.currentTimeMillis
      const number = delivery.attempts + 1
      const record = (url: string, result: PostResult, outcome: Delivery.Outcome): Delivery.Attempt => ({
        deliveryId: delivery.id,
        number,
        workerId: s.workerId,
        url,
        startedAt,
        latencyMillis: result.latencyMillis,
        httpStatus: result._tag === "Response" ? result.status : null,
        error: result._tag === "Response" ? null : result.error,
        responseExcerpt: result._tag === "Response" ? result.excerpt : "",
        outcome
      })
      const looked = yield* restore(s.endpointFor(delivery)).pipe(
        Effect.onInterrupt(() => Effect.ignore(outbox.release(ids))),
        Effect.result
      )
      if (Result.isFailure(looked)) {
        const failure = looked.failure
        const why = messageOf(failure)
        // A store that did not answer (a restart, a lost connection) is no attempt at the receiver:
        // nothing is recorded, and the delivery goes out once its lease lapses, its attempts as they
        // were. Counted as one, a blink on the last attempt dead-lettered a message never sent.
        if (failure instanceof StoreError.StoreError && failure.retryable) {
          yield* Effect.logWarning(`webhook delivery ${delivery.id}: the endpoint could not be looked up: ${why} (tried again later)`)
          return undefined
        }
        // Nothing was sent: the endpoint could not be looked up (its signing secret does not open,
        // say). Recorded as an attempt that failed, with why, so history shows it and the retry
        // schedule ends it, rather than a lease held and lapsing unseen over and over.
        const result: PostResult = {
          _tag: "NetworkError",
          error: `not sent: the endpoint could not be looked up: ${why}`,
          latencyMillis: 0
        }
        yield* Effect.logWarning(`webhook delivery ${delivery.id} to ${originOf(delivery.url)}: ${result.error} (retry)`)
        const next = yield* afterAttempt(s, delivery, result, "retry", startedAt, asOf)
        return yield* outbox.recordAttempt(record(delivery.url, result, "retry"), { now: startedAt, next })
      }
      const found = looked.success
      if (found === undefined || "unsendable" in found) {
        const reason = found?.unsendable ?? `no ${delivery.mode} webhook URL is configured any more`
        return yield* outbox.deadLetter({ ...ids, now: startedAt, reason })
      }
      const endpoint = found
      const interrupted = Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const result: PostResult = {
          _tag: "NetworkError",
          error: "interrupted: the dispatcher stopped during the attempt",
          latencyMillis: now - startedAt
        }
        // Counted and rescheduled at once, which also gives the lease back.
        yield* outbox.recordAttempt(record(endpoint.url, result, "retry"), { now, next: { _tag: "Retry", at: now } })
      })
      const { result } = yield* restore(
        renewing(
          s,
          outbox,
          delivery.id,
          send(
            s,
            agents,
            { url: endpoint.url, mode: delivery.mode, contentType: delivery.contentType },
            { id: delivery.messageId, body: delivery.payload },
            endpoint.signer
          )
        )
      ).pipe(Effect.onInterrupt(() => Effect.ignore(interrupted)))
      const outcome = outcomeOf(result)
      const now = yield* Clock.currentTimeMillis
      // What an operator watching the logs needs (a receiver answering 500 was silent): the
      // delivery, the receiver's origin (a URL's path or query may carry a token) and what failed.
      if (outcome !== "delivered") {
        // A refusal's message quotes the URL's path: only its reason is logged.
        const why =
          result._tag === "Response"
            ? `answered HTTP ${result.status}`
            : result._tag === "Refused"
              ? `refused: ${result.reason}`
              : result.error
        yield* Effect.logWarning(`webhook delivery ${delivery.id} to ${originOf(endpoint.url)}: ${why} (${outcome})`)
      }
      yield* s.onAttempt({ delivery, url: endpoint.url, outcome, at: now }).pipe(
        // One line with the reason, as the other warnings: a failure's nested causes and stacks
        // made one store outage hundreds of lines. A crash keeps its stack.
        Effect.catch((error) => Effect.logWarning(`webhook delivery ${delivery.id}: onAttempt failed: ${messageOf(error)}`)),
        Effect.catchDefect((defect) => Effect.logError(`webhook delivery ${delivery.id}: onAttempt crashed`, defect))
      )
      // One store call records the attempt with its consequence, so a kill can never leave a
      // recorded success on a delivery that another dispatcher will claim and send again.
      const next = yield* afterAttempt(s, delivery, result, outcome, now, asOf)
      return yield* outbox.recordAttempt(record(endpoint.url, result, outcome), { now, next })
    })
  ).pipe(
    Effect.map((recorded): Delivery.Status | undefined => recorded?.status),
    // A lost lease or a broken store must not stop the dispatcher; the delivery stays in the
    // outbox and its lease lapses.
    Effect.catch((error) => Effect.as(Effect.logWarning(`webhook delivery ${delivery.id}: ${messageOf(error)}`), undefined)),
    Effect.catchDefect((defect) => Effect.as(Effect.logError(`webhook delivery ${delivery.id} crashed`, defect), undefined)),
    // Every line of the attempt, these last two included.
    traced(delivery)
  )

/** A claim (as of `asOf` when given), or `undefined` when the store refused it (logged). */
const claimOnce = (s: Settings, outbox: Outbox.OutboxShape, limit: number, asOf?: number) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    return yield* outbox
      .claim({ workerId: s.workerId, now, leaseMillis: s.leaseMillis, limit, asOf })
      .pipe(Effect.catch((e) => Effect.as(Effect.logWarning(`webhook claim failed: ${e.message}`), undefined)))
  })

/**
 * The running dispatcher's claim: a defect too (a store adapter's bug) is logged and the next poll
 * claims again. It ended the claimer, and the process went on with nothing sent. (`drain`, run
 * once, lets a defect end the run, so that its caller sees it.)
 */
const claimOrLog = (s: Settings, outbox: Outbox.OutboxShape, limit: number) =>
  claimOnce(s, outbox, limit).pipe(
    Effect.map((batch) => batch ?? []),
    Effect.catchCause((cause) =>
      Cause.hasInterruptsOnly(cause) ? Effect.failCause(cause) : Effect.as(Effect.logWarning("webhook claim failed", cause), [])
    )
  )

/** The HTTP agents of one run, destroyed with its scope. */
const scopedAgents = (concurrency: number) =>
  Effect.acquireRelease(
    Effect.sync(() => makeAgents(concurrency)),
    (a) => Effect.sync(() => destroyAgents(a))
  )

/**
 * Starts the dispatcher in the current scope and returns once it runs. Closing the scope shuts
 * it down gracefully.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = (config: Config): Effect.Effect<void, never, Outbox.Outbox | Scope.Scope> =>
  Effect.gen(function* () {
    const s = settings(config)
    const outbox = yield* Outbox.Outbox
    const agents = yield* scopedAgents(s.concurrency)
    // One token per idle fiber: the claimer takes tokens before it claims, so a lease starts only
    // when a fiber is free to work on it.
    const idle = yield* Queue.unbounded<true>()
    yield* Queue.offerAll(
      idle,
      Array.from({ length: s.concurrency }, () => true as const)
    )
    // The deliveries this dispatcher is working on, and their fibers (for shutdown).
    const working = new Set<string>()
    const fibers = new Map<string, Fiber.Fiber<unknown>>()
    const launch = (delivery: Delivery.Delivery) =>
      Effect.gen(function* () {
        working.add(delivery.id)
        const fiber = yield* attempt(s, outbox, agents, delivery).pipe(
          Effect.ensuring(
            Effect.andThen(
              Effect.sync(() => {
                working.delete(delivery.id)
                fibers.delete(delivery.id)
              }),
              Queue.offer(idle, true)
            )
          ),
          Effect.forkDetach
        )
        if (working.has(delivery.id)) fibers.set(delivery.id, fiber)
      }).pipe(Effect.uninterruptible)
    const claimer = yield* Effect.gen(function* () {
      while (true) {
        const tokens = yield* Queue.takeBetween(idle, 1, s.batchSize)
        // Claimed rows are launched before a shutdown can stop the claimer, so none is stranded.
        const claimed = yield* Effect.uninterruptible(
          Effect.gen(function* () {
            const batch = yield* claimOrLog(s, outbox, tokens.length)
            let unused = tokens.length
            for (const delivery of batch) {
              // Still working on it (its lease lapsed and came back to us): never start it twice.
              if (working.has(delivery.id)) continue
              unused--
              yield* launch(delivery)
            }
            if (unused > 0)
              yield* Queue.offerAll(
                idle,
                Array.from({ length: unused }, () => true as const)
              )
            return batch.length
          })
        )
        if (claimed < tokens.length) yield* Effect.sleep(s.pollIntervalMillis)
      }
    }).pipe(Effect.interruptible, Effect.forkDetach)
    yield* Effect.addFinalizer(() =>
      Effect.andThen(
        Fiber.interrupt(claimer),
        // Read once the claimer has stopped: a batch it was launching has its fibers in the map.
        Effect.suspend(() => stopGracefully(s, [...fibers.values()]))
      )
    )
  }).pipe(Effect.uninterruptible) // so the finalizer is registered whenever a fiber was forked

/**
 * How a stopping dispatcher ends the attempts in flight: they get `shutdownGraceMillis` to
 * finish, then the ones still running are interrupted (and recorded as interrupted).
 */
const stopGracefully = (s: Settings, running: ReadonlyArray<Fiber.Fiber<unknown>>): Effect.Effect<void> =>
  Effect.andThen(
    s.shutdownGraceMillis > 0 ? Effect.ignore(Effect.timeout(Fiber.awaitAll(running), s.shutdownGraceMillis)) : Effect.void,
    Fiber.interruptAll(running)
  )

/**
 * What one `drain` did: how many due deliveries it attempted, and what the store recorded became
 * of each: `delivered`, `retrying` (pending, to be tried again later) or `deadLettered` (a last
 * failed attempt, or no longer sendable). `unrecorded` counts those the store did not take (it
 * failed, or another dispatcher took the lease): such a delivery stays pending and is attempted
 * again once its lease lapses, so its receiver may see it twice; the warnings in the log say why.
 * The four counts add up to `attempted`. A delivery whose endpoint could not be looked up because
 * the store did not answer is `unrecorded` too: nothing was sent, and no attempt counted.
 *
 * @since 0.1.0
 * @category models
 */
export interface DrainReport {
  readonly attempted: number
  /** @since 0.1.0 */
  readonly delivered: number
  /** @since 0.1.0 */
  readonly retrying: number
  /** @since 0.1.0 */
  readonly deadLettered: number
  readonly unrecorded: number
  /**
   * Whether the run ended because the store refused a claim (unreachable, busy, out of space; the
   * log says why), rather than because nothing more was due.
   *
   * @since 0.1.0
   */
  readonly claimFailed: boolean
}

/**
 * Attempts what was due when it started, each delivery once: claims as of its start
 * (`Outbox.claim`'s `asOf`), makes one attempt at each (bounded concurrency), and repeats until a
 * claim comes back empty. What falls due during the run (its own retries, new deliveries, a lease
 * that lapses) waits for the next run: claiming until nothing was due, one run made 49,666
 * attempts at 20,170 deliveries to a dead receiver and outlived its cron period. Interrupted, it
 * stops claiming and gives the attempts in flight the shutdown grace, as `start` does. For a cron
 * job or a command line (`paymux webhook dispatch --once`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const drain = (config: Config): Effect.Effect<DrainReport, never, Outbox.Outbox> =>
  Effect.scoped(
    Effect.gen(function* () {
      const s = settings(config)
      const outbox = yield* Outbox.Outbox
      const agents = yield* scopedAgents(s.concurrency)
      const startedAt = yield* Clock.currentTimeMillis
      const report = { attempted: 0, delivered: 0, retrying: 0, deadLettered: 0, unrecorded: 0, claimFailed: false }
      while (true) {
        const batch = yield* claimOnce(s, outbox, s.concurrency, startedAt)
        // A claim the store refused ends the run too, but says so: it is not "nothing due".
        if (batch === undefined) return { ...report, claimFailed: true } as DrainReport
        if (batch.length === 0) return report as DrainReport
        // Interrupted (SIGTERM), it claims no more and the batch in flight gets the shutdown grace,
        // as `start`'s attempts do.
        const working = yield* Effect.forkDetach(
          Effect.forEach(batch, (delivery) => attempt(s, outbox, agents, delivery, startedAt), { concurrency: s.concurrency })
        )
        const recorded = yield* Fiber.join(working).pipe(Effect.onInterrupt(() => stopGracefully(s, [working])))
        report.attempted += batch.length
        for (const status of recorded) {
          if (status === "delivered") report.delivered++
          else if (status === "pending") report.retrying++
          else if (status === "dead") report.deadLettered++
          else report.unrecorded++
        }
      }
    })
  )

/**
 * Runs the dispatcher until interrupted.
 *
 * @since 0.1.0
 * @category constructors
 */
export const run = (config: Config): Effect.Effect<never, never, Outbox.Outbox> =>
  Effect.scoped(Effect.andThen(start(config), Effect.never))

/**
 * A layer that runs the dispatcher for as long as the layer lives.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: Config): Layer.Layer<never, never, Outbox.Outbox> => Layer.effectDiscard(start(config))

/**
 * Posts a message to `url` at once (no outbox, no retries) and reports the receiver's answer.
 * By default the body is a `Webhook.Test` event. Private targets are refused unless
 * `privateTargets` allows them.
 *
 * @since 0.1.0
 * @category sending
 */
export const testSend = (
  url: string,
  options: {
    readonly signer: WebhookSigner.WebhookSigner
    readonly mode: UrlGuard.Mode
    readonly body?: string
    readonly contentType?: string
    readonly messageId?: string
  } & Pick<Options, "connectTimeoutMillis" | "readTimeoutMillis" | "resolver" | "userAgent" | "privateTargets">
): Effect.Effect<TestSendResult> =>
  Effect.gen(function* () {
    const s = settings({ ...options, concurrency: 1 })
    const now = yield* Clock.currentTimeMillis
    const body = options.body ?? Notification.eventBody("Webhook.Test", {}, now)
    const { headers, result } = yield* send(
      s,
      undefined,
      { url, mode: options.mode, contentType: options.contentType ?? "application/json" },
      { id: options.messageId ?? Delivery.newMessageId(), body },
      options.signer
    )
    return {
      outcome: result._tag === "Response" ? "answered" : result._tag === "Refused" ? "refused" : "unreachable",
      ok: result._tag === "Response" && RetryPolicy.classifyStatus(result.status) === "delivered",
      httpStatus: result._tag === "Response" ? result.status : null,
      latencyMillis: result.latencyMillis,
      responseExcerpt: result._tag === "Response" ? result.excerpt : "",
      error: result._tag === "Response" ? null : result.error,
      headers
    }
  })
