/**
 * Per-merchant settings (webhook settings and secrets, whitelist), API keys and the audit log.
 * Settings rows start at version 0 ("never saved"), so the first `put` is an insert.
 */
import { ApiKey, EndpointHealth, WebhookSettings, WhitelistRules } from "@paymux/domain"
import { Array as Arr, Effect, Schema } from "effect"
import * as AuditLog from "../../AuditLog.ts"
import type { ApiKeyRepository, WebhookSettingsRepository, WhitelistRepository } from "../../Repositories.ts"
import * as SecretBox from "../../SecretBox.ts"
import * as StoreError from "../../StoreError.ts"
import type { SqlError } from "effect/sql/SqlError"
import { auditJson } from "../auditJson.ts"
import { bool, type Env, limitClause, merchantExists, missedUpdate, op, orNull } from "./base.ts"
import { decoded, num, optNum, parseJson } from "./errors.ts"

type Row = Record<string, unknown>

/** Versioned upsert: insert at version 0 (inserting nothing means someone saved first). */
const versioned = <A extends { readonly merchant: string; readonly version: number }>(
  env: Env,
  subject: { readonly entity: string; readonly id: string },
  value: A,
  insert: Effect.Effect<ReadonlyArray<Row>, SqlError>,
  update: Effect.Effect<ReadonlyArray<Row>, SqlError>,
  current: Effect.Effect<ReadonlyArray<Row>, SqlError>
): Effect.Effect<A, StoreError.StoreError> =>
  op(
    env,
    subject,
    Effect.gen(function* () {
      yield* merchantExists(env.sql, value.merchant)
      // ON CONFLICT DO NOTHING at version 0 rather than a caught unique violation, which on
      // PostgreSQL would leave an enclosing transaction refusing every later statement.
      const rows = yield* value.version === 0 ? insert : update
      if (rows.length === 0) {
        // Settings never saved are the defaults at version 0, as `get` answers: a stale version.
        const stored = yield* current
        const now = stored[0] === undefined ? 0 : num(stored[0]["version"])
        return yield* Effect.fail(StoreError.staleVersion(subject.entity, subject.id, value.version, now))
      }
      return { ...value, version: value.version + 1 }
    })
  )

