/**
 * The `pg` string of `request_pay`: `"{pg code}"` or `"{pg code}.{MID}"`. It splits on the first
 * dot only, since MIDs may contain dots (`nice_v2.shop.a` is PG `nice_v2`, MID `shop.a`).
 *
 * @since 0.1.0
 */
import { PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import { classify, type PgSelector } from "./internal/selector.ts"
import { InvalidPgSelector } from "./ResolutionError.ts"

/**
 * A parsed `pg` string: a PG code and, in the `code.MID` form, the MID.
 *
 * @since 0.1.0
 * @category models
 */
export type { PgSelector } from "./internal/selector.ts"

/**
 * Splits and checks a `pg` string: not empty, no whitespace, no empty code or MID around the
 * dot, and a PG code found in `catalog` or in `extraCodes` (a merchant's channels may use PGs a
 * host app added). An unknown code fails with the closest catalog codes as suggestions.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (
  text: string,
  catalog: PgCatalog.PgCatalog = PgCatalog.builtIn,
  extraCodes?: ReadonlySet<string>
): Result.Result<PgSelector, InvalidPgSelector> => {
  const parsed = classify(text, catalog, extraCodes)
  if (typeof parsed !== "string") return Result.succeed(parsed)
  const suggestions = parsed === "unknown-pg" ? PgCatalog.suggest(catalog, text.split(".", 1)[0]!) : []
  return Result.fail(new InvalidPgSelector({ pg: text, problem: parsed, suggestions }))
}

/**
 * The `pg` string for a selector: the inverse of `parse`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const format = (selector: PgSelector): string => (selector.mid === undefined ? selector.code : `${selector.code}.${selector.mid}`)
