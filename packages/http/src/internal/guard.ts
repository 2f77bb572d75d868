/**
 * The checks in front of every authenticated call: who is calling (an access token or a key id
 * and secret), whether the merchant's whitelist admits the client address, and which tier it
 * acts for. Built once per handler, with the store services captured, so the hot path only reads.
 */
import type { AdminServices } from "@paymux/admin"
import { ApiKey, Identifiers, WhitelistRules } from "@paymux/domain"
import { AuditLog, Repositories, SecretHasher, type StoreError } from "@paymux/store"
import { type ClientIp, Whitelist } from "@paymux/whitelist"
import { hash } from "node:crypto"
import { Clock, Context, Effect } from "effect"
import { Forbidden, Internal, NotFound, Unauthorized, Unavailable } from "../Problem.ts"
import type * as Tokens from "../Tokens.ts"

export interface Identity {
  readonly keyId: string
  readonly merchant: string
  readonly secretHash: string
}

export interface Caller {
  readonly remoteAddress: string | undefined
  readonly forwardedFor: string | ReadonlyArray<string> | undefined
  readonly method: string
  readonly path: string
}

export interface GuardService {
  readonly tokens: Tokens.Tokens
  /** A bearer credential: an access token (`at_...`) or `<key id>.<secret>`. */
  readonly authenticate: (credential: string) => Effect.Effect<Identity, Unauthorized | Unavailable | Internal>
  /** A key id and secret as given to `POST /auth/token`. */
  readonly verifySecret: (keyId: string, secret: string) => Effect.Effect<Identity, Unauthorized | Unavailable | Internal>
  /** Fails with 403 (and writes an audit entry) when the merchant's whitelist refuses the caller. */
  readonly admit: (identity: Identity, caller: Caller) => Effect.Effect<void, Forbidden | Unavailable | Internal>
  /** The tier named by the `Tier` header, checked to exist under the merchant. */
  readonly tier: (identity: Identity, header: string | undefined) => Effect.Effect<string | undefined, NotFound | Unavailable | Internal>
  /**
   * `authenticate`, `admit` and `tier` in one: answered from the caches without running an
   * effect per step when the key, the verified secret and the whitelist rules are all cached.
   */
  readonly enter: (
    credential: string,
    caller: Caller,
    tierHeader: string | undefined
  ) => Effect.Effect<{ readonly identity: Identity; readonly tier: string | undefined }, Unauthorized | Forbidden | NotFound | Unavailable | Internal>
  /** Forgets what is cached about a key: call after this process rotates, revokes or issues it. */
  readonly invalidateKey: (keyId: string) => void
  /** Forgets a merchant's cached whitelist: call after this process changes it. */
  readonly invalidateWhitelist: (merchant: string) => void
}

export interface GuardOptions {
  readonly tokens: Tokens.Tokens
  readonly clientIp: ClientIp.Resolver
  /**
   * How long a key read from the store, a verified secret and a merchant's whitelist rules are
   * reused; default 1 s, 0 reads the store on every call. Changes made through this guard drop
   * the entries at once; a change made by another process applies within this time.
   */
  readonly cacheTtlMillis?: number | undefined
}

export class Guard extends Context.Service<Guard, GuardService>()("@paymux/http/internal/Guard") {}

const unauthorized = new Unauthorized({ code: "unauthenticated", detail: "the API key, secret or token is not valid" })

export const storeProblem = (e: StoreError.StoreError): Unavailable | Internal =>
  e.reason._tag === "Corrupt"
    ? new Internal({ code: "store-corrupt", detail: "stored data could not be read" })
    : new Unavailable({ code: "store-unavailable", detail: "the store is unavailable; retry later" })

// A hash no secret produces, so an unknown key id costs one HMAC like a known one.
const decoyHash = "0".repeat(64)

interface CompiledEntry {
  readonly version: number
  readonly rules: ReadonlyArray<string>
  readonly whitelist: Whitelist.Whitelist
}

