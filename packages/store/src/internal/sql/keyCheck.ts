/**
 * A database never silently gets a new key. The store records the fingerprint (a keyed hash,
 * never the key) of every master key that became current and of the pepper; on open, the
 * configured keys must agree with what is recorded:
 *
 * - a configured key whose id is recorded must have the recorded fingerprint;
 * - at least one recorded master key must be configured (a rotation keeps the old key beside the
 *   new one until every secret is re-sealed; the new one is recorded as soon as it is current);
 * - the key configured first (the one that seals) must be the one recorded last, or a new one
 *   configured beside it: once replaced, a key only opens what it sealed, and a new key without
 *   the current one would seal beside secrets it cannot open (two hosts given different new keys
 *   at once both started);
 * - the pepper must have the recorded fingerprint (otherwise every API key fails to verify).
 *
 * A provider without keys (it fails `current`) may open a database that recorded none: it can
 * neither seal nor open a secret, so it cannot mix keys. A database that recorded nothing yet (new,
 * or written before fingerprints existed) records the configured keys on first open, once they
 * open the secrets it already holds (`opensStoredSecrets`).
 */
import { Clock, Effect, Result } from "effect"
import type * as Sql from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import type { Identifiers } from "@paymux/domain"
import * as KeyProvider from "../../KeyProvider.ts"
import * as SecretBox from "../../SecretBox.ts"
import * as StoreError from "../../StoreError.ts"
import type { Env } from "./base.ts"
import { num } from "./errors.ts"

const table = "paymux_store_keys"

interface Recorded {
  readonly kind: "master" | "pepper"
  readonly keyId: string
  readonly fingerprint: string
  readonly recordedAt: number
}

const read = (sql: Sql.SqlClient): Effect.Effect<ReadonlyArray<Recorded>, SqlError> =>
  Effect.map(sql`SELECT kind, key_id, fingerprint, recorded_at FROM ${sql(table)} ORDER BY recorded_at DESC, key_id`, (rows) =>
    rows.map((r) => ({
      kind: r["kind"] === "pepper" ? "pepper" : "master",
      keyId: String(r["key_id"]),
      fingerprint: String(r["fingerprint"]),
      recordedAt: num(r["recorded_at"])
    }))
  )

const ephemeralHint = (id: string): string =>
  id.startsWith("ephemeral")
    ? " (KeyProvider.layerEphemeral makes a new key in every process: use layerConfig or layerStatic for a database that outlives it)"
    : ""

/**
 * What the configured keys lack against the recorded ones: a `KeyMismatch`, or the rows to
 * record (empty when everything is recorded already).
 */
const judge = (
  recorded: ReadonlyArray<Recorded>,
  configured: {
    readonly current: KeyProvider.MasterKey | undefined
    readonly byId: ReadonlyMap<string, KeyProvider.MasterKey>
    readonly pepper: string | undefined
  }
): Result.Result<ReadonlyArray<Omit<Recorded, "recordedAt">>, StoreError.StoreError> => {
  const masters = recorded.filter((r) => r.kind === "master")
  const latest = masters[0]
  const mismatch = (detail: string) => Result.fail(StoreError.keyMismatch(latest!.keyId, latest!.fingerprint, detail))
  if (configured.current === undefined) {
    return latest === undefined ? Result.succeed([]) : mismatch("no master key is configured")
  }
  const current = configured.current
  let known = 0
  for (const r of masters) {
    const key = configured.byId.get(r.keyId)
    if (key === undefined) continue
    const actual = KeyProvider.fingerprint(key)
    if (actual !== r.fingerprint) {
      return Result.fail(
        StoreError.keyMismatch(
          r.keyId,
          r.fingerprint,
          `the configured master key ${r.keyId} is a different key (fingerprint ${actual})${ephemeralHint(r.keyId)}`
        )
      )
    }
    known++
  }
  if (latest !== undefined && known === 0) {
    return mismatch(
      `none of its master keys is configured (the current one here is ${current.id}, fingerprint ${KeyProvider.fingerprint(current)})${ephemeralHint(current.id)}`
    )
  }
  // A key that was current once and has been replaced does not seal again: a process started
  // with the old configuration (a stale host, a rollback) sealed new secrets with the retired key,
  // which processes holding only the new key cannot open.
  if (latest !== undefined && current.id !== latest.keyId && masters.some((r) => r.keyId === current.id)) {
    return mismatch(
      `${current.id}, which is configured first here, was replaced by it: put ${latest.keyId} first (keep ${current.id} after it until a reseal no longer needs it)`
    )
  }
  // A new key becomes current beside the current one, as a rotation configures it: otherwise a
  // host given a stray key, or two hosts given different new keys at once, each sealed with its
  // own key, and the other's secrets could not be opened.
  if (latest !== undefined && !masters.some((r) => r.keyId === current.id) && !configured.byId.has(latest.keyId)) {
    return mismatch(
      `${current.id}, configured first here, is a new key and ${latest.keyId} is not configured beside it: a rotation puts the new key first and keeps ${latest.keyId} after it until a reseal no longer needs it`
    )
  }
  const pepper = recorded.find((r) => r.kind === "pepper")
  if (pepper !== undefined && configured.pepper !== undefined && pepper.fingerprint !== configured.pepper) {
    return mismatch(`the configured pepper is a different one (fingerprint ${configured.pepper}, recorded ${pepper.fingerprint})`)
  }
  const missing: Array<Omit<Recorded, "recordedAt">> = []
  if (!masters.some((r) => r.keyId === current.id))
    missing.push({ kind: "master", keyId: current.id, fingerprint: KeyProvider.fingerprint(current) })
  if (pepper === undefined && configured.pepper !== undefined) missing.push({ kind: "pepper", keyId: "", fingerprint: configured.pepper })
  return Result.succeed(missing)
}

