/**
 * A merchant's security whitelist as data: CIDR strings. Parsing and matching belong to
 * `@paymux/whitelist`; here only the shape is checked, so the domain stays free of the engine.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { type InvalidInput } from "./DomainError.ts"
import { MerchantCode } from "./Identifiers.ts"
import { decodeWith } from "./internal/decode.ts"
import { Version } from "./Version.ts"

/** @since 0.1.0 @category constants */
export const maxRules = 1000

const CidrText = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter(
      (s: string) => /^[0-9a-fA-F:.]{2,45}(\/[0-9]{1,3})?$/.test(s) || "a rule is an IPv4 or IPv6 address or CIDR block such as 1.1.1.0/24"
    )
  )
)

/**
 * @since 0.1.0
 * @category schemas
 */
export const WhitelistRules = Schema.Struct({
  merchant: MerchantCode,
  rules: Schema.Array(CidrText).pipe(Schema.check(Schema.isMaxLength(maxRules))),
  /** When false (the default) an empty list means "not enforced"; when true it denies everyone. */
  denyByDefault: Schema.Boolean,
  version: Version
})
/** @since 0.1.0 @category models */
export type WhitelistRules = typeof WhitelistRules.Type

/** @since 0.1.0 @category decoding */
export const decode: (input: unknown) => Result.Result<WhitelistRules, InvalidInput> = decodeWith(WhitelistRules)

/**
 * An empty, unenforced whitelist.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty = (merchant: WhitelistRules["merchant"]): WhitelistRules => ({ merchant, rules: [], denyByDefault: false, version: 0 })

/**
 * Replaces the rules (the caller normalises them with the whitelist engine first).
 *
 * @since 0.1.0
 * @category combinators
 */
export const replace = (current: WhitelistRules, rules: ReadonlyArray<string>): Result.Result<WhitelistRules, InvalidInput> =>
  decode({ ...current, rules })

/**
 * Whether calls are checked against the list: a non-empty list always is; an empty one only with
 * deny-by-default (then nobody passes).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isEnforced = (rules: WhitelistRules): boolean => rules.rules.length > 0 || rules.denyByDefault
