/**
 * `paymux whitelist`: the security whitelist. `normalize` and `check --cidr` run on the given
 * rules alone (no store); `set`, `add`, `remove`, `show` and `check --merchant` work on a
 * merchant's stored list.
 *
 * @since 0.1.0
 */
import type { Whitelists as WhitelistTypes } from "@paymux/admin"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import * as Flags from "../Flags.ts"
import * as Output from "../Output.ts"
import { Whitelists } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { merchantFlag, readStore, withStore } from "../Store.ts"

const lenient = Flag.Boolean("lenient").pipe(
  Flag.withDescription("Truncate host bits (1.1.1.1/24 -> 1.1.1.0/24) with a warning instead of refusing"),
  Flag.withDefault(false)
)

// The engine loads when a whitelist command runs, not for --help.
const loadEngine = Effect.promise(() => import("@paymux/whitelist"))

const requireAddress = (ip: string) =>
  Effect.flatMap(loadEngine, ({ Cidr }) =>
    Cidr.isAddress(ip)
      ? Effect.void
      : Effect.fail(
          CliFailure.invalidInput(
            "ip",
            `${JSON.stringify(ip)} is not an IPv4 or IPv6 address`,
            "give one address such as 203.0.113.7 or 2001:db8::1"
          )
        )
  )

/**
 * The answer to "may this address call?", printed the same way for given and stored rules.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckResult {
  readonly ip: string
  readonly allowed: boolean
  readonly enforced: boolean
  readonly rule?: { readonly index: number; readonly rule: string; readonly cidr: string } | undefined
}

/**
 * Prints a check result; a denial ends with exit code 1.
 *
 * @since 0.1.0
 * @category rendering
 */
export const printCheck = (out: Output.Output, result: CheckResult) =>
  Effect.gen(function* () {
    yield* out.result(result, () => {
      if (!result.enforced) return `allowed: ${result.ip} (the whitelist is empty and not enforced)`
      return result.allowed && result.rule !== undefined
        ? `allowed: ${result.ip} matches rule ${result.rule.index >= 0 ? `#${result.rule.index} ` : ""}${result.rule.rule}${result.rule.cidr !== result.rule.rule ? ` (${result.rule.cidr})` : ""}`
        : `denied: ${result.ip} matches no rule`
    })
    if (!result.allowed) return yield* Effect.fail(CliFailure.negativeAnswer("Denied", `${result.ip} is not allowed`))
  })

const checkAgainst = (rules: ReadonlyArray<string>, ip: string): Effect.Effect<CheckResult, unknown> =>
  Effect.flatMap(loadEngine, ({ Whitelist }) =>
    Effect.map(Whitelist.compile(rules), (wl) => ({
      ip,
      allowed: wl.allows(ip),
      enforced: true,
      rule: Option.getOrUndefined(wl.matchingRule(ip))
    }))
  )

const normalize = Command.make(
  "normalize",
  {
    cidrs: Argument.String("cidr").pipe(Argument.withDescription("CIDR blocks or addresses"), Argument.atLeast(1)),
    lenient
  },
  ({ cidrs, lenient }) =>
    action(({ out }) =>
      Effect.gen(function* () {
        const { Cidr, CidrList, Whitelist } = yield* loadEngine
        const canonical = yield* Effect.try({
          try: () => cidrs.map((c) => Cidr.canonical(c, { lenient })),
          catch: (e) => e
        })
        const compiled = yield* Whitelist.compile(cidrs, { lenient })
        const aggregated = yield* CidrList.aggregate(cidrs, { lenient })
        const warnings = compiled.warnings.map((w) => w.message)
        yield* out.result({ input: cidrs, canonical, aggregated, warnings }, () =>
          [...aggregated, ...warnings.map((w) => `warning: ${w}`), `(${cidrs.length} rule(s) in, ${aggregated.length} block(s) out)`].join(
            "\n"
          )
        )
      })
    )
).pipe(Command.withDescription("Canonicalise and aggregate CIDR blocks (no store)"))

