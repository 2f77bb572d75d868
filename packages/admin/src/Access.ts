/**
 * Who may call on a merchant's behalf: API-key authentication, whitelist admission (a refusal
 * leaves an audit row) and the tier a call acts for. Hosts that serve the admin API (the HTTP
 * package) call these use cases in front of every call; with an `AccessCache` in context they
 * answer from memory, and the use cases that change keys and whitelists drop what is held.
 *
 * @since 0.1.0
 */
import { ApiKey, Identifiers, WhitelistRules } from "@paymux/domain"
import { ResolutionError } from "@paymux/channel-resolver"
import { Repositories, SecretHasher, type StoreError } from "@paymux/store"
import { ClientIp, Whitelist } from "@paymux/whitelist"
import { hash } from "node:crypto"
import { Clock, Effect, type Option } from "effect"
import { AccessCache, type AccessCacheService } from "./AccessCache.ts"
import { withActor } from "./AdminContext.ts"
import { Unauthenticated } from "./AdminError.ts"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"

/**
 * An authenticated key. `generation` identifies the key's current secret: an access token
 * issued for it stops working when the key is rotated. `expiresAt` is when the key itself
 * expires, if it does: nothing issued for it lasts longer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Identity {
  readonly keyId: string
  readonly merchant: string
  readonly generation: string
  readonly expiresAt?: number | undefined
}

/**
 * What a caller presents: a key id and its secret, or a key id and generation held by an access
 * token the host issued after checking the secret.
 *
 * @since 0.1.0
 * @category models
 */
export type Credential =
  | { readonly _tag: "Secret"; readonly keyId: string; readonly secret: string }
  | { readonly _tag: "Token"; readonly keyId: string; readonly generation: string }

/**
 * The call being admitted: the client address as the host resolved it (`undefined` when
 * unknown), and the method and URL for the audit row of a refusal.
 *
 * @since 0.1.0
 * @category models
 */
export interface Call {
  readonly ip: string | undefined
  readonly method: string
  readonly url: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Admission {
  readonly allowed: boolean
  readonly ip: string | undefined
}

/**
 * The longest URL an audit row of a refusal keeps (longer ones are cut and end in "…").
 *
 * @since 0.1.0
 * @category constants
 */
export const auditedUrlLength = 256

// A hash no secret produces, so an unknown key id costs one HMAC like a known one.
const decoyHash = "0".repeat(64)

const digestOf = (keyId: string, secret: string): string => hash("sha256", `${keyId}\n${secret}`, "base64url")

const cacheOf: Effect.Effect<AccessCacheService | undefined> = Effect.map(
  Effect.serviceOption(AccessCache),
  (o: Option.Option<AccessCacheService>) => (o._tag === "Some" ? o.value : undefined)
)

const identityOf = (key: ApiKey.ApiKey): Identity => ({
  keyId: key.id,
  merchant: key.merchant,
  generation: key.secretHash,
  expiresAt: key.expiresAt
})

const findKey = (
  cache: AccessCacheService | undefined,
  keyId: string,
  now: number
): Effect.Effect<ApiKey.ApiKey | undefined, StoreError.StoreError, AdminServices> => {
  const hit = cache?.keys.get(keyId, now)
  if (hit !== undefined) return Effect.succeed(hit.value)
  const id = Identifiers.decodeApiKeyId(keyId)
  if (id._tag === "Failure") return Effect.succeed(undefined)
  const since = cache?.keys.epoch() ?? 0
  return Effect.flatMap(Effect.service(Repositories.ApiKeyRepository), (keys) =>
    keys.get(id.success).pipe(
      Effect.map((k): ApiKey.ApiKey | undefined => k),
      Effect.catch((e) => (e.reason._tag === "NotFound" ? Effect.succeed(undefined) : Effect.fail(e))),
      Effect.tap((k) => Effect.sync(() => cache?.keys.set(keyId, k, now, since)))
    )
  )
}

/** A token stands while its key is active and still has the secret the token was issued for. */
const tokenHolds = (key: ApiKey.ApiKey | undefined, generation: string, now: number): boolean =>
  key !== undefined && key.secretHash === generation && ApiKey.isActive(key, now)

/**
 * The identity a credential stands for, from the cache alone; `undefined` when anything is not
 * cached or not plainly fine (the effectful path then decides). Computes the same digest for a
 * known and an unknown key id.
 */
const cached = (cache: AccessCacheService, credential: Credential, digest: string, now: number): Identity | undefined => {
  const key = cache.keys.get(credential.keyId, now)?.value
  if (credential._tag === "Token") return tokenHolds(key, credential.generation, now) ? identityOf(key!) : undefined
  const verified = cache.verified.get(digest, now)?.value
  if (key === undefined || verified === undefined || verified.secretHash !== key.secretHash || !ApiKey.isActive(key, now)) return undefined
  return identityOf(key)
}

const authenticateWith = (
  cache: AccessCacheService | undefined,
  credential: Credential,
  digest: string,
  now: number
): Effect.Effect<Identity, Unauthenticated | StoreError.StoreError, AdminServices> => {
  const since = cache?.verified.epoch() ?? 0
  return Effect.flatMap(findKey(cache, credential.keyId, now), (key) => {
    if (credential._tag === "Token") {
      return tokenHolds(key, credential.generation, now) ? Effect.succeed(identityOf(key!)) : Effect.fail(new Unauthenticated())
    }
    return Effect.flatMap(SecretHasher.verify(credential.secret, key?.secretHash ?? decoyHash), (matches) => {
      if (key === undefined || !matches || !ApiKey.isActive(key, now)) return Effect.fail(new Unauthenticated())
      cache?.verified.set(digest, { keyId: key.id, secretHash: key.secretHash }, now, since)
      return Effect.succeed(identityOf(key))
    })
  })
}

const digestFor = (cache: AccessCacheService | undefined, credential: Credential): string =>
  cache === undefined || cache.ttlMillis <= 0 || credential._tag === "Token" ? "" : digestOf(credential.keyId, credential.secret)

/**
 * Checks a credential. Any failure (unknown id, wrong secret, expired, revoked, rotated) is the
 * same `Unauthenticated`, and a secret is hashed even for an unknown id.
 *
 * @since 0.1.0
 * @category use cases
 */
export const authenticate = (credential: Credential): Effect.Effect<Identity, Unauthenticated | StoreError.StoreError, AdminServices> =>
  Effect.flatMap(cacheOf, (cache) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const digest = digestFor(cache, credential)
      const hit = cache === undefined ? undefined : cached(cache, credential, digest, now)
      return hit !== undefined ? Effect.succeed(hit) : authenticateWith(cache, credential, digest, now)
    })
  )