export const makeWebhookSettings = (env: Env): WebhookSettingsRepository["Service"] => {
  const { sql } = env
  const subject = (merchant: string) => ({ entity: "webhook settings", id: merchant })
  return {
    get: (merchant) =>
      op(
        env,
        subject(merchant),
        Effect.gen(function* () {
          yield* merchantExists(sql, merchant)
          const rows = yield* sql`SELECT * FROM paymux_webhook_settings WHERE merchant = ${merchant}`
          const row = rows[0]
          if (row === undefined) return WebhookSettings.empty(merchant)
          return yield* decoded(
            "webhook settings",
            WebhookSettings.decode({
              merchant,
              test: yield* parseJson("webhook settings", row["test_settings"]),
              live: yield* parseJson("webhook settings", row["live_settings"]),
              version: num(row["version"])
            })
          )
        })
      ),
    put: (s) =>
      versioned(
        env,
        subject(s.merchant),
        s,
        sql`INSERT INTO paymux_webhook_settings (merchant, test_settings, live_settings, version)
          VALUES (${s.merchant}, ${JSON.stringify(s.test)}, ${JSON.stringify(s.live)}, 1)
          ON CONFLICT (merchant) DO NOTHING RETURNING version`,
        sql`UPDATE paymux_webhook_settings SET test_settings = ${JSON.stringify(s.test)}, live_settings = ${JSON.stringify(s.live)},
          version = version + 1 WHERE merchant = ${s.merchant} AND version = ${s.version} RETURNING version`,
        sql`SELECT version FROM paymux_webhook_settings WHERE merchant = ${s.merchant}`
      ),
    getSecrets: (merchant, mode) =>
      op(
        env,
        { entity: "webhook secrets", id: `${merchant}/${mode}` },
        Effect.gen(function* () {
          yield* merchantExists(sql, merchant)
          const rows = yield* sql`SELECT envelope FROM paymux_webhook_secrets WHERE merchant = ${merchant} AND mode = ${mode}`
          if (rows[0] === undefined) return []
          return yield* SecretBox.openWebhookSecrets(String(rows[0]["envelope"]), SecretBox.webhookSecretsAad(merchant, mode))
        })
      ),
    putSecrets: (merchant, mode, secrets) =>
      op(
        env,
        { entity: "webhook secrets", id: `${merchant}/${mode}` },
        Effect.gen(function* () {
          yield* merchantExists(sql, merchant)
          if (secrets.length === 0) {
            yield* sql`DELETE FROM paymux_webhook_secrets WHERE merchant = ${merchant} AND mode = ${mode}`
            return
          }
          const envelope = yield* SecretBox.sealWebhookSecrets(secrets, SecretBox.webhookSecretsAad(merchant, mode))
          yield* sql`INSERT INTO paymux_webhook_secrets (merchant, mode, envelope) VALUES (${merchant}, ${mode}, ${envelope})
          ON CONFLICT (merchant, mode) DO UPDATE SET envelope = excluded.envelope`
        })
      ),
    getHealth: (merchant) =>
      op(
        env,
        healthSubject(merchant),
        Effect.gen(function* () {
          yield* merchantExists(sql, merchant)
          const rows = yield* sql`SELECT * FROM paymux_webhook_endpoint_health WHERE merchant = ${merchant}`
          // Sorted here, not by ORDER BY: PostgreSQL would order by the database's collation.
          return Arr.sort(yield* Effect.forEach(rows, healthOf), EndpointHealth.order)
        })
      ),
    // One upsert per attempt, so racing dispatchers never lose a count.
    recordHealth: (e, { now, ok }) =>
      op(
        env,
        healthSubject(e.merchant),
        Effect.gen(function* () {
          yield* merchantExists(sql, e.merchant)
          const rows = ok
            ? yield* sql`INSERT INTO paymux_webhook_endpoint_health (merchant, mode, endpoint_id, consecutive_failures,
              failing_since, last_success_at, last_failure_at, disabled_at) VALUES (${e.merchant}, ${e.mode}, ${e.endpointId},
              0, NULL, ${now}, NULL, NULL) ON CONFLICT (merchant, mode, endpoint_id) DO UPDATE SET consecutive_failures = 0,
              failing_since = NULL, last_success_at = ${now} RETURNING *`
            : yield* sql`INSERT INTO paymux_webhook_endpoint_health (merchant, mode, endpoint_id, consecutive_failures,
              failing_since, last_success_at, last_failure_at, disabled_at) VALUES (${e.merchant}, ${e.mode}, ${e.endpointId},
              1, ${now}, NULL, ${now}, NULL) ON CONFLICT (merchant, mode, endpoint_id) DO UPDATE SET
              consecutive_failures = paymux_webhook_endpoint_health.consecutive_failures + 1,
              failing_since = COALESCE(paymux_webhook_endpoint_health.failing_since, ${now}), last_failure_at = ${now}
              RETURNING *`
          return yield* healthOf(rows[0]!)
        })
      ),
    disableEndpoint: (e, now) =>
      op(
        env,
        healthSubject(e.merchant),
        Effect.gen(function* () {
          yield* merchantExists(sql, e.merchant)
          yield* sql`INSERT INTO paymux_webhook_endpoint_health (merchant, mode, endpoint_id, consecutive_failures)
            VALUES (${e.merchant}, ${e.mode}, ${e.endpointId}, 0) ON CONFLICT (merchant, mode, endpoint_id) DO NOTHING`
          const rows = yield* sql`UPDATE paymux_webhook_endpoint_health SET disabled_at = ${now}
            WHERE merchant = ${e.merchant} AND mode = ${e.mode} AND endpoint_id = ${e.endpointId} AND disabled_at IS NULL
            RETURNING endpoint_id`
          return rows.length > 0
        })
      ),
    enableEndpoint: (e) =>
      op(
        env,
        healthSubject(e.merchant),
        Effect.gen(function* () {
          yield* merchantExists(sql, e.merchant)
          yield* sql`DELETE FROM paymux_webhook_endpoint_health
            WHERE merchant = ${e.merchant} AND mode = ${e.mode} AND endpoint_id = ${e.endpointId}`
        })
      )
  }
}

