/**
 * The in-memory merchant, sub-merchant, channel and channel-group repositories.
 */
import type { ChannelGroup, Identifiers, PaymentChannel } from "@paymux/domain"
import { Effect, Result } from "effect"
import * as KeyProvider from "../../KeyProvider.ts"
import { ChannelGroupRepository, ChannelRepository, MerchantRepository, SubMerchantRepository } from "../../Repositories.ts"
import * as SecretBox from "../../SecretBox.ts"
import { keepsCredentials } from "../unloaded.ts"
import { conflict, notFound, staleVersion, type StoreError } from "../../StoreError.ts"
import type { ChannelRow, MemoryStore, State } from "./store.ts"
import { slotTaken } from "../channelSlot.ts"
import { type Beside, removeMerchant } from "./merchantRemoval.ts"

type Fail = Result.Result<never, StoreError>
const fail = (error: StoreError): Fail => Result.fail(error)

/** Checks that the merchant exists (every row belongs to one). */
export const merchantExists = (state: State, merchant: string): Fail | undefined =>
  state.merchants.has(merchant) ? undefined : fail(notFound("merchant", merchant))

/** Checks optimistic concurrency: the stored version must be the one the update was read at. */
export const checkVersion = (
  entity: string,
  id: string,
  stored: { readonly version: number } | undefined,
  given: number
): Fail | undefined =>
  stored === undefined
    ? fail(notFound(entity, id))
    : stored.version !== given
      ? fail(staleVersion(entity, id, given, stored.version))
      : undefined

export const makeMerchants = (store: MemoryStore, beside: Beside): MerchantRepository["Service"] =>
  MerchantRepository.of({
    create: (merchant) =>
      store.write((s) => {
        if (s.merchants.has(merchant.code)) return fail(conflict("merchant", merchant.code, "a merchant with this code exists"))
        s.merchants.set(merchant.code, merchant)
        return Result.succeed(merchant)
      }),
    get: (code) =>
      Effect.flatMap(
        store.read((s) => s.merchants.get(code)),
        (m) => (m === undefined ? Effect.fail(notFound("merchant", code)) : Effect.succeed(m))
      ),
    list: () => store.read((s) => [...s.merchants.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))),
    update: (merchant) =>
      store.write((s) => {
        const stored = s.merchants.get(merchant.code)
        const failed = checkVersion("merchant", merchant.code, stored, merchant.version)
        if (failed !== undefined) return failed
        const next = { ...merchant, createdAt: stored!.createdAt, version: merchant.version + 1 }
        s.merchants.set(merchant.code, next)
        return Result.succeed(next)
      }),
    remove: (code) => removeMerchant(store, beside, code)
  })

const tierId = (merchant: string, tier: string): string => `${merchant}/${tier}`

export const makeSubMerchants = (store: MemoryStore): SubMerchantRepository["Service"] =>
  SubMerchantRepository.of({
    create: (sub) =>
      store.write((s) => {
        const id = tierId(sub.merchant, sub.tier)
        const missing = merchantExists(s, sub.merchant)
        if (missing !== undefined) return missing
        if (s.subMerchants.has(id)) return fail(conflict("sub-merchant", id, "the merchant already has this tier code"))
        s.subMerchants.set(id, sub)
        return Result.succeed(sub)
      }),
    get: (merchant, tier) =>
      Effect.flatMap(
        store.read((s) => s.subMerchants.get(tierId(merchant, tier))),
        (sub) => (sub === undefined ? Effect.fail(notFound("sub-merchant", tierId(merchant, tier))) : Effect.succeed(sub))
      ),
    list: (merchant) =>
      store.read((s) => [...s.subMerchants.values()].filter((x) => x.merchant === merchant).sort((a, b) => (a.tier < b.tier ? -1 : 1))),
    update: (sub) =>
      store.write((s) => {
        const id = tierId(sub.merchant, sub.tier)
        const stored = s.subMerchants.get(id)
        const failed = checkVersion("sub-merchant", id, stored, sub.version)
        if (failed !== undefined) return failed
        const next = { ...sub, createdAt: stored!.createdAt, version: sub.version + 1 }
        s.subMerchants.set(id, next)
        return Result.succeed(next)
      }),
    remove: (merchant, tier, version) =>
      store.write((s) => {
        const id = tierId(merchant, tier)
        const failed = checkVersion("sub-merchant", id, s.subMerchants.get(id), version)
        if (failed !== undefined) return failed
        s.subMerchants.delete(id)
        return Result.succeed(undefined)
      })
  })