const rulesOf = (
  cache: AccessCacheService | undefined,
  merchant: string,
  now: number
): Effect.Effect<WhitelistRules.WhitelistRules, StoreError.StoreError, AdminServices> => {
  const hit = cache?.rules.get(merchant, now)
  if (hit !== undefined) return Effect.succeed(hit.value)
  const since = cache?.rules.epoch() ?? 0
  return Effect.flatMap(Effect.service(Repositories.WhitelistRepository), (repo) =>
    repo
      .get(merchant as Identifiers.MerchantCode)
      .pipe(Effect.tap((rules) => Effect.sync(() => cache?.rules.set(merchant, rules, now, since))))
  )
}

const compile = (cache: AccessCacheService | undefined, rules: WhitelistRules.WhitelistRules, now: number): Whitelist.Whitelist => {
  const hit = cache?.compiled.get(rules.merchant, now)?.value
  if (hit !== undefined && hit.version === rules.version && hit.rules === rules.rules) return hit.whitelist
  // Stored rules are normalised; lenient so a hand-edited row cannot lock the API up.
  const whitelist = Whitelist.compileSync(rules.rules, { lenient: true })
  cache?.compiled.set(rules.merchant, { version: rules.version, rules: rules.rules, whitelist }, now, cache.compiled.epoch())
  return whitelist
}

const allows = (
  cache: AccessCacheService | undefined,
  rules: WhitelistRules.WhitelistRules,
  ip: string | undefined,
  now: number
): boolean => !WhitelistRules.isEnforced(rules) || (ip !== undefined && compile(cache, rules, now).allows(ip))

const truncated = (url: string): string => (url.length <= auditedUrlLength ? url : `${url.slice(0, auditedUrlLength)}…`)

const refuse = (
  cache: AccessCacheService | undefined,
  identity: Identity,
  call: Call,
  now: number
): Effect.Effect<Admission, never, AdminServices> => {
  const admission: Admission = { allowed: false, ip: call.ip }
  // Refusals are audited at a bounded rate per merchant, so a refused caller cannot grow the log at will.
  const quota = cache === undefined ? { audit: true, suppressed: 0 } : cache.denial(identity.merchant, now)
  if (!quota.audit) return Effect.succeed(admission)
  return audit({
    merchant: identity.merchant,
    action: "whitelist.deny",
    target: call.ip ?? "unknown",
    after: {
      ip: call.ip ?? null,
      method: call.method,
      url: truncated(call.url),
      ...(quota.suppressed > 0 ? { unauditedBefore: quota.suppressed } : {})
    }
  }).pipe(withActor({ kind: "api-key", id: identity.keyId }), Effect.ignore, Effect.as(admission))
}

