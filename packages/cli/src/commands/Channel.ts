/**
 * `paymux channel`: the console's channel cards. Credentials go in with `--cred-file`,
 * `--cred field=-` (stdin) or `--cred field=value`, and never come out: every view masks secret
 * fields.
 *
 * @since 0.1.0
 */
import type { Channels as ChannelTypes } from "@paymux/admin"
import { ChannelTerms, type PaymentChannel } from "@paymux/domain"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import * as CredentialInput from "../CredentialInput.ts"
import * as Flags from "../Flags.ts"
import * as Output from "../Output.ts"
import { Channels, Merchants } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { merchantFlag, readStore, withStore } from "../Store.ts"

const paymentType = Flag.Literals("type", ChannelTerms.paymentTypes as ReadonlyArray<ChannelTerms.PaymentType>).pipe(
  Flag.withDescription("Payment type (paymux pg show CODE lists the types a PG offers)")
)
const methods = Flag.String("methods").pipe(
  Flag.withDescription("Pay methods, comma-separated (e.g. card,trans,vbank); none for certification")
)
const taxType = Flag.Literals("tax-type", ["taxable", "tax-free"] as const).pipe(
  Flag.withDescription("Tax type (default taxable)"),
  Flag.optional
)
const keyArg = Argument.String("channel").pipe(Argument.withDescription("Channel key (channel-key-...)"))

const splitMethods = (text: string): ReadonlyArray<string> =>
  text
    .split(",")
    .map((m) => m.trim())
    .filter((m) => m !== "")

type View = ChannelTypes.ChannelView

const headers = ["#", "KEY", "MODE", "PG", "MID", "TYPE", "METHODS", "NAME", "STATE"]
const row = (c: View | PaymentChannel.PaymentChannel, defaults: { test?: string | undefined; live?: string | undefined }) => [
  c.sequence,
  c.key,
  c.mode,
  c.pg,
  c.credentialSource === "shared-test" ? `${c.mid} (shared)` : c.mid,
  c.paymentType,
  c.payMethods.join(","),
  c.name,
  [c.enabled ? "enabled" : "disabled", defaults[c.mode] === c.key ? "default" : "", c.readable === false ? "credentials unreadable" : ""]
    .filter(Boolean)
    .join(", ")
]

/**
 * A channel as `channel show` prints it.
 *
 * @since 0.1.0
 * @category rendering
 */
export const describe = (c: View): string =>
  Output.fields([
    ["key", c.key],
    ["merchant", c.merchant],
    ["name", c.name],
    ["mode", c.mode],
    ["pg", `${c.pg}  (request_pay pg: "${c.pg}.${c.mid}")`],
    ["mid", `${c.mid}${c.credentialSource === "shared-test" ? " (shared test credential)" : ""}`],
    ["payment type", c.paymentType],
    ["pay methods", c.payMethods.join(", ")],
    ["tax type", c.taxType],
    ["enabled", c.enabled ? "yes" : "no"],
    ["order", c.sequence],
    ["created", Output.time(c.createdAt)],
    ["version", c.version],
    ...Object.entries(c.credentials).map(([k, v]) => [`cred ${k}`, v] as const),
    ...(c.readable === false ? [["credentials", "unreadable: sealed with a master key this store does not have"] as const] : [])
  ])