const slotOf = (c: {
  readonly merchant: string
  readonly mode: string
  readonly pg: string
  readonly mid: string
  readonly paymentType: string
}): string => JSON.stringify([c.merchant, c.mode, c.pg, c.mid, c.paymentType])

const withKeys = <A, E>(store: MemoryStore, self: Effect.Effect<A, E, KeyProvider.KeyProvider>): Effect.Effect<A, E> =>
  Effect.provideService(self, KeyProvider.KeyProvider, store.keys)

const toRow = (store: MemoryStore, channel: PaymentChannel.PaymentChannel): Effect.Effect<ChannelRow, StoreError> => {
  const { credentials, readable: _, ...rest } = channel
  return Effect.map(
    withKeys(store, SecretBox.sealCredentials(credentials, SecretBox.channelAad(channel.merchant, channel.key))),
    (sealed) => ({ channel: rest, credentials: sealed })
  )
}

/** A channel as read: credentials stay sealed until `credentials` is asked for them. */
const fromRow = (store: MemoryStore, row: ChannelRow): Effect.Effect<PaymentChannel.PaymentChannel> =>
  Effect.map(withKeys(store, SecretBox.isReadable(row.credentials)), (readable) => ({ ...row.channel, credentials: {}, readable }))

const bySequence = (a: ChannelRow, b: ChannelRow): number => a.channel.sequence - b.channel.sequence

export const makeChannels = (store: MemoryStore): ChannelRepository["Service"] => {
  const ownRow = (s: State, merchant: string, key: string): ChannelRow | undefined => {
    const row = s.channels.get(key)
    return row !== undefined && row.channel.merchant === merchant ? row : undefined
  }
  const many = (rows: ReadonlyArray<ChannelRow>) => Effect.forEach(rows, (row) => fromRow(store, row))
  return ChannelRepository.of({
    create: (channel) =>
      Effect.flatMap(toRow(store, channel), (row) =>
        store.write((s) => {
          const missing = merchantExists(s, channel.merchant)
          if (missing !== undefined) return missing
          // The slot first, as the SQL stores find it first.
          const slot = slotOf(channel)
          const holder = s.channelSlots.get(slot)
          if (holder !== undefined) return fail(slotTaken(holder, channel))
          if (s.channels.has(channel.key)) return fail(conflict("channel", channel.key, "a channel with this key exists"))
          const sequence = (s.sequences.get(channel.merchant) ?? 0) + 1
          s.sequences.set(channel.merchant, sequence)
          s.channelSlots.set(slot, channel.key)
          s.channels.set(channel.key, { channel: { ...row.channel, sequence }, credentials: row.credentials })
          return Result.succeed({ ...channel, readable: true, sequence })
        })
      ),
    get: (merchant, key) =>
      Effect.flatMap(
        store.read((s) => ownRow(s, merchant, key)),
        (row) => (row === undefined ? Effect.fail(notFound("channel", key)) : fromRow(store, row))
      ),
    list: (merchant, filter) =>
      Effect.flatMap(
        store.read((s) =>
          [...s.channels.values()]
            .filter((r) => r.channel.merchant === merchant && (filter?.mode === undefined || r.channel.mode === filter.mode))
            .sort(bySequence)
        ),
        many
      ),
    listForTier: (merchant, tier) =>
      Effect.flatMap(
        store.read((s) => {
          const sub = s.subMerchants.get(tierId(merchant, tier))
          if (sub === undefined) return undefined
          return sub.channels.flatMap((key) => ownRow(s, merchant, key) ?? []).sort(bySequence)
        }),
        (rows) => (rows === undefined ? Effect.fail(notFound("sub-merchant", tierId(merchant, tier))) : many(rows))
      ),
    credentials: (merchant, key) =>
      Effect.flatMap(
        store.read((s) => ownRow(s, merchant, key)),
        (row) =>
          row === undefined
            ? Effect.fail(notFound("channel", key))
            : withKeys(store, SecretBox.openCredentials(row.credentials, SecretBox.channelAad(merchant, key)))
      ),
    update: (channel) =>
      Effect.flatMap(keepsCredentials(channel) ? Effect.succeed(undefined) : toRow(store, channel), (sealed) =>
        store.write((s) => {
          const stored = ownRow(s, channel.merchant, channel.key)
          const { credentials: _, readable: __, ...fields } = channel
          const row = sealed ?? { channel: fields, credentials: stored?.credentials ?? "" }
          const failed = checkVersion("channel", channel.key, stored?.channel, channel.version)
          if (failed !== undefined) return failed
          // Sequence, creation time, PG and payment type are fixed for a channel's life.
          const kept = {
            pg: stored!.channel.pg,
            paymentType: stored!.channel.paymentType,
            sequence: stored!.channel.sequence,
            createdAt: stored!.channel.createdAt,
            version: channel.version + 1
          }
          const before = slotOf(stored!.channel)
          const after = slotOf({ ...channel, ...kept })
          const holder = s.channelSlots.get(after)
          if (after !== before && holder !== undefined) return fail(slotTaken(holder, { ...channel, ...kept }))
          s.channelSlots.delete(before)
          s.channelSlots.set(after, channel.key)
          s.channels.set(channel.key, { channel: { ...row.channel, ...kept }, credentials: row.credentials })
          return Result.succeed({ ...channel, readable: sealed === undefined ? channel.readable === true : true, ...kept })
        })
      ),
    remove: (merchant, key, version) =>
      store.write((s) => {
        const stored = ownRow(s, merchant, key)
        const failed = checkVersion("channel", key, stored?.channel, version)
        if (failed !== undefined) return failed
        s.channels.delete(key)
        s.channelSlots.delete(slotOf(stored!.channel))
        for (const [id, sub] of s.subMerchants) {
          if (sub.merchant === merchant && sub.channels.includes(key)) {
            s.subMerchants.set(id, { ...sub, channels: sub.channels.filter((k) => k !== key), version: sub.version + 1 })
          }
        }
        for (const [id, group] of s.groups) {
          if (group.merchant === merchant && group.members.some((m) => m.channel === key)) {
            s.groups.set(id, { ...group, members: group.members.filter((m) => m.channel !== key), version: group.version + 1 })
          }
        }
        return Result.succeed(undefined)
      })
  })
}

