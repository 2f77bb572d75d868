/**
 * Sending a merchant's webhooks (the test send, emitting notifications through the outbox to the
 * mode's endpoints or a payment's own notice URLs, the delivery worker, delivery history and
 * resends). Where webhooks go is `WebhookEndpoints`; the signing secrets are `WebhookSecrets`.
 *
 * Whether a webhook may reach loopback or private addresses is the host's decision, not a
 * merchant's: the `PrivateTargets` reference, `refuse` unless the host provides another value
 * (`paymux serve --allow-private-webhooks` provides `allow`), or the `privateTargets` option of a
 * test send or a delivery run (the CLI acting locally passes `test-mode`).
 *
 * @since 0.1.0
 */
import { ChannelTerms, DomainError, Identifiers, Input, PageLimit, Timestamp, WebhookSettings } from "@paymux/domain"
import { type Delivery, Outbox, Repositories, Transaction, type StoreError } from "@paymux/store"
import { Dispatcher, UrlGuard } from "@paymux/webhook-delivery"
import { Notification } from "@paymux/webhooks"
import { Clock, Context, Effect, Result, Schema } from "effect"
import { WebhookNotSent } from "./AdminError.ts"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"
import * as Prune from "./internal/prune.ts"
import { findEndpoint } from "./internal/endpoints.ts"
import { formatOf, TestFormat, testBody } from "./internal/webhookBodies.ts"

/**
 * The shape of a test send's body: `v1` (V1's fields) or `v2` (a JSON `Webhook.Test` event).
 *
 * @since 0.1.0
 * @category models
 */
export type { TestFormat }
import { queue, toTarget } from "./internal/webhookQueue.ts"
import { recordAttempt } from "./WebhookEndpoints.ts"
import * as WebhookSecrets from "./WebhookSecrets.ts"

const merchantCode = (code: string) => Effect.fromResult(Identifiers.decodeMerchantCode(code))

/**
 * Which non-public addresses test sends and deliveries may reach (see `UrlGuard.PrivateTargets`).
 * Defaults to `refuse`: no merchant URL reaches the host's own network unless the host opts in.
 *
 * @since 0.1.0
 * @category services
 */
export const PrivateTargets: Context.Reference<UrlGuard.PrivateTargets> = Context.Reference<UrlGuard.PrivateTargets>(
  "@paymux/admin/Webhooks/PrivateTargets",
  { defaultValue: () => "refuse" }
)

/**
 * Dispatcher settings a host may pass; where deliveries go and how they are signed come from the
 * store. `privateTargets` defaults to the `PrivateTargets` reference.
 *
 * @since 0.1.0
 * @category models
 */
export type DispatchOptions = Dispatcher.Options

/**
 * A dispatcher configuration that sends each delivery to its endpoint as configured at the time
 * of the attempt (so a fixed URL also fixes pending retries and resends), signed with the mode's
 * current secrets; a delivery for a fixed URL (a payment's notice URL, an explicit resend target)
 * goes there. A delivery whose endpoint is gone is dead-lettered unsent, and so is one whose
 * endpoint is disabled. Every verdict counts towards the endpoint's health, which disables it
 * after `EndpointHealth.disableAfterDays` days of failures (see `WebhookEndpoints.recordAttempt`).
 *
 * @since 0.1.0
 * @category getters
 */
