/**
 * Whole rule lists: the minimal equivalent list, and what changed between two lists.
 *
 * Both work in one 128-bit space where IPv4 is `::ffff:0:0/96`, so blocks written in either
 * notation merge, and blocks inside that range are printed as IPv4.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type ParsedRules, readRules } from "./internal/compile.ts"
import { coverRanges, type Range, subtract, toRanges } from "./internal/cover.ts"
import { mergeBlocks, sortOrder } from "./internal/intervals.ts"
import { InvalidCidr } from "./internal/invalidCidr.ts"
import type { CompileOptions } from "./Whitelist.ts"

/**
 * The address space gained and lost going from one list to another, each as a minimal CIDR list.
 *
 * @since 0.1.0
 * @category models
 */
export interface Diff {
  readonly added: ReadonlyArray<string>
  readonly removed: ReadonlyArray<string>
}

const ranges = (parsed: ParsedRules): Array<Range> => toRanges(mergeBlocks(parsed, sortOrder(parsed)))

const orThrow = <A>(result: A | InvalidCidr): A => {
  if (result instanceof InvalidCidr) throw result
  return result
}

const aggregateEither = (rules: ReadonlyArray<string>, options?: CompileOptions): ReadonlyArray<string> | InvalidCidr => {
  const parsed = readRules(rules, options?.lenient === true)
  return parsed instanceof InvalidCidr ? parsed : coverRanges(ranges(parsed))
}

const diffEither = (before: ReadonlyArray<string>, after: ReadonlyArray<string>, options?: CompileOptions): Diff | InvalidCidr => {
  const lenient = options?.lenient === true
  const a = readRules(before, lenient)
  if (a instanceof InvalidCidr) return a
  const b = readRules(after, lenient)
  if (b instanceof InvalidCidr) return b
  const ra = ranges(a)
  const rb = ranges(b)
  return { added: coverRanges(subtract(rb, ra)), removed: coverRanges(subtract(ra, rb)) }
}

/**
 * Normalises and aggregates: merges overlapping and adjacent blocks and drops covered ones, giving
 * the shortest list of canonical CIDRs that allows exactly the same addresses (IPv4 first, then
 * IPv6, each in address order). Idempotent. Throws `InvalidCidr`.
 *
 * @example
 * ```ts
 * import { CidrList } from "@paymux/whitelist"
 * CidrList.aggregateSync(["10.0.1.0/24", "10.0.0.0/24", "10.0.0.7", "2001:DB8::/33", "2001:db8:8000::/33"])
 * // ["10.0.0.0/23", "2001:db8::/32"]
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const aggregateSync = (rules: ReadonlyArray<string>, options?: CompileOptions): ReadonlyArray<string> =>
  orThrow(aggregateEither(rules, options))

/**
 * `aggregateSync` as an Effect that fails with `InvalidCidr`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const aggregate = (rules: ReadonlyArray<string>, options?: CompileOptions): Effect.Effect<ReadonlyArray<string>, InvalidCidr> =>
  Effect.suspend(() => {
    const result = aggregateEither(rules, options)
    return result instanceof InvalidCidr ? Effect.fail(result) : Effect.succeed(result)
  })

/**
 * The address space `after` allows that `before` did not (`added`) and the reverse (`removed`),
 * compared by addresses, not by rule text. Throws `InvalidCidr`.
 *
 * @example
 * ```ts
 * import { CidrList } from "@paymux/whitelist"
 * CidrList.diffSync(["10.0.0.0/24"], ["10.0.0.0/25", "192.0.2.1"])
 * // { added: ["192.0.2.1/32"], removed: ["10.0.0.128/25"] }
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const diffSync = (before: ReadonlyArray<string>, after: ReadonlyArray<string>, options?: CompileOptions): Diff =>
  orThrow(diffEither(before, after, options))

/**
 * `diffSync` as an Effect that fails with `InvalidCidr`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const diff = (
  before: ReadonlyArray<string>,
  after: ReadonlyArray<string>,
  options?: CompileOptions
): Effect.Effect<Diff, InvalidCidr> =>
  Effect.suspend(() => {
    const result = diffEither(before, after, options)
    return result instanceof InvalidCidr ? Effect.fail(result) : Effect.succeed(result)
  })
