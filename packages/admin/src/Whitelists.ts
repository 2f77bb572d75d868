/**
 * The security whitelist: replace, add, remove, show and check. Rules are stored normalised (the
 * minimal equivalent CIDR list), so what is shown is what is enforced.
 *
 * @since 0.1.0
 */
import { DomainError, Identifiers, Input, WhitelistRules } from "@paymux/domain"
import { Repositories, type StoreError, Transaction } from "@paymux/store"
import { Cidr, CidrList, Whitelist } from "@paymux/whitelist"
import { Effect, Option, Schema } from "effect"
import { invalidating } from "./AccessCache.ts"
import type { AdminServices } from "./AdminServices.ts"
import { audit } from "./internal/audit.ts"
import { expectedVersion, unchangedSince } from "./internal/version.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface WhitelistView {
  readonly merchant: string
  readonly rules: ReadonlyArray<string>
  readonly denyByDefault: boolean
  /** False when the list is empty and deny-by-default is off: calls are not checked. */
  readonly enforced: boolean
  readonly version: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CheckResult {
  readonly ip: string
  readonly allowed: boolean
  readonly enforced: boolean
  /** The rule that admitted the address, for audit logs. */
  readonly matchedRule?: string
}

const toView = (rules: WhitelistRules.WhitelistRules): WhitelistView => ({
  merchant: rules.merchant,
  rules: rules.rules,
  denyByDefault: rules.denyByDefault,
  enforced: WhitelistRules.isEnforced(rules),
  version: rules.version
})

/**
 * @since 0.1.0
 * @category use cases
 */
export const show = (merchant: string): Effect.Effect<WhitelistView, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const repo = yield* Repositories.WhitelistRepository
    return toView(yield* repo.get(code))
  })

const update = <E>(
  merchant: string,
  action: string,
  next: (current: WhitelistRules.WhitelistRules) => Effect.Effect<WhitelistRules.WhitelistRules, E>,
  version?: number | undefined
): Effect.Effect<WhitelistView, E | DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const repo = yield* Repositories.WhitelistRepository
    const merchants = yield* Repositories.MerchantRepository
    const tx = yield* Transaction.Transaction
    return yield* tx.withTransaction(
      Effect.gen(function* () {
        yield* merchants.get(code)
        const before = yield* repo.get(code)
        const read = { ...before, version: yield* expectedVersion(version, before.version) }
        // Checked before it is written: `denyByDefault: "false"` from unchecked input was stored,
        // and as a non-empty string it read as on.
        const after = yield* Effect.fromResult(WhitelistRules.decode(yield* next(read)))
        // A change that leaves the list as it is (adding space it already admits, say) writes
        // nothing: no version, no audit entry.
        if (sameList(after, read)) {
          yield* unchangedSince("whitelist", code, read.version, before.version)
          return toView(before)
        }
        const saved = yield* repo.put(after)
        const change = ruleChange(before.rules, saved.rules)
        yield* audit({
          merchant: code,
          action,
          target: "whitelist",
          before: before.rules,
          after: { rules: saved.rules, denyByDefault: saved.denyByDefault, ...change }
        })
        return toView(saved)
      })
    )
  }).pipe(invalidating((cache) => cache.invalidateWhitelist(merchant)))

const sameList = Schema.toEquivalence(WhitelistRules.WhitelistRules)

/**
 * The rules a change added and removed, as the lists hold them (both are aggregated, so one
 * address range has one spelling). Not the address space: taking 1,000 single addresses out of
 * `::/0` changes ~127,000 blocks of it, which made one audit entry 2.7 MB; the rule lists are at
 * most `WhitelistRules.maxRules` long, and the entry holds both whole.
 */
const ruleChange = (before: ReadonlyArray<string>, after: ReadonlyArray<string>) => {
  const had = new Set(before)
  const has = new Set(after)
  return { added: after.filter((rule) => !had.has(rule)), removed: before.filter((rule) => !has.has(rule)) }
}

const withRules = (current: WhitelistRules.WhitelistRules, rules: ReadonlyArray<string>) =>
  Effect.flatMap(CidrList.aggregate(rules), (normalised) => Effect.fromResult(WhitelistRules.replace(current, normalised)))

/**
 * Replaces the list, and with `denyByDefault` also that switch, in one change (one version, one
 * audit entry): no reader ever sees the new list with the old switch, such as an emptied list
 * that is not yet deny-by-default and so admits everyone. Rules with host bits set are refused
 * with the canonical form suggested. With `version`, only if the list is still at that version
 * (`Conflict` otherwise): a list edited from an old copy would drop a rule added since, or bring
 * back a range removed since.
 *
 * @since 0.1.0
 * @category use cases
 */