export const dispatcherConfig = (options: DispatchOptions = {}): Effect.Effect<Dispatcher.Config, never, AdminServices> =>
  Effect.gen(function* () {
    const context = yield* Effect.context<AdminServices>()
    const privateTargets = options.privateTargets ?? (yield* PrivateTargets)
    const endpoint = (delivery: Delivery.Delivery) =>
      Effect.gen(function* () {
        const code = yield* merchantCode(delivery.merchant ?? "")
        if (delivery.endpointId === null) return { url: delivery.url, signer: yield* WebhookSecrets.signerFor(code, delivery.mode) }
        const repo = yield* Repositories.WebhookSettingsRepository
        const settings = yield* repo.get(code)
        const found = settings[delivery.mode].endpoints.find((e) => e.id === delivery.endpointId)
        if (found === undefined) {
          // With no endpoint left the dispatcher says no URL is configured; with others (or the
          // URL cleared and set again, which makes a new endpoint) it said so too, wrongly.
          if (settings[delivery.mode].endpoints.length === 0) return undefined
          return {
            unsendable: `the ${delivery.mode} endpoint ${delivery.endpointId} it was for was removed; resend it with a URL to send it to one`
          }
        }
        const health = (yield* repo.getHealth(code)).find((h) => h.mode === delivery.mode && h.endpointId === found.id)
        if (health !== undefined && health.disabledAt !== null) {
          return {
            unsendable: `the ${delivery.mode} endpoint ${found.id} was disabled on ${new Date(health.disabledAt).toISOString()}; enable it, then resend`
          }
        }
        return { url: found.url, signer: yield* WebhookSecrets.signerFor(code, delivery.mode) }
      }).pipe(Effect.provide(context))
    const onAttempt = (report: Dispatcher.AttemptReport) => recordAttempt(report).pipe(Effect.provide(context))
    return { ...options, privateTargets, endpoint, onAttempt }
  })

/**
 * Delivers everything that is due now (one attempt each) and reports how many were attempted and
 * what became of them (`Dispatcher.DrainReport`). What falls due while it runs (a retry of one it
 * attempted, say) waits for the next run (`Dispatcher.drain`).
 *
 * @since 0.1.0
 * @category use cases
 */
export const deliverDue = (options: DispatchOptions = {}): Effect.Effect<Dispatcher.DrainReport, never, AdminServices> =>
  Effect.flatMap(dispatcherConfig(options), Dispatcher.drain)

/**
 * How many deliveries `pruneDeliveries` deletes per store call.
 *
 * @since 0.1.0
 * @category constants
 */
export const pruneBatch: number = Prune.pruneBatch

/**
 * Deletes every finished delivery (delivered or dead) last changed before `before` (epoch
 * milliseconds), with its attempts, across all merchants, `pruneBatch` at a time; pending
 * deliveries are never deleted. The outbox keeps every delivery until this runs, so a host runs
 * it on a schedule (`paymux webhook prune --before 30d`). A dead delivery it deletes can no
 * longer be resent.
 *
 * @since 0.1.0
 * @category use cases
 */
export const pruneDeliveries = (
  before: number
): Effect.Effect<{ readonly deleted: number }, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.flatMap(Outbox.Outbox, (outbox) => Prune.pruneInBatches(before, (limit) => outbox.prune({ before, limit })))

/**
 * Runs the delivery worker until interrupted: due deliveries go out, failures retry on the
 * 1, 4, 16, 64, 256-minute schedule, and the last failure dead-letters.
 *
 * @since 0.1.0
 * @category use cases
 */
export const runDispatcher = (options: DispatchOptions = {}): Effect.Effect<never, never, AdminServices> =>
  Effect.flatMap(dispatcherConfig(options), Dispatcher.run)

/**
 * What a test send reports: the receiver's answer, where it went, and what it carried.
 *
 * @since 0.1.0
 * @category models
 */
export type TestResult = Dispatcher.TestSendResult & {
  readonly url: string
  readonly endpointId: string
  readonly format: TestFormat
  readonly contentType: string
}

/**
 * Posts a signed test notification to a saved endpoint of the mode (the first, or `endpointId`)
 * at once and reports the receiver's answer. The body has the shape the mode's notifications carry:
 * `v1`, V1's fields (`imp_uid`, `merchant_uid`, `status`) form-encoded, in a form mode; `v2`, a JSON
 * `Webhook.Test` event, in a JSON mode. That is the default; the other format is `WebhookNotSent`
 * (naming what the mode sends), since a test in it would pass a receiver the mode's notifications break.
 * The URL passes the SSRF guard (live: https; loopback and private addresses only as
 * `privateTargets` or the host's `PrivateTargets` allows); a refused or redirecting URL reports no
 * response excerpt.
 *
 * @since 0.1.0
 * @category use cases
 */
