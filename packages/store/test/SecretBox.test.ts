import { createDecipheriv, createHmac } from "node:crypto"
import { KeyProvider, SecretBox, StoreError } from "@paymux/store"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Layer, Redacted } from "effect"
import * as fc from "fast-check"

const key0 = new Uint8Array(32).fill(7)
const key1 = new Uint8Array(32).fill(9)
const pepper = new Uint8Array(32).fill(1)
const old = KeyProvider.layerStatic({ keys: [{ id: "k0", key: key0 }], pepper })
const rotated = KeyProvider.layerStatic({
  keys: [
    { id: "k1", key: key1 },
    { id: "k0", key: Buffer.from(key0).toString("base64") }
  ],
  pepper
})

const run = <A>(
  self: Effect.Effect<A, StoreError.StoreError, KeyProvider.KeyProvider>,
  layer: Layer.Layer<KeyProvider.KeyProvider, StoreError.StoreError> = old
): A => Effect.runSync(Effect.provide(self, layer))
const reasonOf = <A>(self: Effect.Effect<A, StoreError.StoreError, KeyProvider.KeyProvider>, layer = old): string => {
  const exit = Effect.runSyncExit(Effect.provide(Effect.flip(self), layer))
  return Exit.isSuccess(exit) ? exit.value.reason._tag : "no StoreError"
}
const text = fc.string({ unit: "grapheme", maxLength: 200 })

