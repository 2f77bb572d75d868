/**
 * Writes checked against the entity's schema before they are stored: a store keeps only what it
 * can read back. Without the check one bad value (a policy of "yolo" from unchecked JSON, say) was
 * stored, and then that merchant, and every listing of merchants, read as `Corrupt`. The memory
 * and SQL stores apply it; another adapter applies it to its services the same way.
 *
 * @since 0.1.0
 */
import { ApiKey, ChannelGroup, Input, Merchant, PaymentChannel, SubMerchant, WebhookSettings, WhitelistRules } from "@paymux/domain"
import { Context, Effect, Result, Schema } from "effect"
import {
  ApiKeyRepository,
  ChannelGroupRepository,
  ChannelRepository,
  MerchantRepository,
  SubMerchantRepository,
  WebhookSettingsRepository,
  WhitelistRepository
} from "./Repositories.ts"
import * as StoreError from "./StoreError.ts"

/**
 * The check of one entity: its schema's type side (credentials are `Redacted` values here, not
 * text), failing with `InvalidInput` that names the first bad field and quotes no secret.
 */
const checker = <S extends Schema.Top & { readonly DecodingServices: never }>(entity: string, schema: S) => {
  const decode = Input.decoder(Schema.toType(schema) as unknown as S)
  return <A>(value: A): Effect.Effect<A, StoreError.StoreError> =>
    Effect.suspend(() => {
      const checked = decode(value)
      return Result.isSuccess(checked)
        ? Effect.succeed(value)
        : Effect.fail(
            StoreError.invalidInput(
              entity,
              `not stored, as it would not read back: ${checked.failure.field}: ${checked.failure.rule} (got ${checked.failure.value})`
            )
          )
    })
}

const merchant = checker("merchant", Merchant.Merchant)
const subMerchant = checker("sub-merchant", SubMerchant.SubMerchant)
const channel = checker("channel", PaymentChannel.PaymentChannel)
const group = checker("channel group", ChannelGroup.ChannelGroup)
const settings = checker("webhook settings", WebhookSettings.WebhookSettings)
const whitelist = checker("whitelist", WhitelistRules.WhitelistRules)
const apiKey = checker("api key", ApiKey.ApiKey)

/** At most two signing secrets per mode: the current one and, while receivers move over, the one before. */
const maxActiveSecrets = 2

/** Runs `write` on the entity once it passed `check`. */
const after =
  <A, B>(check: (a: A) => Effect.Effect<A, StoreError.StoreError>, write: (a: A) => Effect.Effect<B, StoreError.StoreError>) =>
  (a: A): Effect.Effect<B, StoreError.StoreError> =>
    Effect.flatMap(check(a), write)

/**
 * The seven repositories of an adapter, as it builds them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Repositories {
  readonly merchants: MerchantRepository["Service"]
  readonly subMerchants: SubMerchantRepository["Service"]
  readonly channels: ChannelRepository["Service"]
  readonly groups: ChannelGroupRepository["Service"]
  readonly webhookSettings: WebhookSettingsRepository["Service"]
  readonly whitelists: WhitelistRepository["Service"]
  readonly apiKeys: ApiKeyRepository["Service"]
}

/**
 * The repositories as services, each `create`, `update` and `put` checked first: an entity that
 * does not match its schema fails with `StoreError` reason `InvalidInput` (naming the field,
 * quoting no secret) and nothing is written. `putSecrets` of more than two secrets is a `Conflict`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const checkedRepositories = (r: Repositories) =>
  Context.make(MerchantRepository, {
    ...r.merchants,
    create: after(merchant, r.merchants.create),
    update: after(merchant, r.merchants.update)
  }).pipe(
    Context.add(SubMerchantRepository, {
      ...r.subMerchants,
      create: after(subMerchant, r.subMerchants.create),
      update: after(subMerchant, r.subMerchants.update)
    }),
    Context.add(ChannelRepository, { ...r.channels, create: after(channel, r.channels.create), update: after(channel, r.channels.update) }),
    Context.add(ChannelGroupRepository, { ...r.groups, create: after(group, r.groups.create), update: after(group, r.groups.update) }),
    Context.add(WebhookSettingsRepository, {
      ...r.webhookSettings,
      put: after(settings, r.webhookSettings.put),
      putSecrets: (merchant, mode, secrets) =>
        secrets.length > maxActiveSecrets
          ? Effect.fail(StoreError.conflict("webhook secrets", `${merchant}/${mode}`, "at most two signing secrets may be active"))
          : r.webhookSettings.putSecrets(merchant, mode, secrets)
    }),
    Context.add(WhitelistRepository, { ...r.whitelists, put: after(whitelist, r.whitelists.put) }),
    Context.add(ApiKeyRepository, { ...r.apiKeys, create: after(apiKey, r.apiKeys.create), update: after(apiKey, r.apiKeys.update) })
  )
