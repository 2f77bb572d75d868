import { createSecretKey, type KeyObject } from "node:crypto"
import { Redacted } from "effect"

const TypeId = "~@paymux/webhooks/WebhookSecret" as const

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** The decoded key lives in a private field: never enumerable, never serialised. */
export class SecretImpl {
  readonly [TypeId] = TypeId
  readonly redacted: Redacted.Redacted<string>
  readonly #key: KeyObject
  constructor(redacted: Redacted.Redacted<string>, key: KeyObject) {
    this.redacted = redacted
    this.#key = key
  }
  get key(): KeyObject {
    return this.#key
  }
  toString(): string {
    return "WebhookSecret(<redacted>)"
  }
  toJSON(): string {
    return "<redacted>"
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString()
  }
}

export const isSecret = (u: unknown): u is SecretImpl => typeof u === "object" && u !== null && TypeId in u

/**
 * Base64 as `atob` reads it (WHATWG forgiving-base64): ASCII whitespace is skipped, one or two `=`
 * are dropped only from a length that is a multiple of 4, and a lone trailing character is no byte.
 */
const looseBase64 = (input: string): string | undefined => {
  const text = input.replace(/[\t\n\f\r ]/g, "")
  const unpadded = text.length % 4 === 0 ? text.replace(/={1,2}$/, "") : text
  return /^[A-Za-z0-9+/]*$/.test(unpadded) && unpadded.length % 4 !== 1 ? unpadded : undefined
}

/**
 * Returns the decoded key, or a reason (that never quotes the input). `standard` is what Paymux
 * signs with: `whsec_` and canonical base64 of 24-64 bytes. `verify` also takes what PortOne's
 * server SDK takes, so its webhooks can be checked: the prefix optional, any non-empty key.
 */
export const decode = (text: string, format: "standard" | "verify" = "standard"): KeyObject | string => {
  if (format === "verify") {
    const unpadded = looseBase64(text.startsWith("whsec_") ? text.slice(6) : text)
    if (unpadded === undefined) return "not base64 (with or without the whsec_ prefix)"
    const bytes = Buffer.from(unpadded, "base64")
    if (bytes.length === 0) return "the secret is empty"
    return createSecretKey(bytes)
  }
  if (!text.startsWith("whsec_")) return "expected the prefix whsec_"
  const b64 = text.slice(6)
  if (!BASE64.test(b64)) return "the part after whsec_ is not canonical base64"
  const bytes = Buffer.from(b64, "base64")
  if (bytes.length < 24 || bytes.length > 64) return `expected 24-64 key bytes, got ${bytes.length}`
  return createSecretKey(bytes)
}
