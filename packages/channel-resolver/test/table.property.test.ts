import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { codeNumber, findNumber, insertNumber, packedFits, packKey, parseKey, removeNumber } from "../src/internal/table.ts"

// The hot path's string readers, each against an oracle written the plain way (a regular
// expression and `parseInt`), on canonical values, values one edit away from canonical, and
// arbitrary strings.

const KEY = /^channel-key-([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/

/** The four 32-bit words of a canonical key's UUID, or undefined. */
const keyWords = (key: string): ReadonlyArray<number> | undefined => {
  const m = KEY.exec(key)
  if (m === null) return undefined
  const hex = (s: string) => Number.parseInt(s, 16) | 0
  const last = m[5]!
  return [hex(m[1]!), hex(m[2]! + m[3]!), hex(m[4]! + last.slice(0, 4)), hex(last.slice(4))]
}

/** One character of `text` replaced by `c` at `at` (modulo its length). */
const edit = (text: string, at: number, c: string): string => {
  const i = at % text.length
  return text.slice(0, i) + c + text.slice(i + 1)
}

const oddChar = fc.oneof(
  fc.constantFrom("-", "g", "A", "F", "/", ":", "`", "{", "0", "f", "\u00e9", "\u0130", "\u4e00", "\ud83d"),
  fc.string({ minLength: 1, maxLength: 1, unit: "binary" })
)

const canonicalKey = fc.uuid().map((u) => `channel-key-${u.toLowerCase()}`)
const keyLike = fc.oneof(
  canonicalKey,
  fc.tuple(canonicalKey, fc.nat(), oddChar).map(([k, at, c]) => edit(k, at, c)),
  fc.uuid().map((u) => `channel-key-${u.toUpperCase()}`),
  canonicalKey.map((k) => k.slice(0, -1)),
  canonicalKey.map((k) => `${k}0`),
  fc.string({ maxLength: 60, unit: "binary" })
)

const CODE = /^imp(\d{8})$/
const codeLike = fc.oneof(
  fc.integer({ min: 0, max: 99_999_999 }).map((n) => `imp${String(n).padStart(8, "0")}`),
  fc.tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.nat(), oddChar).map(([n, at, c]) => edit(`imp${String(n).padStart(8, "0")}`, at, c)),
  fc.string({ maxLength: 14, unit: "binary" }),
  fc.stringMatching(/^imp[0-9:\/]{8}$/)
)

describe("the hot path's string readers", () => {
  it("parseKey reads exactly the canonical channel keys, into the UUID's four words", () => {
    const out = new Int32Array(4)
    fc.assert(fc.property(keyLike, (key) => {
      const expected = keyWords(key)
      expect(parseKey(key, out)).toBe(expected !== undefined)
      if (expected !== undefined) expect([...out]).toEqual(expected)
    }), { numRuns: 3000 })
  })

  it("codeNumber reads exactly the canonical merchant codes, as their number; anything else (a non-string too) is -1", () => {
    fc.assert(fc.property(fc.oneof(codeLike, fc.anything()), (code) => {
      const m = typeof code === "string" ? CODE.exec(code) : null
      expect(codeNumber(code)).toBe(m === null ? -1 : Number(m[1]))
    }), { numRuns: 3000 })
  })

  it("packKey hashes by content and says whether the string fits a bucket (at most 32 Latin-1 characters)", () => {
    fc.assert(fc.property(fc.string({ maxLength: 40, unit: fc.oneof(fc.constant("a"), fc.constant("."), fc.constant("\u00ff"), fc.constant("\u0100"), fc.string({ minLength: 1, maxLength: 1, unit: "binary" })) }), (text) => {
      const h = packKey(text)
      const fits = packedFits()
      expect(fits).toBe(text.length <= 32 && [...text].every((c) => c.charCodeAt(0) <= 0xff))
      // A copy built another way (not the same string object) hashes the same.
      expect(packKey(text.split("").join(""))).toBe(h)
    }), { numRuns: 2000 })
  })

  it("the merchant number table finds every number entered and nothing else", () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 99_999_999 }), { maxLength: 200 }), fc.array(fc.integer({ min: 0, max: 99_999_999 }), { maxLength: 50 }), (numbers, probes) => {
      let capacity = 32
      while (capacity < 2 * numbers.length) capacity *= 2
      const table = new Int32Array(2 * capacity)
      numbers.forEach((n, ordinal) => insertNumber(table, capacity - 1, n, ordinal))
      numbers.forEach((n, ordinal) => expect(findNumber(table, capacity - 1, n)).toBe(ordinal))
      for (const n of probes) expect(findNumber(table, capacity - 1, n)).toBe(numbers.indexOf(n))
    }))
  })

  it("after removals, the number table finds exactly the numbers still in it", () => {
    // A small table (numbers crowd into long probe runs) and removals in any order, some of
    // numbers never entered.
    const entry = fc.integer({ min: 0, max: 99_999_999 })
    fc.assert(fc.property(fc.uniqueArray(entry, { maxLength: 60 }), fc.array(fc.oneof(entry, fc.nat(59)), { maxLength: 80 }), (numbers, picks) => {
      let capacity = 4
      while (capacity < 2 * numbers.length) capacity *= 2
      const mask = capacity - 1
      const table = new Int32Array(2 * capacity)
      const held = new Map<number, number>()
      numbers.forEach((n, ordinal) => {
        insertNumber(table, mask, n, ordinal)
        held.set(n, ordinal)
      })
      for (const pick of picks) {
        const n = pick < 60 ? numbers[pick] ?? pick : pick
        removeNumber(table, mask, n)
        held.delete(n)
        for (const m of numbers) expect(findNumber(table, mask, m)).toBe(held.get(m) ?? -1)
      }
    }))
  })
})
