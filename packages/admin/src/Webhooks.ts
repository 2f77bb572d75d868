/**
 * Webhook settings per mode (content type and endpoints with event filters), signing secrets and
 * their rotation, the test send, emitting notifications through the outbox (to the mode's
 * endpoints or a payment's own notice URLs), delivery history, resends, and endpoint health
 * (an endpoint failing for `WebhookSettings.disableAfterDays` days is disabled automatically).
 *
 * Whether a webhook may reach loopback or private addresses is the host's decision, not a
 * merchant's: the `PrivateTargets` reference, `refuse` unless the host provides another value
 * (`paymux serve --allow-private-webhooks` provides `allow`; the CLI acting locally, `test-mode`).
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { type ChannelTerms, DomainError, Identifiers, WebhookSettings } from "@paymux/domain"
import { type Delivery, Outbox, Repositories, StoreError, Transaction } from "@paymux/store"
import { Dispatcher, UrlGuard } from "@paymux/webhook-delivery"
import { type Notification, WebhookSecret, WebhookSigner } from "@paymux/webhooks"
import { Clock, Context, Effect, type Redacted, Result } from "effect"
import { type AdminError, WebhookNotSent } from "./AdminError.ts"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"
import { eventBody, type TestFormat, testBody } from "./internal/webhookBodies.ts"

/**
 * An endpoint as shown, with its health: failures since the last success, and when it was
 * disabled automatically (`null` while enabled).
 *
 * @since 0.1.0
 * @category models
 */
export interface EndpointView {
  readonly id: string
  readonly url: string
  readonly events?: ReadonlyArray<string>
  readonly consecutiveFailures: number
  readonly failingSince: number | null
  readonly disabledAt: number | null
}

/**
 * One mode as shown: its body encoding and endpoints.
 *
 * @since 0.1.0
 * @category models
 */
export interface ModeView {
  readonly contentType: WebhookSettings.ContentType
  readonly endpoints: ReadonlyArray<EndpointView>
}

/**
 * Settings as shown: per mode the encoding and endpoints (with health), and how many signing
 * secrets are active (never the secrets themselves).
 *
 * @since 0.1.0
 * @category models
 */
export interface SettingsView {
  readonly merchant: string
  readonly test: ModeView
  readonly live: ModeView
  readonly activeSecrets: { readonly test: number; readonly live: number }
  readonly version: number
}

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
 * Runs an effect with the given private-target policy.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withPrivateTargets =
  (privateTargets: UrlGuard.PrivateTargets) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.provideService(self, PrivateTargets, privateTargets)

const viewOf = (
  settings: WebhookSettings.WebhookSettings,
  health: ReadonlyArray<WebhookSettings.EndpointHealth>,
  mode: ChannelTerms.Mode
): ModeView => ({
  contentType: settings[mode].contentType,
  endpoints: settings[mode].endpoints.map((e) => {
    const h = health.find((x) => x.mode === mode && x.endpointId === e.id)
    return {
      ...e,
      consecutiveFailures: h?.consecutiveFailures ?? 0,
      failingSince: h?.failingSince ?? null,
      disabledAt: h?.disabledAt ?? null
    }
  })
})

/**
 * @since 0.1.0
 * @category use cases
 */
export const show = (merchant: string): Effect.Effect<SettingsView, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const settings = yield* repo.get(code)
    const health = yield* repo.getHealth(code)
    const test = yield* repo.getSecrets(code, "test")
    const live = yield* repo.getSecrets(code, "live")
    return {
      merchant: code,
      test: viewOf(settings, health, "test"),
      live: viewOf(settings, health, "live"),
      activeSecrets: { test: test.length, live: live.length },
      version: settings.version
    }
  })

const newEndpointId = (): WebhookSettings.EndpointId =>
  WebhookSettings.EndpointId.make(`ep_${randomUUID().replaceAll("-", "").slice(0, 20)}`)

