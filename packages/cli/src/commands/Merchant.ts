/**
 * `paymux merchant` (create, list, show, policy, remove) and `paymux submerchant`.
 *
 * @since 0.1.0
 */
import type { Merchants as MerchantUseCases } from "@paymux/admin"
import type { Merchant, SubMerchant } from "@paymux/domain"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Flags from "../Flags.ts"
import * as Output from "../Output.ts"
import { Merchants } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { merchantFlag, requireMerchant, readStore, withStore } from "../Store.ts"

const merchantRow = (m: Merchant.Merchant) => [
  m.code,
  m.name,
  m.policy,
  m.defaultChannels.test,
  m.defaultChannels.live,
  Output.time(m.createdAt)
]
const merchantHeaders = ["CODE", "NAME", "POLICY", "DEFAULT TEST", "DEFAULT LIVE", "CREATED"]

const create = Command.make(
  "create",
  {
    name: Flags.name,
    code: Flag.String("code").pipe(Flag.withDescription("Merchant code (default: a random imp + 8 digits)"), Flag.optional),
    policy: Flag.Literals("policy", ["fallback", "strict"] as const).pipe(
      Flag.withDescription("What an unmatched pg does: fall back to the default channel, or fail"),
      Flag.optional
    )
  },
  ({ code, name, policy }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const m = yield* withStore(
          ctx,
          Merchants.create({ name, code: Option.getOrUndefined(code), policy: Option.getOrUndefined(policy) })
        )
        yield* ctx.out.result(m, () => `Created merchant ${m.code} (${m.name}, ${m.policy} policy).`)
      })
    )
).pipe(Command.withDescription("Create a merchant"))

const list = Command.make("list", {}, () =>
  action((ctx) =>
    Effect.gen(function* () {
      const all = yield* readStore(ctx, Merchants.list())
      yield* ctx.out.result(all, () => Output.table(merchantHeaders, all.map(merchantRow)))
    })
  )
).pipe(Command.withDescription("List merchants"))

const show = Command.make(
  "show",
  {
    merchant: Argument.String("merchant").pipe(Argument.withDescription("Merchant code"))
  },
  ({ merchant }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const m = yield* readStore(ctx, Merchants.get(merchant))
        yield* ctx.out.result(m, () =>
          Output.fields([
            ["code", m.code],
            ["name", m.name],
            ["policy", m.policy],
            ["default test channel", m.defaultChannels.test],
            ["default live channel", m.defaultChannels.live],
            ["created", Output.time(m.createdAt)]
          ])
        )
      })
    )
).pipe(Command.withDescription("Show a merchant"))

const policy = Command.make(
  "policy",
  {
    merchant: merchantFlag,
    policy: Argument.Literals("policy", ["fallback", "strict"] as const)
  },
  ({ merchant, policy }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const m = yield* withStore(ctx, Merchants.setPolicy(merchant, policy))
        yield* ctx.out.result(m, () => `${m.code} now uses the ${m.policy} policy for an unmatched pg.`)
      })
    )
).pipe(Command.withDescription("Set the default-channel policy: fallback or strict"))

// What each count of a removal is, in the order the store reports them.
const removedLabels = {
  subMerchants: "sub-merchants",
  channels: "channels (with their credentials)",
  channelGroups: "channel groups",
  webhookSecrets: "modes' webhook signing secrets",
  apiKeys: "API keys (revoked ones too)",
  deliveries: "webhook deliveries (with their payloads)",
  deliveryAttempts: "delivery attempts",
  idempotencyRecords: "Idempotency-Key records",
  changes: "change-feed entries",
  auditEntries: "audit entries"
} as const satisfies Record<keyof MerchantUseCases.Removal["removed"], string>

const remove = Command.make(
  "remove",
  {
    merchant: merchantFlag,
    confirm: Flag.String("confirm").pipe(
      Flag.withDescription("The merchant code again: removing deletes everything stored for the merchant, for good"),
      Flag.optional
    )
  },
  ({ confirm, merchant }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const removal = yield* withStore(ctx, Merchants.remove(merchant, { confirm: Option.getOrElse(confirm, () => "") }))
        yield* ctx.out.result(removal, () =>
          [
            `Removed merchant ${removal.merchant} and everything stored for it, with its webhook settings and whitelist:`,
            Output.fields(
              Object.entries(removedLabels).map(([kind, label]) => [label, removal.removed[kind as keyof typeof removedLabels]])
            ),
            "Its audit trail now holds one entry, merchant.remove, with these counts. Backups made before still hold the merchant."
          ].join("\n")
        )
      })
    )
).pipe(Command.withDescription("Remove a merchant and everything stored for it (confirm with --confirm <merchant code>)"))

/**
 * @since 0.1.0
 * @category commands
 */
export const merchant = Command.make("merchant").pipe(
  Command.withDescription("Merchants"),
  Command.withSubcommands([create, list, show, policy, remove])
)

const subRow = (s: SubMerchant.SubMerchant) => [s.merchant, s.tier, s.name, s.channels.length, Output.time(s.createdAt), s.version]

const subCreate = Command.make(
  "create",
  {
    merchant: merchantFlag,
    tier: Flags.tier,
    name: Flags.name.pipe(Flag.optional)
  },
  ({ merchant, name, tier }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const s = yield* withStore(ctx, Merchants.createSubMerchant({ merchant, tier, name: Option.getOrUndefined(name) }))
        yield* ctx.out.result(
          s,
          () => `Created sub-merchant ${s.tier} (${s.name}) under ${s.merchant}. Assign channels with: paymux channel assign`
        )
      })
    )
).pipe(Command.withDescription("Create a sub-merchant (tier) under a merchant"))

const subList = Command.make("list", { merchant: merchantFlag }, ({ merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const subs = yield* readStore(ctx, requireMerchant(merchant, Merchants.listSubMerchants(merchant)))
      yield* ctx.out.result(subs, () => Output.table(["MERCHANT", "TIER", "NAME", "CHANNELS", "CREATED", "VERSION"], subs.map(subRow)))
    })
  )
).pipe(Command.withDescription("List a merchant's sub-merchants"))

const subRename = Command.make(
  "rename",
  { merchant: merchantFlag, tier: Flags.tier, name: Flags.name, ifVersion: Flags.ifVersion },
  ({ ifVersion, merchant, name, tier }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const s = yield* withStore(ctx, Merchants.renameSubMerchant(merchant, tier, name, { version: Option.getOrUndefined(ifVersion) }))
        yield* ctx.out.result(s, () => `Renamed sub-merchant ${s.tier} of ${s.merchant} to ${s.name} (now version ${s.version}).`)
      })
    )
).pipe(Command.withDescription("Rename a sub-merchant (tier)"))

const subDelete = Command.make(
  "delete",
  { merchant: merchantFlag, tier: Flags.tier, ifVersion: Flags.ifVersion },
  ({ ifVersion, merchant, tier }) =>
    action((ctx) =>
      Effect.gen(function* () {
        yield* withStore(ctx, Merchants.removeSubMerchant(merchant, tier, { version: Option.getOrUndefined(ifVersion) }))
        yield* ctx.out.result(
          { removed: tier, merchant },
          () => `Deleted sub-merchant ${tier} of ${merchant} and its channel assignments; the channels stay with ${merchant}.`
        )
      })
    )
).pipe(Command.withDescription("Delete a sub-merchant (tier) and its channel assignments"))

/**
 * @since 0.1.0
 * @category commands
 */
export const submerchant = Command.make("submerchant").pipe(
  Command.withDescription("Sub-merchants (tiers)"),
  Command.withSubcommands([subCreate, subList, subRename, subDelete])
)
