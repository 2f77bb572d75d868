/**
 * A single CIDR block: strict parsing, canonical formatting and the error that explains a refusal.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { IPV4 } from "./internal/address.ts"
import * as internal from "./internal/invalidCidr.ts"
import { formatBlock, parseRule, ruleInfo, ruleStart } from "./internal/rule.ts"

/**
 * A rule that is not a valid CIDR block. `reason` says what is wrong; `suggestion`, when present,
 * proposes a fix (`1.1.1.1/24` -> "did you mean 1.1.1.0/24 (or 1.1.1.1/32)?"). `index` is the
 * rule's position when it came from a list. Its `message` joins them:
 * `Invalid CIDR "1.1.1.1/24": host bits set; did you mean 1.1.1.0/24 (or 1.1.1.1/32)?`.
 *
 * @since 0.1.0
 * @category errors
 */
export const InvalidCidr: typeof internal.InvalidCidr = internal.InvalidCidr

/**
 * @since 0.1.0
 * @category errors
 */
export type InvalidCidr = internal.InvalidCidr

/**
 * A parsed block. `address` is the canonical network address (RFC 5952 for IPv6) and `prefix` is
 * in the family's own terms (0-32 for IPv4, 0-128 for IPv6).
 *
 * @since 0.1.0
 * @category models
 */
export interface Cidr {
  readonly family: "ipv4" | "ipv6"
  readonly address: string
  readonly prefix: number
}

/**
 * Parse options. `lenient: true` truncates host bits (`1.1.1.1/24` becomes `1.1.1.0/24`) instead
 * of refusing; the callers that take lists report each truncation as a warning.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParseOptions {
  readonly lenient?: boolean
}

/**
 * What lenient mode did to a rule with host bits set.
 *
 * @since 0.1.0
 * @category models
 */
export interface HostBitsTruncated {
  readonly _tag: "HostBitsTruncated"
  readonly input: string
  readonly index: number
  readonly cidr: string
  readonly message: string
}

const parseEither = (input: string, options?: ParseOptions): Cidr | InvalidCidr => {
  const lenient = options?.lenient === true
  const prefix128 = parseRule(input, lenient)
  if (prefix128 < 0) return internal.invalidCidr(input, lenient)
  const text = formatBlock(ruleInfo.family, ruleStart, prefix128)
  const slash = text.indexOf("/")
  return ruleInfo.family === IPV4
    ? { family: "ipv4", address: text.slice(0, slash), prefix: prefix128 - 96 }
    : { family: "ipv6", address: text.slice(0, slash), prefix: prefix128 }
}

/**
 * Parses `address/prefix` (a bare address means /32 or /128). Throws `InvalidCidr`.
 *
 * @example
 * ```ts
 * import { Cidr } from "@paymux/whitelist"
 * Cidr.parseSync("2001:DB8:0::/32") // { family: "ipv6", address: "2001:db8::", prefix: 32 }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseSync = (input: string, options?: ParseOptions): Cidr => {
  const result = parseEither(input, options)
  if (result instanceof InvalidCidr) throw result
  return result
}

/**
 * Parses `address/prefix` as an Effect that fails with `InvalidCidr`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const parse = (input: string, options?: ParseOptions): Effect.Effect<Cidr, InvalidCidr> =>
  Effect.suspend(() => {
    const result = parseEither(input, options)
    return result instanceof InvalidCidr ? Effect.fail(result) : Effect.succeed(result)
  })

/**
 * True when `input` is a valid strict CIDR block (or bare address).
 *
 * @since 0.1.0
 * @category guards
 */
export const isValid = (input: string): boolean => parseRule(input, false) >= 0

/**
 * True when `input` is one address, IPv4 or IPv6, written strictly and without a prefix: what a
 * client address checked against a whitelist must be.
 *
 * @since 0.1.0
 * @category guards
 */
export const isAddress = (input: string): boolean => !input.includes("/") && isValid(input)

/**
 * The canonical text `address/prefix`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const format = (cidr: Cidr): string => `${cidr.address}/${cidr.prefix}`

/**
 * Parses and formats in one step: the canonical spelling of a rule. Throws `InvalidCidr`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const canonical = (input: string, options?: ParseOptions): string => format(parseSync(input, options))
