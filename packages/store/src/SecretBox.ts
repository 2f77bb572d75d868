/**
 * Encryption of secrets at rest: AES-256-GCM envelopes with a random data key per value, wrapped
 * by the key provider's current master key. The text form is
 * `pmx1.<keyId>.<wrapped data key>.<iv>.<ciphertext+tag>` (base64url), safe for any text column.
 *
 * `aad` binds an envelope to its row (use `channelAad` / `webhookSecretsAad`): an envelope copied
 * to another row, or altered in any byte, fails to open with `Corrupt`. Errors never carry the
 * plaintext or key material.
 *
 * @since 0.1.0
 */
import type { Credentials, Identifiers } from "@paymux/domain"
import { Effect, Redacted } from "effect"
import * as Envelope from "./internal/envelope.ts"
import { KeyProvider, type MasterKey } from "./KeyProvider.ts"
import { corrupt, isCorrupt, type StoreError } from "./StoreError.ts"

/**
 * The envelope format version written by `seal`.
 *
 * @since 0.1.0
 * @category constants
 */
export const version: string = Envelope.version

const reveal = (value: string | Redacted.Redacted<string>): string => (Redacted.isRedacted(value) ? Redacted.value(value) : value)

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

// What `Corrupt` names when a sealed value does not open: see `isUnopened`.
const sealedEntities: ReadonlySet<string> = new Set(["secret", "channel credentials", "webhook secrets"])

/**
 * Whether a failure is a sealed value that does not open (a damaged envelope, or one sealed with
 * a key the provider lacks), as opposed to a database that does not read back.
 *
 * @since 0.1.0
 * @category errors
 */
export const isUnopened = (u: unknown): u is StoreError =>
  isCorrupt(u) && u.reason._tag === "Corrupt" && sealedEntities.has(u.reason.entity)

const guard = <A>(entity: string, f: () => A): Effect.Effect<A, StoreError> =>
  Effect.try({
    try: f,
    catch: (e) => corrupt(entity, e instanceof Envelope.EnvelopeFailure ? e.message : "the sealed value does not open")
  })

/**
 * Seals a value for the row named by `aad`. Fails with `Corrupt` when the text is not
 * well-formed Unicode (a lone surrogate would not survive the round trip).
 *
 * @since 0.1.0
 * @category encryption
 */
export const seal = (plaintext: string | Redacted.Redacted<string>, aad: string): Effect.Effect<string, StoreError, KeyProvider> =>
  Effect.gen(function* () {
    const keys = yield* KeyProvider
    const master = yield* keys.current
    const text = reveal(plaintext)
    if (loneSurrogate.test(text)) return yield* Effect.fail(corrupt("secret", "the value is not well-formed Unicode"))
    return yield* guard("secret", () => sealWith(master, text, aad))
  })

/**
 * The synchronous core of `seal`, with an explicit master key (for benchmarks and tools that hold
 * the key themselves). Throws when the master key is not 32 bytes.
 *
 * @since 0.1.0
 * @category encryption
 */
export const sealWith = (master: MasterKey, plaintext: string, aad: string): string =>
  Envelope.seal(plaintext, aad, master.id, Redacted.value(master.key))

/**
 * Opens an envelope sealed for the row named by `aad`, with whichever configured master key it
 * names. `Corrupt` when it was tampered with, belongs to another row, or names an unknown key.
 *
 * @since 0.1.0
 * @category encryption
 */
export const open = (envelope: string, aad: string): Effect.Effect<Redacted.Redacted<string>, StoreError, KeyProvider> =>
  Effect.gen(function* () {
    const keys = yield* KeyProvider
    const keyId = Envelope.keyIdOf(envelope)
    if (keyId === undefined) return yield* Effect.fail(corrupt("secret", "not a sealed value"))
    const master = yield* keys.byId(keyId)
    const text = yield* guard("secret", () => Envelope.open(envelope, aad, () => Redacted.value(master.key)))
    return Redacted.make(text)
  })

/**
 * The master key id an envelope names, or `undefined` when the text is not an envelope.
 *
 * @since 0.1.0
 * @category getters
 */
export const keyIdOf = (envelope: string): string | undefined => Envelope.keyIdOf(envelope)

/** Whether the provider has the master key `keyId` (the rule behind `isReadable` and `readableAmong`). */
const hasKey = (keys: KeyProvider["Service"], keyId: string): Effect.Effect<boolean> =>
  Effect.match(keys.byId(keyId), { onFailure: () => false, onSuccess: () => true })