export const test = (
  merchant: string,
  mode: ChannelTerms.Mode,
  options: Pick<Dispatcher.Options, "resolver" | "connectTimeoutMillis" | "readTimeoutMillis"> & {
    /** Overrides the host's `PrivateTargets` for this send. */
    readonly privateTargets?: UrlGuard.PrivateTargets | undefined
    readonly format?: TestFormat | undefined
    readonly endpointId?: string | undefined
  } = {}
): Effect.Effect<TestResult, DomainError.InvalidInput | StoreError.StoreError | WebhookNotSent, AdminServices> =>
  Effect.gen(function* () {
    yield* Effect.fromResult(checkTest({ mode, format: options.format }))
    const code = yield* merchantCode(merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const settings = yield* repo.get(code)
    const endpoint =
      options.endpointId === undefined ? settings[mode].endpoints[0] : yield* findEndpoint(settings, mode, options.endpointId)
    if (endpoint === undefined) return yield* new WebhookNotSent({ reason: `no ${mode} webhook URL is saved` })
    const contentType = settings[mode].contentType
    const format = options.format ?? formatOf(contentType)
    const tested = testBody(mode, contentType, format, yield* Clock.currentTimeMillis)
    if (Result.isFailure(tested)) return yield* new WebhookNotSent({ reason: tested.failure })
    const body = tested.success
    const signer = yield* WebhookSecrets.signerFor(code, mode)
    const { resolver, connectTimeoutMillis, readTimeoutMillis } = options
    const result = yield* Dispatcher.testSend(endpoint.url, {
      ...(resolver === undefined ? {} : { resolver }),
      ...(connectTimeoutMillis === undefined ? {} : { connectTimeoutMillis }),
      ...(readTimeoutMillis === undefined ? {} : { readTimeoutMillis }),
      signer,
      mode,
      body: body.body,
      contentType: body.contentType,
      privateTargets: options.privateTargets ?? (yield* PrivateTargets)
    })
    yield* audit({
      merchant: code,
      action: "webhook.test",
      target: mode,
      after: { url: endpoint.url, endpointId: endpoint.id, format, ok: result.ok, httpStatus: result.httpStatus }
    })
    return { ...result, url: endpoint.url, endpointId: endpoint.id, format, contentType: body.contentType }
  })

/**
 * What a Promise caller may hand over unchecked (JSON passed through), checked before anything is
 * read: a mode of "bogus" failed as "internal error", or, in `resendFailed`, matched no delivery.
 */
const checkTest = Input.decoder(Schema.Struct({ mode: ChannelTerms.Mode, format: Schema.optional(TestFormat) }))

/** A per-request notice URL must pass the mode's URL rules and the guard's rules that need no DNS. */
const checkNoticeUrls = (mode: ChannelTerms.Mode, urls: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const decoded = yield* Effect.fromResult(WebhookSettings.decodeNoticeUrls(mode, urls))
    const privateTargets = yield* PrivateTargets
    for (const [i, url] of decoded.entries()) {
      const checked = UrlGuard.checkUrl(url, { mode, privateTargets })
      if (Result.isFailure(checked)) {
        return yield* new DomainError.InvalidInput({
          field: `noticeUrls.${i}`,
          value: JSON.stringify(checked.failure.url),
          rule: checked.failure.reason
        })
      }
    }
    return decoded
  })

/**
 * Queues a notification, one message (one `webhook-id`) per target: the mode's endpoints that
 * receive `eventType`, or, when the payment carries its own `noticeUrls` (V1's `notice_url`, V2's
 * `noticeUrls`), those URLs instead. Notice URLs follow the mode's URL rules and the SSRF guard's
 * rules that need no DNS, here, and the whole guard when sent; a bad one is `InvalidInput`.
 *
 * `payload` is the event as JSON (`{ type, timestamp, data }`), at most `maxPayloadBytes` (64 KiB;
 * more is `InvalidInput` on `payload`), sent as is to a JSON mode. A form
 * mode sends V1's fields form-encoded: `v1` when given, else those of the event
 * (`Notification.toV1`); an event V1 never sent is not queued for a form mode. Call it inside the
 * transaction of the change that caused it, so the change and its webhook commit together.
 *
 * @since 0.1.0
 * @category use cases
 */