/** A change of a mode's settings, audited; the first endpoint of a mode also creates its signing secret. */
const changeSettings = (
  merchant: string,
  mode: ChannelTerms.Mode,
  action: string,
  change: (settings: WebhookSettings.WebhookSettings) => Result.Result<WebhookSettings.WebhookSettings, DomainError.InvalidInput>
): Effect.Effect<{ readonly settings: SettingsView; readonly newSecret?: Redacted.Redacted<string> }, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const merchants = yield* Repositories.MerchantRepository
    const tx = yield* Transaction.Transaction
    const newSecret = yield* tx.withTransaction(
      Effect.gen(function* () {
        yield* merchants.get(code)
        const before = yield* repo.get(code)
        const after = yield* Effect.fromResult(change(before))
        yield* repo.put(after)
        yield* audit({ merchant: code, action, target: mode, before: before[mode], after: after[mode] })
        const existing = yield* repo.getSecrets(code, mode)
        if (existing.length > 0 || after[mode].endpoints.length === 0) return undefined
        const secret = WebhookSecret.generate()
        yield* repo.putSecrets(code, mode, [secret.redacted])
        yield* audit({ merchant: code, action: "webhook.secret.create", target: mode })
        return secret.redacted
      })
    )
    const settings = yield* show(code)
    return newSecret === undefined ? { settings } : { settings, newSecret }
  })

/**
 * The single-URL path: sets the URL of a mode (or clears every endpoint of it with `url: null`)
 * and, optionally, the mode's encoding. With one endpoint the URL changes in place, so pending
 * deliveries follow it; a mode with several endpoints is changed per endpoint. The first URL of a
 * mode also creates its signing secret, returned here once as `newSecret`.
 *
 * @since 0.1.0
 * @category use cases
 */
export const set = (input: {
  readonly merchant: string
  readonly mode: ChannelTerms.Mode
  readonly url?: string | null | undefined
  readonly contentType?: WebhookSettings.ContentType | undefined
}): Effect.Effect<{ readonly settings: SettingsView; readonly newSecret?: Redacted.Redacted<string> }, AdminError, AdminServices> =>
  changeSettings(input.merchant, input.mode, "webhook.set", (before) => {
    const typed = input.contentType === undefined ? before : WebhookSettings.setContentType(before, input.mode, input.contentType)
    return input.url === undefined
      ? Result.succeed(typed)
      : WebhookSettings.setUrl(typed, input.mode, input.url ?? undefined, newEndpointId())
  })

/**
 * Adds an endpoint to a mode: a URL and, optionally, the event types it receives (none: every
 * event). The mode's signing secrets sign for all its endpoints; the first endpoint of a mode
 * creates them (`newSecret`, shown once).
 *
 * @since 0.1.0
 * @category use cases
 */
export const addEndpoint = (input: {
  readonly merchant: string
  readonly mode: ChannelTerms.Mode
  readonly url: string
  readonly events?: ReadonlyArray<string> | undefined
}): Effect.Effect<
  { readonly settings: SettingsView; readonly endpointId: string; readonly newSecret?: Redacted.Redacted<string> },
  AdminError,
  AdminServices
> => {
  const id = newEndpointId()
  return Effect.map(
    changeSettings(input.merchant, input.mode, "webhook.endpoint.add", (before) =>
      WebhookSettings.addEndpoint(before, input.mode, { id, url: input.url, events: input.events })
    ),
    (r) => ({ ...r, endpointId: id })
  )
}

/**
 * Changes an endpoint's URL and/or event filter (`events: null`: every event again). Pending
 * deliveries of the endpoint follow a new URL.
 *
 * @since 0.1.0
 * @category use cases
 */
export const updateEndpoint = (input: {
  readonly merchant: string
  readonly mode: ChannelTerms.Mode
  readonly endpointId: string
  readonly url?: string | undefined
  readonly events?: ReadonlyArray<string> | null | undefined
}): Effect.Effect<SettingsView, AdminError, AdminServices> =>
  Effect.map(
    changeSettings(input.merchant, input.mode, "webhook.endpoint.update", (before) =>
      WebhookSettings.updateEndpoint(before, input.mode, input.endpointId, { url: input.url, events: input.events })
    ),
    (r) => r.settings
  )

/**
 * Removes an endpoint; its pending deliveries are dead-lettered unsent.
 *
 * @since 0.1.0
 * @category use cases
 */
export const removeEndpoint = (input: {
  readonly merchant: string
  readonly mode: ChannelTerms.Mode
  readonly endpointId: string
}): Effect.Effect<SettingsView, AdminError, AdminServices> =>
  Effect.map(
    changeSettings(input.merchant, input.mode, "webhook.endpoint.remove", (before) =>
      WebhookSettings.removeEndpoint(before, input.mode, input.endpointId)
    ),
    (r) => r.settings
  )

