/**
 * Removing a merchant: the one list of every table that holds a merchant's rows, and the
 * statement that selects them. Deleted in this order, children before what they refer to (a tier's
 * assignments before the tier, a tier before the merchant, attempts before their deliveries,
 * change-feed entries naming an API key before the keys), so every foreign key holds at every
 * step whether or not the database enforces them. A table added to the schema with merchant data
 * belongs here.
 */
import { Effect } from "effect"
import type * as Sql from "effect/sql/SqlClient"
import type { Fragment } from "effect/sql/Statement"
import type { RemovedCounts, RemovedKind } from "../../Repositories.ts"
import { removedKinds } from "../../Repositories.ts"
import * as StoreError from "../../StoreError.ts"

interface MerchantTable {
  readonly table: string
  /** The rows of merchant `code`. */
  readonly rows: (sql: Sql.SqlClient, code: string) => Fragment
  /** What the rows count as in `RemovedCounts`; uncounted where they only serve another kind. */
  readonly counts?: RemovedKind
}

const byMerchant = (sql: Sql.SqlClient, code: string) => sql`merchant = ${code}`

export const merchantTables: ReadonlyArray<MerchantTable> = [
  { table: "paymux_tier_channels", rows: byMerchant },
  { table: "paymux_sub_merchants", rows: byMerchant, counts: "subMerchants" },
  {
    table: "paymux_group_members",
    rows: (sql, code) => sql`group_id IN (SELECT group_id FROM paymux_channel_groups WHERE merchant = ${code})`
  },
  { table: "paymux_channel_groups", rows: byMerchant, counts: "channelGroups" },
  { table: "paymux_channels", rows: byMerchant, counts: "channels" },
  { table: "paymux_channel_sequences", rows: byMerchant },
  { table: "paymux_webhook_settings", rows: byMerchant },
  { table: "paymux_webhook_secrets", rows: byMerchant, counts: "webhookSecrets" },
  { table: "paymux_webhook_endpoint_health", rows: byMerchant },
  { table: "paymux_whitelists", rows: byMerchant },
  // API-key changes name the key, every other topic the merchant (ChangeFeed.Change).
  {
    table: "paymux_changes",
    rows: (sql, code) =>
      sql`(topic <> 'api-key' AND change_key = ${code})
        OR (topic = 'api-key' AND change_key IN (SELECT key_id FROM paymux_api_keys WHERE merchant = ${code}))`,
    counts: "changes"
  },
  { table: "paymux_api_keys", rows: byMerchant, counts: "apiKeys" },
  {
    table: "paymux_outbox_attempts",
    rows: (sql, code) => sql`delivery_id IN (SELECT delivery_id FROM paymux_outbox WHERE merchant = ${code})`,
    counts: "deliveryAttempts"
  },
  { table: "paymux_outbox", rows: byMerchant, counts: "deliveries" },
  { table: "paymux_idempotency", rows: byMerchant, counts: "idempotencyRecords" },
  { table: "paymux_idempotency_budget", rows: byMerchant },
  { table: "paymux_audit_log", rows: byMerchant, counts: "auditEntries" },
  { table: "paymux_merchants", rows: (sql, code) => sql`code = ${code}` }
]

/** Deletes every row of the merchant, table by table; run it inside one transaction. */
export const removeMerchant = (sql: Sql.SqlClient, code: string) =>
  Effect.gen(function* () {
    const found = yield* sql`SELECT 1 AS found FROM paymux_merchants WHERE code = ${code}`
    if (found.length === 0) return yield* StoreError.notFound("merchant", code)
    const counts = Object.fromEntries(removedKinds.map((kind) => [kind, 0])) as Record<RemovedKind, number>
    for (const { table, rows, counts: kind } of merchantTables) {
      const deleted = yield* sql`DELETE FROM ${sql(table)} WHERE ${rows(sql, code)} RETURNING 1 AS gone`
      if (kind !== undefined) counts[kind] += deleted.length
    }
    return counts as RemovedCounts
  })
