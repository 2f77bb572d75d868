/**
 * The `pg` string of `request_pay`: `"{pg code}"` or `"{pg code}.{MID}"`. It splits on the first
 * dot only, since MIDs may contain dots (`nice_v2.shop.a` is PG `nice_v2`, MID `shop.a`).
 *
 * @since 0.1.0
 */
import { PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import { InvalidPgSelector, type PgSelectorProblem } from "./ResolutionError.ts"

/** A parsed `pg` string: a PG code and, in the `code.MID` form, the MID. @since 0.1.0 @category models */
export interface PgSelector {
  readonly code: string
  readonly mid: string | undefined
}

const whitespace = /\s/

/**
 * Splits and checks a `pg` string. Its code must be in `catalog` or `extraCodes` (PGs a host app
 * added for a merchant's channels), and the catalog's `selection` of the PG must allow the form.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (
  text: string,
  catalog: PgCatalog.PgCatalog = PgCatalog.builtIn,
  extraCodes?: ReadonlySet<string>
): Result.Result<PgSelector, InvalidPgSelector> => {
  const dot = text.indexOf(".")
  const code = dot === -1 ? text : text.slice(0, dot)
  const provider = catalog.providers.get(code)
  const selection = provider === undefined ? "code" : PgCatalog.selectionOf(provider)
  let problem: PgSelectorProblem | undefined
  if (text.length === 0) problem = "empty"
  else if (whitespace.test(text)) problem = "whitespace"
  else if (code.length === 0) problem = "empty-code"
  else if (dot === text.length - 1) problem = "empty-mid"
  else if (provider === undefined && extraCodes?.has(code) !== true) problem = "unknown-pg"
  else if (selection === "channel-key") problem = "channel-key-only"
  else if (selection === "code-and-mid" && dot === -1) problem = "mid-required"
  else return Result.succeed({ code, mid: dot === -1 ? undefined : text.slice(dot + 1) })
  const suggestions = problem === "unknown-pg" ? PgCatalog.suggest(catalog, code) : []
  return Result.fail(new InvalidPgSelector({ pg: text, problem, suggestions }))
}

/** The `pg` string for a selector: the inverse of `parse`. @since 0.1.0 @category formatting */
export const format = (selector: PgSelector): string => (selector.mid === undefined ? selector.code : `${selector.code}.${selector.mid}`)
