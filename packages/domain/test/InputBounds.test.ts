// Bounded inputs (issue 13 §4, §5; security findings M4, M5, L5, L9): far-future expiries, control
// characters in URLs, passwords and long values in error messages, unsafe characters in names.
import { describe, expect, it } from "@effect/vitest"
import { ApiKey, Identifiers, Input, Merchant, SubMerchant, Timestamp, WebhookSettings } from "@paymux/domain"
import { Result, Schema } from "effect"
import * as fc from "fast-check"

const settings = WebhookSettings.empty(Identifiers.MerchantCode.make("imp00000001"))
const setTest = (url: string) => WebhookSettings.setUrl(settings, "test", url, WebhookSettings.EndpointId.make("ep_1"))
const messageOf = (r: Result.Result<unknown, { readonly message: string }>): string => (Result.isFailure(r) ? r.failure.message : "")

// The oracle, written apart from the validator: code units by number, not a regular expression.
const isControl = (code: number): boolean => code < 0x20 || (code >= 0x7f && code <= 0x9f)
const hasControl = (s: string): boolean => [...s].some((c) => isControl(c.charCodeAt(0)))
const control = fc
  .integer({ min: 0, max: 0x9f })
  .filter(isControl)
  .map((code) => String.fromCharCode(code))

/** Web URLs the validator accepts (no credentials or fragment). */
const acceptedUrl = fc.webUrl({ withQueryParameters: true }).filter((u) => Result.isSuccess(setTest(u)))

describe("WebhookSettings: URLs with control characters", () => {
  it("bidirectional overrides and isolates are refused as in names (a URL shown with U+202E reads backwards)", () => {
    for (const bad of ["https://shop.example/\u202Egnp.exe", "https://shop.example/a\u2066b", "https://shop.example/\u202Ax"]) {
      const r = setTest(bad)
      expect(Result.isFailure(r), bad).toBe(true)
      expect(messageOf(r)).toMatch(/bidirectional overrides/)
    }
  })

  it("CR/LF, ESC, NUL and C1 controls are refused, with the reason", () => {
    for (const bad of [
      "http://127.0.0.1:18500/ok\r\nlive URL: https://evil.example/",
      "https://a.example/\u001b[31mRED",
      "http://127.0.0.1/ok\u0000x",
      "https://a.example/\u009b2K"
    ]) {
      const r = setTest(bad)
      expect(Result.isFailure(r)).toBe(true)
      expect(messageOf(r)).toMatch(/control characters/)
    }
  })

  it("property: an accepted URL with one control character injected anywhere is refused, and the message holds no raw control character", () => {
    fc.assert(
      fc.property(acceptedUrl, control, fc.nat(), (url, c, at) => {
        const i = at % (url.length + 1)
        const r = setTest(url.slice(0, i) + c + url.slice(i))
        expect(Result.isFailure(r)).toBe(true)
        expect(hasControl(messageOf(r))).toBe(false)
      }),
      { numRuns: 300 }
    )
  })

  it("property: over arbitrary strings, an accepted URL never holds a control character (oracle: code-unit check)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 60 }),
          acceptedUrl.map((u) => u + "\u0085")
        ),
        (s) => {
          const r = setTest(s)
          if (hasControl(s)) expect(Result.isFailure(r)).toBe(true)
          if (Result.isFailure(r)) expect(hasControl(messageOf(r))).toBe(false)
        }
      ),
      { numRuns: 500 }
    )
  })

  it("property: accepted web URLs stay accepted (no false refusals)", () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true }).filter((u) => !hasControl(u) && !u.includes("@") && !u.includes("#")),
        (u) => {
          expect(Result.isSuccess(setTest(u))).toBe(true)
        }
      ),
      { numRuns: 200 }
    )
  })
})