const healthSubject = (merchant: string) => ({ entity: "webhook endpoint health", id: merchant })

const healthOf = (row: Row) =>
  decoded(
    "webhook endpoint health",
    Schema.decodeUnknownResult(EndpointHealth.EndpointHealth)({
      merchant: row["merchant"],
      mode: row["mode"],
      endpointId: row["endpoint_id"],
      consecutiveFailures: num(row["consecutive_failures"]),
      failingSince: optNum(row["failing_since"]) ?? null,
      lastSuccessAt: optNum(row["last_success_at"]) ?? null,
      lastFailureAt: optNum(row["last_failure_at"]) ?? null,
      disabledAt: optNum(row["disabled_at"]) ?? null
    })
  )

export const makeWhitelists = (env: Env): WhitelistRepository["Service"] => {
  const { sql } = env
  const subject = (merchant: string) => ({ entity: "whitelist", id: merchant })
  return {
    get: (merchant) =>
      op(
        env,
        subject(merchant),
        Effect.gen(function* () {
          yield* merchantExists(sql, merchant)
          const rows = yield* sql`SELECT * FROM paymux_whitelists WHERE merchant = ${merchant}`
          const row = rows[0]
          if (row === undefined) return WhitelistRules.empty(merchant)
          const rules = yield* parseJson("whitelist", row["rules"])
          return yield* decoded(
            "whitelist",
            WhitelistRules.decode({
              merchant,
              rules,
              denyByDefault: bool(row["deny_by_default"]),
              version: num(row["version"])
            })
          )
        })
      ),
    put: (w) =>
      versioned(
        env,
        subject(w.merchant),
        w,
        sql`INSERT INTO paymux_whitelists (merchant, rules, deny_by_default, version)
          VALUES (${w.merchant}, ${JSON.stringify(w.rules)}, ${w.denyByDefault ? 1 : 0}, 1)
          ON CONFLICT (merchant) DO NOTHING RETURNING version`,
        sql`UPDATE paymux_whitelists SET rules = ${JSON.stringify(w.rules)}, deny_by_default = ${w.denyByDefault ? 1 : 0},
          version = version + 1 WHERE merchant = ${w.merchant} AND version = ${w.version} RETURNING version`,
        sql`SELECT version FROM paymux_whitelists WHERE merchant = ${w.merchant}`
      )
  }
}

const apiKeyOf = (row: Row) => {
  const expiresAt = optNum(row["expires_at"])
  const revokedAt = optNum(row["revoked_at"])
  return decoded(
    "API key",
    ApiKey.decode({
      id: row["key_id"],
      merchant: row["merchant"],
      name: row["name"],
      secretHash: row["secret_hash"],
      createdAt: num(row["created_at"]),
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(revokedAt === undefined ? {} : { revokedAt }),
      version: num(row["version"])
    })
  )
}

