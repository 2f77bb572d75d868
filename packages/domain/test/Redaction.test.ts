import { describe, expect, it } from "@effect/vitest"
import { Redaction } from "@paymux/domain"
import fc from "fast-check"

const mask = Redaction.maskUrlUserInfo

describe("Redaction.maskUrlUserInfo: the spellings WHATWG reads user info from", () => {
  // Each of these parses with `new URL` to user "a" and password "PW" (checked below).
  const special: ReadonlyArray<readonly [string, string]> = [
    ["https:a:SUPERSECRETPW@example.com/", "https:a:***@example.com/"],
    ["https:\\\\a:SUPERSECRETPW@example.com/", "https:\\\\a:***@example.com/"],
    ["https:/\\a:SUPERSECRETPW@example.com/", "https:/\\a:***@example.com/"],
    ["https:\\/a:SUPERSECRETPW@example.com/", "https:\\/a:***@example.com/"],
    ["https:///a:SUPERSECRETPW@example.com", "https:///a:***@example.com"],
    ["https:/a:SUPERSECRETPW@example.com/hook", "https:/a:***@example.com/hook"],
    ["HTTPS:\\/\\/a:SUPERSECRETPW@example.com/", "HTTPS:\\/\\/a:***@example.com/"],
    ["http:a:SUPERSECRETPW@example.com", "http:a:***@example.com"],
    ["ws:a:SUPERSECRETPW@example.com", "ws:a:***@example.com"],
    ["WsS:\\a:SUPERSECRETPW@example.com", "WsS:\\a:***@example.com"],
    ["ftp:a:SUPERSECRETPW@example.com", "ftp:a:***@example.com"]
  ]

  it.each(special)("%s", (url, masked) => {
    expect(new URL(url).password).toBe("SUPERSECRETPW")
    expect(mask(url)).toBe(masked)
  })

  it("a user name alone (an access token) is masked", () => {
    expect(new URL("https://TOKEN123@example.com/").username).toBe("TOKEN123")
    expect(mask("https://TOKEN123@example.com/")).toBe("https://***@example.com/")
    expect(mask("https:TOKEN123@example.com/")).toBe("https:***@example.com/")
    expect(mask("git+ssh://TOKEN123@example.com/repo")).toBe("git+ssh://***@example.com/repo")
    // An API key given as a user name with an empty password (curl -u sk_live_…:).
    expect(mask("https://sk_live_TOKEN:@api.example.com/")).toBe("https://***@api.example.com/")
    expect(mask("https://sk_live_TOKEN:@api.example.com then a:b@c")).toBe("https://***@c")
    expect(mask("https://sk_live_TOKEN:\n@api.example.com/")).toBe("https://***@api.example.com/")
  })

  // Regression (security re-test): a URL whose scheme lost its colon was quoted whole, password and
  // all, in the 400 that refused it.
  it("a // whose scheme lost its colon, or that has none, is read as an authority too", () => {
    expect(mask("https//u:SUPERSECRETPW@example.com/")).toBe("https//u:***@example.com/")
    expect(mask("//TOKEN123@example.com/hook")).toBe("//***@example.com/hook")
    expect(mask('url "https//a:SUPERSECRETPW@example.com/x" and https://b:OTHERPW@example.org/')).toBe(
      'url "https//a:***@example.com/x" and https://b:***@example.org/'
    )
    for (const [text, masked] of [
      ["url=https//u:SUPERSECRETPW@h", "url=https//u:***@h"],
      ["'https//u:SUPERSECRETPW@h'", "'https//u:***@h'"],
      ["(https//u:SUPERSECRETPW@h)", "(https//u:***@h)"],
      ["x:https//v:SUPERSECRETPW@y", "x:https//v:***@y"],
      // A colon inside the password is not a scheme's: the password is masked once, whole (review).
      ["//user:x_https:tok:SUPERSECRETPW@host", "//user:***@host"],
      ["//user:pw_http:a:SUPERSECRETPW@host/", "//user:***@host/"]
    ]) {
      expect(mask(text!)).toBe(masked)
    }
    // A // in a path is not an authority.
    expect(mask("https://example.com//path@x")).toBe("https://example.com//path@x")
  })

  it("a password containing @ is masked up to the authority's last @", () => {
    expect(new URL("https://a:p@ss@example.com/").password).toBe("p%40ss")
    expect(mask("https://a:p@ss@example.com/")).toBe("https://a:***@example.com/")
    expect(mask("https://a:@pass@example.com/")).toBe("https://a:***@example.com/")
    expect(mask("https:a:SECRET@PART@example.com/x@y")).toBe("https:a:***@example.com/x@y")
  })

  it("a password containing a space, a tab or a newline is masked (WHATWG encodes or drops them)", () => {
    expect(mask("https://a:pass word@example.com/")).toBe("https://a:***@example.com/")
    expect(mask("https://a:pass\tword@example.com/")).toBe("https://a:***@example.com/")
    expect(mask("https://a:pass\nword@example.com/")).toBe("https://a:***@example.com/")
    expect(mask("https:/\n/a:SECRET@example.com/")).toBe("https:/\n/a:***@example.com/")
  })

  it("URLs inside JSON-string quotes and sentences", () => {
    expect(mask('invalid URL (got "https:a:SUPERSECRETPW@example.com/")')).toBe('invalid URL (got "https:a:***@example.com/")')
    expect(mask('(got "https:\\\\a:SUPERSECRETPW@example.com")')).toBe('(got "https:\\\\a:***@example.com")')
    expect(mask("connect failed: postgres://paymux:hunter2@db.internal:5432/paymux")).toBe(
      "connect failed: postgres://paymux:***@db.internal:5432/paymux"
    )
    expect(mask("a https://u:p1@a.example/ and b ws:v:p2@b.example/")).toBe("a https://u:***@a.example/ and b ws:v:***@b.example/")
  })

  it("any scheme written with // is masked, only the special ones without it", () => {
    expect(mask("redis://:SECRET@cache:6379")).toBe("redis://:***@cache:6379")
    expect(mask("x-custom.v1://a:SECRET@host")).toBe("x-custom.v1://a:***@host")
    // Without "//" a non-special scheme has no user info (`new URL` reads a path).
    expect(new URL("foo:a:b@host").password).toBe("")
    expect(mask("foo:a:b@host")).toBe("foo:a:b@host")
  })

  it("a user name that the scan cannot tell from surrounding text is masked whole", () => {
    // The authority runs to the next "/" (or "?", "#", "\"), so the user info here spans text
    // after the URL; showing "TOKEN@example.com and admin" as a user name would leak the token.
    expect(mask("https://TOKEN@example.com and admin:x@corp")).toBe("https://***@corp")
  })

  it("text that is not a URL with user info stays as it is", () => {
    for (const text of [
      "contact alice@example.com",
      "error: bad input",
      "mailto:alice@example.com",
      "https://example.com/users/@alice",
      "https://example.com/?mail=alice@example.com",
      "https://example.com/#a@b",
      "https://@example.com/",
      "https://example.com:8443/hook",
      "note: see http://example.com/x"
    ]) {
      expect(mask(text)).toBe(text)
    }
  })

  it("masking twice is masking once", () => {
    const once = mask("https://a:SECRET@example.com/ and https:TOKEN@example.org")
    expect(once).toBe("https://a:***@example.com/ and https:***@example.org")
    expect(mask(once)).toBe(once)
  })

  // A hang guard, not a complexity check: these inputs take milliseconds, and a wall-clock bound
  // cannot show linear time. It fails only on a slowdown of orders of magnitude (a hang).
  it("does not hang on hostile input", () => {
    const started = Date.now()
    mask("http:".repeat(200_000) + "@")
    mask("a".repeat(1_000_000) + "@")
    mask("https://a".repeat(100_000) + "@")
    expect(Date.now() - started).toBeLessThan(2_000)
  })
})

