/**
 * `paymux group`: channel groups ("smart routing"): 1-10 channels of one mode, weights summing
 * to 100.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import * as Flags from "../Flags.ts"
import * as Output from "../Output.ts"
import { ChannelGroups } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { merchantFlag, requireMerchant, readStore, withStore } from "../Store.ts"

// Read as plain strings, not effect/cli's key=value map: a map would fold a channel given twice
// into one member, and the domain's duplicate-member rule could never speak.
const memberFlag = Flag.String("member").pipe(
  Flag.withDescription("A member as channel-key=weight (repeatable; weights sum to 100)"),
  Flag.atLeast(1)
)

const memberHint = "--member channel-key-...=60 --member channel-key-...=40"

/** `--member key=weight` values as members, in the order given; one not of that form is bad input. */
const membersOf = (given: ReadonlyArray<string>): Effect.Effect<Array<{ channel: string; weight: number }>, CliFailure.CliFailure> =>
  Effect.suspend(() => {
    const members: Array<{ channel: string; weight: number }> = []
    for (const text of given) {
      const at = text.indexOf("=")
      const channel = text.slice(0, at)
      const weight = text.slice(at + 1)
      if (at <= 0)
        return Effect.fail(CliFailure.invalidInput("member", `--member takes channel-key=weight, got ${JSON.stringify(text)}`, memberHint))
      if (!/^\d+$/.test(weight)) {
        return Effect.fail(
          CliFailure.invalidInput("member", `the weight of ${channel} is not a whole number: ${JSON.stringify(weight)}`, memberHint)
        )
      }
      members.push({ channel, weight: Number(weight) })
    }
    return Effect.succeed(members)
  })

const membersText = (g: { readonly members: ReadonlyArray<{ readonly channel: string; readonly weight: number }> }) =>
  g.members.map((m) => `${m.channel}=${m.weight}`).join(" ")

const idArg = Argument.String("id").pipe(Argument.withDescription("Group id"))

const create = Command.make(
  "create",
  {
    merchant: merchantFlag,
    name: Flags.name,
    mode: Flags.mode,
    member: memberFlag
  },
  ({ member, merchant, mode, name }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const members = yield* membersOf(member)
        const group = yield* withStore(ctx, ChannelGroups.create({ merchant, name, mode, members }))
        yield* ctx.out.result(group, () => `Created ${mode} group ${group.id} (${group.name}) with ${group.members.length} channel(s).`)
      })
    )
).pipe(Command.withDescription("Create a channel group"))

const list = Command.make("list", { merchant: merchantFlag }, ({ merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const groups = yield* readStore(ctx, requireMerchant(merchant, ChannelGroups.list(merchant)))
      yield* ctx.out.result(groups, () =>
        Output.table(
          ["ID", "NAME", "MODE", "MEMBERS", "VERSION"],
          groups.map((g) => [g.id, g.name, g.mode, membersText(g), g.version])
        )
      )
    })
  )
).pipe(Command.withDescription("List a merchant's channel groups"))

const edit = Command.make(
  "edit",
  {
    merchant: merchantFlag,
    id: idArg,
    name: Flags.name.pipe(Flag.optional),
    member: memberFlag.pipe(Flag.optional),
    ifVersion: Flags.ifVersion
  },
  ({ id, ifVersion, member, merchant, name }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const members = Option.isSome(member) ? yield* membersOf(member.value) : undefined
        if (Option.isNone(name) && members === undefined) {
          return yield* Effect.fail(CliFailure.nothingToChange("--name, or the whole new member list with --member"))
        }
        const group = yield* withStore(
          ctx,
          ChannelGroups.edit(merchant, id, { name: Option.getOrUndefined(name), members }, { version: Option.getOrUndefined(ifVersion) })
        )
        yield* ctx.out.result(
          group,
          () => `Updated group ${group.id} (${group.name}, now version ${group.version}): ${membersText(group)}.`
        )
      })
    )
).pipe(Command.withDescription("Edit a group's name or members (--member replaces the whole list)"))

const remove = Command.make("delete", { merchant: merchantFlag, id: idArg, ifVersion: Flags.ifVersion }, ({ id, ifVersion, merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      yield* withStore(ctx, ChannelGroups.remove(merchant, id, { version: Option.getOrUndefined(ifVersion) }))
      yield* ctx.out.result({ removed: id, merchant }, () => `Deleted group ${id}; its channels stay.`)
    })
  )
).pipe(Command.withDescription("Delete a channel group"))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("group").pipe(
  Command.withDescription("Channel groups (weighted routing)"),
  Command.withSubcommands([create, list, edit, remove])
)