const check = Command.make(
  "check",
  {
    ip: Argument.String("ip").pipe(Argument.withDescription("The client address to check")),
    cidr: Flag.String("cidr").pipe(Flag.withDescription("A rule to check against (repeatable; no store is opened)"), Flag.atLeast(0)),
    merchant: merchantFlag.pipe(Flag.optional)
  },
  ({ cidr, ip, merchant }) =>
    action((ctx) =>
      Effect.gen(function* () {
        yield* requireAddress(ip)
        if (cidr.length > 0) {
          return yield* printCheck(ctx.out, yield* checkAgainst(cidr, ip))
        }
        if (Option.isNone(merchant)) {
          return yield* Effect.fail(
            CliFailure.badInput(
              "whitelist check needs --cidr rules or a --merchant",
              "paymux whitelist check --cidr 203.0.113.0/24 203.0.113.7"
            )
          )
        }
        const r = yield* readStore(ctx, Whitelists.check(merchant.value, ip))
        const rule = r.matchedRule === undefined ? undefined : { index: -1, rule: r.matchedRule, cidr: r.matchedRule }
        return yield* printCheck(ctx.out, { ip: r.ip, allowed: r.allowed, enforced: r.enforced, rule })
      })
    )
).pipe(Command.withDescription("Check an address against --cidr rules (no store) or a merchant's whitelist"))

const printView = (out: Output.Output, view: WhitelistTypes.WhitelistView, headline: string) =>
  out.result(view, () =>
    [
      headline,
      ...(view.rules.length > 0 ? view.rules.map((r) => `  ${r}`) : ["  (no rules)"]),
      view.enforced
        ? view.rules.length === 0
          ? "Enforced with deny-by-default: every call is refused."
          : "Enforced: calls from other addresses are refused."
        : "Not enforced: the list is empty (turn on --deny-by-default to refuse everyone).",
      `Version ${view.version} (for --if-version).`
    ].join("\n")
  )

const rulesArg = Argument.String("cidr").pipe(Argument.withDescription("CIDR blocks or addresses"), Argument.atLeast(1))

const set = Command.make(
  "set",
  {
    merchant: merchantFlag,
    cidrs: Argument.String("cidr").pipe(Argument.withDescription("CIDR blocks or addresses (none clears the list)"), Argument.atLeast(0)),
    denyByDefault: Flag.Literals("deny-by-default", ["on", "off"] as const).pipe(
      Flag.withDescription("Refuse everyone while the list is empty"),
      Flag.optional
    ),
    ifVersion: Flags.ifVersion
  },
  ({ cidrs, denyByDefault, ifVersion, merchant }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const view = yield* withStore(
          ctx,
          Whitelists.set(merchant, cidrs, {
            denyByDefault: Option.getOrUndefined(Option.map(denyByDefault, (v) => v === "on")),
            version: Option.getOrUndefined(ifVersion)
          })
        )
        yield* printView(ctx.out, view, `Whitelist of ${view.merchant} replaced (${view.rules.length} block(s), stored normalised):`)
      })
    )
).pipe(Command.withDescription("Replace a merchant's whitelist"))

const add = Command.make("add", { merchant: merchantFlag, cidrs: rulesArg }, ({ cidrs, merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const view = yield* withStore(ctx, Whitelists.add(merchant, cidrs))
      yield* printView(ctx.out, view, `Whitelist of ${view.merchant} after adding (stored normalised):`)
    })
  )
).pipe(Command.withDescription("Add blocks to a merchant's whitelist"))

const remove = Command.make("remove", { merchant: merchantFlag, cidrs: rulesArg }, ({ cidrs, merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const [before, view] = yield* withStore(ctx, Effect.all([Whitelists.show(merchant), Whitelists.remove(merchant, cidrs)]))
      yield* printView(ctx.out, view, `Whitelist of ${view.merchant} after removing:`)
      if (view.rules.join() === before.rules.join())
        yield* ctx.out.say("note: none of the given addresses was on the list; nothing changed")
    })
  )
).pipe(Command.withDescription("Remove address space from a merchant's whitelist"))

const show = Command.make("show", { merchant: merchantFlag }, ({ merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const view = yield* readStore(ctx, Whitelists.show(merchant))
      yield* printView(ctx.out, view, `Whitelist of ${view.merchant}:`)
    })
  )
).pipe(Command.withDescription("Show a merchant's whitelist"))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("whitelist").pipe(
  Command.withDescription("Security whitelist: CIDR blocks allowed to call the API"),
  Command.withSubcommands([normalize, check, set, add, remove, show])
)
