import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import * as fc from "fast-check"
import { Resolution } from "../src/index.ts"

const accepts = (pg: string): boolean => Schema.is(Resolution.ResolveRequest)({ merchant: "imp12345678", pg })

// Regression (OpenAPI fuzz probe): the document's `maxLength: 100` counts code points, as JSON
// Schema does; the server counted UTF-16 units, so 60 emoji valid by the document were refused.
describe("ResolveRequest's text fields", () => {
  it("take at most 100 characters, counted as code points", () => {
    expect(accepts("😀".repeat(100))).toBe(true)
    expect(accepts("😀".repeat(101))).toBe(false)
    expect(accepts("a".repeat(100))).toBe(true)
    expect(accepts("a".repeat(101))).toBe(false)
  })

  it("accept exactly the strings of at most 100 code points (property)", () => {
    // Lengths around the bound, mixing characters of one and two UTF-16 units.
    const characters = fc.constantFrom("a", "é", "한", "😀", "\u{10FFFF}", "e\u0301")
    const texts = fc.array(characters, { minLength: 60, maxLength: 120 }).map((cs) => cs.join(""))
    fc.assert(
      fc.property(texts, (text) => {
        expect(accepts(text)).toBe(Array.from(text).length <= 100)
      })
    )
  })

  it("publish maxLength 100 in their JSON Schema", () => {
    const document = Schema.toJsonSchemaDocument(Resolution.ResolveRequest)
    expect(JSON.stringify(document)).toContain('"maxLength":100')
  })
})
