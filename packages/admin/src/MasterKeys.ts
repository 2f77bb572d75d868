/**
 * Re-sealing stored secrets under the current master key: the step of a master-key rotation
 * between putting the new key first and dropping the old one. Until every envelope names the new
 * key, dropping the old key leaves those secrets unreadable (channels list as `readable: false`,
 * webhooks of the merchant cannot be signed).
 *
 * @since 0.1.0
 */
import { ChannelTerms } from "@paymux/domain"
import { KeyProvider, Repositories, SecretBox, Transaction, type StoreError } from "@paymux/store"
import { Effect, Option } from "effect"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"
import { ResolverCache } from "./ResolverCache.ts"

/**
 * What `reseal` did: how many channels' credentials and modes' webhook signing secrets it sealed
 * again under the current key, and what it could not open (sealed with a key that is not
 * configured), which stays as it is.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResealReport {
  /** The master key everything was sealed under: the current one, first in the configuration. */
  readonly keyId: string
  readonly merchants: number
  readonly channels: number
  readonly webhookSecrets: number
  readonly unreadable: ReadonlyArray<string>
}

/**
 * Opens every stored secret (channel credentials, webhook signing secrets) with the key it names
 * and seals it again under the current master key (`keyId`), one transaction and one audit entry
 * (`keys.reseal`) per merchant. Running it again seals the same secrets again (channel versions go
 * up). Once it reports nothing unreadable, keys other than `keyId` can be dropped.
 *
 * @since 0.1.0
 * @category use cases
 */
export const reseal = (): Effect.Effect<ResealReport, StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const merchants = yield* Repositories.MerchantRepository
    const channels = yield* Repositories.ChannelRepository
    const webhooks = yield* Repositories.WebhookSettingsRepository
    const tx = yield* Transaction.Transaction
    const cache = yield* ResolverCache
    const current = yield* (yield* KeyProvider.KeyProvider).current
    const unreadable: Array<string> = []
    const totals = { merchants: 0, channels: 0, webhookSecrets: 0 }
    for (const merchant of yield* merchants.list()) {
      const code = merchant.code
      const done = yield* tx.withTransaction(
        Effect.gen(function* () {
          const counts = { channels: 0, webhookSecrets: 0 }
          for (const channel of yield* channels.list(code)) {
            if (channel.readable === false) {
              unreadable.push(`${code} channel ${channel.key}`)
              continue
            }
            // One damaged envelope is reported with the others that do not open; it stopped the
            // whole reseal, and the merchants after it were never sealed again.
            const opened = yield* channels.credentials(code, channel.key).pipe(
              Effect.map(Option.some),
              Effect.catchIf(SecretBox.isUnopened, () => Effect.succeedNone)
            )
            if (Option.isNone(opened)) {
              unreadable.push(`${code} channel ${channel.key}`)
              continue
            }
            const credentials = opened.value
            // Without `readable` the channel is whole, so its credentials are sealed anew even when
            // there are none (a channel as read keeps its stored envelope).
            const { readable: _, ...whole } = channel
            yield* channels.update({ ...whole, credentials })
            counts.channels++
          }
          for (const mode of ChannelTerms.Mode.literals) {
            const secrets = yield* webhooks.getSecrets(code, mode).pipe(
              Effect.catchIf(SecretBox.isUnopened, () => {
                unreadable.push(`${code} ${mode} webhook signing secrets`)
                return Effect.succeed([])
              })
            )
            if (secrets.length === 0) continue
            yield* webhooks.putSecrets(code, mode, secrets)
            counts.webhookSecrets++
          }
          if (counts.channels + counts.webhookSecrets > 0) {
            yield* audit({ merchant: code, action: "keys.reseal", target: code, after: counts })
          }
          return counts
        })
      )
      cache.invalidate(code)
      totals.merchants++
      totals.channels += done.channels
      totals.webhookSecrets += done.webhookSecrets
    }
    return { keyId: current.id, ...totals, unreadable }
  })
