import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { maxBodyDepth, nestsDeeperThan } from "../src/internal/jsonDepth.ts"

/** The oracle: how deep a parsed JSON value nests, counting each object and array. */
const depthOf = (value: unknown): number =>
  typeof value !== "object" || value === null ? 0 : 1 + Math.max(0, ...Object.values(value).map(depthOf))

// Strings full of brackets, quotes and backslashes, which the scan must read as text.
const trickyText = fc.string({ unit: fc.constantFrom("[", "]", "{", "}", '"', "\\", "a", "\u00e9") })
const nested = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(trickyText, fc.integer(), fc.boolean(), fc.constant(null)),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(trickyText, tie("value"), { maxKeys: 3 })
  )
})).value

describe("nestsDeeperThan", () => {
  it("property: agrees with the depth of the parsed value, for any limit", () => {
    fc.assert(
      fc.property(nested, fc.integer({ min: 0, max: 8 }), fc.boolean(), (value, max, spaced) => {
        const text = JSON.stringify(value, null, spaced ? 1 : undefined)
        expect(nestsDeeperThan(text, max)).toBe(depthOf(JSON.parse(text)) > max)
      }),
      { numRuns: 2000 }
    )
  })

  it("reads the limit's edge exactly", () => {
    const wrapped = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`
    expect(nestsDeeperThan(wrapped(maxBodyDepth), maxBodyDepth)).toBe(false)
    expect(nestsDeeperThan(wrapped(maxBodyDepth + 1), maxBodyDepth)).toBe(true)
    expect(nestsDeeperThan(`{"a":"${"[".repeat(500)}"}`, maxBodyDepth)).toBe(false)
  })
})