/**
 * Enables an endpoint again (after it was disabled automatically) and forgets its failures. The
 * deliveries dead-lettered meanwhile stay dead: `resendFailed` queues them again.
 *
 * @since 0.1.0
 * @category use cases
 */
export const enableEndpoint = (input: {
  readonly merchant: string
  readonly mode: ChannelTerms.Mode
  readonly endpointId: string
}): Effect.Effect<SettingsView, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(input.merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const tx = yield* Transaction.Transaction
    yield* tx.withTransaction(
      Effect.gen(function* () {
        const settings = yield* repo.get(code)
        if (!settings[input.mode].endpoints.some((e) => e.id === input.endpointId)) {
          return yield* new DomainError.InvalidInput({
            field: "endpointId",
            value: JSON.stringify(input.endpointId),
            rule: `no ${input.mode} endpoint has this id`
          })
        }
        const before = (yield* repo.getHealth(code)).find((h) => h.mode === input.mode && h.endpointId === input.endpointId)
        yield* repo.enableEndpoint({ merchant: code, mode: input.mode, endpointId: input.endpointId })
        yield* audit({
          merchant: code,
          action: "webhook.endpoint.enable",
          target: `${input.mode}/${input.endpointId}`,
          before: before === undefined ? null : { disabledAt: before.disabledAt, consecutiveFailures: before.consecutiveFailures }
        })
      })
    )
    return yield* show(code)
  })

const activeSecrets = (merchant: Identifiers.MerchantCode, mode: ChannelTerms.Mode) =>
  Effect.gen(function* () {
    const repo = yield* Repositories.WebhookSettingsRepository
    const stored = yield* repo.getSecrets(merchant, mode)
    const parsed = WebhookSecret.parseActive(stored)
    if (Result.isFailure(parsed)) {
      return yield* stored.length === 0
        ? Effect.fail(new WebhookNotSent({ reason: `no ${mode} signing secret: set the ${mode} webhook URL first` }))
        : Effect.fail(StoreError.corrupt("webhook secret", parsed.failure.message))
    }
    return parsed.success
  })

/**
 * Starts a rotation: adds a new secret beside the current one (both sign until the old one is
 * retired). The new secret is returned once.
 *
 * @since 0.1.0
 * @category use cases
 */
export const rotateSecret = (
  merchant: string,
  mode: ChannelTerms.Mode
): Effect.Effect<Redacted.Redacted<string>, AdminError, AdminServices> =>
  changeSecrets(merchant, mode, "webhook.secret.rotate", (active) => {
    const next = WebhookSecret.generate()
    return Result.map(WebhookSecret.rotate(active, next), (secrets) => ({ secrets, revealed: next.redacted }))
  })

/**
 * Ends a rotation: the older secret stops signing.
 *
 * @since 0.1.0
 * @category use cases
 */
export const retireSecret = (merchant: string, mode: ChannelTerms.Mode): Effect.Effect<void, AdminError, AdminServices> =>
  Effect.asVoid(
    changeSecrets(merchant, mode, "webhook.secret.retire", (active) =>
      Result.map(WebhookSecret.retire(active), (secrets) => ({ secrets, revealed: undefined }))
    )
  )

const changeSecrets = <R extends Redacted.Redacted<string> | undefined>(
  merchant: string,
  mode: ChannelTerms.Mode,
  action: string,
  step: (
    active: WebhookSecret.ActiveSecrets
  ) => Result.Result<{ readonly secrets: WebhookSecret.ActiveSecrets; readonly revealed: R }, { readonly message: string }>
): Effect.Effect<R, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const tx = yield* Transaction.Transaction
    return yield* tx.withTransaction(
      Effect.gen(function* () {
        const active = yield* activeSecrets(code, mode)
        const next = step(active)
        if (Result.isFailure(next)) return yield* new WebhookNotSent({ reason: next.failure.message })
        yield* repo.putSecrets(
          code,
          mode,
          next.success.secrets.map((s) => s.redacted)
        )
        yield* audit({
          merchant: code,
          action,
          target: mode,
          before: { activeSecrets: active.length },
          after: { activeSecrets: next.success.secrets.length }
        })
        return next.success.revealed
      })
    )
  })

/**
 * A signer for a merchant's mode, from its stored secrets.
 *
 * @since 0.1.0
 * @category getters
 */
export const signerFor = (
  merchant: string,
  mode: ChannelTerms.Mode
): Effect.Effect<WebhookSigner.WebhookSigner, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    return WebhookSigner.make({ secrets: yield* activeSecrets(code, mode) })
  })