export const makeApiKeys = (env: Env): ApiKeyRepository["Service"] => {
  const { sql } = env
  const subject = (id: string) => ({ entity: "API key", id })
  return {
    create: (k) =>
      op(
        env,
        subject(k.id),
        Effect.andThen(
          merchantExists(sql, k.merchant),
          Effect.as(
            sql`INSERT INTO paymux_api_keys (key_id, merchant, name, secret_hash, created_at, expires_at, revoked_at, version)
            VALUES (${k.id}, ${k.merchant}, ${k.name}, ${k.secretHash}, ${k.createdAt}, ${orNull(k.expiresAt)}, ${orNull(k.revokedAt)}, ${k.version})`,
            k
          )
        )
      ),
    get: (id) =>
      op(
        env,
        subject(id),
        Effect.gen(function* () {
          const rows = yield* sql`SELECT * FROM paymux_api_keys WHERE key_id = ${id}`
          if (rows[0] === undefined) return yield* StoreError.notFound("API key", id)
          return yield* apiKeyOf(rows[0])
        })
      ),
    list: (merchant) =>
      op(
        env,
        subject("*"),
        Effect.flatMap(sql`SELECT * FROM paymux_api_keys WHERE merchant = ${merchant} ORDER BY created_at, key_id`, (rows) =>
          Effect.forEach(rows, apiKeyOf)
        )
      ),
    update: (k) =>
      op(
        env,
        subject(k.id),
        Effect.gen(function* () {
          // Merchant and creation time never change; the WHERE on merchant keeps tenants apart.
          const rows = yield* sql`UPDATE paymux_api_keys SET name = ${k.name}, secret_hash = ${k.secretHash},
          expires_at = ${orNull(k.expiresAt)}, revoked_at = ${orNull(k.revokedAt)}, version = version + 1
          WHERE key_id = ${k.id} AND merchant = ${k.merchant} AND version = ${k.version} RETURNING created_at`
          if (rows.length === 0) {
            return yield* missedUpdate(
              subject(k.id),
              k.version,
              sql`SELECT version FROM paymux_api_keys WHERE key_id = ${k.id} AND merchant = ${k.merchant}`
            )
          }
          return { ...k, createdAt: num(rows[0]!["created_at"]), version: k.version + 1 }
        })
      )
  }
}

export const makeAuditLog = (env: Env): AuditLog.AuditLog["Service"] => {
  const { sql } = env
  const seqOf = (merchant: string, entryId: string) =>
    Effect.flatMap(sql`SELECT seq FROM paymux_audit_log WHERE entry_id = ${entryId} AND merchant = ${merchant}`, (rows) =>
      rows[0] === undefined ? Effect.fail(AuditLog.notFound(entryId)) : Effect.succeed(num(rows[0]["seq"]))
    )
  const entryOf = (row: Row) =>
    Effect.gen(function* () {
      const before = row["before_json"] == null ? null : yield* parseJson("audit entry", row["before_json"])
      const after = row["after_json"] == null ? null : yield* parseJson("audit entry", row["after_json"])
      return {
        id: String(row["entry_id"]),
        merchant: String(row["merchant"]),
        actor: String(row["actor"]),
        action: String(row["action"]),
        target: String(row["target"]),
        before,
        after,
        at: num(row["at"])
      } satisfies AuditLog.AuditEntry
    })
  return {
    append: (e) =>
      op(
        env,
        { entity: "audit entry", id: e.id },
        Effect.flatMap(Effect.fromResult(auditJson(e)), ({ before, after }) =>
          Effect.asVoid(
            sql`INSERT INTO paymux_audit_log (entry_id, merchant, actor, action, target, before_json, after_json, at)
          VALUES (${e.id}, ${e.merchant}, ${e.actor}, ${e.action}, ${e.target}, ${before}, ${after}, ${e.at})`
          )
        )
      ),
    list: (merchant, { action, after, limit } = {}) =>
      op(
        env,
        { entity: AuditLog.entity, id: "*" },
        Effect.gen(function* () {
          // The cursor is a position in the merchant's trail: its entry's seq.
          const at = after === undefined ? undefined : yield* seqOf(merchant, after)
          const clauses = [
            sql`merchant = ${merchant}`,
            ...(action === undefined ? [] : [sql`action = ${action}`]),
            ...(at === undefined ? [] : [sql`seq < ${at}`])
          ]
          const rows = yield* sql`SELECT * FROM paymux_audit_log WHERE ${sql.and(clauses)} ORDER BY seq DESC ${limitClause(sql, limit)}`
          return yield* Effect.forEach(rows, entryOf)
        })
      ),
    prune: ({ before, limit }) =>
      op(
        env,
        { entity: AuditLog.entity, id: "*" },
        Effect.map(
          sql`DELETE FROM paymux_audit_log WHERE seq IN (SELECT seq FROM paymux_audit_log
            WHERE at < ${before} ORDER BY seq ${limitClause(sql, limit)}) RETURNING seq`,
          (rows) => rows.length
        )
      )
  }
}
