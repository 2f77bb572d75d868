import { PgCatalog } from "@paymux/domain"
import type { PgSelectorProblem } from "../ResolutionError.ts"

/**
 * A parsed `pg` string: a PG code and, in the `code.MID` form, the MID.
 *
 * @since 0.1.0
 * @category models
 */
export interface PgSelector {
  readonly code: string
  readonly mid: string | undefined
}

const whitespace = /\s/

/**
 * Splits a `pg` string on its first dot, or names what is wrong with it. It computes no
 * suggestions: a fallback only needs to know whether the string was usable.
 */
export const classify = (
  text: string,
  catalog: PgCatalog.PgCatalog,
  extraCodes: ReadonlySet<string> | undefined
): PgSelector | PgSelectorProblem => {
  if (text.length === 0) return "empty"
  if (whitespace.test(text)) return "whitespace"
  const dot = text.indexOf(".")
  const code = dot === -1 ? text : text.slice(0, dot)
  if (code.length === 0) return "empty-code"
  if (dot === text.length - 1) return "empty-mid"
  const provider = catalog.providers.get(code)
  if (provider === undefined && extraCodes?.has(code) !== true) return "unknown-pg"
  const selection = provider === undefined ? "code" : PgCatalog.selectionOf(provider)
  if (selection === "channel-key") return "channel-key-only"
  if (selection === "code-and-mid" && dot === -1) return "mid-required"
  return { code, mid: dot === -1 ? undefined : text.slice(dot + 1) }
}