/**
 * Whether the merchant's whitelist admits the call. A refusal writes a `whitelist.deny` audit
 * row (at most a few a minute per merchant with a cache in context; the URL cut to 256
 * characters); it is up to the host to refuse the call.
 *
 * @since 0.1.0
 * @category use cases
 */
export const admit = (identity: Identity, call: Call): Effect.Effect<Admission, StoreError.StoreError, AdminServices> =>
  Effect.flatMap(cacheOf, (cache) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.flatMap(rulesOf(cache, identity.merchant, now), (rules) =>
        allows(cache, rules, call.ip, now) ? Effect.succeed({ allowed: true, ip: call.ip }) : refuse(cache, identity, call, now)
      )
    )
  )

/**
 * The tier a call acts for, checked to be a sub-merchant of the key's merchant.
 *
 * @since 0.1.0
 * @category use cases
 */
export const tier = (
  identity: Identity,
  tier: string
): Effect.Effect<Identifiers.TierCode, ResolutionError.UnknownTier | StoreError.StoreError, AdminServices> => {
  // The error quotes the tier: of a header of any length (16 KB came back whole), the start.
  const shown = tier.length <= 20 ? tier : `${tier.slice(0, 20)}…`
  const merchant = identity.merchant as Identifiers.MerchantCode
  return Effect.flatMap(Effect.service(Repositories.SubMerchantRepository), (subs) => {
    // Read only on a miss: the merchant's tiers, so the error names them (it said "no
    // sub-merchants" to a merchant with several).
    const unknown = Effect.flatMap(subs.list(merchant), (known) =>
      Effect.fail(new ResolutionError.UnknownTier({ merchant, tier: shown, known: known.map((s) => s.tier) }))
    )
    const code = Identifiers.decodeTierCode(tier)
    if (code._tag === "Failure") return unknown
    return subs.get(merchant, code.success).pipe(
      Effect.as<Identifiers.TierCode>(code.success),
      Effect.catch(
        (e): Effect.Effect<never, ResolutionError.UnknownTier | StoreError.StoreError> =>
          e.reason._tag === "NotFound" ? unknown : Effect.fail(e)
      )
    )
  })
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly identity: Identity
  readonly admission: Admission
  readonly tier: Identifiers.TierCode | undefined
}

/**
 * `authenticate`, `admit` and (when a tier is named) `tier` in one, for the front of every call:
 * answered without a store read or a further effect per step when all of it is cached.
 *
 * @since 0.1.0
 * @category use cases
 */
export const enter = (
  credential: Credential,
  call: Call,
  tierName: string | undefined
): Effect.Effect<Entry, Unauthenticated | ResolutionError.UnknownTier | StoreError.StoreError, AdminServices> =>
  Effect.flatMap(cacheOf, (cache) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const digest = digestFor(cache, credential)
      const identity = cache === undefined ? undefined : cached(cache, credential, digest, now)
      if (identity !== undefined && tierName === undefined) {
        const rules = cache!.rules.get(identity.merchant, now)?.value
        if (rules !== undefined && allows(cache, rules, call.ip, now)) {
          return Effect.succeed<Entry>({ identity, admission: { allowed: true, ip: call.ip }, tier: undefined })
        }
      }
      return Effect.flatMap(
        identity === undefined ? authenticateWith(cache, credential, digest, now) : Effect.succeed(identity),
        (identity) =>
          Effect.flatMap(admit(identity, call), (admission) =>
            !admission.allowed || tierName === undefined
              ? Effect.succeed<Entry>({ identity, admission, tier: undefined })
              : Effect.map(tier(identity, tierName), (t): Entry => ({ identity, admission, tier: t }))
          )
      )
    })
  )

/**
 * Reads which address a call came from: the socket's, or the rightmost address a trusted proxy
 * reports in X-Forwarded-For. Hosts build one for their trusted proxies and pass the address it
 * gives to `admit`. Throws `InvalidCidr` for a trusted-proxy rule that is not a CIDR block.
 *
 * @since 0.1.0
 * @category constructors
 */
export const addressResolver = (options: { readonly trustedProxies: ReadonlyArray<string> }): AddressResolver =>
  ClientIp.makeSync({ trustedProxies: options.trustedProxies })

/**
 * What `addressResolver` returns.
 *
 * @since 0.1.0
 * @category models
 */
export type AddressResolver = ClientIp.Resolver
