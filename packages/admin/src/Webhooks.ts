/**
 * Webhook settings per mode, signing secrets and their rotation, the test send, delivery history
 * and resend, the readiness check, and emitting notifications through the outbox.
 *
 * Whether a webhook may reach loopback or private addresses is the host's decision, not a
 * merchant's: the `PrivateTargets` reference, `refuse` unless the host provides another value
 * (`paymux serve --allow-private-webhooks` provides `allow`; the CLI acting locally, `test-mode`).
 *
 * @since 0.1.0
 */
import { type ChannelTerms, Identifiers, WebhookSettings } from "@paymux/domain"
import { type Delivery, Outbox, Repositories, StoreError, Transaction } from "@paymux/store"
import { Dispatcher, type UrlGuard } from "@paymux/webhook-delivery"
import { WebhookSecret, WebhookSigner } from "@paymux/webhooks"
import { Clock, Context, Effect, type Redacted, Result } from "effect"
import { type AdminError, WebhookNotSent } from "./AdminError.ts"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"

/**
 * Settings as shown: URLs, encoding and how many signing secrets are active per mode (never the
 * secrets themselves).
 *
 * @since 0.1.0
 * @category models
 */
export interface SettingsView {
  readonly merchant: string
  readonly urls: { readonly test?: string; readonly live?: string }
  readonly contentType: WebhookSettings.ContentType
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

/**
 * @since 0.1.0
 * @category use cases
 */
export const show = (merchant: string): Effect.Effect<SettingsView, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const settings = yield* repo.get(code)
    const test = yield* repo.getSecrets(code, "test")
    const live = yield* repo.getSecrets(code, "live")
    return {
      merchant: code,
      urls: settings.urls,
      contentType: settings.contentType,
      activeSecrets: { test: test.length, live: live.length },
      version: settings.version
    }
  })

/**
 * Sets the URL of a mode (or clears it with `url: null`) and, optionally, the encoding. The first
 * URL of a mode also creates its signing secret, returned here once as `newSecret`.
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
  Effect.gen(function* () {
    const code = yield* merchantCode(input.merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const merchants = yield* Repositories.MerchantRepository
    const tx = yield* Transaction.Transaction
    const newSecret = yield* tx.withTransaction(
      Effect.gen(function* () {
        yield* merchants.get(code)
        const before = yield* repo.get(code)
        let after = before
        if (input.url !== undefined) after = yield* Effect.fromResult(WebhookSettings.setUrl(after, input.mode, input.url ?? undefined))
        if (input.contentType !== undefined) after = WebhookSettings.setContentType(after, input.contentType)
        yield* repo.put(after)
        yield* audit({
          merchant: code,
          action: "webhook.set",
          target: input.mode,
          before: { urls: before.urls, contentType: before.contentType },
          after: { urls: after.urls, contentType: after.contentType }
        })
        const existing = yield* repo.getSecrets(code, input.mode)
        if (existing.length > 0 || after.urls[input.mode] === undefined) return undefined
        const secret = WebhookSecret.generate()
        yield* repo.putSecrets(code, input.mode, [secret.redacted])
        yield* audit({ merchant: code, action: "webhook.secret.create", target: input.mode })
        return secret.redacted
      })
    )
    const settings = yield* show(code)
    return newSecret === undefined ? { settings } : { settings, newSecret }
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
 * A dispatcher configuration that sends each delivery to its merchant's URL of the delivery's
 * mode as configured at the time of the attempt (so a fixed URL also fixes pending retries and
 * resends), signed with that mode's current secrets. A delivery whose merchant has no URL for
 * the mode any more is dead-lettered.
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
        const settings = yield* (yield* Repositories.WebhookSettingsRepository).get(code)
        const url = settings.urls[delivery.mode]
        if (url === undefined) return undefined
        return { url, signer: yield* signerFor(code, delivery.mode) }
      }).pipe(Effect.provide(context))
    return { ...options, privateTargets, endpoint }
  })

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
 * Posts a signed `Webhook.Test` notification to the saved URL of the mode at once and reports the
 * receiver's answer. The URL passes the SSRF guard (live: https; loopback and private addresses
 * only as `PrivateTargets` allows); a refused or redirecting URL reports no response excerpt.
 *
 * @since 0.1.0
 * @category use cases
 */
export const test = (
  merchant: string,
  mode: ChannelTerms.Mode,
  options: Pick<Dispatcher.Options, "resolver" | "connectTimeoutMillis" | "totalTimeoutMillis"> = {}
): Effect.Effect<Dispatcher.TestSendResult & { readonly url: string }, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const settings = yield* repo.get(code)
    const url = settings.urls[mode]
    if (url === undefined) return yield* new WebhookNotSent({ reason: `no ${mode} webhook URL is saved` })
    const signer = yield* signerFor(code, mode)
    const result = yield* Dispatcher.testSend(url, { ...options, signer, mode, privateTargets: yield* PrivateTargets })
    yield* audit({ merchant: code, action: "webhook.test", target: mode, after: { url, ok: result.ok, httpStatus: result.httpStatus } })
    return { ...result, url }
  })

/**
 * Queues a notification for the merchant's URL of the mode. Call it inside the transaction of the
 * change that caused it, so the change and its webhook commit together.
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
}): Effect.Effect<Delivery.Delivery | undefined, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(input.merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const outbox = yield* Outbox.Outbox
    const settings = yield* repo.get(code)
    const url = settings.urls[input.mode]
    if (url === undefined) return undefined
    const now = yield* Clock.currentTimeMillis
    return yield* outbox.enqueue(
      {
        merchant: code,
        mode: input.mode,
        url,
        eventType: input.eventType,
        payload: input.payload,
        contentType: settings.contentType === "json" ? "application/json" : "application/x-www-form-urlencoded",
        ...(input.subject === undefined ? {} : { subject: input.subject })
      },
      now
    )
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

/**
 * Queues the same message again (same `webhook-id`, so receivers deduplicate). It goes to the
 * merchant's URL of the mode as configured when it is sent, not the one the original went to.
 *
 * @since 0.1.0
 * @category use cases
 */
export const resend = (merchant: string, deliveryId: string): Effect.Effect<Delivery.Delivery, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const outbox = yield* Outbox.Outbox
    const found = yield* outbox.get(deliveryId)
    if (found.delivery.merchant !== code) return yield* Outbox.notFound(deliveryId)
    const again = yield* outbox.resend(deliveryId, yield* Clock.currentTimeMillis)
    yield* audit({ merchant: code, action: "webhook.resend", target: deliveryId, after: { id: again.id, messageId: again.messageId } })
    return again
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
