import { describe, expect, it } from "@effect/vitest"
import { PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import * as fc from "fast-check"
import * as PgSelector from "../src/PgSelector.ts"
import type { InvalidPgSelector } from "../src/ResolutionError.ts"
import * as NaiveSelector from "./support/NaiveSelector.ts"

const codes = [...PgCatalog.builtIn.providers.keys()]
const extra = "mypg"
/** The few PGs the catalog selects otherwise than by code (by code and MID, or by channel key only). */
const special = [...PgCatalog.builtIn.providers.values()]
  .filter((p) => p.selection !== undefined && p.selection !== "code")
  .map((p) => p.code)
const space = fc.constantFrom(...NaiveSelector.whitespaceChars)
/** Mostly nothing; sometimes a dot or a whitespace character (space, tab, NBSP, ideographic space...). */
const frame = fc.oneof({ weight: 6, arbitrary: fc.constant("") }, fc.constant("."), space)
const char = fc.oneof(fc.constantFrom("a", "_", "2", "."), space, fc.string({ unit: "binary", minLength: 1, maxLength: 1 }))

/** A catalog (or extra) code, or one with a single edit: an inserted, deleted or replaced character. */
const nearCode = fc
  .tuple(
    fc.oneof(fc.constantFrom(...codes, extra), fc.constantFrom(...special)),
    fc.nat(),
    fc.oneof({ weight: 3, arbitrary: fc.constant("keep") }, fc.constantFrom("insert", "delete", "replace")),
    char
  )
  .map(([code, at, edit, c]) => {
    const i = at % (code.length + 1)
    if (edit === "insert") return code.slice(0, i) + c + code.slice(i)
    if (edit === "delete") return code.slice(0, i) + code.slice(i + 1)
    if (edit === "replace") return code.slice(0, i) + c + code.slice(i + 1)
    return code
  })

/** Near misses: a code as above, maybe a MID (which may hold dots or whitespace), maybe framed. */
const nearMiss = fc
  .tuple(
    frame,
    nearCode,
    fc.option(fc.string({ unit: fc.oneof({ weight: 8, arbitrary: fc.constantFrom("T", "0", "-", "_", ".") }, space), maxLength: 6 }), {
      nil: undefined
    }),
    frame
  )
  .map(([before, code, mid, after]) => `${before}${code}${mid === undefined ? "" : `.${mid}`}${after}`)

const text = fc.oneof(fc.string(), fc.string({ unit: "binary" }), nearMiss, nearMiss)

const outcome = (result: Result.Result<NaiveSelector.Selector, InvalidPgSelector>) =>
  Result.isSuccess(result)
    ? { code: result.success.code, mid: result.success.mid }
    : { pg: result.failure.pg, problem: result.failure.problem, suggestions: result.failure.suggestions }

describe("PgSelector.parse against the rules written out by hand", () => {
  it("agrees on any string and on near misses of catalog codes", () => {
    fc.assert(
      fc.property(text, fc.boolean(), (pg, withExtra) => {
        const extraCodes = withExtra ? new Set([extra]) : undefined
        expect(outcome(PgSelector.parse(pg, PgCatalog.builtIn, extraCodes)), JSON.stringify(pg)).toEqual(
          outcome(NaiveSelector.parse(pg, PgCatalog.builtIn, extraCodes))
        )
      }),
      { numRuns: 3_000 }
    )
  })
})
