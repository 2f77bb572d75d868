import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Redacted, Result } from "effect"
import { WebhookSecret } from "../src/index.ts"

describe("WebhookSecret", () => {
  it("generates whsec_ + base64 of the requested number of bytes", () => {
    for (const n of [24, 32, 64]) {
      const text = WebhookSecret.reveal(WebhookSecret.generate(n))
      expect(text.startsWith("whsec_")).toBe(true)
      expect(Buffer.from(text.slice(6), "base64").length).toBe(n)
    }
    expect(() => WebhookSecret.generate(16)).toThrow()
    expect(() => WebhookSecret.generate(65)).toThrow()
  })

  it("rejects malformed secrets with InvalidSecret", () => {
    const cases = [
      "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "whsec_",
      "whsec_not base64!",
      "whsec_" + Buffer.alloc(23).toString("base64"),
      "whsec_" + Buffer.alloc(65).toString("base64")
    ]
    for (const c of cases) {
      const r = WebhookSecret.parse(c)
      expect(Result.isFailure(r) && r.failure._tag).toBe("InvalidSecret")
    }
    expect(Result.isSuccess(WebhookSecret.parse(Redacted.make("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))).toBe(true)
  })

  it("keeps the secret out of strings, JSON and inspection", () => {
    const s = WebhookSecret.generate()
    const raw = WebhookSecret.reveal(s).slice(6)
    for (const shown of [String(s), JSON.stringify({ s }), inspect(s, { showHidden: true, depth: 5 }), `${s.redacted}`]) {
      expect(shown).not.toContain(raw)
    }
  })

  it("rotates: add a second secret, then retire the old one; never more than two", () => {
    const first = WebhookSecret.generate()
    const two = Result.getOrThrow(WebhookSecret.rotate([first]))
    expect(two.length).toBe(2)
    expect(two[0]).toBe(first)
    expect(Result.isFailure(WebhookSecret.rotate(two))).toBe(true)
    const one = Result.getOrThrow(WebhookSecret.retire(two))
    expect(one).toEqual([two[1]])
    expect(Result.isFailure(WebhookSecret.retire(one))).toBe(true)
  })
})