describe("SecretBox", () => {
  it("round-trips any text", () =>
    fc.assert(
      fc.property(text, fc.string(), (plaintext, aad) => {
        const sealed = run(SecretBox.seal(plaintext, aad))
        expect(Redacted.value(run(SecretBox.open(sealed, aad)))).toBe(plaintext)
      })
    ))

  it("never contains the plaintext, and seals the same value differently each time", () =>
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 100 }), (plaintext) => {
        const a = run(SecretBox.seal(plaintext, "row"))
        const b = run(SecretBox.seal(plaintext, "row"))
        expect(a).not.toContain(plaintext)
        expect(a).not.toBe(b)
        expect(a.startsWith("pmx1.k0.")).toBe(true)
      })
    ))

  it("any changed character makes it Corrupt", () =>
    fc.assert(
      fc.property(text, fc.nat(), fc.constantFrom(..."ABCxyz019-_.="), (plaintext, at, replacement) => {
        const sealed = run(SecretBox.seal(plaintext, "row"))
        const i = at % sealed.length
        fc.pre(sealed[i] !== replacement)
        const tampered = sealed.slice(0, i) + replacement + sealed.slice(i + 1)
        expect(reasonOf(SecretBox.open(tampered, "row"))).toBe("Corrupt")
      })
    ))

  // Regression (mutation probe S2): base64url's last character can carry unused low bits, so a
  // different final character may decode to the same bytes; the envelope must still not open.
  it("a ciphertext whose last character differs only in unused bits is Corrupt, not canonical", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    // 6 and 7 bytes of plaintext seal to 22 and 23 bytes (tag included): 4 and 2 unused bits.
    for (const plaintext of ["secret", "secret!"]) {
      const sealed = run(SecretBox.seal(plaintext, "row"))
      const parts = sealed.split(".")
      const data = parts[4]!
      const flipped = data.slice(0, -1) + alphabet[alphabet.indexOf(data.at(-1)!) ^ 1]
      expect(Buffer.from(flipped, "base64url")).toEqual(Buffer.from(data, "base64url"))
      const tampered = [...parts.slice(0, 4), flipped].join(".")
      const exit = Effect.runSyncExit(Effect.provide(Effect.flip(SecretBox.open(tampered, "row")), old))
      expect(Exit.isSuccess(exit) ? exit.value.reason : "it opened", plaintext).toEqual({
        _tag: "Corrupt",
        entity: "secret",
        detail: "the ciphertext is not canonical base64url"
      })
    }
  })

  it("a truncated or extended envelope is Corrupt", () => {
    const sealed = run(SecretBox.seal("secret", "row"))
    expect(reasonOf(SecretBox.open(sealed.slice(0, -1), "row"))).toBe("Corrupt")
    expect(reasonOf(SecretBox.open(sealed + "A", "row"))).toBe("Corrupt")
    expect(reasonOf(SecretBox.open("not an envelope", "row"))).toBe("Corrupt")
  })

  it("the wrong aad (another row) is Corrupt", () =>
    fc.assert(
      fc.property(text, fc.string(), fc.string(), (plaintext, aad, other) => {
        fc.pre(aad !== other)
        const sealed = run(SecretBox.seal(plaintext, aad))
        expect(reasonOf(SecretBox.open(sealed, other))).toBe("Corrupt")
      })
    ))

  it("after a rotation old envelopes still open, new ones use the new key, and an unknown key is Corrupt", () => {
    const before = run(SecretBox.seal("kept across rotation", "row"))
    expect(Redacted.value(run(SecretBox.open(before, "row"), rotated))).toBe("kept across rotation")
    expect(run(SecretBox.needsRotation(before), rotated)).toBe(true)
    const after = run(SecretBox.seal("new", "row"), rotated)
    expect(SecretBox.keyIdOf(after)).toBe("k1")
    expect(run(SecretBox.needsRotation(after), rotated)).toBe(false)
    expect(reasonOf(SecretBox.open(after, "row"))).toBe("Corrupt")
  })

  it("is AES-256-GCM as documented: an independent decryption opens it", () => {
    const sealed = run(SecretBox.seal("independent", "row"))
    const [, keyId, wrapped, iv, data] = sealed.split(".") as [string, string, string, string, string]
    const header = `pmx1.${keyId}`
    const gcm = (k: Uint8Array, ivBytes: Buffer, sealedBytes: Buffer, aad: string) => {
      const d = createDecipheriv("aes-256-gcm", k, ivBytes)
      d.setAAD(Buffer.from(aad))
      d.setAuthTag(sealedBytes.subarray(-16))
      return Buffer.concat([d.update(sealedBytes.subarray(0, -16)), d.final()])
    }
    const w = Buffer.from(wrapped, "base64url")
    const dataKey = gcm(key0, w.subarray(0, 12), w.subarray(12), header)
    expect(gcm(dataKey, Buffer.from(iv, "base64url"), Buffer.from(data, "base64url"), `${header}\nrow`).toString()).toBe("independent")
  })

  it("refuses text that is not well-formed Unicode", () => {
    expect(reasonOf(SecretBox.seal("\uD800", "row"))).toBe("Corrupt")
  })

  it("seals credentials and webhook secrets; errors never carry plaintext", () => {
    const aad = SecretBox.channelAad("imp00000001" as never, "channel-key-x" as never)
    const sealed = run(SecretBox.sealCredentials({ site_key: Redacted.make("s3cr3t-value") }, aad))
    expect(sealed).not.toContain("s3cr3t-value")
    expect(Redacted.value(run(SecretBox.openCredentials(sealed, aad))["site_key"]!)).toBe("s3cr3t-value")
    const exit = Effect.runSyncExit(Effect.provide(SecretBox.openCredentials(sealed, "other row"), old))
    expect(JSON.stringify(exit)).not.toContain("s3cr3t-value")
    const whAad = SecretBox.webhookSecretsAad("imp00000001" as never, "live")
    const secrets = run(SecretBox.sealWebhookSecrets([Redacted.make("whsec_a"), Redacted.make("whsec_b")], whAad))
    expect(run(SecretBox.openWebhookSecrets(secrets, whAad)).map(Redacted.value)).toEqual(["whsec_a", "whsec_b"])
  })
})

// Regression (review): `reseal` skipped any Corrupt as "unreadable" and went on writing, though
// Corrupt also means a damaged database file; it now skips only sealed values that do not open.
describe("SecretBox.isUnopened", () => {
  it("is true for sealed values that do not open, false for a database that does not read back", () => {
    const failOf = <A>(self: Effect.Effect<A, StoreError.StoreError, KeyProvider.KeyProvider>, layer = old) =>
      Effect.runSync(Effect.provide(Effect.flip(self), layer))
    const failures = [
      failOf(SecretBox.open(run(SecretBox.seal("value", "row")), "another row")),
      failOf(SecretBox.open(run(SecretBox.seal("value", "row"), rotated), "row")),
      failOf(SecretBox.openCredentials(run(SecretBox.seal("[1]", "c")), "c"))
    ]
    for (const failure of failures) expect(SecretBox.isUnopened(failure), failure.message).toBe(true)
    expect(SecretBox.isUnopened(StoreError.corrupt("database", "the database file is damaged"))).toBe(false)
    expect(SecretBox.isUnopened(StoreError.unavailable("database is locked"))).toBe(false)
  })
})

