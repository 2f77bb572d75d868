import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Redacted, Result } from "effect"
import fc from "fast-check"
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

  // Regression: a standard secret must be canonical base64. Each case below decodes (leniently,
  // as Buffer.from does) to 32 key bytes, so only the canonical-base64 check refuses it
  // (internal/secret.ts, mutation probe H11). A string of only "!" decodes to 0 bytes and would
  // be refused by the length check anyway, so it does not pin this rule.
  it("refuses a whsec_ secret whose base64 is not canonical even when it decodes to enough bytes", () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 8 + 3))
    const canonical = key.toString("base64") // contains "+" and "/", ends in one "="
    expect(Result.isSuccess(WebhookSecret.parse("whsec_" + canonical))).toBe(true)
    const cases = {
      unpadded: canonical.replace(/=+$/, ""),
      base64url: key.toString("base64url"),
      "outside the alphabet": canonical.slice(0, 20) + "!!" + canonical.slice(20),
      whitespace: canonical.slice(0, 20) + " " + canonical.slice(20),
      "extra padding": canonical + "="
    }
    for (const [name, b64] of Object.entries(cases)) {
      expect([name, Buffer.from(b64, "base64").length]).toEqual([name, 32])
      const r = WebhookSecret.parse("whsec_" + b64)
      expect([name, Result.isFailure(r) && r.failure._tag]).toEqual([name, "InvalidSecret"])
      expect([name, Result.isFailure(r) && r.failure.detail]).toEqual([name, "the part after whsec_ is not canonical base64"])
    }
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

  // Crash probe, finding 1: when a rotation's new secret was lost, `retire` kept only that unknown
  // secret. Cancelling keeps the older one, which receivers still hold.
  it("cancels a rotation: drops the newer secret and keeps the older; with one secret there is nothing to cancel", () => {
    const first = WebhookSecret.generate()
    const two = Result.getOrThrow(WebhookSecret.rotate([first]))
    const back = Result.getOrThrow(WebhookSecret.cancelRotation(two))
    expect(back.length).toBe(1)
    expect(back[0]).toBe(first)
    const refused = WebhookSecret.cancelRotation(back)
    expect(Result.isFailure(refused) && refused.failure).toMatchObject({
      _tag: "InvalidSecret",
      detail: "only one secret is active; no rotation to cancel"
    })
    // The way out of a lost rotation: cancel, then rotate again.
    const again = Result.getOrThrow(WebhookSecret.rotate(back))
    expect(again[0]).toBe(first)
    expect(again[1]).not.toBe(two[1])
  })

  it("rotate, retire and cancelRotation, in any order, act on the secrets as a list of at most two", () => {
    type Step = "rotate" | "retire" | "cancel"
    // The model: the secrets' indices in the order they were made, oldest first; undefined: refused.
    const model = (active: ReadonlyArray<number>, step: Step, fresh: number): ReadonlyArray<number> | undefined =>
      step === "rotate"
        ? active.length === 1
          ? [...active, fresh]
          : undefined
        : active.length === 2
          ? step === "retire"
            ? active.slice(1)
            : active.slice(0, 1)
          : undefined
    fc.assert(
      fc.property(fc.array(fc.constantFrom<Step>("rotate", "retire", "cancel"), { maxLength: 30 }), (steps) => {
        const made = [WebhookSecret.generate(24)]
        let active: WebhookSecret.ActiveSecrets = [made[0]!]
        let expected: ReadonlyArray<number> = [0]
        for (const step of steps) {
          const fresh = WebhookSecret.generate(24)
          const next: Result.Result<WebhookSecret.ActiveSecrets, unknown> =
            step === "rotate"
              ? WebhookSecret.rotate(active, fresh)
              : step === "retire"
                ? WebhookSecret.retire(active)
                : WebhookSecret.cancelRotation(active)
          made.push(fresh)
          const modelled = model(expected, step, made.length - 1)
          expect([step, Result.isSuccess(next)]).toEqual([step, modelled !== undefined])
          if (Result.isFailure(next) || modelled === undefined) continue
          active = next.success
          expected = modelled
          // By identity: two secrets' objects may compare equal field by field.
          expect(active.map((secret) => made.indexOf(secret))).toEqual(expected)
        }
      })
    )
  })
})
