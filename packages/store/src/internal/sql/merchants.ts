/**
 * Merchants and sub-merchants (tiers). A tier's channel assignments live in their own table in
 * assignment order, so deleting a channel can unassign it with one statement.
 */
import { Merchant, SubMerchant } from "@paymux/domain"
import { Array as Arr, Effect } from "effect"
import type { MerchantRepository, SubMerchantRepository } from "../../Repositories.ts"
import * as StoreError from "../../StoreError.ts"
import { byteOrder, type Env, merchantExists, missedUpdate, op, orNull } from "./base.ts"
import { decoded, num } from "./errors.ts"
import { removeMerchant } from "./merchantRemoval.ts"

type Row = Record<string, unknown>

const merchantOf = (row: Row) =>
  decoded(
    "merchant",
    Merchant.decode({
      code: row["code"],
      name: row["name"],
      policy: row["policy"],
      defaultChannels: {
        ...(row["default_test"] == null ? {} : { test: row["default_test"] }),
        ...(row["default_live"] == null ? {} : { live: row["default_live"] })
      },
      createdAt: num(row["created_at"]),
      version: num(row["version"])
    })
  )

export const makeMerchants = (env: Env): MerchantRepository["Service"] => {
  const { atomic, sql } = env
  const subject = (code: string) => ({ entity: "merchant", id: code })
  return {
    create: (m) =>
      op(
        env,
        subject(m.code),
        Effect.gen(function* () {
          yield* sql`INSERT INTO paymux_merchants (code, name, policy, default_test, default_live, created_at, version)
          VALUES (${m.code}, ${m.name}, ${m.policy}, ${orNull(m.defaultChannels.test)}, ${orNull(m.defaultChannels.live)}, ${m.createdAt}, ${m.version})`
          return m
        })
      ),
    get: (code) =>
      op(
        env,
        subject(code),
        Effect.gen(function* () {
          const rows = yield* sql`SELECT * FROM paymux_merchants WHERE code = ${code}`
          if (rows[0] === undefined) return yield* StoreError.notFound("merchant", code)
          return yield* merchantOf(rows[0])
        })
      ),
    list: () =>
      op(
        env,
        subject("*"),
        Effect.flatMap(sql`SELECT * FROM paymux_merchants ORDER BY code`, (rows) => Effect.forEach(rows, merchantOf))
      ),
    update: (m) =>
      op(
        env,
        subject(m.code),
        Effect.gen(function* () {
          const rows = yield* sql`UPDATE paymux_merchants SET name = ${m.name}, policy = ${m.policy},
          default_test = ${orNull(m.defaultChannels.test)}, default_live = ${orNull(m.defaultChannels.live)}, version = version + 1
          WHERE code = ${m.code} AND version = ${m.version} RETURNING created_at`
          if (rows.length === 0) {
            return yield* missedUpdate(subject(m.code), m.version, sql`SELECT version FROM paymux_merchants WHERE code = ${m.code}`)
          }
          // The stored createdAt, whatever the caller's copy says: it never changes.
          return { ...m, createdAt: num(rows[0]!["created_at"]), version: m.version + 1 }
        })
      ),
    remove: (code) => op(env, subject(code), atomic(removeMerchant(sql, code)))
  }
}