/**
 * A database written before fingerprints were recorded may already hold sealed secrets: the keys
 * recorded on its first open must open them. Otherwise another installation's keys still in the
 * environment, or a backup restored after a rotation, got recorded, and the database then refused
 * its own keys. One channel's credentials and one merchant's webhook secrets are opened.
 */
const opensStoredSecrets = (
  sql: Sql.SqlClient,
  provider: KeyProvider.KeyProvider["Service"]
): Effect.Effect<void, StoreError.StoreError | SqlError> =>
  Effect.gen(function* () {
    const [channel] = yield* sql`SELECT merchant, channel_key, credentials FROM paymux_channels LIMIT 1`
    const [secrets] = yield* sql`SELECT merchant, mode, envelope FROM paymux_webhook_secrets LIMIT 1`
    const stored: Array<readonly [string, Effect.Effect<unknown, StoreError.StoreError, KeyProvider.KeyProvider>]> = []
    if (channel !== undefined) {
      const envelope = String(channel["credentials"])
      const aad = SecretBox.channelAad(channel["merchant"] as Identifiers.MerchantCode, channel["channel_key"] as Identifiers.ChannelKey)
      stored.push([envelope, SecretBox.openCredentials(envelope, aad)])
    }
    if (secrets !== undefined) {
      const envelope = String(secrets["envelope"])
      const aad = SecretBox.webhookSecretsAad(secrets["merchant"] as Identifiers.MerchantCode, secrets["mode"] === "live" ? "live" : "test")
      stored.push([envelope, SecretBox.openWebhookSecrets(envelope, aad)])
    }
    for (const [envelope, open] of stored) {
      const opened = yield* Effect.result(Effect.provideService(open, KeyProvider.KeyProvider, provider))
      if (Result.isFailure(opened)) {
        const keyId = SecretBox.keyIdOf(envelope) ?? "unknown"
        return yield* StoreError.keyMismatch(
          keyId,
          "not recorded",
          `the configured keys do not open the secrets it holds, sealed with ${keyId} before key fingerprints were recorded`
        )
      }
    }
  })

/**
 * Checks the provider's keys against the database and records new ones. Reads only, unless
 * something is to be recorded; then it judges again and records inside one locked transaction, so
 * concurrent first opens with different keys cannot both win.
 */
export const checkKeys = (
  sql: Sql.SqlClient,
  provider: KeyProvider.KeyProvider["Service"],
  atomic: Env["atomic"]
): Effect.Effect<void, StoreError.StoreError | SqlError> =>
  Effect.gen(function* () {
    const current = Result.getOrUndefined(yield* Effect.result(provider.current))
    const pepperKey = Result.getOrUndefined(yield* Effect.result(provider.pepper))
    const pepper = pepperKey === undefined ? undefined : KeyProvider.pepperFingerprint(pepperKey)
    const configuredFor = (recorded: ReadonlyArray<Recorded>) =>
      Effect.gen(function* () {
        const byId = new Map<string, KeyProvider.MasterKey>()
        if (current !== undefined) byId.set(current.id, current)
        for (const r of recorded) {
          if (r.kind !== "master" || byId.has(r.keyId)) continue
          const key = Result.getOrUndefined(yield* Effect.result(provider.byId(r.keyId)))
          if (key !== undefined) byId.set(r.keyId, key)
        }
        return { current, byId, pepper }
      })
    const pass = (recorded: ReadonlyArray<Recorded>) =>
      Effect.flatMap(configuredFor(recorded), (configured) => Effect.fromResult(judge(recorded, configured)))

    const recorded = yield* read(sql)
    const missing = yield* pass(recorded)
    if (missing.length === 0) return
    if (!recorded.some((r) => r.kind === "master")) yield* opensStoredSecrets(sql, provider)
    yield* atomic(
      Effect.gen(function* () {
        // Concurrent first opens take turns (SQLite's BEGIN IMMEDIATE already does), so the second
        // judges against what the first recorded.
        yield* sql.onDialectOrElse({ pg: () => Effect.asVoid(sql`LOCK TABLE ${sql(table)} IN EXCLUSIVE MODE`), orElse: () => Effect.void })
        const recorded = yield* read(sql)
        // After every row already there, whatever this host's clock says: the last recorded master
        // key is the current one, and a clock behind another host's must not make an older key last.
        const at = Math.max(yield* Clock.currentTimeMillis, ...recorded.map((r) => r.recordedAt + 1))
        for (const m of yield* pass(recorded)) {
          yield* sql`INSERT INTO ${sql(table)} (kind, key_id, fingerprint, recorded_at)
          VALUES (${m.kind}, ${m.keyId}, ${m.fingerprint}, ${at})`
        }
      })
    )
  })
