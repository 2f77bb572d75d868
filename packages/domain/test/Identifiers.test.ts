import { describe, expect, it } from "@effect/vitest"
import { Effect, Random, Result } from "effect"
import * as fc from "fast-check"
import { Identifiers } from "@paymux/domain"
import * as Arb from "@paymux/domain/testing"

interface Case {
  readonly name: string
  readonly decode: (
    input: unknown
  ) => Result.Result<string, { readonly _tag: string; readonly field: string; readonly value: string; readonly rule: string }>
  readonly valid: fc.Arbitrary<string>
  readonly invalid: fc.Arbitrary<string>
  readonly field: string
  readonly rule: RegExp
}

const cases: ReadonlyArray<Case> = [
  {
    name: "merchant code",
    decode: Identifiers.decodeMerchantCode,
    valid: Arb.merchantCode,
    invalid: Arb.invalidMerchantCode,
    field: "merchant",
    rule: /imp.*8 digits/
  },
  {
    name: "tier code",
    decode: Identifiers.decodeTierCode,
    valid: Arb.tierCode,
    invalid: Arb.invalidTierCode,
    field: "tier",
    rule: /3 characters/
  },
  {
    name: "channel key",
    decode: Identifiers.decodeChannelKey,
    valid: Arb.channelKey,
    invalid: Arb.invalidChannelKey,
    field: "channelKey",
    rule: /channel-key-/
  }
]