// An independent oracle: `new URL` (WHATWG) says which texts carry user info; the property checks
// that the masked text is the same whatever that user info is.

const specialScheme = fc
  .tuple(fc.constantFrom("http", "https", "ws", "wss", "ftp"), fc.boolean())
  .map(([s, upper]) => (upper ? s.toUpperCase() : s))
const anyScheme = fc.stringMatching(/^[A-Za-z][A-Za-z0-9+.-]{0,8}$/)
/** Everything between the scheme's colon and the user info: any mix of slashes for a special scheme, `//` for any. */
const schemeAndSlashes = fc.oneof(
  fc
    .tuple(
      specialScheme,
      fc.array(fc.constantFrom("/", "\\"), { maxLength: 4 }).map((s) => s.join(""))
    )
    .map(([s, slashes]) => `${s}:${slashes}`),
  anyScheme.map((s) => `${s}://`)
)
const wide = fc.oneof(
  fc.constantFrom("@", ":", "%", "%40", " ", "\t", "\n", '"', "'", "<", ">", "(", ")", "\\", "/", "?", "#", "é", "密", "😀", "\u202e"),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
  fc.stringMatching(/^[A-Za-z0-9]$/)
)
const secret = fc.string({ unit: wide, minLength: 1, maxLength: 16 })
const user = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{0,10}$/), fc.string({ unit: wide, maxLength: 8 }))
const host = fc.constantFrom("example.com", "db.internal:5432", "127.0.0.1:8080", "h", "[::1]")
const path = fc.constantFrom("", "/", "/hook", "/a@b", "/x?y=z@w", "/#f@g")
/** Text around the URL: it ends (before the URL) with a character that cannot continue a scheme. */
const before = fc.oneof(
  fc.constantFrom("", "error: ", 'invalid url (got "', "url=", "line one\n", "http: ", "mailto:x@y "),
  fc.tuple(fc.string(), fc.constantFrom(" ", "\n", '"', "(", "=", "<", "'")).map(([s, end]) => s + end)
)
/** Text after the URL: for a user name alone, it starts with a character that ends a URL in text. */
const after = fc.oneof(
  fc.constantFrom("", '"', '")', " is refused", "\nnext.", " contact alice@example.com", " x:y@z", "<br>a:b@c"),
  fc.tuple(fc.constantFrom(" ", "\n", '"', "<", ">", "`"), fc.string()).map(([start, s]) => start + s)
)
const anyAfter = fc.oneof(after, fc.string())

