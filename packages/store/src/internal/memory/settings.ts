/**
 * The in-memory webhook-settings, whitelist, API-key and audit repositories.
 */
import { EndpointHealth, WebhookSettings, WhitelistRules } from "@paymux/domain"
import { Effect, Result } from "effect"
import * as Audit from "../../AuditLog.ts"
import * as KeyProvider from "../../KeyProvider.ts"
import { ApiKeyRepository, type EndpointRef, WebhookSettingsRepository, WhitelistRepository } from "../../Repositories.ts"
import * as SecretBox from "../../SecretBox.ts"
import { conflict, notFound, staleVersion, type StoreError } from "../../StoreError.ts"
import { checkVersion, merchantExists } from "./entities.ts"
import type { MemoryStore, State } from "./store.ts"
import { auditJson } from "../auditJson.ts"
import { rowLimit } from "../rowLimit.ts"

const fail = (error: StoreError): Result.Result<never, StoreError> => Result.fail(error)

const orNotFound = <A>(value: A | undefined, entity: string, id: string): Effect.Effect<A, StoreError> =>
  value === undefined ? Effect.fail(notFound(entity, id)) : Effect.succeed(value)

/** A per-merchant singleton that reads as an empty value at version 0 until first saved. */
const singleton = <A extends { readonly merchant: string; readonly version: number }>(
  store: MemoryStore,
  entity: string,
  table: (s: State) => Map<string, A>,
  empty: (merchant: A["merchant"]) => A
) => ({
  get: (merchant: A["merchant"]): Effect.Effect<A, StoreError> =>
    Effect.flatMap(
      store.read((s) => (s.merchants.has(merchant) ? (table(s).get(merchant) ?? empty(merchant)) : undefined)),
      (a) => orNotFound(a, "merchant", merchant)
    ),
  put: (value: A): Effect.Effect<A, StoreError> =>
    store.write((s) => {
      const missing = merchantExists(s, value.merchant)
      if (missing !== undefined) return missing
      const held = table(s).get(value.merchant)?.version ?? 0
      if (held !== value.version) return fail(staleVersion(entity, value.merchant, value.version, held))
      const next = { ...value, version: value.version + 1 }
      table(s).set(value.merchant, next)
      return Result.succeed(next)
    })
})

const healthKey = (e: EndpointRef): string => `${e.merchant}/${e.mode}/${e.endpointId}`

const freshHealth = (e: EndpointRef): EndpointHealth.EndpointHealth => ({
  merchant: e.merchant,
  mode: e.mode,
  endpointId: e.endpointId as WebhookSettings.EndpointId,
  consecutiveFailures: 0,
  failingSince: null,
  lastSuccessAt: null,
  lastFailureAt: null,
  disabledAt: null
})

export const makeWebhookSettings = (store: MemoryStore): WebhookSettingsRepository["Service"] => {
  const settings = singleton(store, "webhook settings", (s) => s.webhookSettings, WebhookSettings.empty)
  const withKeys = <A>(self: Effect.Effect<A, StoreError, KeyProvider.KeyProvider>) =>
    Effect.provideService(self, KeyProvider.KeyProvider, store.keys)
  return WebhookSettingsRepository.of({
    get: settings.get,
    put: settings.put,
    getSecrets: (merchant, mode) =>
      Effect.flatMap(
        store.read((s) => (s.merchants.has(merchant) ? { sealed: s.webhookSecrets.get(`${merchant}/${mode}`) } : undefined)),
        (found) => {
          if (found === undefined) return Effect.fail(notFound("merchant", merchant))
          if (found.sealed === undefined) return Effect.succeed([])
          return withKeys(SecretBox.openWebhookSecrets(found.sealed, SecretBox.webhookSecretsAad(merchant, mode)))
        }
      ),
    putSecrets: (merchant, mode, secrets) =>
      Effect.flatMap(withKeys(SecretBox.sealWebhookSecrets(secrets, SecretBox.webhookSecretsAad(merchant, mode))), (sealed) =>
        store.write((s) => {
          const missing = merchantExists(s, merchant)
          if (missing !== undefined) return missing
          if (secrets.length === 0) s.webhookSecrets.delete(`${merchant}/${mode}`)
          else s.webhookSecrets.set(`${merchant}/${mode}`, sealed)
          return Result.succeed(undefined)
        })
      ),
    getHealth: (merchant) =>
      Effect.flatMap(
        store.read((s) =>
          s.merchants.has(merchant)
            ? [...s.endpointHealth.values()].filter((h) => h.merchant === merchant).sort(EndpointHealth.order)
            : undefined
        ),
        (found) => orNotFound(found, "merchant", merchant)
      ),
    recordHealth: (endpoint, { now, ok }) =>
      store.write((s) => {
        const missing = merchantExists(s, endpoint.merchant)
        if (missing !== undefined) return missing
        const held = s.endpointHealth.get(healthKey(endpoint)) ?? freshHealth(endpoint)
        const next: EndpointHealth.EndpointHealth = ok
          ? { ...held, consecutiveFailures: 0, failingSince: null, lastSuccessAt: now }
          : { ...held, consecutiveFailures: held.consecutiveFailures + 1, failingSince: held.failingSince ?? now, lastFailureAt: now }
        s.endpointHealth.set(healthKey(endpoint), next)
        return Result.succeed(next)
      }),
    disableEndpoint: (endpoint, now) =>
      store.write((s) => {
        const missing = merchantExists(s, endpoint.merchant)
        if (missing !== undefined) return missing
        const held = s.endpointHealth.get(healthKey(endpoint)) ?? freshHealth(endpoint)
        if (held.disabledAt !== null) return Result.succeed(false)
        s.endpointHealth.set(healthKey(endpoint), { ...held, disabledAt: now })
        return Result.succeed(true)
      }),
    enableEndpoint: (endpoint) =>
      store.write((s) => {
        const missing = merchantExists(s, endpoint.merchant)
        if (missing !== undefined) return missing
        s.endpointHealth.delete(healthKey(endpoint))
        return Result.succeed(undefined)
      })
  })
}

