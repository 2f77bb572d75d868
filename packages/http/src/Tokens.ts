/**
 * Access tokens, held in memory by one handler: they do not survive a restart and are not shared
 * between processes (clients simply ask for a new one). A token is bound to the key and to the
 * secret hash it was issued for, so rotating or revoking the key ends it at once.
 *
 * Behaviour follows the V1 `getToken`: tokens last 30 minutes; asking again before expiry returns
 * the same token; when under a minute is left, asking again extends it by 5 minutes. A token of a
 * key that expires sooner ends with the key, and says so in its `expiresAt`.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"

/**
 * @since 0.1.0
 * @category models
 */
export interface Token {
  readonly token: string
  readonly keyId: string
  readonly merchant: string
  /** The key's secret hash when issued: a rotation invalidates the token. */
  readonly secretHash: string
  expiresAt: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Tokens {
  /** The current token of a key, extended when nearly expired, or a new one. */
  readonly issue: (
    key: {
      readonly keyId: string
      readonly merchant: string
      readonly secretHash: string
      /** When the key expires, if it does. */
      readonly expiresAt?: number | undefined
    },
    now: number
  ) => Token
  /** The live token for a presented string, or `undefined`. */
  readonly lookup: (token: string, now: number) => Token | undefined
  /** Ends the key's token, if it has one (signing out): the next `issue` makes a new one. */
  readonly revoke: (keyId: string) => void
  readonly size: () => number
}

/** @since 0.1.0 @category constants */
export const lifetimeMillis = 30 * 60_000
/** @since 0.1.0 @category constants */
export const extendBelowMillis = 60_000
/** @since 0.1.0 @category constants */
export const extensionMillis = 5 * 60_000
/** @since 0.1.0 @category constants */
export const prefix = "at_"

/**
 * An empty in-memory token table.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (): Tokens => {
  const byToken = new Map<string, Token>()
  const byKey = new Map<string, Token>()
  let nextSweep = 0

  const drop = (t: Token): void => {
    byToken.delete(t.token)
    if (byKey.get(t.keyId) === t) byKey.delete(t.keyId)
  }
  const sweep = (now: number): void => {
    if (now < nextSweep) return
    nextSweep = now + 60_000
    for (const t of byToken.values()) if (t.expiresAt <= now) drop(t)
  }

  return {
    issue: (key, now) => {
      sweep(now)
      // A token never outlives its key: the key's expiry would refuse it anyway.
      const until = (at: number) => Math.min(at, key.expiresAt ?? at)
      const current = byKey.get(key.keyId)
      if (current !== undefined && current.expiresAt > now && current.secretHash === key.secretHash) {
        if (current.expiresAt - now < extendBelowMillis) current.expiresAt = until(current.expiresAt + extensionMillis)
        return current
      }
      if (current !== undefined) drop(current)
      const token: Token = {
        token: `${prefix}${randomBytes(32).toString("base64url")}`,
        keyId: key.keyId,
        merchant: key.merchant,
        secretHash: key.secretHash,
        expiresAt: until(now + lifetimeMillis)
      }
      byToken.set(token.token, token)
      byKey.set(key.keyId, token)
      return token
    },
    lookup: (presented, now) => {
      const token = byToken.get(presented)
      if (token === undefined) return undefined
      if (token.expiresAt <= now) {
        drop(token)
        return undefined
      }
      return token
    },
    revoke: (keyId) => {
      const current = byKey.get(keyId)
      if (current !== undefined) drop(current)
    },
    size: () => byToken.size
  }
}