/** The URL `new URL` reads from `text`, when its host, path, query and fragment are the ones written. */
const parsed = (url: string, bare: string): URL | undefined => {
  try {
    const u = new URL(url)
    const expected = new URL(bare)
    const rest = (x: URL) => `${x.protocol}|${x.host}|${x.pathname}|${x.search}|${x.hash}`
    return rest(u) === rest(expected) ? u : undefined
  } catch {
    return undefined
  }
}

/** A password with nothing but tabs and newlines (which `new URL` drops) before its first "@". */
const emptyBeforeAt = (pw: string): boolean => /^[\t\n\r]*(@|$)/.test(pw)
/** The password as WHATWG splits user info: after its first ":". */
const passwordOf = (userInfo: string): string => userInfo.slice(userInfo.indexOf(":") + 1)

describe("Redaction.maskUrlUserInfo: properties", () => {
  it("property: the masked text does not depend on the password", () => {
    fc.assert(
      fc.property(schemeAndSlashes, user, secret, secret, host, path, before, anyAfter, (start, u, p1, p2, h, p, pre, post) => {
        const url = (pw: string) => `${start}${u}:${pw}@${h}${p}`
        const u1 = parsed(url(p1), `${start}${h}${p}`)
        const u2 = parsed(url(p2), `${start}${h}${p}`)
        fc.pre(u1 !== undefined && u1.password !== "" && u2 !== undefined && u2.password !== "")
        // A password that is empty up to its first "@" may also read as an empty one followed by
        // text (`a:@x@h and b:c@d`): the user name is then masked too, as for a token alone.
        fc.pre(!emptyBeforeAt(passwordOf(`${u}:${p1}`)) && !emptyBeforeAt(passwordOf(`${u}:${p2}`)))
        expect(mask(pre + url(p1) + post)).toBe(mask(pre + url(p2) + post))
      }),
      { numRuns: 3000 }
    )
  })

  it("property: the masked text does not depend on a user name given alone", () => {
    fc.assert(
      fc.property(schemeAndSlashes, secret, secret, host, path, before, after, (start, n1, n2, h, p, pre, post) => {
        const url = (name: string) => `${start}${name}@${h}${p}`
        const u1 = parsed(url(n1), `${start}${h}${p}`)
        const u2 = parsed(url(n2), `${start}${h}${p}`)
        fc.pre(u1 !== undefined && u1.username !== "" && u1.password === "" && u2 !== undefined && u2.username !== "" && u2.password === "")
        // A name that starts with a slash, tab or newline lengthens the spelling before it instead.
        fc.pre(!/^[/\\\t\n\r]/.test(n1) && !/^[/\\\t\n\r]/.test(n2))
        expect(mask(pre + url(n1) + post)).toBe(mask(pre + url(n2) + post))
      }),
      { numRuns: 3000 }
    )
  })

  it("property: text without @ is returned unchanged", () => {
    const noAt = fc.oneof(fc.string({ unit: "binary" }), fc.webUrl({ withFragments: true, withQueryParameters: true }), fc.string())
    fc.assert(
      fc.property(noAt, (s) => {
        const text = s.replaceAll("@", "")
        expect(mask(text)).toBe(text)
      }),
      { numRuns: 1000 }
    )
  })

  it("property: masking is idempotent", () => {
    fc.assert(
      fc.property(before, schemeAndSlashes, user, secret, host, path, anyAfter, (pre, start, u, pw, h, p, post) => {
        const once = mask(`${pre}${start}${u}:${pw}@${h}${p}${post}`)
        expect(mask(once)).toBe(once)
      }),
      { numRuns: 1000 }
    )
  })
})