export const emit = (input: {
  readonly merchant: string
  readonly mode: ChannelTerms.Mode
  readonly eventType: string
  readonly payload: string
  readonly subject?: string | undefined
  readonly noticeUrls?: ReadonlyArray<string> | undefined
  readonly v1?: Notification.V1 | undefined
}): Effect.Effect<ReadonlyArray<Delivery.Delivery>, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    yield* Effect.fromResult(checkEmit(input))
    const code = yield* merchantCode(input.merchant)
    yield* checkEvent(input)
    const notice = input.noticeUrls === undefined ? undefined : yield* checkNoticeUrls(input.mode, input.noticeUrls)
    const settings = yield* (yield* Repositories.WebhookSettingsRepository).get(code)
    const targets =
      notice === undefined
        ? WebhookSettings.endpointsFor(settings, input.mode, input.eventType).map(toTarget)
        : notice.map((url) => ({ url }))
    return yield* queue(code, input.mode, settings[input.mode].contentType, input, targets)
  })

const checkEmit = Input.decoder(Schema.Struct({ mode: ChannelTerms.Mode, eventType: WebhookSettings.EventType }))
const checkEmitEvent = Input.decoder(Schema.Struct({ mode: ChannelTerms.Mode, type: WebhookSettings.EventType }))

/**
 * The largest payload a notification may carry: 64 KiB of JSON text, counted in UTF-8 bytes as it
 * is stored and sent. A notification says what happened (ids and a status, as PortOne's webhooks
 * do) and the receiver fetches the details. The outbox keeps the payload once per target (up to
 * `WebhookSettings.maxEndpoints`), so one request stores at most ten times this; at the 1 MiB an
 * HTTP body may hold, it stored about ten times that.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPayloadBytes: number = 64 * 1024

/** The longest `subject` a notification may carry (a payment id, say). */
const maxSubjectLength = 200

/**
 * What `emit` queues must be sendable and kept as given: the payload JSON text (receivers parse
 * it; "{nope" was queued and delivered) of at most `maxPayloadBytes`, and a subject of at most
 * `maxSubjectLength` characters, both well-formed text (a lone surrogate came back from the SQL
 * stores as U+FFFD).
 */
const checkEvent = (input: { readonly payload: string; readonly subject?: string | undefined }) =>
  Effect.gen(function* () {
    if (typeof input.payload !== "string" || !Input.isWellFormed(input.payload) || !isJson(input.payload)) {
      return yield* new DomainError.InvalidInput({
        field: "payload",
        value: "<not shown>",
        rule: "the event as JSON text, without lone surrogates"
      })
    }
    const bytes = Buffer.byteLength(input.payload, "utf8")
    if (bytes > maxPayloadBytes) {
      return yield* new DomainError.InvalidInput({
        field: "payload",
        value: `${bytes} bytes`,
        rule: `the event as JSON in at most ${maxPayloadBytes} bytes (${maxPayloadBytes / 1024} KiB): ids and a status, not the details (the receiver fetches those)`
      })
    }
    if (
      input.subject !== undefined &&
      (typeof input.subject !== "string" || input.subject.length > maxSubjectLength || !Input.isWellFormed(input.subject))
    ) {
      return yield* new DomainError.InvalidInput({
        field: "subject",
        value: typeof input.subject === "string" ? `${input.subject.length} characters` : `a ${typeof input.subject}`,
        rule: `at most ${maxSubjectLength} characters of text, without lone surrogates`
      })
    }
  })

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/**
 * `emit` for an event given by its type and data: the body is `{ type, timestamp, data }`,
 * timestamped now (what `POST …/webhooks/{mode}/notifications` queues). Data that
 * `Notification.eventProblem` refuses (too deep, a cycle, a bigint, or an event of a known type
 * without the fields `Notification.parse` reads), or that makes the body larger than
 * `maxPayloadBytes`, is `InvalidInput` on `data`.
 *
 * @since 0.1.0
 * @category use cases
 */
