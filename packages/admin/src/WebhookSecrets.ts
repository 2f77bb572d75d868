/**
 * A mode's webhook signing secrets: their rotation (two sign during one; it ends by retiring the
 * older or, when the newer was lost, by cancelling) and the signer they make. The first secret of
 * a mode comes with its first endpoint (`WebhookEndpoints`).
 *
 * @since 0.1.0
 */
import { ChannelTerms, DomainError, Identifiers, Input } from "@paymux/domain"
import { Repositories, StoreError, Transaction } from "@paymux/store"
import { WebhookSecret, WebhookSigner } from "@paymux/webhooks"
import { Effect, type Redacted, Result } from "effect"
import { WebhookNotSent } from "./AdminError.ts"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"

const merchantCode = (code: string) => Effect.fromResult(Identifiers.decodeMerchantCode(code))

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
export const rotate = (
  merchant: string,
  mode: ChannelTerms.Mode
): Effect.Effect<Redacted.Redacted<string>, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
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
export const retire = (
  merchant: string,
  mode: ChannelTerms.Mode
): Effect.Effect<void, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  dropSecret(merchant, mode, "webhook.secret.retire", WebhookSecret.retire)

/**
 * Cancels a rotation: the newer secret, the one the rotation added, stops signing and the older
 * one signs alone again. For a rotation whose new secret was lost (its answer never arrived):
 * retiring would leave only that secret, which no receiver has. Rotate again afterwards.
 *
 * @since 0.1.0
 * @category use cases
 */
export const cancelRotation = (
  merchant: string,
  mode: ChannelTerms.Mode
): Effect.Effect<void, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  dropSecret(merchant, mode, "webhook.secret.cancel-rotation", WebhookSecret.cancelRotation)

/** Ends a rotation one way or the other: one of the two secrets goes, and nothing is revealed. */
const dropSecret = (
  merchant: string,
  mode: ChannelTerms.Mode,
  action: string,
  drop: (active: WebhookSecret.ActiveSecrets) => Result.Result<WebhookSecret.ActiveSecrets, { readonly detail: string }>
): Effect.Effect<void, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.asVoid(
    changeSecrets(merchant, mode, action, (active) => Result.map(drop(active), (secrets) => ({ secrets, revealed: undefined })))
  )

/** A mode of "bogus" from unchecked input read as a mode with no secret ("set the bogus webhook URL first"). */
const checkMode = Input.decoder(ChannelTerms.Mode, "mode")

const changeSecrets = <R extends Redacted.Redacted<string> | undefined>(
  merchant: string,
  mode: ChannelTerms.Mode,
  action: string,
  step: (
    active: WebhookSecret.ActiveSecrets
  ) => Result.Result<{ readonly secrets: WebhookSecret.ActiveSecrets; readonly revealed: R }, { readonly detail: string }>
): Effect.Effect<R, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    yield* Effect.fromResult(checkMode(mode))
    const code = yield* merchantCode(merchant)
    const repo = yield* Repositories.WebhookSettingsRepository
    const tx = yield* Transaction.Transaction
    return yield* tx.withTransaction(
      Effect.gen(function* () {
        // A mode without a secret, or a rotation step the secrets refuse, is a rule of the page:
        // nothing was being sent.
        const active = yield* Effect.catchTag(activeSecrets(code, mode), "WebhookNotSent", (e) =>
          Effect.fail(new DomainError.RuleViolation({ rule: "no-webhook-secret", detail: e.reason }))
        )
        const next = step(active)
        if (Result.isFailure(next)) {
          return yield* new DomainError.RuleViolation({ rule: "webhook-secret-rotation", detail: next.failure.detail })
        }
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
): Effect.Effect<WebhookSigner.WebhookSigner, DomainError.InvalidInput | StoreError.StoreError | WebhookNotSent, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    return WebhookSigner.make({ secrets: yield* activeSecrets(code, mode) })
  })
