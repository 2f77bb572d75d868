/**
 * The repository ports: one service per aggregate. Every read and write is scoped to a merchant,
 * so no query path can return another merchant's rows; a row of another merchant is `NotFound`.
 * Every row belongs to an existing merchant: writing one for an unknown merchant fails with
 * `NotFound` (entity `merchant`), as a foreign key would.
 *
 * Lists are ordered: merchants by code, sub-merchants by tier code, channels by `sequence`,
 * groups and API keys by `createdAt` then id.
 *
 * Optimistic concurrency: `update` takes the entity as read (its `version` unchanged) and
 * succeeds only when the store still holds that version; the stored and returned entity has
 * `version + 1`. A stale version fails with `Conflict`, an unknown row with `NotFound`. `update`
 * keeps the stored `createdAt` (and a channel's `sequence`, PG and payment type), and returns
 * what it stored.
 *
 * @since 0.1.0
 */
import type {
  ApiKey,
  ChannelGroup,
  ChannelTerms,
  Credentials,
  EndpointHealth,
  Identifiers,
  Merchant,
  PaymentChannel,
  SubMerchant,
  WebhookSettings,
  WhitelistRules
} from "@paymux/domain"
import { Context, type Effect, type Redacted } from "effect"
import type { StoreError } from "./StoreError.ts"

type MerchantCode = Identifiers.MerchantCode
type Fx<A> = Effect.Effect<A, StoreError>

/**
 * @since 0.1.0
 * @category services
 */
export class MerchantRepository extends Context.Service<
  MerchantRepository,
  {
    /** Fails with `Conflict` when the code exists. */
    readonly create: (merchant: Merchant.Merchant) => Fx<Merchant.Merchant>
    readonly get: (code: MerchantCode) => Fx<Merchant.Merchant>
    readonly list: () => Fx<ReadonlyArray<Merchant.Merchant>>
    readonly update: (merchant: Merchant.Merchant) => Fx<Merchant.Merchant>
    /**
     * Deletes the merchant and everything stored for it, in one unit of work (it joins the
     * ambient transaction): its sub-merchants and their channel assignments, channels and their
     * sequence, groups and their members, webhook settings, signing secrets and endpoint health,
     * whitelist, API keys (revoked ones too), outbox deliveries in any state and their attempts,
     * `Idempotency-Key` records and their byte budget, the change-feed entries naming it or one of
     * its keys, and its audit entries. Other merchants' rows are untouched. Returns how many of
     * each kind went (`RemovedCounts`); `NotFound` without the merchant, and then nothing changes.
     * Afterwards the code is free: a merchant created with it starts empty.
     */
    readonly remove: (code: MerchantCode) => Fx<RemovedCounts>
  }
>()("@paymux/store/MerchantRepository") {}

/**
 * What `MerchantRepository.remove` counts, in the order it reports them. Rows that only serve one
 * of these (tier assignments, group members, endpoint health, the channel sequence, the
 * idempotency byte budget) and the merchant's single settings (webhook settings, whitelist) go
 * too, uncounted. `webhookSecrets` counts modes that held signing secrets (one or two each);
 * `changes` counts change-feed entries naming the merchant or one of its API keys.
 *
 * @since 0.1.0
 * @category constants
 */
export const removedKinds = [
  "subMerchants",
  "channels",
  "channelGroups",
  "webhookSecrets",
  "apiKeys",
  "deliveries",
  "deliveryAttempts",
  "idempotencyRecords",
  "changes",
  "auditEntries"
] as const

/**
 * @since 0.1.0
 * @category models
 */
export type RemovedKind = (typeof removedKinds)[number]

/**
 * How many rows of each kind a merchant's removal deleted.
 *
 * @since 0.1.0
 * @category models
 */
export type RemovedCounts = { readonly [K in RemovedKind]: number }

/**
 * @since 0.1.0
 * @category services
 */
export class SubMerchantRepository extends Context.Service<
  SubMerchantRepository,
  {
    /** Fails with `Conflict` when the tier code exists for the merchant, `NotFound` without the merchant. */
    readonly create: (sub: SubMerchant.SubMerchant) => Fx<SubMerchant.SubMerchant>
    readonly get: (merchant: MerchantCode, tier: Identifiers.TierCode) => Fx<SubMerchant.SubMerchant>
    readonly list: (merchant: MerchantCode) => Fx<ReadonlyArray<SubMerchant.SubMerchant>>
    readonly update: (sub: SubMerchant.SubMerchant) => Fx<SubMerchant.SubMerchant>
    /** Deletes the tier at the given version, with its channel assignments (the channels stay with the parent). */
    readonly remove: (merchant: MerchantCode, tier: Identifiers.TierCode, version: number) => Fx<void>
  }
>()("@paymux/store/SubMerchantRepository") {}

/**
 * Channels. `create` assigns the creation `sequence` (one more than the merchant's highest, never
 * reused) whatever the given value, and enforces uniqueness of the key and of
 * (merchant, mode, PG, MID, payment type). Lists are ordered by `sequence`, oldest first.
 * Credentials are encrypted at rest and opened only by `credentials`: `get` and the lists return
 * channels with empty `credentials` and `readable` (whether the envelope names a master key the
 * store has), so one channel whose envelope does not open never hides the others. `update` writes
 * the credentials it is given: load them first (`{ ...channel, credentials }`), as an edit does.
 *
 * @since 0.1.0
 * @category services
 */
