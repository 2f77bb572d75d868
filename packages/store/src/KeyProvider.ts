/**
 * Where the keys that protect secrets at rest come from. Data keys are wrapped with a master key
 * named by an id, so keys rotate: new secrets use `current`, old ones still open with `byId`.
 * The pepper keys the hash of API secrets.
 *
 * @since 0.1.0
 */
import { createHmac, randomBytes } from "node:crypto"
import { Config, Context, Effect, Layer, Redacted } from "effect"
import { keyIdPattern } from "./internal/envelope.ts"
import { corrupt, misconfigured, type StoreError } from "./StoreError.ts"

/**
 * A 256-bit master key and its id.
 *
 * @since 0.1.0
 * @category models
 */
export interface MasterKey {
  readonly id: string
  readonly key: Redacted.Redacted<Uint8Array>
}

/**
 * @since 0.1.0
 * @category services
 */
export class KeyProvider extends Context.Service<
  KeyProvider,
  {
    /** The key new secrets are encrypted with. */
    readonly current: Effect.Effect<MasterKey, StoreError>
    /** A key by id, for secrets encrypted before a rotation; `Corrupt` when unknown. */
    readonly byId: (id: string) => Effect.Effect<MasterKey, StoreError>
    /** The pepper for keyed hashes of API secrets (32 bytes). */
    readonly pepper: Effect.Effect<Redacted.Redacted<Uint8Array>, StoreError>
  }
>()("@paymux/store/KeyProvider") {}

/**
 * Key material as given to `make` and `layerStatic`: raw bytes, redacted bytes, or base64 text.
 *
 * @since 0.1.0
 * @category models
 */
export type KeyMaterial = Uint8Array | Redacted.Redacted<Uint8Array> | Redacted.Redacted<string> | string

/**
 * @since 0.1.0
 * @category models
 */
export interface StaticOptions {
  /** Every master key that may still be needed to open stored secrets. */
  readonly keys: ReadonlyArray<{ readonly id: string; readonly key: KeyMaterial }>
  /** The id of the key new secrets are sealed with; defaults to the first of `keys`. */
  readonly currentId?: string | undefined
  /** At least 32 bytes. */
  readonly pepper: KeyMaterial
}

const keyBytes = 32
const configError = (detail: string, setting = "master keys"): StoreError => misconfigured(setting, detail)

const bytesOf = (material: KeyMaterial): Uint8Array => {
  const raw: Uint8Array | string = Redacted.isRedacted(material)
    ? Redacted.value(material as Redacted.Redacted<Uint8Array | string>)
    : material
  return typeof raw === "string" ? new Uint8Array(Buffer.from(raw.trim(), "base64")) : raw
}

/**
 * Validates the keys and builds a provider. Fails with `Misconfigured` (naming the key id, never the key)
 * when a key is not 32 bytes, an id repeats or is malformed, `currentId` is unknown, or the pepper
 * is shorter than 32 bytes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: StaticOptions): Effect.Effect<KeyProvider["Service"], StoreError> =>
  Effect.suspend(() => {
    const byId = new Map<string, MasterKey>()
    // Keys are named by position, never by id: given as KEY:ID instead of ID:KEY, the "id" is the
    // key itself (and a base64url key even looks like an id).
    for (const [index, { id, key }] of options.keys.entries()) {
      const which = `master key ${index + 1}`
      const bytes = bytesOf(key)
      if (bytes.length !== keyBytes) {
        return Effect.fail(configError(`${which} must be 32 bytes (base64 of 32 random bytes); keys are given as ID:KEY`))
      }
      if (!keyIdPattern.test(id)) return Effect.fail(configError(`the id of ${which} must be 1-64 letters, digits, _ or -`))
      if (byId.has(id)) return Effect.fail(configError(`the id of ${which} is the id of an earlier key`))
      byId.set(id, { id, key: Redacted.make(Uint8Array.from(bytes), { label: `master key ${id}` }) })
    }
    const currentId = options.currentId ?? options.keys[0]?.id
    const current = currentId === undefined ? undefined : byId.get(currentId)
    if (current === undefined) {
      return Effect.fail(
        configError(
          currentId === undefined ? "no master key given" : "the current key id (not shown: it may be a key) is not among the keys"
        )
      )
    }
    const pepperBytes = bytesOf(options.pepper)
    if (pepperBytes.length < keyBytes) return Effect.fail(configError("the pepper must be at least 32 bytes", "pepper"))
    const pepper = Redacted.make(Uint8Array.from(pepperBytes), { label: "pepper" })
    return Effect.succeed(
      KeyProvider.of({
        current: Effect.succeed(current),
        byId: (id) => {
          const key = byId.get(id)
          return key === undefined
            ? Effect.fail(corrupt("secret", `it was sealed with master key ${id}, which is not configured`))
            : Effect.succeed(key)
        },
        pepper: Effect.succeed(pepper)
      })
    )
  })

/**
 * A provider over keys given in code (or read by the host app from its own secret store).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerStatic = (options: StaticOptions): Layer.Layer<KeyProvider, StoreError> => Layer.effect(KeyProvider, make(options))

/**
 * A provider with a fresh random master key and pepper, alive as long as the process: secrets it
 * seals cannot be opened after a restart. For tests and the in-memory store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEphemeral = (): KeyProvider["Service"] =>
  Effect.runSync(make({ keys: [{ id: "ephemeral", key: randomBytes(keyBytes) }], pepper: randomBytes(keyBytes) }))

/**
 * @since 0.1.0
 * @category layers
 */
