import { readFileSync } from "node:fs"
import { StoreError } from "@paymux/store"
import { describe, expect, it } from "@effect/vitest"

// The reasons a caller branches on, read from the schema itself.
const reasons = StoreError.StoreErrorReason.members.map((member) => member.fields._tag.schema.literal)

describe("StoreError", () => {
  it.each(["../../../docs/architecture.md", "../../../docs/storage.md", "../README.md"])(
    "%s names every reason a StoreError can have",
    (path) => {
      // Line breaks do not matter: each reason must appear as a word somewhere in the text.
      const text = readFileSync(new URL(path, import.meta.url), "utf8")
      expect(reasons.length).toBeGreaterThan(4)
      for (const reason of reasons) expect(text, reason).toMatch(new RegExp(`\\b${reason}\\b`))
    }
  )
})