export class ChannelRepository extends Context.Service<
  ChannelRepository,
  {
    readonly create: (channel: PaymentChannel.PaymentChannel) => Fx<PaymentChannel.PaymentChannel>
    readonly get: (merchant: MerchantCode, key: Identifiers.ChannelKey) => Fx<PaymentChannel.PaymentChannel>
    readonly list: (
      merchant: MerchantCode,
      filter?: { readonly mode?: ChannelTerms.Mode }
    ) => Fx<ReadonlyArray<PaymentChannel.PaymentChannel>>
    /** The merchant's channels assigned to the tier, oldest first. */
    readonly listForTier: (merchant: MerchantCode, tier: Identifiers.TierCode) => Fx<ReadonlyArray<PaymentChannel.PaymentChannel>>
    /** Opens the channel's credentials: `NotFound` without the channel, `Corrupt` when they do not open. */
    readonly credentials: (merchant: MerchantCode, key: Identifiers.ChannelKey) => Fx<Credentials.Credentials>
    readonly update: (channel: PaymentChannel.PaymentChannel) => Fx<PaymentChannel.PaymentChannel>
    /**
     * Deletes at the given version; also unassigns it from every tier and group of the merchant
     * (bumping their versions). A group may be left with no members: the caller decides its fate.
     */
    readonly remove: (merchant: MerchantCode, key: Identifiers.ChannelKey, version: number) => Fx<void>
  }
>()("@paymux/store/ChannelRepository") {}

/**
 * @since 0.1.0
 * @category services
 */
export class ChannelGroupRepository extends Context.Service<
  ChannelGroupRepository,
  {
    readonly create: (group: ChannelGroup.ChannelGroup) => Fx<ChannelGroup.ChannelGroup>
    readonly get: (merchant: MerchantCode, id: Identifiers.ChannelGroupId) => Fx<ChannelGroup.ChannelGroup>
    readonly list: (merchant: MerchantCode) => Fx<ReadonlyArray<ChannelGroup.ChannelGroup>>
    readonly update: (group: ChannelGroup.ChannelGroup) => Fx<ChannelGroup.ChannelGroup>
    readonly remove: (merchant: MerchantCode, id: Identifiers.ChannelGroupId, version: number) => Fx<void>
  }
>()("@paymux/store/ChannelGroupRepository") {}

/**
 * Webhook settings and signing secrets. `get` returns empty settings (version 0) when none were
 * saved; `put` is an update at the given version (0 for the first save).
 *
 * @since 0.1.0
 * @category services
 */
export class WebhookSettingsRepository extends Context.Service<
  WebhookSettingsRepository,
  {
    readonly get: (merchant: MerchantCode) => Fx<WebhookSettings.WebhookSettings>
    readonly put: (settings: WebhookSettings.WebhookSettings) => Fx<WebhookSettings.WebhookSettings>
    /** The active signing secrets of a mode (`whsec_...`), oldest first (as saved); empty when none. Encrypted at rest. */
    readonly getSecrets: (merchant: MerchantCode, mode: ChannelTerms.Mode) => Fx<ReadonlyArray<Redacted.Redacted<string>>>
    /** Replaces the active secrets of a mode (at most two: more fail with `Conflict`; none clears them). */
    readonly putSecrets: (merchant: MerchantCode, mode: ChannelTerms.Mode, secrets: ReadonlyArray<Redacted.Redacted<string>>) => Fx<void>
    /** Every endpoint health record of the merchant (endpoints never attempted have none), in `EndpointHealth.order`. */
    readonly getHealth: (merchant: MerchantCode) => Fx<ReadonlyArray<EndpointHealth.EndpointHealth>>
    /**
     * Counts one attempt's outcome, atomically: a success resets the failure count and
     * `failingSince`; a failure increments the count and starts `failingSince` if unset.
     */
    readonly recordHealth: (
      endpoint: EndpointRef,
      outcome: { readonly ok: boolean; readonly now: number }
    ) => Fx<EndpointHealth.EndpointHealth>
    /**
     * Marks the endpoint disabled at `now` unless it already is; `true` when this call disabled
     * it (so of several racing dispatchers exactly one reports it).
     */
    readonly disableEndpoint: (endpoint: EndpointRef, now: number) => Fx<boolean>
    /** Enables the endpoint again and forgets its failures. */
    readonly enableEndpoint: (endpoint: EndpointRef) => Fx<void>
  }
>()("@paymux/store/WebhookSettingsRepository") {}

/**
 * Names one endpoint of a merchant's mode.
 *
 * @since 0.1.0
 * @category models
 */
export interface EndpointRef {
  readonly merchant: MerchantCode
  readonly mode: ChannelTerms.Mode
  readonly endpointId: string
}

/**
 * The security whitelist. `get` returns an empty, unenforced list (version 0) when none was saved.
 *
 * @since 0.1.0
 * @category services
 */
export class WhitelistRepository extends Context.Service<
  WhitelistRepository,
  {
    readonly get: (merchant: MerchantCode) => Fx<WhitelistRules.WhitelistRules>
    readonly put: (rules: WhitelistRules.WhitelistRules) => Fx<WhitelistRules.WhitelistRules>
  }
>()("@paymux/store/WhitelistRepository") {}

/**
 * API keys. Only the keyed hash of a secret is stored (see `SecretHasher`).
 *
 * @since 0.1.0
 * @category services
 */
export class ApiKeyRepository extends Context.Service<
  ApiKeyRepository,
  {
    /** Fails with `Conflict` when the id exists. */
    readonly create: (key: ApiKey.ApiKey) => Fx<ApiKey.ApiKey>
    /** By id alone: authentication starts from the presented id, before the merchant is known. */
    readonly get: (id: Identifiers.ApiKeyId) => Fx<ApiKey.ApiKey>
    readonly list: (merchant: MerchantCode) => Fx<ReadonlyArray<ApiKey.ApiKey>>
    readonly update: (key: ApiKey.ApiKey) => Fx<ApiKey.ApiKey>
  }
>()("@paymux/store/ApiKeyRepository") {}
