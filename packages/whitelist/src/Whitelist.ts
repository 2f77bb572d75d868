/**
 * The compiled whitelist: `allows(ip)` answers in constant-ish time, never throws and fails closed.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import type { HostBitsTruncated } from "./Cidr.ts"
import { IPV4, isMapped, parseAddress, scratch } from "./internal/address.ts"
import { type ParsedRules, readRules } from "./internal/compile.ts"
import { coverRanges, toRanges } from "./internal/cover.ts"
import { type Intervals, mergeBlocks, sortOrder, Table4, Table6 } from "./internal/intervals.ts"
import { InvalidCidr } from "./internal/invalidCidr.ts"
import { formatBlock } from "./internal/rule.ts"
import { RuleTree } from "./internal/ruleTree.ts"

/**
 * Compile options. `lenient: true` truncates host bits (`1.1.1.1/24` -> `1.1.1.0/24`) and lists
 * each truncation in `warnings`; by default such a rule is refused with `InvalidCidr`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CompileOptions {
  readonly lenient?: boolean | undefined
}

/**
 * The rule that matched an address, for audit logs: its position in the input list, its text as
 * written and its canonical form.
 *
 * @since 0.1.0
 * @category models
 */
export interface RuleMatch {
  readonly index: number
  readonly rule: string
  readonly cidr: string
}

/**
 * A compiled whitelist. IPv4 and IPv4-mapped IPv6 (`::ffff:a.b.c.d`) are the same address, so an
 * IPv4 rule admits a mapped client and a `::ffff:0:0/96`-style rule admits an IPv4 client. An
 * empty whitelist allows nobody.
 *
 * @since 0.1.0
 * @category models
 */
export interface Whitelist {
  /** The rules as given. */
  readonly rules: ReadonlyArray<string>
  /** Host-bit truncations made in lenient mode (always empty in strict mode). */
  readonly warnings: ReadonlyArray<HostBitsTruncated>
  /** True when `ip` is a valid address inside some rule. Never throws; bad input is false. */
  allows(ip: string): boolean
  /** The most specific rule containing `ip` (the first written on a tie), if any. */
  matchingRule(ip: string): Option.Option<RuleMatch>
  /** The minimal equivalent CIDR list (see `CidrList.aggregate`). */
  cidrs(): ReadonlyArray<string>
}

class CompiledWhitelist implements Whitelist {
  readonly rules: ReadonlyArray<string>
  readonly warnings: ReadonlyArray<HostBitsTruncated>
  private readonly parsed: ParsedRules
  private readonly order: Int32Array
  private readonly intervals: Intervals
  private readonly v4: Table4
  private readonly v6: Table6
  private tree: RuleTree | undefined

  constructor(rules: ReadonlyArray<string>, parsed: ParsedRules) {
    this.rules = rules.slice()
    this.warnings = parsed.warnings
    this.parsed = parsed
    this.order = sortOrder(parsed)
    this.intervals = mergeBlocks(parsed, this.order)
    this.v4 = new Table4(this.intervals)
    this.v6 = new Table6(this.intervals)
  }

  allows(ip: string): boolean {
    const kind = parseAddress(ip)
    if (kind === IPV4) return this.v4.find(scratch[3]!) >= 0
    if (kind === 0) return false
    const w0 = scratch[0]!
    const w1 = scratch[1]!
    const w2 = scratch[2]!
    // Mapped clients go through the IPv4 table, the same path as the IPv4 text would.
    if (isMapped(w0, w1, w2)) return this.v4.find(scratch[3]!) >= 0
    return this.v6.find(w0, w1, w2, scratch[3]!) >= 0
  }

  matchingRule(ip: string): Option.Option<RuleMatch> {
    if (parseAddress(ip) === 0) return Option.none()
    this.tree ??= new RuleTree(this.parsed, this.order)
    const index = this.tree.find(scratch)
    if (index < 0) return Option.none()
    const { families, prefixes, starts } = this.parsed
    return Option.some({
      index,
      rule: this.rules[index]!,
      cidr: formatBlock(families[index]!, starts.subarray(index * 4, index * 4 + 4), prefixes[index]!)
    })
  }

  cidrs(): ReadonlyArray<string> {
    return coverRanges(toRanges(this.intervals))
  }
}

const compileEither = (rules: ReadonlyArray<string>, options?: CompileOptions): Whitelist | InvalidCidr => {
  const parsed = readRules(rules, options?.lenient === true)
  return parsed instanceof InvalidCidr ? parsed : new CompiledWhitelist(rules, parsed)
}

/**
 * Compiles CIDR rules (`"1.1.1.0/24"`, `"2001:db8::/32"`, bare addresses). Throws `InvalidCidr`
 * on the first bad rule.
 *
 * @example
 * ```ts
 * import { Whitelist } from "@paymux/whitelist"
 * const wl = Whitelist.compileSync(["1.1.1.0/24", "2001:db8::/32"])
 * wl.allows("1.1.1.7")        // true
 * wl.allows("::ffff:1.1.1.7") // true: the IPv4-mapped form of the same client
 * wl.allows("not an ip")      // false
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const compileSync = (rules: ReadonlyArray<string>, options?: CompileOptions): Whitelist => {
  const result = compileEither(rules, options)
  if (result instanceof InvalidCidr) throw result
  return result
}

/**
 * Compiles CIDR rules as an Effect that fails with `InvalidCidr` on the first bad rule.
 *
 * @since 0.1.0
 * @category constructors
 */
export const compile = (rules: ReadonlyArray<string>, options?: CompileOptions): Effect.Effect<Whitelist, InvalidCidr> =>
  Effect.suspend(() => {
    const result = compileEither(rules, options)
    return result instanceof InvalidCidr ? Effect.fail(result) : Effect.succeed(result)
  })

/**
 * The whitelist that allows nobody.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Whitelist = compileSync([])
