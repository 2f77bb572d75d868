/**
 * `paymux group`: channel groups ("smart routing"): 1-10 channels of one mode, weights summing
 * to 100.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import * as Flags from "../Flags.ts"
import * as Output from "../Output.ts"
import { ChannelGroups } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { merchantFlag, ofMerchant, withStore } from "../Store.ts"

const create = Command.make(
  "create",
  {
    merchant: merchantFlag,
    name: Flags.name,
    mode: Flags.mode,
    member: Flag.KeyValuePair("member").pipe(Flag.withDescription("A member as channel-key=weight (repeatable; weights sum to 100)"))
  },
  ({ member, merchant, mode, name }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const members: Array<{ channel: string; weight: number }> = []
        for (const [channel, w] of Object.entries(member)) {
          const weight = Number(w)
          if (!/^\d+$/.test(w) || !Number.isInteger(weight)) {
            return yield* Effect.fail(
              CliFailure.badInput(
                `the weight of ${channel} is not a whole number: ${JSON.stringify(w)}`,
                "--member channel-key-...=60 --member channel-key-...=40"
              )
            )
          }
          members.push({ channel, weight })
        }
        const group = yield* withStore(ctx, ChannelGroups.create({ merchant, name, mode, members }))
        yield* ctx.out.result(group, () => `Created ${mode} group ${group.id} (${group.name}) with ${group.members.length} channel(s).`)
      })
    )
).pipe(Command.withDescription("Create a channel group"))

const list = Command.make("list", { merchant: merchantFlag }, ({ merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const groups = yield* withStore(ctx, ofMerchant(merchant, ChannelGroups.list(merchant)))
      yield* ctx.out.result(groups, () =>
        Output.table(
          ["ID", "NAME", "MODE", "MEMBERS"],
          groups.map((g) => [g.id, g.name, g.mode, g.members.map((m) => `${m.channel}=${m.weight}`).join(" ")])
        )
      )
    })
  )
).pipe(Command.withDescription("List a merchant's channel groups"))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("group").pipe(
  Command.withDescription("Channel groups (weighted routing)"),
  Command.withSubcommands([create, list])
)