describe("Identifiers", () => {
  for (const c of cases) {
    it(`every generated ${c.name} decodes to itself`, () => {
      fc.assert(
        fc.property(c.valid, (s) => {
          const r = c.decode(s)
          expect(Result.isSuccess(r) && r.success).toBe(s)
        })
      )
    })
    it(`every invalid ${c.name} is refused naming the field, value and rule`, () => {
      fc.assert(
        fc.property(c.invalid, (s) => {
          const r = c.decode(s)
          expect(Result.isFailure(r)).toBe(true)
          if (Result.isFailure(r)) {
            expect(r.failure._tag).toBe("InvalidInput")
            expect(r.failure.field).toBe(c.field)
            expect(r.failure.value).toBe(JSON.stringify(s.length > 80 ? s.slice(0, 80) + "…" : s))
            expect(r.failure.rule).toMatch(c.rule)
          }
        })
      )
    })
  }

  // Regressions for mutants no test killed (a 20-character API key id, a 17-character PG code, a
  // group id with anything after its UUID): each rule against a predicate written without regexes.
  describe("against predicates written character by character", () => {
    const within = (alphabet: string) => (text: string) => [...text].every((ch) => alphabet.includes(ch))
    const digits = "0123456789"
    const lower = "abcdefghijklmnopqrstuvwxyz"
    const hex = digits + "abcdef"
    const isUuid = (s: string) => s.length === 36 && [...s].every((ch, i) => ([8, 13, 18, 23].includes(i) ? ch === "-" : hex.includes(ch)))
    /** Valid-looking strings, one edit away from valid, and strings of the alphabet with other lengths. */
    const near = (valid: fc.Arbitrary<string>, pool: string) =>
      fc.oneof(
        valid,
        fc.tuple(valid, fc.nat(), fc.constantFrom(...pool, "A", "-", " ", "é")).map(([v, i, ch]) => {
          const at = i % (v.length + 1)
          return v.slice(0, at) + ch + v.slice(at)
        }),
        fc.tuple(valid, fc.nat()).map(([v, i]) => v.slice(0, i % v.length) + v.slice((i % v.length) + 1)),
        fc.string({ unit: fc.constantFrom(...pool), maxLength: 40 })
      )
    const rules: ReadonlyArray<{
      readonly name: string
      readonly decode: (input: unknown) => Result.Result<unknown, unknown>
      readonly inputs: fc.Arbitrary<string>
      readonly oracle: (s: string) => boolean
    }> = [
      {
        name: "API key id",
        decode: Identifiers.decodeApiKeyId,
        inputs: near(
          fc.string({ unit: fc.constantFrom(...(digits + lower)), minLength: 24, maxLength: 24 }).map((t) => `ak_${t}`),
          "ak_0z9"
        ),
        oracle: (s: string) => s.length === 27 && s.startsWith("ak_") && within(digits + lower)(s.slice(3))
      },
      {
        name: "PG code",
        decode: Identifiers.decodePgCode,
        // Lengths 1-18 around the limit of 16.
        inputs: near(
          fc
            .tuple(fc.constantFrom(...lower), fc.string({ unit: fc.constantFrom(...(lower + digits + "_")), maxLength: 17, size: "max" }))
            .map(([first, rest]) => first + rest),
          "az09_"
        ),
        oracle: (s: string) => s.length >= 1 && s.length <= 16 && lower.includes(s[0]!) && within(lower + digits + "_")(s)
      },
      {
        name: "channel group id",
        decode: Identifiers.decodeChannelGroupId,
        inputs: near(
          fc.uuid().map((u) => `channel-group-${u}`),
          "0af-"
        ),
        oracle: (s: string) => s.startsWith("channel-group-") && isUuid(s.slice("channel-group-".length))
      }
    ]
    for (const rule of rules) {
      it(`${rule.name}: decodes exactly when the predicate holds`, () =>
        fc.assert(
          fc.property(rule.inputs, (s) => {
            expect(Result.isSuccess(rule.decode(s)), JSON.stringify(s)).toBe(rule.oracle(s))
          }),
          { numRuns: 500 }
        ))
    }
  })

  it("refuses non-string input with a type message", () => {
    const r = Identifiers.decodeMerchantCode(12345678)
    expect(Result.isFailure(r) && r.failure.message).toMatch(/^merchant: Expected string/)
  })

  it("MIDs may contain dots but not spaces and are at most 80 characters", () => {
    expect(Result.isSuccess(Identifiers.decodeMid("MID.with.dots"))).toBe(true)
    expect(Result.isFailure(Identifiers.decodeMid("has space"))).toBe(true)
    expect(Result.isFailure(Identifiers.decodeMid("x".repeat(81)))).toBe(true)
    expect(Result.isFailure(Identifiers.decodeMid(""))).toBe(true)
  })

  it.effect("generated identifiers draw on every character of their alphabet, the last one included", () =>
    Effect.gen(function* () {
      const charactersOf = (ids: ReadonlyArray<string>, prefix: string) => new Set(ids.flatMap((id) => [...id.slice(prefix.length)]))
      const [apiKeyIds, merchantCodes] = yield* Effect.all([
        Effect.replicateEffect(Identifiers.generateApiKeyId, 200),
        Effect.replicateEffect(Identifiers.generateMerchantCode, 200)
      ]).pipe(Random.withSeed(7))
      expect([...charactersOf(apiKeyIds, "ak_")].sort().join("")).toBe("0123456789abcdefghijklmnopqrstuvwxyz")
      expect([...charactersOf(merchantCodes, "imp")].sort().join("")).toBe("0123456789")
    })
  )

  it.effect("generated identifiers are valid and deterministic for a seed", () =>
    Effect.gen(function* () {
      const draw = Effect.all([
        Identifiers.generateChannelKey,
        Identifiers.generateChannelGroupId,
        Identifiers.generateApiKeyId,
        Identifiers.generateMerchantCode
      ])
      const a = yield* draw.pipe(Random.withSeed(42))
      const b = yield* draw.pipe(Random.withSeed(42))
      const c = yield* draw.pipe(Random.withSeed(43))
      expect(a).toEqual(b)
      expect(a).not.toEqual(c)
      expect(Result.isSuccess(Identifiers.decodeChannelKey(a[0]))).toBe(true)
      expect(Result.isSuccess(Identifiers.decodeChannelGroupId(a[1]))).toBe(true)
      expect(Result.isSuccess(Identifiers.decodeApiKeyId(a[2]))).toBe(true)
      expect(Result.isSuccess(Identifiers.decodeMerchantCode(a[3]))).toBe(true)
      expect(a[0]).toMatch(/^channel-key-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    })
  )
})
