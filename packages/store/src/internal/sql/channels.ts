/**
 * Payment channels and channel groups. Credentials are sealed per channel (the envelope is bound
 * to merchant and key) and opened only by `credentials`: reads check that the envelope names a
 * known key and never decrypt it. The sequence comes from a per-merchant counter row, whose row lock also
 * serialises concurrent creates of one merchant on PostgreSQL.
 */
import { ChannelGroup, PaymentChannel } from "@paymux/domain"
import { Array as Arr, Effect, Result } from "effect"
import type { ChannelGroupRepository, ChannelRepository } from "../../Repositories.ts"
import * as SecretBox from "../../SecretBox.ts"
import * as StoreError from "../../StoreError.ts"
import { slotTaken } from "../channelSlot.ts"
import { keepsCredentials } from "../unloaded.ts"
import { bool, type Env, merchantExists, missedUpdate, op } from "./base.ts"
import { decoded, decodedResult, num, parseJsonResult } from "./errors.ts"

type Row = Record<string, unknown>

const columns = `channel_key, merchant, mode, pg, mid, name, purpose, payment_type, pay_methods, tax_type,
  credential_source, credentials, enabled, sequence, created_at, version`

/** A stored row as a channel; `readable` says whether the key its envelope names is configured. */
const channelOf = (row: Row, readable: boolean): Result.Result<PaymentChannel.PaymentChannel, StoreError.StoreError> =>
  Result.flatMap(parseJsonResult("channel", row["pay_methods"]), (payMethods) =>
    decodedResult(
      "channel",
      PaymentChannel.decode({
        key: row["channel_key"],
        merchant: row["merchant"],
        mode: row["mode"],
        pg: row["pg"],
        mid: row["mid"],
        name: row["name"],
        purpose: row["purpose"],
        paymentType: row["payment_type"],
        payMethods,
        taxType: row["tax_type"],
        credentialSource: row["credential_source"],
        credentials: {},
        readable,
        enabled: bool(row["enabled"]),
        sequence: num(row["sequence"]),
        createdAt: num(row["created_at"]),
        version: num(row["version"])
      })
    )
  )

/**
 * Decoding a channel (checking every field) is a pure function of its row and costs more than
 * reading it, so decoded channels are remembered by the row's full
 * content. A row changed in any column, by us or behind our back, misses and is decoded afresh.
 */
const memoize = (capacity: number) => {
  const memo = new Map<string, PaymentChannel.PaymentChannel>()
  const fingerprintOf = (row: Row): string => {
    let fingerprint = ""
    for (const column of memoColumns) fingerprint += `${row[column]}\u0001`
    return fingerprint
  }
  // The hits are a synchronous pass; the misses ask the key provider once for all their envelopes
  // and are then decoded synchronously too (an effect per row costs more than the row's decode).
  const many = (rows: ReadonlyArray<Row>) =>
    Effect.suspend(() => {
      const out = new Array<PaymentChannel.PaymentChannel>(rows.length)
      const misses: Array<number> = []
      const prints = new Array<string>(rows.length)
      for (let i = 0; i < rows.length; i++) {
        prints[i] = fingerprintOf(rows[i]!)
        const hit = memo.get(prints[i]!)
        if (hit === undefined) misses.push(i)
        else out[i] = hit
      }
      if (misses.length === 0) return Effect.succeed(out)
      return Effect.flatMap(
        SecretBox.readableAmong(misses.map((i) => String(rows[i]!["credentials"]))),
        (readable): Effect.Effect<Array<PaymentChannel.PaymentChannel>, StoreError.StoreError> => {
          for (const i of misses) {
            const row = rows[i]!
            const channel = channelOf(row, readable(String(row["credentials"])))
            if (Result.isFailure(channel)) return Effect.fail(channel.failure)
            if (memo.size >= capacity) memo.delete(memo.keys().next().value!)
            memo.set(prints[i]!, channel.success)
            out[i] = channel.success
          }
          return Effect.succeed(out)
        }
      )
    })
  const one = (row: Row) => Effect.map(many([row]), (channels) => channels[0]!)
  return { one, many }
}

const memoColumns = columns.split(",").map((c) => c.trim())