/**
 * Dispatcher settings a host may pass; where deliveries go, how they are signed and which
 * private targets they may reach come from the store and the `PrivateTargets` reference.
 *
 * @since 0.1.0
 * @category models
 */
export type DispatchOptions = Omit<Dispatcher.Options, "privateTargets">

/**
 * A dispatcher configuration that sends each delivery to its endpoint as configured at the time
 * of the attempt (so a fixed URL also fixes pending retries and resends), signed with the mode's
 * current secrets; a delivery for a fixed URL (a payment's notice URL, an explicit resend target)
 * goes there. A delivery whose endpoint is gone is dead-lettered unsent, and so is one whose
 * endpoint is disabled. Every verdict counts towards the endpoint's health, which disables it
 * after `WebhookSettings.disableAfterDays` days of failures (see `recordAttempt`).
 *
 * @since 0.1.0
 * @category getters
 */
export const dispatcherConfig = (options: DispatchOptions = {}): Effect.Effect<Dispatcher.Config, never, AdminServices> =>
  Effect.gen(function* () {
    const context = yield* Effect.context<AdminServices>()
    const privateTargets = yield* PrivateTargets
    const endpoint = (delivery: Delivery.Delivery) =>
      Effect.gen(function* () {
        const code = yield* merchantCode(delivery.merchant ?? "")
        if (delivery.endpointId === null) return { url: delivery.url, signer: yield* signerFor(code, delivery.mode) }
        const repo = yield* Repositories.WebhookSettingsRepository
        const settings = yield* repo.get(code)
        const found = settings[delivery.mode].endpoints.find((e) => e.id === delivery.endpointId)
        if (found === undefined) return undefined
        const health = (yield* repo.getHealth(code)).find((h) => h.mode === delivery.mode && h.endpointId === found.id)
        if (health !== undefined && health.disabledAt !== null) {
          return {
            unsendable: `the ${delivery.mode} endpoint ${found.id} was disabled on ${new Date(health.disabledAt).toISOString()}; enable it, then resend`
          }
        }
        return { url: found.url, signer: yield* signerFor(code, delivery.mode) }
      }).pipe(Effect.provide(context))
    const onAttempt = (report: Dispatcher.AttemptReport) => recordAttempt(report).pipe(Effect.provide(context))
    return { ...options, privateTargets, endpoint, onAttempt }
  })

/**
 * Counts one attempt's verdict towards its endpoint's health (a fixed-URL delivery has none) and
 * disables the endpoint when it has failed, with no success, for
 * `WebhookSettings.disableAfterDays` days: an audit entry `webhook.endpoint.disabled`, and a
 * `Webhook.EndpointDisabled` event queued for the mode's other endpoints that receive it (JSON
 * modes only: V1 has no such notification). Of
 * several dispatchers racing over the same failure, one disables.
 *
 * @since 0.1.0
 * @category use cases
 */
export const recordAttempt = (report: Dispatcher.AttemptReport): Effect.Effect<void, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const { delivery } = report
    if (delivery.endpointId === null || delivery.merchant === null) return
    const code = yield* merchantCode(delivery.merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const ref = { merchant: code, mode: delivery.mode, endpointId: delivery.endpointId }
    const health = yield* repo.recordHealth(ref, { ok: report.outcome === "delivered", now: report.at })
    if (!WebhookSettings.isDueForDisable(health, report.at)) return
    const tx = yield* Transaction.Transaction
    yield* tx.withTransaction(
      Effect.gen(function* () {
        if (!(yield* repo.disableEndpoint(ref, report.at))) return
        const details = {
          endpointId: ref.endpointId,
          url: report.url,
          mode: ref.mode,
          consecutiveFailures: health.consecutiveFailures,
          failingSince: new Date(health.failingSince ?? report.at).toISOString(),
          disabledAt: new Date(report.at).toISOString()
        }
        yield* audit({ merchant: code, action: "webhook.endpoint.disabled", target: `${ref.mode}/${ref.endpointId}`, after: details })
        const settings = yield* repo.get(code)
        const others = WebhookSettings.endpointsFor(settings, ref.mode, endpointDisabledEvent).filter((e) => e.id !== ref.endpointId)
        const payload = JSON.stringify({ type: endpointDisabledEvent, timestamp: details.disabledAt, data: details })
        yield* queue(code, ref.mode, settings[ref.mode].contentType, { eventType: endpointDisabledEvent, payload }, others.map(toTarget))
      })
    )
  })

