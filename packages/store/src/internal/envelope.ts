/**
 * The synchronous core of `SecretBox`: AES-256-GCM envelopes. Every value gets its own random
 * data key; the data key is wrapped (AES-256-GCM) by a master key named in the envelope, so a
 * master key rotates without re-encrypting data and one leaked data key exposes one value.
 *
 *   pmx1.<keyId>.<wrapped data key>.<iv>.<ciphertext + tag>     (base64url, no padding)
 *
 * The header (`pmx1.<keyId>`) is authenticated with both the wrapped key and the data, and the
 * caller's `aad` (which row the value belongs to) with the data, so an envelope copied to another
 * row, or edited in any byte, does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"

/** The envelope format version. */
export const version = "pmx1"
const ivBytes = 12
const tagBytes = 16
const keyBytes = 32

/** Key ids appear in the envelope text, so they are restricted to a separator-free alphabet. */
export const keyIdPattern = /^[A-Za-z0-9_-]{1,64}$/

/** Why an envelope does not open; never contains key material or plaintext. */
export class EnvelopeFailure extends Error {}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url")

/** Decodes base64url, refusing non-canonical text (otherwise a changed final character can decode to the same bytes). */
const unb64 = (text: string, what: string): Buffer => {
  const bytes = Buffer.from(text, "base64url")
  if (bytes.toString("base64url") !== text) throw new EnvelopeFailure(`the ${what} is not canonical base64url`)
  return bytes
}

const encrypt = (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): { iv: Uint8Array; sealed: Buffer } => {
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: tagBytes })
  cipher.setAAD(aad)
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  return { iv, sealed }
}

const decrypt = (key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array, what: string): Buffer => {
  if (iv.length !== ivBytes) throw new EnvelopeFailure(`the ${what} iv has the wrong length`)
  if (sealed.length < tagBytes) throw new EnvelopeFailure(`the ${what} is too short`)
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: tagBytes })
  decipher.setAAD(aad)
  decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes))
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - tagBytes)), decipher.final()])
  } catch {
    throw new EnvelopeFailure(`the ${what} does not authenticate (tampered, wrong key or wrong row)`)
  }
}

const headerOf = (keyId: string): string => `${version}.${keyId}`
const dataAad = (header: string, aad: string): Buffer => Buffer.from(`${header}\n${aad}`, "utf8")

/** Seals `plaintext` for the row named by `aad` under the master key `keyId`. */
export const seal = (plaintext: string, aad: string, keyId: string, masterKey: Uint8Array): string => {
  if (masterKey.length !== keyBytes) throw new EnvelopeFailure("a master key is 32 bytes")
  const header = headerOf(keyId)
  // One draw from the CSPRNG per seal (data key and both nonces): each call has a fixed cost.
  const random = randomBytes(keyBytes + 2 * ivBytes)
  const dataKey = random.subarray(0, keyBytes)
  try {
    const wrapped = encrypt(masterKey, random.subarray(keyBytes, keyBytes + ivBytes), dataKey, Buffer.from(header, "utf8"))
    const data = encrypt(dataKey, random.subarray(keyBytes + ivBytes), Buffer.from(plaintext, "utf8"), dataAad(header, aad))
    return `${header}.${b64(Buffer.concat([wrapped.iv, wrapped.sealed]))}.${b64(data.iv)}.${b64(data.sealed)}`
  } finally {
    random.fill(0)
  }
}

/** The master key id an envelope was sealed with, or `undefined` when it is not an envelope. */
export const keyIdOf = (envelope: string): string | undefined => {
  const parts = envelope.split(".")
  return parts.length === 5 && parts[0] === version && keyIdPattern.test(parts[1]!) ? parts[1] : undefined
}

/** Opens an envelope; `masterKeyFor` looks the master key up by the id the envelope names. */
export const open = (envelope: string, aad: string, masterKeyFor: (keyId: string) => Uint8Array): string => {
  const parts = envelope.split(".")
  if (parts.length !== 5) throw new EnvelopeFailure("not a sealed value (expected 5 dot-separated parts)")
  const [v, keyId, wrappedText, ivText, sealedText] = parts as [string, string, string, string, string]
  if (v !== version) throw new EnvelopeFailure(`unsupported envelope version (expected ${version})`)
  if (!keyIdPattern.test(keyId)) throw new EnvelopeFailure("the key id is malformed")
  const header = headerOf(keyId)
  const wrapped = unb64(wrappedText, "wrapped data key")
  if (wrapped.length !== ivBytes + keyBytes + tagBytes) throw new EnvelopeFailure("the wrapped data key has the wrong length")
  const masterKey = masterKeyFor(keyId)
  const dataKey = decrypt(
    masterKey,
    wrapped.subarray(0, ivBytes),
    wrapped.subarray(ivBytes),
    Buffer.from(header, "utf8"),
    "wrapped data key"
  )
  try {
    const plaintext = decrypt(dataKey, unb64(ivText, "iv"), unb64(sealedText, "ciphertext"), dataAad(header, aad), "ciphertext")
    const text = plaintext.toString("utf8")
    plaintext.fill(0)
    return text
  } finally {
    dataKey.fill(0)
  }
}