export const emitEvent = (input: {
  readonly merchant: string
  readonly mode: ChannelTerms.Mode
  readonly type: string
  readonly data: unknown
  readonly subject?: string | undefined
  readonly noticeUrls?: ReadonlyArray<string> | undefined
}): Effect.Effect<ReadonlyArray<Delivery.Delivery>, DomainError.InvalidInput | StoreError.StoreError, AdminServices> => {
  const bad = checkEmitEvent(input)
  if (Result.isFailure(bad)) return Effect.fail(bad.failure)
  const problem = Notification.eventProblem(input.type, input.data)
  if (problem !== undefined) {
    const value = Array.isArray(input.data) ? "an array" : typeof input.data === "object" ? "an object" : `a ${typeof input.data}`
    return Effect.fail(new DomainError.InvalidInput({ field: "data", value, rule: problem }))
  }
  return Effect.flatMap(Clock.currentTimeMillis, (now) =>
    emit({
      merchant: input.merchant,
      mode: input.mode,
      eventType: input.type,
      payload: Notification.eventBody(input.type, input.data, now),
      subject: input.subject,
      noticeUrls: input.noticeUrls
    }).pipe(
      // The payload is made here from `data`, so only its size can be wrong: the caller named it `data`.
      Effect.mapError((e) =>
        e._tag === "InvalidInput" && e.field === "payload"
          ? new DomainError.InvalidInput({ field: "data", value: e.value, rule: e.rule })
          : e
      )
    )
  )
}

/**
 * The merchant's deliveries with their attempts, newest first, at most `limit`
 * (`PageLimit.deliveryHistory`). A history of any size is read a page at a time: `after` is the
 * last delivery id of the page before, and the page holds the deliveries older than it. A cursor
 * that is not one of the merchant's deliveries (unknown, pruned since, or another merchant's) is
 * `NotFound`, never an empty page.
 *
 * @since 0.1.0
 * @category use cases
 */
export const history = (
  merchant: string,
  options: { readonly limit?: number | undefined; readonly after?: string | undefined } = {}
): Effect.Effect<ReadonlyArray<Delivery.History>, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const limit = yield* Effect.fromResult(PageLimit.check(PageLimit.deliveryHistory, options.limit))
    const { after } = yield* Effect.fromResult(checkCursor(options))
    const outbox = yield* Outbox.Outbox
    if (after === undefined) return yield* outbox.history({ merchant: code, limit })
    // The outbox takes any delivery as a position; another merchant's must look missing, as in `resend`.
    const cursor = yield* outbox.get(after)
    if (cursor.delivery.merchant !== code) return yield* Outbox.notFound(after)
    return yield* outbox.history({ merchant: code, limit, after })
  })

/** A cursor that is no string (a number from unchecked input) failed as "internal error". */
const checkCursor = Input.decoder(Schema.Struct({ after: Schema.optional(Schema.String) }))

const checkResendUrl = (mode: ChannelTerms.Mode, url: string | undefined) =>
  url === undefined
    ? Effect.succeed(undefined)
    : checkNoticeUrls(mode, [url]).pipe(
        Effect.map(([checked]) => checked),
        // Checked as a notice URL, but the caller named it `url` (the error said `noticeUrls.0`).
        Effect.mapError((e) => new DomainError.InvalidInput({ field: "url", value: e.value, rule: e.rule }))
      )

/**
 * Queues the same message again (same `webhook-id`, so receivers deduplicate). By default it goes
 * where the original goes as configured when it is sent (its endpoint's URL now, not the one the
 * original went to); with `url`, to that URL (checked like a notice URL).
 *
 * @since 0.1.0
 * @category use cases
 */
export const resend = (
  merchant: string,
  deliveryId: string,
  options: { readonly url?: string | undefined } = {}
): Effect.Effect<Delivery.Delivery, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const outbox = yield* Outbox.Outbox
    const found = yield* outbox.get(deliveryId)
    if (found.delivery.merchant !== code) return yield* Outbox.notFound(deliveryId)
    const url = yield* checkResendUrl(found.delivery.mode, options.url)
    const tx = yield* Transaction.Transaction
    // The resend and its audit entry commit together.
    return yield* tx.withTransaction(
      Effect.gen(function* () {
        const again = yield* outbox.resend(deliveryId, yield* Clock.currentTimeMillis, url === undefined ? {} : { url })
        yield* audit({
          merchant: code,
          action: "webhook.resend",
          target: deliveryId,
          after: { id: again.id, messageId: again.messageId, ...(url === undefined ? {} : { url }) }
        })
        return again
      })
    )
  })

