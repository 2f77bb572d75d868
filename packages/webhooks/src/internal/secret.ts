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

/** Returns the decoded key, or a reason (that never quotes the input). */
export const decode = (text: string): KeyObject | string => {
  if (!text.startsWith("whsec_")) return "expected the prefix whsec_"
  const b64 = text.slice(6)
  if (!BASE64.test(b64)) return "the part after whsec_ is not canonical base64"
  const bytes = Buffer.from(b64, "base64")
  if (bytes.length < 24 || bytes.length > 64) return `expected 24-64 key bytes, got ${bytes.length}`
  return createSecretKey(bytes)
}
