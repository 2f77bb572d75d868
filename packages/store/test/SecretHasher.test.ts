import { createHmac } from "node:crypto"
import { KeyProvider, SecretHasher } from "@paymux/store"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as fc from "fast-check"

const pepper = new Uint8Array(32).map((_, i) => i * 3)
const keys = KeyProvider.layerStatic({ keys: [{ id: "k0", key: new Uint8Array(32) }], pepper })

describe("SecretHasher", () => {
  it("hashWith equals an independent HMAC-SHA256 with the pepper, in lower-case hex", () =>
    fc.assert(
      fc.property(fc.string(), (secret) => {
        const expected = createHmac("sha256", Buffer.from(pepper)).update(secret, "utf8").digest("hex")
        expect(SecretHasher.hashWith(pepper, secret)).toBe(expected)
      })
    ))

  it.effect("hash uses the key provider's pepper; verify accepts the secret and nothing else", () =>
    Effect.gen(function* () {
      const { hash, secret } = yield* SecretHasher.issue
      const plain = Redacted.value(secret)
      expect(hash).toBe(createHmac("sha256", Buffer.from(pepper)).update(plain).digest("hex"))
      expect(yield* SecretHasher.verify(secret, hash)).toBe(true)
      expect(yield* SecretHasher.verify(plain + "x", hash)).toBe(false)
      expect(yield* SecretHasher.verify(plain, hash.toUpperCase())).toBe(false)
      expect(yield* SecretHasher.verify(plain, "not hex")).toBe(false)
    }).pipe(Effect.provide(keys))
  )

  it.effect("secrets are sk_ + 256 random bits in base64url, never repeated", () =>
    Effect.gen(function* () {
      const secrets = yield* Effect.forEach(Array.from({ length: 200 }), () => SecretHasher.generateSecret)
      const plain = secrets.map(Redacted.value)
      for (const s of plain) {
        expect(s).toMatch(/^sk_[A-Za-z0-9_-]{43}$/)
        expect(Buffer.from(s.slice(3), "base64url")).toHaveLength(32)
      }
      expect(new Set(plain).size).toBe(plain.length)
      expect(String(secrets[0])).not.toContain(plain[0])
    })
  )

  // Regression for a mutant no test killed: comparing only the first half of the digest passed.
  it("verifyWith refuses a stored hash that differs from the secret's in any one hex digit", () =>
    fc.assert(
      fc.property(fc.string(), fc.nat({ max: 63 }), fc.integer({ min: 1, max: 15 }), (secret, position, delta) => {
        const hash = SecretHasher.hashWith(pepper, secret)
        const digit = ((Number.parseInt(hash[position]!, 16) + delta) % 16).toString(16)
        const changed = hash.slice(0, position) + digit + hash.slice(position + 1)
        expect(SecretHasher.verifyWith(pepper, secret, hash)).toBe(true)
        expect(SecretHasher.verifyWith(pepper, secret, changed)).toBe(false)
      })
    ))

  it("a different pepper gives a different hash", () => {
    const other = new Uint8Array(32).fill(255)
    expect(SecretHasher.hashWith(pepper, "sk_same")).not.toBe(SecretHasher.hashWith(other, "sk_same"))
    expect(SecretHasher.verifyWith(other, "sk_same", SecretHasher.hashWith(pepper, "sk_same"))).toBe(false)
  })
})