describe("error messages quote little and never a URL password", () => {
  it("a URL password is masked (L5)", () => {
    const message = messageOf(
      WebhookSettings.setUrl(settings, "live", "https://u:SUPERSECRETPW@example.com/h", WebhookSettings.EndpointId.make("ep_1"))
    )
    expect(message).toMatch(/user name or password/)
    expect(message).not.toContain("SUPERSECRETPW")
    expect(message).toContain("u:***@example.com")
  })

  // Regression for a mutant no test killed (2049 characters accepted).
  it("a URL of 2048 characters is accepted and one of 2049 refused", () => {
    const of = (length: number) => {
      const head = "https://hook.example/"
      return head + "a".repeat(length - head.length)
    }
    const decode = Schema.decodeUnknownResult(WebhookSettings.WebhookUrl)
    expect(of(2048)).toHaveLength(2048)
    expect(Result.isSuccess(decode(of(2048)))).toBe(true)
    expect(Result.isFailure(decode(of(2049)))).toBe(true)
  })

  it("the spellings without // that WHATWG also reads, and a token given as a user name, are masked", () => {
    const messageFor = (url: string) => messageOf(WebhookSettings.setUrl(settings, "live", url, WebhookSettings.EndpointId.make("ep_1")))
    for (const url of [
      "https:u:SUPERSECRETPW@example.com/h",
      "https:\\\\u:SUPERSECRETPW@example.com/h",
      "https:/\\u:SUPERSECRETPW@example.com/h"
    ]) {
      const message = messageFor(url)
      expect(message, url).toMatch(/user name or password/)
      expect(message, url).not.toContain("SUPERSECRETPW")
      expect(message, url).toContain("u:***@example.com")
    }
    expect(messageFor("https://TOKEN1234@example.com/h")).not.toContain("TOKEN1234")
    // A password without a user name is refused too (a mutant that checked the user name only passed).
    expect(messageFor("https://:SUPERSECRETPW@example.com/h")).toMatch(/user name or password/)
    expect(messageFor("https://:SUPERSECRETPW@example.com/h")).not.toContain("SUPERSECRETPW")
  })

  it("property: no password of a URL with credentials appears in the message", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{1,10}$/), fc.stringMatching(/^[A-Za-z0-9@!$&'()*+,;=%]{8,30}$/), (user, password) => {
        const messageWith = (pw: string) =>
          messageOf(
            WebhookSettings.setUrl(settings, "live", `https://${user}:${pw}@example.com/hook`, WebhookSettings.EndpointId.make("ep_1"))
          )
        // The message does not depend on the password, so no part of it can show. (Checking that
        // the text lacks the password fails wrongly when the user name or the wording contains it.)
        expect(messageWith(password)).toBe(messageWith("another-password"))
        expect(messageWith(password)).toContain(`${user}:***@example.com`)
      }),
      { numRuns: 200 }
    )
    // The case that made the old check fail: a user name equal to the password.
    expect(
      messageOf(
        WebhookSettings.setUrl(settings, "live", "https://rototype:rototype@example.com/hook", WebhookSettings.EndpointId.make("ep_1"))
      )
    ).toContain("rototype:***@example.com")
  })

  it("a 1,000,000-character value is quoted in at most ~200 characters", () => {
    const huge = "1".repeat(1_000_000)
    const results: ReadonlyArray<Result.Result<unknown, { readonly message: string }>> = [
      setTest(huge),
      Merchant.make({ code: huge, name: "x", createdAt: 0 }),
      Merchant.make({ code: "imp00000001", name: huge, createdAt: 0 })
    ]
    for (const r of results) {
      expect(Result.isFailure(r)).toBe(true)
      expect(messageOf(r).length).toBeLessThan(400)
      expect(messageOf(r)).not.toContain("1".repeat(201))
    }
  })
})

describe("Timestamp and API key expiry (M4)", () => {
  it("property: every timestamp that decodes renders as a date", () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeNat(), fc.integer({ min: 8_639_999_999_990_000, max: 8_640_000_000_010_000 })), (t) => {
        const r = Schema.decodeUnknownResult(Timestamp.Timestamp)(t)
        if (Result.isSuccess(r)) expect(() => new Date(r.success).toISOString()).not.toThrow()
        expect(Result.isSuccess(r)).toBe(t <= Timestamp.maxTimestamp)
      }),
      { numRuns: 500 }
    )
  })

  const key = (expiresAt: number) =>
    ApiKey.make({
      id: "ak_000000000000000000000001",
      merchant: "imp00000001",
      name: "far",
      secretHash: "ab".repeat(32),
      createdAt: 1_700_000_000_000,
      expiresAt
    })

  it("an expiry more than 10 years ahead is refused; 10 years is accepted", () => {
    expect(Result.isSuccess(key(1_700_000_000_000 + ApiKey.maxLifetimeMillis))).toBe(true)
    const far = key(1_700_000_000_000 + ApiKey.maxLifetimeMillis + 1)
    expect(Result.isFailure(far) && far.failure._tag === "RuleViolation" && far.failure.rule).toBe("expiry-too-far")
    for (const t of [8_641_796_391_544_565, 9_007_199_254_740_991]) {
      const r = key(t)
      expect(Result.isFailure(r)).toBe(true)
      expect(messageOf(r)).not.toMatch(/Invalid time value/)
    }
  })
})