export const layerEphemeral: Layer.Layer<KeyProvider> = Layer.sync(KeyProvider, makeEphemeral)

/**
 * Parses `id1:base64key,id0:base64key` (the first is current). Whitespace around entries is
 * ignored.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseKeys = (text: string): Effect.Effect<ReadonlyArray<{ readonly id: string; readonly key: Uint8Array }>, StoreError> =>
  Effect.suspend(() => {
    const out: Array<{ id: string; key: Uint8Array }> = []
    if (text.trim() === "") return Effect.succeed(out)
    for (const [index, entry] of text
      .split(",")
      .map((e) => e.trim())
      .entries()) {
      // An empty entry is a key left out by mistake (`new:…,` with the old one missing), not nothing.
      if (entry === "")
        return Effect.fail(configError(`master key entry ${index + 1} is empty: remove the stray comma, or put the key there`))
      const colon = entry.indexOf(":")
      if (colon <= 0) return Effect.fail(configError(`master key entry ${index + 1} must be id:base64key`))
      out.push({ id: entry.slice(0, colon), key: new Uint8Array(Buffer.from(entry.slice(colon + 1), "base64")) })
    }
    return Effect.succeed(out)
  })

/**
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions {
  /** Default `PAYMUX_MASTER_KEYS`: `id1:base64key,id0:base64key`, current first. */
  readonly keys?: string | undefined
  /** Default `PAYMUX_PEPPER`: base64 of at least 32 random bytes. */
  readonly pepper?: string | undefined
}

/**
 * A provider from configuration (environment variables by default). To rotate, generate a key
 * (`openssl rand -base64 32`), put it first with a new id and keep the old ones after it; secrets
 * sealed before open with their old key until they are re-sealed.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (options: ConfigOptions = {}): Layer.Layer<KeyProvider, StoreError> =>
  Layer.effect(
    KeyProvider,
    Effect.gen(function* () {
      const keysName = options.keys ?? "PAYMUX_MASTER_KEYS"
      const pepperName = options.pepper ?? "PAYMUX_PEPPER"
      // A missing variable is a StoreError naming it, not a bare ConfigError (which is no `Error`
      // and reaches a Promise caller as "[object Object]").
      const read = (name: string, what: string) =>
        Effect.mapError(Config.Redacted(name), () =>
          configError(`${name} is not set: it must hold ${what} (generate one with: openssl rand -base64 32)`, name)
        )
      const keysText = yield* read(keysName, "the master keys as id:base64key[,id:base64key...], current first")
      const pepper = yield* read(pepperName, "base64 of at least 32 random bytes")
      const keys = yield* Effect.mapError(parseKeys(Redacted.value(keysText)), (e) =>
        e.reason._tag === "Misconfigured" ? configError(e.reason.detail, keysName) : e
      )
      return yield* make({ keys, pepper })
    })
  )

const fingerprintOf = (key: Uint8Array, label: string): string => createHmac("sha256", key).update(label, "utf8").digest("hex").slice(0, 32)

/**
 * A master key's fingerprint: a keyed hash (HMAC-SHA256 under the key, truncated to 128 bits,
 * hex) that tells keys apart without revealing anything about them. Stores record it to refuse
 * a different key for a database sealed with this one.
 *
 * @since 0.1.0
 * @category fingerprints
 */
export const fingerprint = (master: MasterKey): string => fingerprintOf(Redacted.value(master.key), `paymux master key ${master.id}`)

/**
 * The pepper's fingerprint, as `fingerprint` for a master key.
 *
 * @since 0.1.0
 * @category fingerprints
 */
export const pepperFingerprint = (pepper: Redacted.Redacted<Uint8Array>): string => fingerprintOf(Redacted.value(pepper), "paymux pepper")

/**
 * 32 random bytes as base64, the format `PAYMUX_MASTER_KEYS` and `PAYMUX_PEPPER` expect.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateKey = (): Redacted.Redacted<string> =>
  Redacted.make(randomBytes(keyBytes).toString("base64"), { label: "generated key" })