/** The default time keys, verified secrets and whitelist rules are reused. */
export const defaultCacheTtlMillis = 1_000

// Entries past this many are dropped all at once (a flood of unknown key ids cannot grow them).
const maxEntries = 10_000

interface Cached<A> {
  readonly value: A
  readonly until: number
}

/**
 * A map of short-lived entries. `epoch` changes on every invalidation: a value read from the
 * store before an invalidation is not stored after it (`set` with the epoch seen before the read),
 * so a read racing with this process's own write cannot bring the old value back.
 */
const makeCache = <A>(ttl: number) => {
  const entries = new Map<string, Cached<A>>()
  let epoch = 0
  return {
    epoch: (): number => epoch,
    get: (key: string, now: number): Cached<A> | undefined => {
      const hit = entries.get(key)
      if (hit === undefined) return undefined
      if (hit.until <= now) {
        entries.delete(key)
        return undefined
      }
      return hit
    },
    set: (key: string, value: A, now: number, since: number): void => {
      if (ttl <= 0 || since !== epoch) return
      if (entries.size >= maxEntries) entries.clear()
      entries.set(key, { value, until: now + ttl })
    },
    delete: (key: string): void => {
      epoch++
      entries.delete(key)
    },
    deleteWhere: (test: (value: A) => boolean): void => {
      epoch++
      for (const [key, entry] of entries) if (test(entry.value)) entries.delete(key)
    }
  }
}

interface Verified {
  readonly keyId: string
  /** The stored hash the secret was checked against: a rotation makes the entry useless. */
  readonly secretHash: string
}

/** The cache key of a presented key id and secret: a digest, so no secret is held. */
const credentialDigest = (keyId: string, secret: string): string => hash("sha256", `${keyId}\n${secret}`, "base64url")

/**
 * A guard that checks nothing: every credential is the given key of `merchant`, every address is
 * admitted. For the benchmark's baseline (the same handler without auth and whitelist) and tests.
 */
export const makeUnguarded = (
  options: GuardOptions & { readonly merchant: string }
): Effect.Effect<GuardService, never, AdminServices.AdminServices> =>
  Effect.gen(function*() {
    const real = yield* make(options)
    const identity: Identity = { keyId: "ak_unguarded", merchant: options.merchant, secretHash: decoyHash }
    return {
      ...real,
      authenticate: () => Effect.succeed(identity),
      verifySecret: () => Effect.succeed(identity),
      admit: () => Effect.void,
      enter: (_credential, _caller, tierHeader) =>
        tierHeader === undefined ? Effect.succeed({ identity, tier: undefined }) : Effect.map(real.tier(identity, tierHeader), (tier) => ({ identity, tier }))
    }
  })