export const makeChannels = (env: Env): ChannelRepository["Service"] => {
  const { atomic, sql } = env
  const subject = (key: string) => ({ entity: "channel", id: key })
  const decoder = memoize(50_000)
  const list = decoder.many

  return {
    create: (c) =>
      op(
        env,
        subject(c.key),
        atomic(
          Effect.gen(function* () {
            const sealed = yield* SecretBox.sealCredentials(c.credentials, SecretBox.channelAad(c.merchant, c.key))
            // One statement takes the next sequence and proves the merchant exists (no merchant, no
            // row); on PostgreSQL its row lock also orders concurrent creates of one merchant.
            const next = yield* sql`INSERT INTO paymux_channel_sequences (merchant, last_sequence)
          SELECT code, 1 FROM paymux_merchants WHERE code = ${c.merchant}
          ON CONFLICT (merchant) DO UPDATE SET last_sequence = paymux_channel_sequences.last_sequence + 1
          RETURNING last_sequence`
            if (next[0] === undefined) return yield* StoreError.notFound("merchant", c.merchant)
            const sequence = num(next[0]["last_sequence"])
            // A taken slot inserts nothing rather than failing, so the same transaction can name its holder.
            const inserted = yield* sql`INSERT INTO paymux_channels (${sql.literal(columns)}) VALUES (
          ${c.key}, ${c.merchant}, ${c.mode}, ${c.pg}, ${c.mid}, ${c.name}, ${c.purpose}, ${c.paymentType},
          ${JSON.stringify(c.payMethods)}, ${c.taxType}, ${c.credentialSource}, ${sealed}, ${c.enabled ? 1 : 0},
          ${sequence}, ${c.createdAt}, ${c.version})
          ON CONFLICT (merchant, mode, pg, mid, payment_type) DO NOTHING RETURNING channel_key`
            if (inserted.length === 0) {
              const holder = yield* sql`SELECT channel_key FROM paymux_channels
                WHERE merchant = ${c.merchant} AND mode = ${c.mode} AND pg = ${c.pg} AND mid = ${c.mid} AND payment_type = ${c.paymentType}`
              return yield* slotTaken(String(holder[0]?.["channel_key"]), c)
            }
            return { ...c, readable: true, sequence }
          })
        )
      ),
    get: (merchant, key) =>
      op(
        env,
        subject(key),
        Effect.gen(function* () {
          const rows = yield* sql`SELECT * FROM paymux_channels WHERE merchant = ${merchant} AND channel_key = ${key}`
          if (rows[0] === undefined) return yield* StoreError.notFound("channel", key)
          return yield* decoder.one(rows[0])
        })
      ),
    list: (merchant, filter) =>
      op(
        env,
        subject("*"),
        Effect.flatMap(
          filter?.mode === undefined
            ? sql`SELECT * FROM paymux_channels WHERE merchant = ${merchant} ORDER BY sequence`
            : sql`SELECT * FROM paymux_channels WHERE merchant = ${merchant} AND mode = ${filter.mode} ORDER BY sequence`,
          list
        )
      ),
    listForTier: (merchant, tier) =>
      op(
        env,
        subject("*"),
        Effect.flatMap(
          Effect.andThen(
            Effect.flatMap(sql`SELECT 1 AS found FROM paymux_sub_merchants WHERE merchant = ${merchant} AND tier = ${tier}`, (rows) =>
              rows.length === 0 ? Effect.fail(StoreError.notFound("sub-merchant", `${merchant}/${tier}`)) : Effect.void
            ),
            // Joined on the merchant too: a tier can only ever see its own parent's channels.
            sql`SELECT c.* FROM paymux_channels c JOIN paymux_tier_channels t
          ON t.merchant = c.merchant AND t.channel_key = c.channel_key
          WHERE t.merchant = ${merchant} AND t.tier = ${tier} ORDER BY c.sequence`
          ),
          list
        )
      ),
    credentials: (merchant, key) =>
      op(
        env,
        subject(key),
        Effect.gen(function* () {
          const rows = yield* sql`SELECT credentials FROM paymux_channels WHERE merchant = ${merchant} AND channel_key = ${key}`
          if (rows[0] === undefined) return yield* StoreError.notFound("channel", key)
          return yield* SecretBox.openCredentials(String(rows[0]["credentials"]), SecretBox.channelAad(merchant, key))
        })
      ),
    update: (c) =>
      op(
        env,
        subject(c.key),
        Effect.gen(function* () {
          // A channel as read (credentials not loaded) keeps its stored envelope: null leaves it.
          const sealed = keepsCredentials(c)
            ? null
            : yield* SecretBox.sealCredentials(c.credentials, SecretBox.channelAad(c.merchant, c.key))
          const stored = yield* sql`SELECT pg, payment_type FROM paymux_channels WHERE merchant = ${c.merchant} AND channel_key = ${c.key}`
          if (stored[0] === undefined) return yield* StoreError.notFound("channel", c.key)
          // Sequence, creation time, PG and payment type are fixed for a channel's life: the stored
          // ones count, whatever the caller's copy says.
          const fixed = {
            pg: String(stored[0]["pg"]) as PaymentChannel.PaymentChannel["pg"],
            paymentType: String(stored[0]["payment_type"]) as PaymentChannel.PaymentChannel["paymentType"]
          }
          // Names the channel in the slot this edit moves into, as create does; the unique index still
          // refuses a concurrent move into the same slot (with a Conflict that names this channel).
          const holder = yield* sql`SELECT channel_key FROM paymux_channels
            WHERE merchant = ${c.merchant} AND mode = ${c.mode} AND pg = ${fixed.pg} AND mid = ${c.mid}
            AND payment_type = ${fixed.paymentType} AND channel_key <> ${c.key}`
          if (holder[0] !== undefined) return yield* slotTaken(String(holder[0]["channel_key"]), { ...c, ...fixed })
          const rows = yield* sql`UPDATE paymux_channels SET mode = ${c.mode}, mid = ${c.mid}, name = ${c.name},
          purpose = ${c.purpose}, pay_methods = ${JSON.stringify(c.payMethods)}, tax_type = ${c.taxType},
          credential_source = ${c.credentialSource}, credentials = COALESCE(${sealed}, credentials), enabled = ${c.enabled ? 1 : 0},
          version = version + 1
          WHERE merchant = ${c.merchant} AND channel_key = ${c.key} AND version = ${c.version}
          RETURNING sequence, created_at`
          if (rows[0] === undefined) {
            return yield* missedUpdate(
              subject(c.key),
              c.version,
              sql`SELECT version FROM paymux_channels WHERE merchant = ${c.merchant} AND channel_key = ${c.key}`
            )
          }
          return {
            ...c,
            ...fixed,
            readable: sealed === null ? c.readable === true : true,
            sequence: num(rows[0]["sequence"]),
            createdAt: num(rows[0]["created_at"]),
            version: c.version + 1
          }
        })
      ),
    remove: (merchant, key, version) =>
      op(
        env,
        subject(key),
        atomic(
          Effect.gen(function* () {
            const rows = yield* sql`DELETE FROM paymux_channels
          WHERE merchant = ${merchant} AND channel_key = ${key} AND version = ${version} RETURNING channel_key`
            if (rows.length === 0) {
              return yield* missedUpdate(
                subject(key),
                version,
                sql`SELECT version FROM paymux_channels WHERE merchant = ${merchant} AND channel_key = ${key}`
              )
            }
            // The tiers and groups that held the channel change, so their versions move: an editor
            // holding an older copy must re-read rather than write the channel back.
            yield* sql`UPDATE paymux_sub_merchants SET version = version + 1 WHERE merchant = ${merchant}
          AND tier IN (SELECT tier FROM paymux_tier_channels WHERE merchant = ${merchant} AND channel_key = ${key})`
            yield* sql`DELETE FROM paymux_tier_channels WHERE merchant = ${merchant} AND channel_key = ${key}`
            yield* sql`UPDATE paymux_channel_groups SET version = version + 1 WHERE merchant = ${merchant}
          AND group_id IN (SELECT group_id FROM paymux_group_members WHERE channel_key = ${key})`
            yield* sql`DELETE FROM paymux_group_members WHERE channel_key = ${key}
          AND group_id IN (SELECT group_id FROM paymux_channel_groups WHERE merchant = ${merchant})`
          })
        )
      )
  }
}