const add = Command.make(
  "add",
  {
    merchant: merchantFlag,
    mode: Flags.mode,
    pg: Flag.String("pg").pipe(Flag.withDescription("PG code (paymux pg list)")),
    mid: Flag.String("mid").pipe(
      Flag.withDescription("MID the PG issued; omit on a test channel to use the shared test credential"),
      Flag.optional
    ),
    type: paymentType,
    methods: methods.pipe(Flag.withDefault("")),
    name: Flags.name.pipe(Flag.optional),
    taxType,
    cred: CredentialInput.credFlag,
    credFile: CredentialInput.credFileFlag,
    disabled: Flag.Boolean("disabled").pipe(Flag.withDescription("Add it disabled"), Flag.withDefault(false))
  },
  (input) =>
    action((ctx) =>
      Effect.gen(function* () {
        const credentials = yield* CredentialInput.read(input.cred, input.credFile)
        const { saved, view } = yield* withStore(
          ctx,
          Effect.gen(function* () {
            const saved = yield* Channels.add({
              merchant: input.merchant,
              mode: input.mode,
              pg: input.pg,
              mid: Option.getOrUndefined(input.mid),
              name: Option.getOrUndefined(input.name),
              paymentType: input.type,
              payMethods: splitMethods(input.methods),
              taxType: Option.getOrUndefined(input.taxType),
              credentials,
              enabled: !input.disabled
            })
            return { saved, view: yield* Channels.view(saved) }
          })
        )
        yield* ctx.out.result(
          view,
          () =>
            `Added ${saved.mode} channel ${saved.key}: ${saved.pg}.${saved.mid} ${saved.paymentType} [${saved.payMethods.join(",")}]` +
            (saved.credentialSource === "shared-test" ? " on the shared test credential." : ".")
        )
        yield* warnOfSecretsOnCommandLine(input.cred, view.pg)
      })
    )
).pipe(Command.withDescription("Add a channel (a PG credential in one mode)"))

/**
 * After a change is saved: a warning on stderr for the secret fields of PG `pg` given as
 * `--cred name=value` (the catalog, loaded only then, says which are secret).
 */
const warnOfSecretsOnCommandLine = (creds: ReadonlyArray<string>, pg: string) =>
  creds.length === 0
    ? Effect.void
    : Effect.flatMap(
        Effect.promise(() => import("../internal/catalog.ts")),
        ({ PgCatalog }) =>
          Effect.sync(() => {
            const fields = PgCatalog.builtIn.providers.get(pg)?.credentialFields ?? []
            const warning = CredentialInput.secretsOnCommandLine(
              creds,
              fields.filter((f) => f.secret).map((f) => f.name)
            )
            if (warning !== undefined) process.stderr.write(`${warning}\n`)
          })
      )

const list = Command.make(
  "list",
  {
    merchant: merchantFlag,
    mode: Flags.mode.pipe(Flag.optional)
  },
  ({ merchant, mode }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const { m, views } = yield* readStore(
          ctx,
          Effect.gen(function* () {
            const m = yield* Merchants.get(merchant)
            const all = yield* Channels.list(merchant, Option.isSome(mode) ? { mode: mode.value } : {})
            return { m, views: yield* Effect.forEach(all, Channels.view) }
          })
        )
        yield* ctx.out.result(views, () =>
          Output.table(
            headers,
            views.map((c) => row(c, m.defaultChannels))
          )
        )
      })
    )
).pipe(Command.withDescription("List a merchant's channels, oldest first (the order resolution searches)"))

const show = Command.make("show", { merchant: merchantFlag, key: keyArg }, ({ key, merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const view = yield* readStore(ctx, Effect.flatMap(Channels.get(merchant, key), Channels.view))
      yield* ctx.out.result(view, () => describe(view))
    })
  )
).pipe(Command.withDescription("Show a channel, secrets masked"))