describe("KeyProvider", () => {
  it("refuses short keys, duplicate ids, an unknown current id and a short pepper, naming no key", () => {
    const reason = (options: KeyProvider.StaticOptions) => {
      const exit = Effect.runSyncExit(KeyProvider.make(options))
      return Exit.isFailure(exit) ? String(exit.cause) : "ok"
    }
    expect(reason({ keys: [{ id: "a", key: new Uint8Array(16) }], pepper })).toContain("32 bytes")
    expect(
      reason({
        keys: [
          { id: "a", key: key0 },
          { id: "a", key: key1 }
        ],
        pepper
      })
    ).toContain("the id of an earlier key")
    expect(reason({ keys: [{ id: "a", key: key0 }], currentId: "b", pepper })).toContain("not among")
    expect(reason({ keys: [{ id: "a", key: key0 }], pepper: new Uint8Array(8) })).toContain("pepper")
    expect(reason({ keys: [{ id: "a.b", key: key0 }], pepper })).toContain("the id of master key 1")
  })

  it.effect("reads PAYMUX_MASTER_KEYS (current first) and PAYMUX_PEPPER from config", () =>
    Effect.gen(function* () {
      const sealed = yield* SecretBox.seal("from config", "row")
      expect(SecretBox.keyIdOf(sealed)).toBe("k1")
      const keys = yield* KeyProvider.KeyProvider
      expect((yield* keys.byId("k0")).id).toBe("k0")
    }).pipe(
      Effect.provide(
        KeyProvider.layerConfig().pipe(
          Layer.provide(
            ConfigProviderLayer({
              PAYMUX_MASTER_KEYS: `k1:${Buffer.from(key1).toString("base64")}, k0:${Buffer.from(key0).toString("base64")}`,
              PAYMUX_PEPPER: Buffer.from(pepper).toString("base64")
            })
          )
        )
      )
    )
  )

  it.effect("a missing PAYMUX_MASTER_KEYS or PAYMUX_PEPPER is a Misconfigured StoreError naming the variable", () =>
    Effect.gen(function* () {
      const failureOf = (env: Record<string, string>) =>
        Effect.flip(Layer.build(KeyProvider.layerConfig().pipe(Layer.provide(ConfigProviderLayer(env)))).pipe(Effect.scoped))
      const noKeys = yield* failureOf({ PAYMUX_PEPPER: Buffer.from(pepper).toString("base64") })
      expect(noKeys).toBeInstanceOf(StoreError.StoreError)
      expect(noKeys).toBeInstanceOf(Error)
      expect(noKeys.reason).toMatchObject({ _tag: "Misconfigured", setting: "PAYMUX_MASTER_KEYS" })
      expect(noKeys.message).toContain("PAYMUX_MASTER_KEYS is not set")
      const noPepper = yield* failureOf({ PAYMUX_MASTER_KEYS: `k1:${Buffer.from(key1).toString("base64")}` })
      expect(noPepper.reason).toMatchObject({ _tag: "Misconfigured", setting: "PAYMUX_PEPPER" })
      const badEntry = yield* failureOf({ PAYMUX_MASTER_KEYS: "nocolon", PAYMUX_PEPPER: Buffer.from(pepper).toString("base64") })
      expect(badEntry.reason).toMatchObject({ _tag: "Misconfigured", setting: "PAYMUX_MASTER_KEYS" })
      // Regression (ops probe): a trailing comma (the old key left out) was read as one key, silently.
      const stray = yield* failureOf({
        PAYMUX_MASTER_KEYS: `k1:${Buffer.from(key1).toString("base64")},`,
        PAYMUX_PEPPER: Buffer.from(pepper).toString("base64")
      })
      expect(stray.reason).toMatchObject({ _tag: "Misconfigured", setting: "PAYMUX_MASTER_KEYS" })
      expect(stray.message).toContain("master key entry 2 is empty")
      // Regression (CLI probe): KEY:ID instead of ID:KEY printed the whole key as the malformed id.
      const keyText = Buffer.from(key1).toString("base64")
      const swapped = yield* failureOf({ PAYMUX_MASTER_KEYS: `${keyText}:main`, PAYMUX_PEPPER: Buffer.from(pepper).toString("base64") })
      expect(swapped.reason).toMatchObject({ _tag: "Misconfigured" })
      expect(swapped.message).toContain("ID:KEY")
      expect(JSON.stringify(swapped.reason) + swapped.message).not.toContain(keyText.slice(0, 12))
      // Review: a base64url key looks like an id, and was quoted by the next check.
      const urlKey = Buffer.from(key1).toString("base64url")
      const swappedUrl = yield* failureOf({ PAYMUX_MASTER_KEYS: `${urlKey}:main`, PAYMUX_PEPPER: Buffer.from(pepper).toString("base64") })
      expect(swappedUrl.reason).toMatchObject({ _tag: "Misconfigured" })
      expect(JSON.stringify(swappedUrl.reason) + swappedUrl.message).not.toContain(urlKey.slice(0, 12))
    })
  )

  it("fingerprints tell keys apart, are stable, and reveal no key material", () => {
    const k0 = { id: "k0", key: Redacted.make(key0) }
    expect(KeyProvider.fingerprint(k0)).toMatch(/^[0-9a-f]{32}$/)
    expect(KeyProvider.fingerprint(k0)).toBe(KeyProvider.fingerprint({ id: "k0", key: Redacted.make(Uint8Array.from(key0)) }))
    expect(KeyProvider.fingerprint(k0)).not.toBe(KeyProvider.fingerprint({ id: "k0", key: Redacted.make(key1) }))
    expect(KeyProvider.fingerprint(k0)).not.toBe(KeyProvider.fingerprint({ id: "k9", key: Redacted.make(key0) }))
    // An independent HMAC-SHA256 under the key, as documented.
    const expected = createHmac("sha256", key0).update("paymux master key k0").digest("hex").slice(0, 32)
    expect(KeyProvider.fingerprint(k0)).toBe(expected)
    expect(KeyProvider.pepperFingerprint(Redacted.make(pepper))).toBe(
      createHmac("sha256", pepper).update("paymux pepper").digest("hex").slice(0, 32)
    )
  })
})