export const set = (
  merchant: string,
  rules: ReadonlyArray<string>,
  options: { readonly denyByDefault?: boolean | undefined; readonly version?: number | undefined } = {}
): Effect.Effect<WhitelistView, DomainError.InvalidInput | StoreError.StoreError | Cidr.InvalidCidr, AdminServices> =>
  Effect.flatMap(Effect.fromResult(checkRules(rules)), (given) =>
    update(
      merchant,
      "whitelist.set",
      (current) =>
        Effect.map(withRules(current, given), (next) =>
          options.denyByDefault === undefined ? next : { ...next, denyByDefault: options.denyByDefault }
        ),
      options.version
    )
  )

/**
 * Rules as given, a list of text: one string from unchecked input was read character by character
 * into a nonsense `invalid-cidr`. The CIDR rules themselves are `CidrList`'s.
 */
const checkRules = Input.decoder(Schema.Array(Schema.String), "rules")

const checkIp = Input.decoder(Schema.String, "ip")

/**
 * Adds address space.
 *
 * @since 0.1.0
 * @category use cases
 */
export const add = (
  merchant: string,
  rules: ReadonlyArray<string>
): Effect.Effect<WhitelistView, DomainError.InvalidInput | StoreError.StoreError | Cidr.InvalidCidr, AdminServices> =>
  // The given rules are checked on their own first, so an error's index counts them alone.
  Effect.flatMap(Effect.fromResult(checkRules(rules)), (checked) =>
    update(merchant, "whitelist.add", (current) =>
      Effect.flatMap(Effect.flatMap(someRules(checked), CidrList.aggregate), (given) => withRules(current, [...current.rules, ...given]))
    )
  )

/** Adding or removing nothing is bad input, not a change that writes a new version. */
const someRules = (rules: ReadonlyArray<string>) =>
  rules.length > 0
    ? Effect.succeed(rules)
    : Effect.fail(new DomainError.InvalidInput({ field: "rules", value: "an empty list", rule: "give at least one CIDR block or address" }))

/**
 * Removes address space: removing `1.1.1.7` from `1.1.1.0/24` leaves the rest of the block.
 *
 * @since 0.1.0
 * @category use cases
 */
export const remove = (
  merchant: string,
  rules: ReadonlyArray<string>
): Effect.Effect<WhitelistView, DomainError.InvalidInput | StoreError.StoreError | Cidr.InvalidCidr, AdminServices> =>
  Effect.flatMap(Effect.fromResult(checkRules(rules)), (checked) =>
    update(merchant, "whitelist.remove", (current) =>
      Effect.flatMap(
        Effect.flatMap(Effect.flatMap(someRules(checked), atMostAList), (given) => CidrList.diff(given, current.rules)),
        (d) => withRules(current, d.added)
      )
    )
  )

/**
 * Each address taken out of a wide block splits it into up to 128 blocks, all computed before the
 * list's own bound refuses the result: 43,000 addresses out of `::/0` held the process for 23 s.
 * So a removal names at most as many rules as a list holds.
 */
const atMostAList = (rules: ReadonlyArray<string>) =>
  rules.length <= WhitelistRules.maxRules
    ? Effect.succeed(rules)
    : Effect.fail(
        new DomainError.InvalidInput({
          field: "rules",
          value: `${rules.length} rules`,
          rule: `remove at most ${WhitelistRules.maxRules} CIDR blocks or addresses at once`
        })
      )

/**
 * Turns deny-by-default on or off (whether an empty list refuses everyone).
 *
 * @since 0.1.0
 * @category use cases
 */
export const setDenyByDefault = (
  merchant: string,
  denyByDefault: boolean
): Effect.Effect<WhitelistView, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  update(merchant, "whitelist.deny-by-default", (current) => Effect.succeed({ ...current, denyByDefault }))

/**
 * Decides whether an address may call on the merchant's behalf; anything but one address (`Cidr.isAddress`)
 * is `InvalidInput` on `ip`.
 *
 * @since 0.1.0
 * @category use cases
 */
export const check = (
  merchant: string,
  ip: string
): Effect.Effect<CheckResult, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  // An `ip` that is no string (a number from unchecked input) failed as "internal error".
  Effect.flatMap(Effect.fromResult(checkIp(ip)), (given) =>
    Cidr.isAddress(given)
      ? Effect.map(show(merchant), (view) => decide(view, given))
      : Effect.fail(
          new DomainError.InvalidInput({
            field: "ip",
            value: JSON.stringify(given.slice(0, 80)),
            rule: "an address is one IPv4 or IPv6 address such as 203.0.113.7 or 2001:db8::1"
          })
        )
  )

/**
 * The decision for an address against a whitelist view (what `check` answers; `Access.admit` is
 * the same rule over the cached, compiled list).
 *
 * @since 0.1.0
 * @category getters
 */
export const decide = (view: Pick<WhitelistView, "rules" | "enforced">, ip: string): CheckResult => {
  if (!view.enforced) return { ip, allowed: true, enforced: false }
  const match = Whitelist.compileSync(view.rules).matchingRule(ip)
  return Option.match(match, {
    onNone: () => ({ ip, allowed: false, enforced: true }),
    onSome: (m) => ({ ip, allowed: true, enforced: true, matchedRule: m.cidr })
  })
}