const byCreation = <A extends { readonly createdAt: number; readonly id: string }>(a: A, b: A): number =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

export const makeGroups = (store: MemoryStore): ChannelGroupRepository["Service"] => {
  const own = (s: State, merchant: string, id: string): ChannelGroup.ChannelGroup | undefined => {
    const g = s.groups.get(id)
    return g !== undefined && g.merchant === merchant ? g : undefined
  }
  return ChannelGroupRepository.of({
    create: (group) =>
      store.write((s) => {
        const missing = merchantExists(s, group.merchant)
        if (missing !== undefined) return missing
        if (s.groups.has(group.id)) return fail(conflict("channel group", group.id, "a group with this id exists"))
        s.groups.set(group.id, group)
        return Result.succeed(group)
      }),
    get: (merchant, id) =>
      Effect.flatMap(
        store.read((s) => own(s, merchant, id)),
        (g) => (g === undefined ? Effect.fail(notFound("channel group", id)) : Effect.succeed(g))
      ),
    list: (merchant) => store.read((s) => [...s.groups.values()].filter((g) => g.merchant === merchant).sort(byCreation)),
    update: (group) =>
      store.write((s) => {
        const stored = own(s, group.merchant, group.id)
        const failed = checkVersion("channel group", group.id, stored, group.version)
        if (failed !== undefined) return failed
        const next = { ...group, createdAt: stored!.createdAt, version: group.version + 1 }
        s.groups.set(group.id, next)
        return Result.succeed(next)
      }),
    remove: (merchant, id: Identifiers.ChannelGroupId, version) =>
      store.write((s) => {
        const failed = checkVersion("channel group", id, own(s, merchant, id), version)
        if (failed !== undefined) return failed
        s.groups.delete(id)
        return Result.succeed(undefined)
      })
  })
}
