/**
 * Where a merchant's webhooks go and how each endpoint is doing (per mode the body encoding and
 * the endpoints with their event filters, each endpoint's health, and the automatic disabling of
 * one that keeps failing).
 *
 * Every verdict of a delivery attempt counts towards its endpoint's health (`recordAttempt`); an
 * endpoint failing with no success for `EndpointHealth.disableAfterDays` days is disabled and
 * announced with a `Webhook.EndpointDisabled` event to the mode's other endpoints.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { ChannelTerms, DomainError, EndpointHealth, Identifiers, Input, WebhookSettings } from "@paymux/domain"
import { Repositories, Transaction, type StoreError } from "@paymux/store"
import type { Dispatcher } from "@paymux/webhook-delivery"
import { Notification, WebhookSecret } from "@paymux/webhooks"
import { Effect, type Redacted, Result, Schema } from "effect"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"
import { findEndpoint } from "./internal/endpoints.ts"
import { queue, toTarget } from "./internal/webhookQueue.ts"

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

const viewOf = (
  settings: WebhookSettings.WebhookSettings,
  health: ReadonlyArray<EndpointHealth.EndpointHealth>,
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
export const show = (merchant: string): Effect.Effect<SettingsView, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
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

const sameSettings = Schema.toEquivalence(WebhookSettings.WebhookSettings)

/** A change of a mode's settings, audited; the first endpoint of a mode also creates its signing secret. */
const changeSettings = (
  merchant: string,
  mode: ChannelTerms.Mode,
  action: string,
  change: (settings: WebhookSettings.WebhookSettings) => Result.Result<WebhookSettings.WebhookSettings, DomainError.InvalidInput>,
  /** An endpoint the change is about: an unknown id is `NotFound`. */
  endpointId?: string
): Effect.Effect<
  { readonly settings: SettingsView; readonly newSecret?: Redacted.Redacted<string> },
  DomainError.InvalidInput | StoreError.StoreError,
  AdminServices
> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const merchants = yield* Repositories.MerchantRepository
    const tx = yield* Transaction.Transaction
    const newSecret = yield* tx.withTransaction(
      Effect.gen(function* () {
        yield* merchants.get(code)
        const before = yield* repo.get(code)
        if (endpointId !== undefined) yield* findEndpoint(before, mode, endpointId)
        const after = yield* Effect.fromResult(change(before))
        // A change that leaves the settings as they are (clearing a mode that has no endpoint,
        // say) writes nothing: no version, no audit entry.
        if (sameSettings(after, before)) return undefined
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
 * The single-URL path: sets the URL of a mode (or clears it with `url: null`) and, optionally,
 * the mode's encoding. With one endpoint the URL changes in place, so pending deliveries follow
 * it; a mode with several endpoints is changed per endpoint (setting or clearing its URL is
 * `InvalidInput`). The first URL of a
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
}): Effect.Effect<
  { readonly settings: SettingsView; readonly newSecret?: Redacted.Redacted<string> },
  DomainError.InvalidInput | StoreError.StoreError,
  AdminServices
> =>
  Effect.flatMap(Effect.fromResult(checkSet(input)), ({ mode, contentType }) =>
    changeSettings(input.merchant, mode, "webhook.set", (before) => {
      const typed = contentType === undefined ? before : WebhookSettings.setContentType(before, mode, contentType)
      return input.url === undefined ? Result.succeed(typed) : WebhookSettings.setUrl(typed, mode, input.url ?? undefined, newEndpointId())
    })
  )

/**
 * What a Promise caller may hand over unchecked (JSON passed through): a mode of "bogus" failed as
 * "internal error", and a content type of "xml" was caught only by the store, under no field of
 * the caller's. Each use case checks its input here, before anything is read.
 */
const checkSet = Input.decoder(Schema.Struct({ mode: ChannelTerms.Mode, contentType: Schema.optional(WebhookSettings.ContentType) }))
const checkAdd = Input.decoder(Schema.Struct({ mode: ChannelTerms.Mode, events: Schema.optional(WebhookSettings.Events) }))
const checkUpdate = Input.decoder(
  Schema.Struct({ mode: ChannelTerms.Mode, events: Schema.optional(Schema.NullOr(WebhookSettings.Events)) })
)
const checkMode = Input.decoder(Schema.Struct({ mode: ChannelTerms.Mode }))

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
  DomainError.InvalidInput | StoreError.StoreError,
  AdminServices
> => {
  const id = newEndpointId()
  return Effect.flatMap(Effect.fromResult(checkAdd(input)), ({ mode, events }) =>
    Effect.map(
      changeSettings(input.merchant, mode, "webhook.endpoint.add", (before) =>
        WebhookSettings.addEndpoint(before, mode, { id, url: input.url, events })
      ),
      (r) => ({ ...r, endpointId: id })
    )
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
}): Effect.Effect<SettingsView, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.flatMap(Effect.fromResult(checkUpdate(input)), ({ mode, events }) =>
    Effect.map(
      changeSettings(
        input.merchant,
        mode,
        "webhook.endpoint.update",
        (before) => WebhookSettings.updateEndpoint(before, mode, input.endpointId, { url: input.url, events }),
        input.endpointId
      ),
      (r) => r.settings
    )
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
}): Effect.Effect<SettingsView, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.flatMap(Effect.fromResult(checkMode(input)), ({ mode }) =>
    Effect.map(
      changeSettings(
        input.merchant,
        mode,
        "webhook.endpoint.remove",
        (before) => WebhookSettings.removeEndpoint(before, mode, input.endpointId),
        input.endpointId
      ),
      (r) => r.settings
    )
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
}): Effect.Effect<SettingsView, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const { mode } = yield* Effect.fromResult(checkMode(input))
    const code = yield* merchantCode(input.merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const tx = yield* Transaction.Transaction
    yield* tx.withTransaction(
      Effect.gen(function* () {
        yield* findEndpoint(yield* repo.get(code), mode, input.endpointId)
        const before = (yield* repo.getHealth(code)).find((h) => h.mode === mode && h.endpointId === input.endpointId)
        yield* repo.enableEndpoint({ merchant: code, mode, endpointId: input.endpointId })
        yield* audit({
          merchant: code,
          action: "webhook.endpoint.enable",
          target: `${mode}/${input.endpointId}`,
          before: before === undefined ? null : { disabledAt: before.disabledAt, consecutiveFailures: before.consecutiveFailures }
        })
      })
    )
    return yield* show(code)
  })

/**
 * Counts one attempt's verdict towards its endpoint's health (a fixed-URL delivery has none) and
 * disables the endpoint when it has failed, with no success, for
 * `EndpointHealth.disableAfterDays` days: an audit entry `webhook.endpoint.disabled`, and a
 * `Webhook.EndpointDisabled` event queued for the mode's other endpoints that receive it (JSON
 * modes only: V1 has no such notification). Of
 * several dispatchers racing over the same failure, one disables.
 *
 * @since 0.1.0
 * @category use cases
 */
export const recordAttempt = (
  report: Dispatcher.AttemptReport
): Effect.Effect<void, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const { delivery } = report
    if (delivery.endpointId === null || delivery.merchant === null) return
    const code = yield* merchantCode(delivery.merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const ref = { merchant: code, mode: delivery.mode, endpointId: delivery.endpointId }
    const health = yield* repo.recordHealth(ref, { ok: report.outcome === "delivered", now: report.at })
    if (!EndpointHealth.isDueForDisable(health, report.at)) return
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
        // The other endpoints may be other parties: they learn the origin, not the path or query,
        // where a receiver may keep a token.
        const { url, ...rest } = details
        const payload = Notification.eventBody(endpointDisabledEvent, { ...rest, origin: new URL(url).origin }, report.at)
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
 * Modes whose enabled channels take virtual accounts or subscriptions and have no webhook URL.
 *
 * @since 0.1.0
 * @category use cases
 */
export const readiness = (
  merchant: string
): Effect.Effect<ReadonlyArray<WebhookSettings.MissingWebhook>, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const channels = yield* Repositories.ChannelRepository
    return WebhookSettings.readiness(yield* repo.get(code), yield* channels.list(code))
  })