const edit = Command.make(
  "edit",
  {
    merchant: merchantFlag,
    key: keyArg,
    name: Flags.name.pipe(Flag.optional),
    mode: Flags.mode.pipe(Flag.optional),
    mid: Flag.String("mid").pipe(Flag.withDescription("New MID"), Flag.optional),
    sharedTest: Flag.Boolean("shared-test").pipe(
      Flag.withDescription("Move a test channel onto the PG's shared test credential"),
      Flag.withDefault(false)
    ),
    methods: methods.pipe(Flag.optional),
    taxType,
    cred: CredentialInput.credFlag,
    credFile: CredentialInput.credFileFlag,
    unsetCred: Flag.String("unset-cred").pipe(Flag.withDescription("Remove an optional credential field (repeatable)"), Flag.atLeast(0)),
    ifVersion: Flags.ifVersion
  },
  (input) =>
    action((ctx) =>
      Effect.gen(function* () {
        if (input.sharedTest && Option.isSome(input.mid)) {
          return yield* Effect.fail(
            CliFailure.badInput("--mid and --shared-test cannot be given together", "give --mid for the PG's MID, or --shared-test alone")
          )
        }
        const credentials = yield* CredentialInput.read(input.cred, input.credFile)
        // Both removing and setting a field is ambiguous: refused rather than one of them guessed.
        const both = input.unsetCred.filter((name) => credentials !== undefined && Object.hasOwn(credentials, name))
        if (both.length > 0) {
          return yield* CliFailure.badInput(
            `--unset-cred ${both.join(", ")} is also given a value`,
            "give a credential field either a value (--cred) or --unset-cred, not both"
          )
        }
        const patch: PaymentChannel.ChannelPatch = {
          name: Option.getOrUndefined(input.name),
          mode: Option.getOrUndefined(input.mode),
          mid: input.sharedTest ? null : Option.getOrUndefined(input.mid),
          payMethods: Option.map(input.methods, splitMethods).pipe(Option.getOrUndefined),
          taxType: Option.getOrUndefined(input.taxType),
          credentials:
            input.unsetCred.length === 0 && credentials === undefined
              ? undefined
              : { ...Object.fromEntries(input.unsetCred.map((name) => [name, ""])), ...credentials }
        }
        if (Object.values(patch).every((value) => value === undefined)) {
          return yield* Effect.fail(
            CliFailure.nothingToChange(
              "at least one of --name, --mode, --mid or --shared-test, --methods, --tax-type, --cred, --cred-file, --unset-cred"
            )
          )
        }
        const view = yield* withStore(
          ctx,
          Effect.flatMap(
            Channels.edit(input.merchant, input.key, patch, { version: Option.getOrUndefined(input.ifVersion) }),
            Channels.view
          )
        )
        yield* ctx.out.result(view, () => `Updated ${view.key} (now version ${view.version}).\n${describe(view)}`)
        yield* warnOfSecretsOnCommandLine(input.cred, view.pg)
      })
    )
).pipe(Command.withDescription("Edit a channel: name, mode, MID, pay methods, tax type, credentials"))

const toggle = (name: "enable" | "disable") =>
  Command.make(name, { merchant: merchantFlag, key: keyArg }, ({ key, merchant }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const view = yield* withStore(ctx, Effect.flatMap(Channels.setEnabled(merchant, key, name === "enable"), Channels.view))
        yield* ctx.out.result(view, () => `${view.key} is ${view.enabled ? "enabled" : "disabled"}.`)
      })
    )
  ).pipe(Command.withDescription(name === "enable" ? "Enable a channel" : "Disable a channel (resolution skips it)"))

const remove = Command.make("remove", { merchant: merchantFlag, key: keyArg, ifVersion: Flags.ifVersion }, ({ ifVersion, key, merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      yield* withStore(ctx, Channels.remove(merchant, key, { version: Option.getOrUndefined(ifVersion) }))
      yield* ctx.out.result({ removed: key }, () => `Removed ${key}; it left every tier and group.`)
    })
  )
).pipe(Command.withDescription("Delete a channel"))

const tierCommand = (name: "assign" | "unassign") =>
  Command.make(name, { merchant: merchantFlag, tier: Flags.tier, key: keyArg }, ({ key, merchant, tier }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const sub = yield* withStore(ctx, name === "assign" ? Channels.assign(merchant, tier, key) : Channels.unassign(merchant, tier, key))
        yield* ctx.out.result(
          sub,
          () =>
            `Tier ${sub.tier} ${name === "assign" ? "may now use" : "no longer uses"} ${key} (${sub.channels.length} channel(s) assigned).`
        )
      })
    )
  ).pipe(Command.withDescription(name === "assign" ? "Let a sub-merchant (tier) use a channel" : "Take a channel away from a tier"))

const setDefault = Command.make("default", { merchant: merchantFlag, key: keyArg }, ({ key, merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const m = yield* withStore(ctx, Channels.setDefault(merchant, key))
      yield* ctx.out.result(
        m,
        () => `${key} is the default channel of ${m.code} (test: ${m.defaultChannels.test ?? "-"}, live: ${m.defaultChannels.live ?? "-"}).`
      )
    })
  )
).pipe(Command.withDescription("Make a channel the default of its mode"))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("channel").pipe(
  Command.withDescription("Payment channels"),
  Command.withSubcommands([
    add,
    list,
    show,
    edit,
    toggle("enable"),
    toggle("disable"),
    remove,
    tierCommand("assign"),
    tierCommand("unassign"),
    setDefault
  ])
)
