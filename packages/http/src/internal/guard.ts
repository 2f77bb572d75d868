/**
 * The checks in front of every authenticated call: who is calling (an access token or a key id
 * and secret), whether the merchant's whitelist admits the client address, and which tier it
 * acts for. Built once per handler, with the store services captured, so the hot path only reads.
 */
import type { AdminError } from "@paymux/admin"
import { ApiKey, Identifiers, WhitelistRules } from "@paymux/domain"
import { AuditLog, Repositories, SecretHasher, type StoreError } from "@paymux/store"
import { type ClientIp, Whitelist } from "@paymux/whitelist"
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

export const make = (options: {
  readonly tokens: Tokens.Tokens
  readonly clientIp: ClientIp.Resolver
}): Effect.Effect<GuardService, never, AdminError.AdminServices> =>
  Effect.gen(function*() {
    const keys = yield* Repositories.ApiKeyRepository
    const whitelists = yield* Repositories.WhitelistRepository
    const subs = yield* Repositories.SubMerchantRepository
    const audit = yield* AuditLog.AuditLog
    const services = yield* Effect.context<AdminError.AdminServices>()
    const compiled = new Map<string, CompiledEntry>()
    const { tokens, clientIp } = options

    const findKey = (keyId: string): Effect.Effect<ApiKey.ApiKey | undefined, Unavailable | Internal> => {
      const id = Identifiers.decodeApiKeyId(keyId)
      if (id._tag === "Failure") return Effect.succeed(undefined)
      return keys.get(id.success).pipe(
        Effect.map((k): ApiKey.ApiKey | undefined => k),
        Effect.catch((e) => e.reason._tag === "NotFound" ? Effect.succeed(undefined) : Effect.fail(storeProblem(e)))
      )
    }

    const verifySecret = (keyId: string, secret: string): Effect.Effect<Identity, Unauthorized | Unavailable | Internal> =>
      Effect.gen(function*() {
        const key = yield* findKey(keyId)
        const matches = yield* SecretHasher.verify(secret, key?.secretHash ?? decoyHash).pipe(
          Effect.provideContext(services),
          Effect.mapError(storeProblem)
        )
        const now = yield* Clock.currentTimeMillis
        if (key === undefined || !matches || !ApiKey.isActive(key, now)) return yield* unauthorized
        return { keyId: key.id, merchant: key.merchant, secretHash: key.secretHash }
      })

    const authenticate = (credential: string): Effect.Effect<Identity, Unauthorized | Unavailable | Internal> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        if (credential.startsWith("at_")) {
          const token = tokens.lookup(credential, now)
          if (token === undefined) return yield* unauthorized
          // The key may have been rotated or revoked since, by this or another process.
          const key = yield* findKey(token.keyId)
          if (key === undefined || key.secretHash !== token.secretHash || !ApiKey.isActive(key, now)) return yield* unauthorized
          return { keyId: key.id, merchant: key.merchant, secretHash: key.secretHash }
        }
        const dot = credential.indexOf(".")
        if (dot <= 0 || dot === credential.length - 1) return yield* unauthorized
        return yield* verifySecret(credential.slice(0, dot), credential.slice(dot + 1))
      })

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
        const rules = yield* whitelists.get(identity.merchant as Identifiers.MerchantCode).pipe(Effect.mapError(storeProblem))
        if (!WhitelistRules.isEnforced(rules)) return
        const ip = clientIp.resolve(caller.remoteAddress, caller.forwardedFor)
        if (ip !== undefined && compile(rules).allows(ip)) return
        const at = yield* Clock.currentTimeMillis
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

    return { tokens, authenticate, verifySecret, admit, tier }
  })