/**
 * The event type queued when an endpoint is disabled automatically.
 *
 * @since 0.1.0
 * @category constants
 */
export const endpointDisabledEvent = "Webhook.EndpointDisabled"

/**
 * Delivers everything that is due now (one attempt each) and returns how many were attempted.
 *
 * @since 0.1.0
 * @category use cases
 */
export const deliverDue = (options: DispatchOptions = {}): Effect.Effect<{ readonly attempted: number }, never, AdminServices> =>
  Effect.flatMap(dispatcherConfig(options), Dispatcher.drain)

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
 * at once and reports the receiver's answer. The body follows the mode's content type: `v1` is
 * V1's fields (`imp_uid`, `merchant_uid`, `status`) as JSON or form; `v2` is a `Webhook.Test`
 * event, JSON only. The default is what the mode's notifications carry (form: `v1`, JSON: `v2`).
 * The URL passes the SSRF guard (live: https; loopback and private addresses only as
 * `PrivateTargets` allows); a refused or redirecting URL reports no response excerpt.
 *
 * @since 0.1.0
 * @category use cases
 */
export const test = (
  merchant: string,
  mode: ChannelTerms.Mode,
  options: Pick<Dispatcher.Options, "resolver" | "connectTimeoutMillis" | "totalTimeoutMillis"> & {
    readonly format?: TestFormat | undefined
    readonly endpointId?: string | undefined
  } = {}
): Effect.Effect<TestResult, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const settings = yield* repo.get(code)
    const endpoints = settings[mode].endpoints
    const endpoint = options.endpointId === undefined ? endpoints[0] : endpoints.find((e) => e.id === options.endpointId)
    if (endpoint === undefined) {
      return yield* new WebhookNotSent({
        reason:
          options.endpointId === undefined ? `no ${mode} webhook URL is saved` : `no ${mode} endpoint has the id ${options.endpointId}`
      })
    }
    const contentType = settings[mode].contentType
    const format = options.format ?? (contentType === "form" ? "v1" : "v2")
    const body = testBody(contentType, format, yield* Clock.currentTimeMillis)
    if (body === undefined) {
      return yield* new WebhookNotSent({
        reason: `a V2 test body is JSON, and the ${mode} mode sends form bodies: test with format v1, or set the ${mode} content type to json`
      })
    }
    const signer = yield* signerFor(code, mode)
    const { resolver, connectTimeoutMillis, totalTimeoutMillis } = options
    const result = yield* Dispatcher.testSend(endpoint.url, {
      ...(resolver === undefined ? {} : { resolver }),
      ...(connectTimeoutMillis === undefined ? {} : { connectTimeoutMillis }),
      ...(totalTimeoutMillis === undefined ? {} : { totalTimeoutMillis }),
      signer,
      mode,
      body: body.body,
      contentType: body.contentType,
      privateTargets: yield* PrivateTargets
    })
    yield* audit({
      merchant: code,
      action: "webhook.test",
      target: mode,
      after: { url: endpoint.url, endpointId: endpoint.id, format, ok: result.ok, httpStatus: result.httpStatus }
    })
    return { ...result, url: endpoint.url, endpointId: endpoint.id, format, contentType: body.contentType }
  })

interface QueueTarget {
  readonly url: string
  readonly endpointId?: string
}

const toTarget = (e: WebhookSettings.Endpoint): QueueTarget => ({ url: e.url, endpointId: e.id })