export const makeWhitelists = (store: MemoryStore): WhitelistRepository["Service"] =>
  WhitelistRepository.of(singleton(store, "whitelist", (s) => s.whitelists, WhitelistRules.empty))

export const makeApiKeys = (store: MemoryStore): ApiKeyRepository["Service"] =>
  ApiKeyRepository.of({
    create: (key) =>
      store.write((s) => {
        const missing = merchantExists(s, key.merchant)
        if (missing !== undefined) return missing
        if (s.apiKeys.has(key.id)) return fail(conflict("API key", key.id, "an API key with this id exists"))
        s.apiKeys.set(key.id, key)
        return Result.succeed(key)
      }),
    get: (id) =>
      Effect.flatMap(
        store.read((s) => s.apiKeys.get(id)),
        (k) => orNotFound(k, "API key", id)
      ),
    list: (merchant) =>
      store.read((s) =>
        [...s.apiKeys.values()].filter((k) => k.merchant === merchant).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      ),
    update: (key) =>
      store.write((s) => {
        const held = s.apiKeys.get(key.id)
        const stored = held !== undefined && held.merchant === key.merchant ? held : undefined
        const failed = checkVersion("API key", key.id, stored, key.version)
        if (failed !== undefined) return failed
        const next = { ...key, createdAt: stored!.createdAt, version: key.version + 1 }
        s.apiKeys.set(key.id, next)
        return Result.succeed(next)
      })
  })

export const makeAuditLog = (store: MemoryStore): Audit.AuditLog["Service"] =>
  Audit.AuditLog.of({
    append: (entry) =>
      store.write((s) => {
        // The entry is checked before its id, as the SQL stores check it before the INSERT.
        const json = auditJson(entry)
        if (Result.isFailure(json)) return json
        if (s.audit.has(entry.id)) return fail(conflict("audit entry", entry.id, "an audit entry with this id exists"))
        // Kept as the SQL stores keep it: what JSON holds of before and after.
        const { before, after } = json.success
        s.audit.set(entry.id, {
          ...entry,
          before: before === null ? null : JSON.parse(before),
          after: after === null ? null : JSON.parse(after)
        })
        return Result.succeed(undefined)
      }),
    list: (merchant, options = {}) =>
      Effect.flatMap(
        store.read((s) => {
          // Newest first: the reverse of the order entries were appended in, as the SQL stores' seq
          // (an entry's `at` comes from its writer's clock, which another process may see differently).
          const ours = [...s.audit.values()].filter((e) => e.merchant === merchant).reverse()
          const { action, after } = options
          const cursor = after === undefined ? -1 : ours.findIndex((e) => e.id === after)
          if (after !== undefined && cursor < 0) return Result.fail(Audit.notFound(after))
          const matching = ours.slice(cursor + 1).filter((e) => action === undefined || e.action === action)
          return Result.succeed(matching.slice(0, rowLimit(options.limit)))
        }),
        Effect.fromResult
      ),
    prune: ({ before, limit }) =>
      store.write((s) => {
        // In the order appended, as the SQL stores' seq.
        const old = [...s.audit.values()].filter((e) => e.at < before).slice(0, rowLimit(limit))
        for (const e of old) s.audit.delete(e.id)
        return Result.succeed(old.length)
      })
  })