export const make = (options: GuardOptions): Effect.Effect<GuardService, never, AdminServices.AdminServices> =>
  Effect.gen(function*() {
    const keys = yield* Repositories.ApiKeyRepository
    const whitelists = yield* Repositories.WhitelistRepository
    const subs = yield* Repositories.SubMerchantRepository
    const audit = yield* AuditLog.AuditLog
    const services = yield* Effect.context<AdminServices.AdminServices>()
    const compiled = new Map<string, CompiledEntry>()
    const { tokens, clientIp } = options
    const ttl = options.cacheTtlMillis ?? defaultCacheTtlMillis
    // Keys as last read from the store (`undefined`: no such key), by id.
    const keyCache = makeCache<ApiKey.ApiKey | undefined>(ttl)
    // Key id and secret pairs whose secret matched the key's stored hash.
    const verifiedCache = makeCache<Verified>(ttl)
    // Whitelist rules as last read from the store, by merchant.
    const rulesCache = makeCache<WhitelistRules.WhitelistRules>(ttl)

    const findKey = (keyId: string, now: number): Effect.Effect<ApiKey.ApiKey | undefined, Unavailable | Internal> => {
      const hit = keyCache.get(keyId, now)
      if (hit !== undefined) return Effect.succeed(hit.value)
      const id = Identifiers.decodeApiKeyId(keyId)
      if (id._tag === "Failure") return Effect.succeed(undefined)
      const since = keyCache.epoch()
      return keys.get(id.success).pipe(
        Effect.map((k): ApiKey.ApiKey | undefined => k),
        Effect.catch((e) => e.reason._tag === "NotFound" ? Effect.succeed(undefined) : Effect.fail(storeProblem(e))),
        Effect.tap((k) => Effect.sync(() => keyCache.set(keyId, k, now, since)))
      )
    }

    const identityOf = (key: ApiKey.ApiKey): Identity => ({ keyId: key.id, merchant: key.merchant, secretHash: key.secretHash })

    const verifySecret = (keyId: string, secret: string): Effect.Effect<Identity, Unauthorized | Unavailable | Internal> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const since = verifiedCache.epoch()
        const key = yield* findKey(keyId, now)
        const digest = ttl > 0 ? credentialDigest(keyId, secret) : ""
        const verified = ttl > 0 ? verifiedCache.get(digest, now) : undefined
        if (key !== undefined && verified !== undefined && verified.value.secretHash === key.secretHash) {
          if (!ApiKey.isActive(key, now)) return yield* unauthorized
          return identityOf(key)
        }
        const matches = yield* SecretHasher.verify(secret, key?.secretHash ?? decoyHash).pipe(
          Effect.provideContext(services),
          Effect.mapError(storeProblem)
        )
        if (key === undefined || !matches || !ApiKey.isActive(key, now)) return yield* unauthorized
        if (ttl > 0) verifiedCache.set(digest, { keyId: key.id, secretHash: key.secretHash }, now, since)
        return identityOf(key)
      })

    const authenticate = (credential: string): Effect.Effect<Identity, Unauthorized | Unavailable | Internal> =>
      Effect.gen(function*() {
        if (credential.startsWith("at_")) {
          const now = yield* Clock.currentTimeMillis
          const token = tokens.lookup(credential, now)
          if (token === undefined) return yield* unauthorized
          // The key may have been rotated or revoked since: at once by this process (the cache
          // entry is dropped), within the cache time by another.
          const key = yield* findKey(token.keyId, now)
          if (key === undefined || key.secretHash !== token.secretHash || !ApiKey.isActive(key, now)) return yield* unauthorized
          return identityOf(key)
        }
        const dot = credential.indexOf(".")
        if (dot <= 0 || dot === credential.length - 1) return yield* unauthorized
        return yield* verifySecret(credential.slice(0, dot), credential.slice(dot + 1))
      })

    const rulesOf = (merchant: string, now: number): Effect.Effect<WhitelistRules.WhitelistRules, Unavailable | Internal> => {
      const hit = rulesCache.get(merchant, now)
      if (hit !== undefined) return Effect.succeed(hit.value)
      const since = rulesCache.epoch()
      return whitelists.get(merchant as Identifiers.MerchantCode).pipe(
        Effect.mapError(storeProblem),
        Effect.tap((rules) => Effect.sync(() => rulesCache.set(merchant, rules, now, since)))
      )
    }

    const compile = (rules: WhitelistRules.WhitelistRules): Whitelist.Whitelist => {
      const hit = compiled.get(rules.merchant)
      if (hit !== undefined && hit.version === rules.version && hit.rules === rules.rules) return hit.whitelist
      // Stored rules are normalised; lenient so a hand-edited row cannot lock the API up with a 500.
      const whitelist = Whitelist.compileSync(rules.rules, { lenient: true })
      compiled.set(rules.merchant, { version: rules.version, rules: rules.rules, whitelist })
      return whitelist
    }

    const admit = (identity: Identity, caller: Caller): Effect.Effect<void, Forbidden | Unavailable | Internal> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const rules = yield* rulesOf(identity.merchant, now)
        if (!WhitelistRules.isEnforced(rules)) return
        const ip = clientIp.resolve(caller.remoteAddress, caller.forwardedFor)
        if (ip !== undefined && compile(rules).allows(ip)) return
        const at = now
        yield* audit.append({
          id: `audit_${at.toString(36)}${Math.random().toString(16).slice(2, 14)}`,
          merchant: identity.merchant,
          actor: `api-key:${identity.keyId}`,
          action: "whitelist.deny",
          target: ip ?? "unknown",
          before: null,
          after: { ip: ip ?? null, method: caller.method, path: caller.path },
          at
        }).pipe(Effect.ignore)
        return yield* new Forbidden({
          code: "address-not-allowed",
          detail: ip === undefined
            ? "the client address could not be determined and the merchant's whitelist is enforced"
            : `${ip} is not on the merchant's security whitelist`
        })
      })

    const tier = (identity: Identity, header: string | undefined): Effect.Effect<string | undefined, NotFound | Unavailable | Internal> => {
      if (header === undefined) return Effect.succeed(undefined)
      const unknown = new NotFound({ code: "unknown-tier", detail: `tier ${JSON.stringify(header)} is not a sub-merchant of ${identity.merchant}` })
      const code = Identifiers.decodeTierCode(header)
      if (code._tag === "Failure") return Effect.fail(unknown)
      return subs.get(identity.merchant as Identifiers.MerchantCode, code.success).pipe(
        Effect.as<string | undefined>(code.success),
        Effect.catch((e): Effect.Effect<never, NotFound | Unavailable | Internal> =>
          Effect.fail(e.reason._tag === "NotFound" ? unknown : storeProblem(e)))
      )
    }

    // The hot path, synchronous: `undefined` whenever something is not cached or not plainly
    // fine, and the effects above decide (and fail, audit, fill the caches).
    const cachedIdentity = (credential: string, now: number): Identity | undefined => {
      if (credential.startsWith("at_")) {
        const token = tokens.lookup(credential, now)
        if (token === undefined) return undefined
        const key = keyCache.get(token.keyId, now)?.value
        if (key === undefined || key.secretHash !== token.secretHash || !ApiKey.isActive(key, now)) return undefined
        return identityOf(key)
      }
      if (ttl <= 0) return undefined
      const dot = credential.indexOf(".")
      if (dot <= 0 || dot === credential.length - 1) return undefined
      const keyId = credential.slice(0, dot)
      const key = keyCache.get(keyId, now)?.value
      if (key === undefined) return undefined
      const verified = verifiedCache.get(credentialDigest(keyId, credential.slice(dot + 1)), now)
      if (verified === undefined || verified.value.secretHash !== key.secretHash || !ApiKey.isActive(key, now)) return undefined
      return identityOf(key)
    }

    const admittedFromCache = (identity: Identity, caller: Caller, now: number): boolean => {
      const rules = rulesCache.get(identity.merchant, now)?.value
      if (rules === undefined) return false
      if (!WhitelistRules.isEnforced(rules)) return true
      const ip = clientIp.resolve(caller.remoteAddress, caller.forwardedFor)
      return ip !== undefined && compile(rules).allows(ip)
    }

    const enter: GuardService["enter"] = (credential, caller, tierHeader) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const cached = cachedIdentity(credential, now)
        if (cached !== undefined && tierHeader === undefined && admittedFromCache(cached, caller, now)) {
          return Effect.succeed({ identity: cached, tier: undefined })
        }
        return Effect.flatMap(
          cached === undefined ? authenticate(credential) : Effect.succeed(cached),
          (identity) =>
            Effect.flatMap(admit(identity, caller), () => Effect.map(tier(identity, tierHeader), (t) => ({ identity, tier: t })))
        )
      })

    const invalidateKey = (keyId: string): void => {
      keyCache.delete(keyId)
      verifiedCache.deleteWhere((v) => v.keyId === keyId)
    }
    const invalidateWhitelist = (merchant: string): void => {
      rulesCache.delete(merchant)
    }

    return { tokens, authenticate, verifySecret, admit, tier, enter, invalidateKey, invalidateWhitelist }
  })
