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

/** Runs `write` on the entity once it passed `check`. */
const after =
  <A, B>(check: (a: A) => Effect.Effect<A, StoreError.StoreError>, write: (a: A) => Effect.Effect<B, StoreError.StoreError>) =>
  (a: A): Effect.Effect<B, StoreError.StoreError> =>
    Effect.flatMap(check(a), write)

/**
 * The same repositories, each `create`, `update` and `put` checked first: an entity that does not
 * match its schema fails with `StoreError` reason `InvalidInput` (naming the field, quoting no
 * secret) and nothing is written.
 *
 * @since 0.1.0
 * @category combinators
 */
export const checkWrites = <R>(context: Context.Context<R>): Context.Context<R> => {
  const m = Context.get(context as Context.Context<MerchantRepository>, MerchantRepository)
  const s = Context.get(context as Context.Context<SubMerchantRepository>, SubMerchantRepository)
  const c = Context.get(context as Context.Context<ChannelRepository>, ChannelRepository)
  const g = Context.get(context as Context.Context<ChannelGroupRepository>, ChannelGroupRepository)
  const w = Context.get(context as Context.Context<WebhookSettingsRepository>, WebhookSettingsRepository)
  const l = Context.get(context as Context.Context<WhitelistRepository>, WhitelistRepository)
  const k = Context.get(context as Context.Context<ApiKeyRepository>, ApiKeyRepository)
  return context.pipe(
    Context.add(MerchantRepository, { ...m, create: after(merchant, m.create), update: after(merchant, m.update) }),
    Context.add(SubMerchantRepository, { ...s, create: after(subMerchant, s.create), update: after(subMerchant, s.update) }),
    Context.add(ChannelRepository, { ...c, create: after(channel, c.create), update: after(channel, c.update) }),
    Context.add(ChannelGroupRepository, { ...g, create: after(group, g.create), update: after(group, g.update) }),
    Context.add(WebhookSettingsRepository, { ...w, put: after(settings, w.put) }),
    Context.add(WhitelistRepository, { ...l, put: after(whitelist, l.put) }),
    Context.add(ApiKeyRepository, { ...k, create: after(apiKey, k.create), update: after(apiKey, k.update) })
  ) as Context.Context<R>
}