/** Queues one message (one `webhook-id`) to each target, encoded for the mode. */
const queue = (
  merchant: Identifiers.MerchantCode,
  mode: ChannelTerms.Mode,
  contentType: WebhookSettings.ContentType,
  event: {
    readonly eventType: string
    readonly payload: string
    readonly subject?: string | undefined
    readonly v1?: Notification.V1 | undefined
  },
  targets: ReadonlyArray<QueueTarget>
): Effect.Effect<ReadonlyArray<Delivery.Delivery>, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const body = eventBody(contentType, event.payload, event.v1)
    if (body === undefined || targets.length === 0) return []
    const outbox = yield* Outbox.Outbox
    const now = yield* Clock.currentTimeMillis
    const messageId = `msg_${randomUUID().replaceAll("-", "")}`
    return yield* Effect.forEach(targets, (target) =>
      outbox.enqueue(
        {
          merchant,
          mode,
          url: target.url,
          ...(target.endpointId === undefined ? {} : { endpointId: target.endpointId }),
          messageId,
          eventType: event.eventType,
          payload: body.body,
          contentType: body.contentType,
          ...(event.subject === undefined ? {} : { subject: event.subject })
        },
        now
      )
    )
  })

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
 * `payload` is the event as JSON (`{ type, timestamp, data }`), sent as is to a JSON mode. A form
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
}): Effect.Effect<ReadonlyArray<Delivery.Delivery>, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(input.merchant)
    const notice = input.noticeUrls === undefined ? undefined : yield* checkNoticeUrls(input.mode, input.noticeUrls)
    const settings = yield* (yield* Repositories.WebhookSettingsRepository).get(code)
    const targets =
      notice === undefined
        ? WebhookSettings.endpointsFor(settings, input.mode, input.eventType).map(toTarget)
        : notice.map((url) => ({ url }))
    return yield* queue(code, input.mode, settings[input.mode].contentType, input, targets)
  })

/**
 * The merchant's deliveries with their attempts, newest first.
 *
 * @since 0.1.0
 * @category use cases
 */
export const history = (
  merchant: string,
  options: { readonly limit?: number } = {}
): Effect.Effect<ReadonlyArray<Delivery.History>, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const outbox = yield* Outbox.Outbox
    return yield* outbox.history({ merchant: code, limit: options.limit ?? 50 })
  })

const checkResendUrl = (mode: ChannelTerms.Mode, url: string | undefined) =>
  url === undefined ? Effect.succeed(undefined) : Effect.map(checkNoticeUrls(mode, [url]), ([checked]) => checked)

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
): Effect.Effect<Delivery.Delivery, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const outbox = yield* Outbox.Outbox
    const found = yield* outbox.get(deliveryId)
    if (found.delivery.merchant !== code) return yield* Outbox.notFound(deliveryId)
    const url = yield* checkResendUrl(found.delivery.mode, options.url)
    const again = yield* outbox.resend(deliveryId, yield* Clock.currentTimeMillis, url === undefined ? {} : { url })
    yield* audit({
      merchant: code,
      action: "webhook.resend",
      target: deliveryId,
      after: { id: again.id, messageId: again.messageId, ...(url === undefined ? {} : { url }) }
    })
    return again
  })

/**
 * What `resendFailed` did: the deliveries it queued, and how many dead ones it left because the
 * same message to the same target was already delivered or queued again.
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
 * milliseconds), oldest first, optionally of one mode only, at most `limit` (default 1000): each
 * to where it goes now, or to `url`. A message already delivered or queued again to the same
 * target since is left alone, so running it twice queues nothing twice.
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
}): Effect.Effect<ResendFailedResult, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(input.merchant)
    const outbox = yield* Outbox.Outbox
    const ofMode = (h: Delivery.History) => input.mode === undefined || h.delivery.mode === input.mode
    const since = (status: Delivery.Status) =>
      Effect.map(outbox.history({ merchant: code, status, since: input.since }), (l) => l.filter(ofMode))
    const dead = (yield* since("dead")).reverse()
    const handled = new Set(
      [...(yield* since("delivered")), ...(yield* since("pending"))].map(({ delivery: d }) => `${d.messageId} ${d.endpointId ?? d.url}`)
    )
    const now = yield* Clock.currentTimeMillis
    const queued: Array<Delivery.Delivery> = []
    let alreadyHandled = 0
    for (const { delivery: d } of dead) {
      if (queued.length >= (input.limit ?? 1000)) break
      const url = yield* checkResendUrl(d.mode, input.url)
      const key = `${d.messageId} ${url ?? d.endpointId ?? d.url}`
      if (handled.has(key)) {
        alreadyHandled++
        continue
      }
      handled.add(key)
      queued.push(yield* outbox.resend(d.id, now, url === undefined ? {} : { url }))
    }
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

/**
 * Modes whose enabled channels take virtual accounts or subscriptions and have no webhook URL.
 *
 * @since 0.1.0
 * @category use cases
 */
export const readiness = (merchant: string): Effect.Effect<ReadonlyArray<WebhookSettings.MissingWebhook>, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const channels = yield* Repositories.ChannelRepository
    return WebhookSettings.readiness(yield* repo.get(code), yield* channels.list(code))
  })