function ConfigProviderLayer(env: Record<string, string>): Layer.Layer<never> {
  return ConfigProvider.layer(ConfigProvider.fromUnknown(env))
}

describe("SecretBox.readableAmong", () => {
  it("asks the provider once per key id and answers as isReadable does for each envelope", () => {
    const fromK1 = run(SecretBox.seal("a", "row-a"), rotated)
    const fromK0 = run(SecretBox.seal("b", "row-b"))
    const unknownKey = fromK0.replace(".k0.", ".k9.")
    const envelopes = [fromK1, fromK0, fromK1, fromK0, unknownKey, unknownKey, "not an envelope"]
    const asked: Array<string> = []
    const counting = Layer.effect(
      KeyProvider.KeyProvider,
      Effect.map(KeyProvider.KeyProvider, (keys) =>
        KeyProvider.KeyProvider.of({
          ...keys,
          byId: (id) =>
            Effect.andThen(
              Effect.sync(() => asked.push(id)),
              keys.byId(id)
            )
        })
      )
    ).pipe(Layer.provide(rotated))
    const readable = run(SecretBox.readableAmong(envelopes), counting)
    expect(asked.sort()).toEqual(["k0", "k1", "k9"])
    expect(envelopes.map(readable)).toEqual(envelopes.map((e) => run(SecretBox.isReadable(e), rotated)))
    expect(envelopes.map(readable)).toEqual([true, true, true, true, false, false, false])
  })
})
