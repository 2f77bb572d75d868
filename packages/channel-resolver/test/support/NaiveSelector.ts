/**
 * The oracle for `pg` strings, written from the rules (PgSelector's contract and its problem
 * kinds) rather than from its code: no regular expressions, one check per rule, in order. It
 * shares only the error class (whose wording the property checks through `problem`) and the
 * domain's catalog and `suggest` with the parser.
 */
import { PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import { InvalidPgSelector, type PgSelectorProblem } from "../../src/ResolutionError.ts"

/** ECMAScript's WhiteSpace and LineTerminator code points (what `\s` means in JavaScript), listed. */
const whitespace: ReadonlySet<number> = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff
])

/** The whitespace characters, for generators that aim at them. */
export const whitespaceChars: ReadonlyArray<string> = [...whitespace].map((c) => String.fromCharCode(c))

const hasWhitespace = (text: string): boolean => {
  // Every listed code point is in the BMP, so UTF-16 units are enough.
  for (let i = 0; i < text.length; i++) if (whitespace.has(text.charCodeAt(i))) return true
  return false
}

export interface Selector {
  readonly code: string
  readonly mid: string | undefined
}

/**
 * Empty; whitespace anywhere; split at the first dot (the MID may hold more): no code, an empty
 * MID; a code neither in the catalog nor among the extra codes; then the catalog's selection
 * (`channel-key` never by pg, `code-and-mid` only with a MID).
 */
export const parse = (
  text: string,
  catalog: PgCatalog.PgCatalog = PgCatalog.builtIn,
  extraCodes?: ReadonlySet<string>
): Result.Result<Selector, InvalidPgSelector> => {
  const fail = (problem: PgSelectorProblem, suggestions: ReadonlyArray<string> = []) =>
    Result.fail(new InvalidPgSelector({ pg: text, problem, suggestions }))
  if (text === "") return fail("empty")
  if (hasWhitespace(text)) return fail("whitespace")
  const dot = text.indexOf(".")
  const code = dot === -1 ? text : text.slice(0, dot)
  const mid = dot === -1 ? undefined : text.slice(dot + 1)
  if (code === "") return fail("empty-code")
  if (mid === "") return fail("empty-mid")
  const provider = catalog.providers.get(code)
  if (provider === undefined) {
    if (extraCodes?.has(code) === true) return Result.succeed({ code, mid })
    return fail("unknown-pg", PgCatalog.suggest(catalog, code))
  }
  if (provider.selection === "channel-key") return fail("channel-key-only")
  if (provider.selection === "code-and-mid" && mid === undefined) return fail("mid-required")
  return Result.succeed({ code, mid })
}