/**
 * What `resendFailed` did: the deliveries it queued, and `alreadyHandled`, how many dead ones of
 * the window it did not queue because the same message already went, or is now queued, to the
 * same target: delivered or pending there since `since`, its resend by this call included (a
 * younger dead delivery of a message it queued again counts). Dead ones beyond `limit` that are
 * not handled count in neither.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResendFailedResult {
  readonly queued: ReadonlyArray<Delivery.Delivery>
  readonly alreadyHandled: number
}

/**
 * Resends every failed (dead-lettered) delivery of the merchant created since `since` (epoch
 * milliseconds), oldest first, optionally of one mode only, at most `limit` (`PageLimit.failedResends`): each
 * to where it goes now, or to `url`. A message already delivered or queued again to the same
 * target since is left alone, so running it twice queues nothing twice. The store picks the
 * deliveries and counts the handled ones (`Outbox.resendable`, `Outbox.coveredDead`): two store
 * calls and one per delivery queued, however many handled dead deliveries the window holds.
 *
 * @since 0.1.0
 * @category use cases
 */
export const resendFailed = (input: {
  readonly merchant: string
  readonly since: number
  readonly mode?: ChannelTerms.Mode | undefined
  readonly url?: string | undefined
  readonly limit?: number | undefined
}): Effect.Effect<ResendFailedResult, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(input.merchant)
    const limit = yield* Effect.fromResult(PageLimit.check(PageLimit.failedResends, input.limit))
    // Checked before anything is read, so bad input is refused whether or not a delivery failed
    // (a `since` no date holds answered 500). Each delivery's mode checks the URL again below.
    const { mode } = yield* Effect.fromResult(checkResendFailed(input))
    yield* checkResendUrl(mode ?? "test", input.url)
    const outbox = yield* Outbox.Outbox
    const tx = yield* Transaction.Transaction
    // One transaction from the reads to the audit entry: two resend-failed calls at once (two
    // processes, say) would otherwise both see a message as not yet queued again, and both queue it.
    return yield* tx.withTransaction(resendFailedNow(code, limit, input, outbox))
  })

const checkResendFailed = Input.decoder(Schema.Struct({ since: Timestamp.Timestamp, mode: Schema.optional(ChannelTerms.Mode) }))

const resendFailedNow = (
  code: Identifiers.MerchantCode,
  limit: number,
  input: { readonly since: number; readonly mode?: ChannelTerms.Mode | undefined; readonly url?: string | undefined },
  outbox: Outbox.Outbox["Service"]
): Effect.Effect<ResendFailedResult, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const window: Outbox.DeadWindow = { merchant: code, since: input.since, mode: input.mode, url: input.url }
    const now = yield* Clock.currentTimeMillis
    const queued: Array<Delivery.Delivery> = []
    for (const d of yield* outbox.resendable({ ...window, limit })) {
      const url = yield* checkResendUrl(d.mode, input.url)
      queued.push(yield* outbox.resend(d.id, now, url === undefined ? {} : { url }))
    }
    // Each delivery just queued, and each younger dead one of its message and target, is now
    // covered by the pending resend; what else is covered was handled before. (A resend falls
    // outside the window only if the clock is behind `since`, hence the floor.)
    const alreadyHandled = Math.max(0, (yield* outbox.coveredDead(window)) - queued.length)
    yield* audit({
      merchant: code,
      action: "webhook.resend-failed",
      target: input.mode ?? "all",
      after: {
        since: new Date(input.since).toISOString(),
        queued: queued.length,
        alreadyHandled,
        ...(input.url === undefined ? {} : { url: input.url })
      }
    })
    return { queued, alreadyHandled }
  })
