/**
 * Payment channels: the console's channel cards. Every change runs in one transaction with its
 * audit entry (credentials masked) and drops the merchant's cached resolver index.
 *
 * @since 0.1.0
 */
import {
  ChannelGroup,
  ChannelTerms,
  type Credentials,
  Identifiers,
  Input,
  Merchant,
  PaymentChannel,
  SubMerchant,
  type DomainError
} from "@paymux/domain"
import { Repositories, type StoreError, Transaction } from "@paymux/store"
import { Clock, Effect, type Redacted, Schema } from "effect"
import { Catalog } from "./AdminContext.ts"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"
import { expectedVersion, unchangedSince } from "./internal/version.ts"
import { ResolverCache } from "./ResolverCache.ts"

/**
 * A channel as it may be shown: secret credentials masked.
 *
 * @since 0.1.0
 * @category models
 */
export type ChannelView = ReturnType<typeof PaymentChannel.view>

/**
 * What the "add channel" card holds.
 *
 * @since 0.1.0
 * @category models
 */
export interface AddChannel {
  readonly merchant: string
  readonly mode: ChannelTerms.Mode
  readonly pg: string
  readonly mid?: string | undefined
  readonly name?: string | undefined
  readonly paymentType: ChannelTerms.PaymentType
  readonly payMethods: ReadonlyArray<string>
  readonly taxType?: ChannelTerms.TaxType | undefined
  readonly credentials?: Readonly<Record<string, string | Redacted.Redacted<string>>> | undefined
  readonly enabled?: boolean | undefined
}

/**
 * Shows a channel with its secrets masked, using the catalog in force.
 *
 * @since 0.1.0
 * @category getters
 */
export const view = (channel: PaymentChannel.PaymentChannel): Effect.Effect<ChannelView> =>
  Effect.gen(function* () {
    return PaymentChannel.view(yield* Catalog, channel)
  })

const merchantCode = (code: string) => Effect.fromResult(Identifiers.decodeMerchantCode(code))
const channelKey = (key: string) => Effect.fromResult(Identifiers.decodeChannelKey(key))

/** Runs a change to a merchant's channels in a transaction and drops its resolver index after. */
const change = <A, E>(
  merchant: string,
  body: Effect.Effect<A, E, AdminServices>
): Effect.Effect<A, E | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const tx = yield* Transaction.Transaction
    const cache = yield* ResolverCache
    const result = yield* tx.withTransaction(body)
    cache.invalidate(merchant)
    return result
  })

/**
 * Adds a channel. A test channel without a MID takes the PG's shared test credential; Naver Pay,
 * Toss and PayPal need the test MID the PG issued.
 *
 * @since 0.1.0
 * @category use cases
 */
export const add = (
  input: AddChannel
): Effect.Effect<PaymentChannel.PaymentChannel, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const catalog = yield* Catalog
    const merchant = yield* merchantCode(input.merchant)
    const key = yield* Identifiers.generateChannelKey
    const createdAt = yield* Clock.currentTimeMillis
    const channel = yield* Effect.fromResult(PaymentChannel.make(catalog, { ...input, merchant, key, sequence: 0, createdAt }))
    const merchants = yield* Repositories.MerchantRepository
    const channels = yield* Repositories.ChannelRepository
    return yield* change(
      merchant,
      Effect.gen(function* () {
        yield* merchants.get(merchant)
        const saved = yield* channels.create(channel)
        yield* audit({ merchant, action: "channel.add", target: saved.key, after: PaymentChannel.view(catalog, saved) })
        return saved
      })
    )
  })

/**
 * The merchant's channels, oldest first, optionally of one mode.
 *
 * @since 0.1.0
 * @category use cases
 */
export const list = (
  merchant: string,
  filter: { readonly mode?: ChannelTerms.Mode | undefined } = {}
): Effect.Effect<ReadonlyArray<PaymentChannel.PaymentChannel>, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const { mode } = yield* Effect.fromResult(checkListFilter(filter))
    const code = yield* merchantCode(merchant)
    const channels = yield* Repositories.ChannelRepository
    return yield* channels.list(code, mode === undefined ? {} : { mode })
  })

/** A mode of "bogus" from unchecked input listed no channel, as if the merchant had none. */
const checkListFilter = Input.decoder(Schema.Struct({ mode: Schema.optional(ChannelTerms.Mode) }))