describe("display names (L9)", () => {
  const named = (name: string) => SubMerchant.make({ merchant: "imp00000001", tier: "T04", name, createdAt: 0 })
  it("lone surrogates, bidirectional overrides and isolates, and C1 controls are refused with a clear rule", () => {
    for (const bad of ["x\ud800y", "x\udc00", "\ud83d", "abc\u202eexe.txt", "a\u202ab", "a\u2066b", "a\u2069", "a\u0085b", "a\u009bb"]) {
      const r = named(bad)
      expect(Result.isFailure(r), JSON.stringify(bad)).toBe(true)
      expect(messageOf(r)).toMatch(/lone surrogates|bidirectional|control/)
    }
  })
  it("a name of 100 characters is accepted and one of 101 refused", () => {
    expect(Result.isSuccess(named("n".repeat(100)))).toBe(true)
    const long = named("n".repeat(101))
    expect(Result.isFailure(long) && long.failure).toMatchObject({ _tag: "InvalidInput", field: "name" })
    expect(messageOf(long)).toMatch(/1-100 characters/)
  })
  it("a name with leading or trailing whitespace is refused; inner spaces are kept", () => {
    for (const bad of [" Acme", "Acme ", "  ", "Acme\u00a0", "\u3000상점"]) {
      const r = named(bad)
      expect(Result.isFailure(r), JSON.stringify(bad)).toBe(true)
      expect(messageOf(r)).toMatch(/without surrounding whitespace/)
    }
    expect(Result.isSuccess(named("Acme Shop"))).toBe(true)
  })
  it("well-formed names (emoji as surrogate pairs, Hangul) are kept byte-exact", () => {
    for (const good of ["상점 😀", "Caf\u00e9 Lumi\u00e8re", "A & B"]) {
      const r = named(good)
      expect(Result.isSuccess(r) && r.success.name).toBe(good)
    }
  })
})

describe("tier codes in either case", () => {
  it("3 letters or digits in either case are tier codes, kept as given", () => {
    for (const tier of ["T01", "t01", "abc", "AbC", "999"]) expect(Result.getOrThrow(Identifiers.decodeTierCode(tier))).toBe(tier)
    for (const tier of ["ab", "abcd", "a-1", "가나다", "T0 "]) expect(Result.isFailure(Identifiers.decodeTierCode(tier))).toBe(true)
  })
})

describe("Input.isWellFormed", () => {
  // The oracle: the platform's own check (Node 20 has it; the console's oldest browsers do not).
  const platform = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
  it("agrees with String.prototype.isWellFormed on any UTF-16 text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => Input.isWellFormed(text) === platform(text)))
  })
  it("refuses a lone surrogate anywhere and keeps a pair", () => {
    for (const lone of ["\uD800", "a\uDC00", "\uDBFFb", "\uDC00\uD800"]) expect(Input.isWellFormed(lone), JSON.stringify(lone)).toBe(false)
    expect(Input.isWellFormed("pay-\uD83D\uDE00")).toBe(true)
  })
})

describe("Input.hasUnsafeCharacters and unsafeCharacters", () => {
  // The oracle: code units by number, as `isControl` above, plus the bidirectional controls.
  const isUnsafe = (code: number): boolean => isControl(code) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)
  // Code units near every edge of the ranges, and any others.
  const unit = fc.oneof(fc.integer({ min: 0, max: 0xa0 }), fc.integer({ min: 0x2028, max: 0x206b }), fc.integer({ min: 0, max: 0xffff }))
  it("agree with the code-unit ranges on any text", () => {
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (units) => {
        const text = String.fromCharCode(...units)
        expect(Input.hasUnsafeCharacters(text)).toBe(units.some(isUnsafe))
        expect(text.replace(Input.unsafeCharacters(), "")).toBe(String.fromCharCode(...units.filter((u) => !isUnsafe(u))))
      })
    )
  })
})