export const makeChannelGroups = (env: Env): ChannelGroupRepository["Service"] => {
  const { atomic, sql } = env
  const subject = (id: string) => ({ entity: "channel group", id })

  const load = (rows: ReadonlyArray<Row>, members: ReadonlyArray<Row>) => {
    const byGroup = new Map<string, Array<{ channel: unknown; weight: number }>>()
    for (const m of members) {
      const id = String(m["group_id"])
      const list = byGroup.get(id) ?? []
      list.push({ channel: m["channel_key"], weight: num(m["weight"]) })
      byGroup.set(id, list)
    }
    return Effect.forEach(rows, (row) =>
      decoded(
        "channel group",
        ChannelGroup.decode({
          id: row["group_id"],
          merchant: row["merchant"],
          name: row["name"],
          mode: row["mode"],
          members: byGroup.get(String(row["group_id"])) ?? [],
          createdAt: num(row["created_at"]),
          version: num(row["version"])
        })
      )
    )
  }

  const writeMembers = (g: ChannelGroup.ChannelGroup) =>
    Effect.gen(function* () {
      yield* sql`DELETE FROM paymux_group_members WHERE group_id = ${g.id}`
      const rows: Array<Record<string, unknown>> = g.members.map((m, position) => ({
        group_id: g.id,
        position,
        channel_key: m.channel,
        weight: m.weight
      }))
      if (Arr.isReadonlyArrayNonEmpty(rows)) yield* sql`INSERT INTO paymux_group_members ${sql.insert(rows)}`
    })

  const current = (merchant: string, id: string) =>
    sql`SELECT version FROM paymux_channel_groups WHERE merchant = ${merchant} AND group_id = ${id}`

  return {
    create: (g) =>
      op(
        env,
        subject(g.id),
        atomic(
          Effect.gen(function* () {
            yield* merchantExists(sql, g.merchant)
            yield* sql`INSERT INTO paymux_channel_groups (group_id, merchant, name, mode, created_at, version)
          VALUES (${g.id}, ${g.merchant}, ${g.name}, ${g.mode}, ${g.createdAt}, ${g.version})`
            yield* writeMembers(g)
            return g
          })
        )
      ),
    get: (merchant, id) =>
      op(
        env,
        subject(id),
        Effect.gen(function* () {
          const rows = yield* sql`SELECT * FROM paymux_channel_groups WHERE merchant = ${merchant} AND group_id = ${id}`
          if (rows.length === 0) return yield* StoreError.notFound("channel group", id)
          const members = yield* sql`SELECT * FROM paymux_group_members WHERE group_id = ${id} ORDER BY position`
          const [group] = yield* load(rows, members)
          return group!
        })
      ),
    list: (merchant) =>
      op(
        env,
        subject("*"),
        Effect.gen(function* () {
          const rows = yield* sql`SELECT * FROM paymux_channel_groups WHERE merchant = ${merchant} ORDER BY created_at, group_id`
          const members = yield* sql`SELECT m.* FROM paymux_group_members m JOIN paymux_channel_groups g ON g.group_id = m.group_id
          WHERE g.merchant = ${merchant} ORDER BY m.group_id, m.position`
          return yield* load(rows, members)
        })
      ),
    update: (g) =>
      op(
        env,
        subject(g.id),
        atomic(
          Effect.gen(function* () {
            const rows = yield* sql`UPDATE paymux_channel_groups SET name = ${g.name}, mode = ${g.mode}, version = version + 1
          WHERE merchant = ${g.merchant} AND group_id = ${g.id} AND version = ${g.version} RETURNING created_at`
            if (rows.length === 0) return yield* missedUpdate(subject(g.id), g.version, current(g.merchant, g.id))
            yield* writeMembers(g)
            return { ...g, createdAt: num(rows[0]!["created_at"]), version: g.version + 1 }
          })
        )
      ),
    remove: (merchant, id, version) =>
      op(
        env,
        subject(id),
        Effect.gen(function* () {
          const rows = yield* sql`DELETE FROM paymux_channel_groups
          WHERE merchant = ${merchant} AND group_id = ${id} AND version = ${version} RETURNING group_id`
          if (rows.length === 0) return yield* missedUpdate(subject(id), version, current(merchant, id))
        })
      )
  }
}