/**
 * The channels assigned to one of the merchant's tiers (what a call with a `Tier` sees).
 *
 * @since 0.1.0
 * @category use cases
 */
export const listForTier = (
  merchant: string,
  tier: string
): Effect.Effect<ReadonlyArray<PaymentChannel.PaymentChannel>, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const t = yield* Effect.fromResult(Identifiers.decodeTierCode(tier))
    const channels = yield* Repositories.ChannelRepository
    return yield* channels.listForTier(code, t)
  })

/** A channel with its credentials opened, as an edit needs it; `Corrupt` when they do not open. */
const withCredentials = (channels: Repositories.ChannelRepository["Service"], channel: PaymentChannel.PaymentChannel) =>
  Effect.map(channels.credentials(channel.merchant, channel.key), (credentials) => ({ ...channel, credentials }))

/**
 * One channel with its credentials opened (what a channel's page shows, masked by `view`). A
 * channel marked unreadable comes back without them rather than failing.
 *
 * @since 0.1.0
 * @category use cases
 */
export const get = (
  merchant: string,
  key: string
): Effect.Effect<PaymentChannel.PaymentChannel, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const k = yield* channelKey(key)
    const channels = yield* Repositories.ChannelRepository
    const channel = yield* channels.get(code, k)
    return channel.readable === false ? channel : yield* withCredentials(channels, channel)
  })

/**
 * A channel's credentials, opened: what a call to the PG needs. Lists and resolution never open
 * them. Fails with the store's `Corrupt` when they do not open.
 *
 * @since 0.1.0
 * @category use cases
 */
export const credentials = (
  merchant: string,
  key: string
): Effect.Effect<Credentials.Credentials, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const k = yield* channelKey(key)
    const channels = yield* Repositories.ChannelRepository
    return yield* channels.credentials(code, k)
  })

const sameChannel = Schema.toEquivalence(PaymentChannel.PaymentChannel)

/**
 * Edits a channel (name, mode, MID, pay methods, tax type, credentials, enabled). With `version`,
 * the edit applies only if the channel is still at that version. An edit that leaves the channel
 * as it is (a patch that names no field, or only values it has) is checked as any other and
 * answers the channel as stored: nothing is written, no new version, no audit entry. An empty
 * patch still writes what the catalog changes (a replaced shared test MID).
 *
 * @since 0.1.0
 * @category use cases
 */
export const edit = (
  merchant: string,
  key: string,
  patch: PaymentChannel.ChannelPatch,
  options: { readonly version?: number | undefined } = {}
): Effect.Effect<PaymentChannel.PaymentChannel, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const catalog = yield* Catalog
    const code = yield* merchantCode(merchant)
    const k = yield* channelKey(key)
    const channels = yield* Repositories.ChannelRepository
    return yield* change(
      code,
      Effect.gen(function* () {
        const before = yield* withCredentials(channels, yield* channels.get(code, k))
        const read = { ...before, version: yield* expectedVersion(options.version, before.version) }
        const after = yield* Effect.fromResult(PaymentChannel.edit(catalog, read, patch))
        // `readable` says how the read went; it is not part of what is written.
        const { readable: _, ...stored } = read
        if (sameChannel(after, stored)) {
          yield* unchangedSince("channel", k, read.version, before.version)
          return before
        }
        yield* Effect.fromResult(Merchant.keepsDefault(yield* (yield* Repositories.MerchantRepository).get(code), before, after))
        for (const group of yield* (yield* Repositories.ChannelGroupRepository).list(code)) {
          yield* Effect.fromResult(ChannelGroup.keepsMember(group, after))
        }
        const saved = yield* channels.update(after)
        yield* audit({
          merchant: code,
          action: "channel.edit",
          target: k,
          before: PaymentChannel.view(catalog, before),
          after: PaymentChannel.view(catalog, saved)
        })
        return saved
      })
    )
  })

/**
 * @since 0.1.0
 * @category use cases
 */
export const setEnabled = (
  merchant: string,
  key: string,
  enabled: boolean
): Effect.Effect<PaymentChannel.PaymentChannel, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  edit(merchant, key, { enabled })

/**
 * @since 0.1.0
 * @category use cases
 */
export const enable = (
  merchant: string,
  key: string
): Effect.Effect<PaymentChannel.PaymentChannel, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  setEnabled(merchant, key, true)

/**
 * @since 0.1.0
 * @category use cases
 */