/**
 * Whether an envelope is well formed and names a master key the provider has, without opening it
 * (a tampered envelope still fails to `open` with `Corrupt`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isReadable = (envelope: string): Effect.Effect<boolean, never, KeyProvider> =>
  Effect.gen(function* () {
    const keyId = Envelope.keyIdOf(envelope)
    if (keyId === undefined) return false
    return yield* hasKey(yield* KeyProvider, keyId)
  })

/**
 * `isReadable` for many envelopes at once: asks the provider once per key id they name and
 * returns a synchronous test (listing a thousand channels asks once, not a thousand times).
 *
 * @since 0.1.0
 * @category predicates
 */
export const readableAmong = (envelopes: Iterable<string>): Effect.Effect<(envelope: string) => boolean, never, KeyProvider> =>
  Effect.gen(function* () {
    const keys = yield* KeyProvider
    const known = new Map<string, boolean>()
    for (const envelope of envelopes) {
      const keyId = Envelope.keyIdOf(envelope)
      if (keyId !== undefined && !known.has(keyId)) known.set(keyId, yield* hasKey(keys, keyId))
    }
    return (envelope: string) => {
      const keyId = Envelope.keyIdOf(envelope)
      return keyId !== undefined && known.get(keyId) === true
    }
  })

/**
 * Whether an envelope was sealed with a key other than the current one (re-seal it to finish a
 * rotation).
 *
 * @since 0.1.0
 * @category predicates
 */
export const needsRotation = (envelope: string): Effect.Effect<boolean, StoreError, KeyProvider> =>
  Effect.gen(function* () {
    const current = yield* (yield* KeyProvider).current
    return Envelope.keyIdOf(envelope) !== current.id
  })

/**
 * The `aad` of a channel's credentials: merchant and channel key.
 *
 * @since 0.1.0
 * @category aad
 */
export const channelAad = (merchant: Identifiers.MerchantCode, key: Identifiers.ChannelKey): string =>
  `channel-credentials:${merchant}:${key}`

/**
 * The `aad` of a merchant's webhook signing secrets of one mode.
 *
 * @since 0.1.0
 * @category aad
 */
export const webhookSecretsAad = (merchant: Identifiers.MerchantCode, mode: "test" | "live"): string =>
  `webhook-secrets:${merchant}:${mode}`

/**
 * Seals a channel's credentials as one JSON object.
 *
 * @since 0.1.0
 * @category encryption
 */
export const sealCredentials = (credentials: Credentials.Credentials, aad: string): Effect.Effect<string, StoreError, KeyProvider> =>
  Effect.suspend(() => {
    const plain: Record<string, string> = {}
    for (const [name, value] of Object.entries(credentials)) plain[name] = Redacted.value(value)
    return seal(JSON.stringify(plain), aad)
  })

/**
 * Opens what `sealCredentials` sealed; every value comes back `Redacted`.
 *
 * @since 0.1.0
 * @category encryption
 */
export const openCredentials = (envelope: string, aad: string): Effect.Effect<Credentials.Credentials, StoreError, KeyProvider> =>
  Effect.flatMap(open(envelope, aad), (json) =>
    Effect.try({
      try: () => {
        const parsed: unknown = JSON.parse(Redacted.value(json))
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error()
        const out: Record<string, Redacted.Redacted<string>> = {}
        for (const [name, value] of Object.entries(parsed)) {
          if (typeof value !== "string") throw new Error()
          out[name] = Redacted.make(value, { label: `credentials.${name}` })
        }
        return out
      },
      catch: () => corrupt("channel credentials", "the decrypted credentials are not an object of strings")
    })
  )

/**
 * Seals a list of webhook signing secrets (`whsec_...`) as one JSON array.
 *
 * @since 0.1.0
 * @category encryption
 */
export const sealWebhookSecrets = (
  secrets: ReadonlyArray<Redacted.Redacted<string>>,
  aad: string
): Effect.Effect<string, StoreError, KeyProvider> => Effect.suspend(() => seal(JSON.stringify(secrets.map(Redacted.value)), aad))

/**
 * Opens what `sealWebhookSecrets` sealed.
 *
 * @since 0.1.0
 * @category encryption
 */
export const openWebhookSecrets = (
  envelope: string,
  aad: string
): Effect.Effect<ReadonlyArray<Redacted.Redacted<string>>, StoreError, KeyProvider> =>
  Effect.flatMap(open(envelope, aad), (json) =>
    Effect.try({
      try: () => {
        const parsed: unknown = JSON.parse(Redacted.value(json))
        if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === "string")) throw new Error()
        return parsed.map((s: string) => Redacted.make(s, { label: "webhook secret" }))
      },
      catch: () => corrupt("webhook secrets", "the decrypted secrets are not a list of strings")
    })
  )