export const makeSubMerchants = (env: Env): SubMerchantRepository["Service"] => {
  const { atomic, sql } = env
  const subject = (merchant: string, tier: string) => ({ entity: "sub-merchant", id: `${merchant}/${tier}` })

  const load = (rows: ReadonlyArray<Row>, assignments: ReadonlyArray<Row>) => {
    const byTier = new Map<string, Array<unknown>>()
    for (const a of assignments) {
      const tier = String(a["tier"])
      const list = byTier.get(tier) ?? []
      list.push(a["channel_key"])
      byTier.set(tier, list)
    }
    return Effect.forEach(rows, (row) =>
      decoded(
        "sub-merchant",
        SubMerchant.decode({
          merchant: row["merchant"],
          tier: row["tier"],
          name: row["name"],
          channels: byTier.get(String(row["tier"])) ?? [],
          createdAt: num(row["created_at"]),
          version: num(row["version"])
        })
      )
    )
  }

  const writeAssignments = (sub: SubMerchant.SubMerchant) =>
    Effect.gen(function* () {
      yield* sql`DELETE FROM paymux_tier_channels WHERE merchant = ${sub.merchant} AND tier = ${sub.tier}`
      const rows: Array<Record<string, unknown>> = sub.channels.map((channel_key, position) => ({
        merchant: sub.merchant,
        tier: sub.tier,
        channel_key,
        position
      }))
      if (Arr.isReadonlyArrayNonEmpty(rows)) yield* sql`INSERT INTO paymux_tier_channels ${sql.insert(rows)}`
    })

  return {
    create: (sub) =>
      op(
        env,
        subject(sub.merchant, sub.tier),
        atomic(
          Effect.gen(function* () {
            yield* merchantExists(sql, sub.merchant)
            yield* sql`INSERT INTO paymux_sub_merchants (merchant, tier, name, created_at, version)
          VALUES (${sub.merchant}, ${sub.tier}, ${sub.name}, ${sub.createdAt}, ${sub.version})`
            yield* writeAssignments(sub)
            return sub
          })
        )
      ),
    get: (merchant, tier) =>
      op(
        env,
        subject(merchant, tier),
        Effect.gen(function* () {
          const rows = yield* sql`SELECT * FROM paymux_sub_merchants WHERE merchant = ${merchant} AND tier = ${tier}`
          if (rows.length === 0) return yield* StoreError.notFound("sub-merchant", `${merchant}/${tier}`)
          const assigned = yield* sql`SELECT tier, channel_key FROM paymux_tier_channels
          WHERE merchant = ${merchant} AND tier = ${tier} ORDER BY position`
          const [sub] = yield* load(rows, assigned)
          return sub!
        })
      ),
    list: (merchant) =>
      op(
        env,
        subject(merchant, "*"),
        Effect.gen(function* () {
          // Tier codes mix cases: byte order everywhere, whatever collation a PostgreSQL database has.
          const rows =
            yield* sql`SELECT * FROM paymux_sub_merchants WHERE merchant = ${merchant} ORDER BY ${sql.literal(byteOrder(sql, "tier"))}`
          const assigned =
            yield* sql`SELECT tier, channel_key FROM paymux_tier_channels WHERE merchant = ${merchant} ORDER BY tier, position`
          return yield* load(rows, assigned)
        })
      ),
    update: (sub) =>
      op(
        env,
        subject(sub.merchant, sub.tier),
        atomic(
          Effect.gen(function* () {
            const rows = yield* sql`UPDATE paymux_sub_merchants SET name = ${sub.name}, version = version + 1
          WHERE merchant = ${sub.merchant} AND tier = ${sub.tier} AND version = ${sub.version} RETURNING created_at`
            if (rows.length === 0) {
              return yield* missedUpdate(
                subject(sub.merchant, sub.tier),
                sub.version,
                sql`SELECT version FROM paymux_sub_merchants WHERE merchant = ${sub.merchant} AND tier = ${sub.tier}`
              )
            }
            yield* writeAssignments(sub)
            return { ...sub, createdAt: num(rows[0]!["created_at"]), version: sub.version + 1 }
          })
        )
      ),
    remove: (merchant, tier, version) =>
      op(
        env,
        subject(merchant, tier),
        atomic(
          Effect.gen(function* () {
            const rows = yield* sql`DELETE FROM paymux_sub_merchants
          WHERE merchant = ${merchant} AND tier = ${tier} AND version = ${version} RETURNING tier`
            if (rows.length === 0) {
              return yield* missedUpdate(
                subject(merchant, tier),
                version,
                sql`SELECT version FROM paymux_sub_merchants WHERE merchant = ${merchant} AND tier = ${tier}`
              )
            }
            // The foreign key cascades where it is enforced; the delete says so where it is not.
            yield* sql`DELETE FROM paymux_tier_channels WHERE merchant = ${merchant} AND tier = ${tier}`
          })
        )
      )
  }
}