export const disable = (
  merchant: string,
  key: string
): Effect.Effect<PaymentChannel.PaymentChannel, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  setEnabled(merchant, key, false)

/**
 * Deletes a channel; it leaves every tier and group (the group's other members keep their shares,
 * `ChannelGroup.withoutChannel`; a group's only member cannot be deleted), and stops being the
 * default. With `version`, only if it is still at that version (`Conflict` otherwise).
 *
 * @since 0.1.0
 * @category use cases
 */
export const remove = (
  merchant: string,
  key: string,
  options: { readonly version?: number | undefined } = {}
): Effect.Effect<void, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const catalog = yield* Catalog
    const code = yield* merchantCode(merchant)
    const k = yield* channelKey(key)
    const channels = yield* Repositories.ChannelRepository
    const merchants = yield* Repositories.MerchantRepository
    yield* change(
      code,
      Effect.gen(function* () {
        const before = yield* channels.get(code, k)
        const m = yield* merchants.get(code)
        if (m.defaultChannels[before.mode] === k) yield* merchants.update(Merchant.clearDefaultChannel(m, before.mode))
        // Its groups keep their other members' shares (the store would only drop the member).
        const groups = yield* Repositories.ChannelGroupRepository
        for (const group of yield* groups.list(code)) {
          const after = yield* Effect.fromResult(ChannelGroup.withoutChannel(group, k))
          if (after === group) continue
          const saved = yield* groups.update(after)
          yield* audit({ merchant: code, action: "group.edit", target: group.id, before: group, after: saved })
        }
        yield* channels.remove(code, k, yield* expectedVersion(options.version, before.version))
        yield* audit({ merchant: code, action: "channel.remove", target: k, before: PaymentChannel.view(catalog, before) })
      })
    )
  })

/**
 * Makes a channel the default of its mode: what `request_pay` uses without `pg`, and, under the
 * fallback policy, when `pg` matches nothing.
 *
 * @since 0.1.0
 * @category use cases
 */
export const setDefault = (
  merchant: string,
  key: string
): Effect.Effect<Merchant.Merchant, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const k = yield* channelKey(key)
    const channels = yield* Repositories.ChannelRepository
    const merchants = yield* Repositories.MerchantRepository
    return yield* change(
      code,
      Effect.gen(function* () {
        const channel = yield* channels.get(code, k)
        const before = yield* merchants.get(code)
        const after = yield* Effect.fromResult(Merchant.setDefaultChannel(before, channel))
        const saved = yield* merchants.update(after)
        yield* audit({
          merchant: code,
          action: "merchant.default-channel",
          target: k,
          before: before.defaultChannels,
          after: saved.defaultChannels
        })
        return saved
      })
    )
  })

const updateTier = (
  merchant: string,
  tier: string,
  key: string,
  action: "assign" | "unassign"
): Effect.Effect<SubMerchant.SubMerchant, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* merchantCode(merchant)
    const tierCode = yield* Effect.fromResult(Identifiers.decodeTierCode(tier))
    const k = yield* channelKey(key)
    const channels = yield* Repositories.ChannelRepository
    const subs = yield* Repositories.SubMerchantRepository
    return yield* change(
      code,
      Effect.gen(function* () {
        const before = yield* subs.get(code, tierCode)
        const after =
          action === "assign"
            ? yield* Effect.fromResult(SubMerchant.assign(before, yield* channels.get(code, k)))
            : yield* Effect.fromResult(SubMerchant.unassign(before, k))
        // Assigning a channel the tier already has is a no-op (the domain answers the tier it was
        // given): nothing is written, as for an edit that changes nothing.
        if (after === before) return before
        const saved = yield* subs.update(after)
        yield* audit({
          merchant: code,
          action: `submerchant.${action}`,
          target: `${tierCode}/${k}`,
          before: before.channels,
          after: saved.channels
        })
        return saved
      })
    )
  })

/**
 * Lets a tier use one of its parent's channels.
 *
 * @since 0.1.0
 * @category use cases
 */
export const assign = (
  merchant: string,
  tier: string,
  key: string
): Effect.Effect<SubMerchant.SubMerchant, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  updateTier(merchant, tier, key, "assign")

/**
 * @since 0.1.0
 * @category use cases
 */
export const unassign = (
  merchant: string,
  tier: string,
  key: string
): Effect.Effect<SubMerchant.SubMerchant, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  updateTier(merchant, tier, key, "unassign")
