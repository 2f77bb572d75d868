/**
 * `paymux apikey`: issue (the secret is printed once), list, rotate (the old secret stops working
 * at once), revoke, verify.
 *
 * @since 0.1.0
 */
import type { ApiKeys as ApiKeyTypes } from "@paymux/admin"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import * as Flags from "../Flags.ts"
import * as Output from "../Output.ts"
import { ApiKeys } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { merchantFlag, requireMerchant, readStore, withStore } from "../Store.ts"

const idArg = Argument.String("id").pipe(Argument.withDescription("API key id (ak_...)"))

const headers = ["ID", "NAME", "STATUS", "CREATED", "EXPIRES", "REVOKED"]
const row = (k: ApiKeyTypes.ApiKeyView) => [
  k.id,
  k.name,
  k.status,
  Output.time(k.createdAt),
  Output.time(k.expiresAt),
  Output.time(k.revokedAt)
]

/** The one place a new API secret is printed. */
const printIssued = (out: Output.Output, issued: ApiKeyTypes.IssuedKey, verb: string) =>
  out.result({ ...issued.key, secret: Redacted.value(issued.secret) }, () =>
    [
      `${verb} API key ${issued.key.id} (${issued.key.name}) for ${issued.key.merchant}.`,
      `expires: ${Output.time(issued.key.expiresAt) ?? "never"}`,
      `secret: ${Redacted.value(issued.secret)}`,
      "Store the secret now: it is shown only this once and kept only as a hash."
    ].join("\n")
  )

const issue = Command.make(
  "issue",
  {
    merchant: merchantFlag,
    name: Flags.name.pipe(Flag.withDefault("default")),
    expires: Flag.String("expires").pipe(
      Flag.withDescription("Expiry: an ISO time, epoch ms, or a duration from now (90d, 12h)"),
      Flag.optional
    )
  },
  ({ expires, merchant, name }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const expiresAt = Option.isSome(expires) ? yield* Flags.parseTime("expires", expires.value, "ahead") : undefined
        const issued = yield* withStore(ctx, ApiKeys.issue({ merchant, name, expiresAt }))
        yield* printIssued(ctx.out, issued, "Issued")
      })
    )
).pipe(Command.withDescription("Issue an API key; its secret is printed once"))

const list = Command.make("list", { merchant: merchantFlag }, ({ merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const keys = yield* readStore(ctx, requireMerchant(merchant, ApiKeys.list(merchant)))
      yield* ctx.out.result(keys, () => Output.table(headers, keys.map(row)))
    })
  )
).pipe(Command.withDescription("List a merchant's API keys (never their secrets)"))

const rotate = Command.make("rotate", { merchant: merchantFlag, id: idArg }, ({ id, merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const issued = yield* withStore(ctx, ApiKeys.rotate(merchant, id))
      yield* printIssued(ctx.out, issued, "Rotated")
      yield* ctx.out.say("The previous secret no longer works.")
    })
  )
).pipe(Command.withDescription("Replace a key's secret; the old one stops working at once"))

const revoke = Command.make("revoke", { merchant: merchantFlag, id: idArg }, ({ id, merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const key = yield* withStore(ctx, ApiKeys.revoke(merchant, id))
      yield* ctx.out.result(key, () => `Revoked ${key.id}.`)
    })
  )
).pipe(Command.withDescription("Revoke a key"))

const verify = Command.make(
  "verify",
  {
    id: idArg,
    secret: Flag.Redacted("secret").pipe(Flag.withDescription("The secret to check (or PAYMUX_API_SECRET)"), Flag.optional)
  },
  ({ id, secret }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const env = process.env.PAYMUX_API_SECRET
        const presented = Option.isSome(secret) ? secret.value : env !== undefined && env !== "" ? Redacted.make(env) : undefined
        if (presented === undefined)
          return yield* Effect.fail(CliFailure.badInput("no secret given", "pass --secret or set PAYMUX_API_SECRET"))
        const result = yield* withStore(ctx, Effect.result(ApiKeys.verify(id, presented)))
        if (result._tag === "Success") {
          return yield* ctx.out.result(
            { valid: true, key: result.success },
            () => `valid: ${result.success.id} (${result.success.name}) of ${result.success.merchant}`
          )
        }
        const failure = result.failure
        if (failure._tag !== "Unauthenticated") return yield* Effect.fail(failure)
        yield* ctx.out.result({ valid: false }, () => "invalid: the API key or secret is not valid")
        return yield* Effect.fail(CliFailure.negativeAnswer("Unauthenticated", "the API key or secret is not valid"))
      })
    )
).pipe(Command.withDescription("Check a key id and secret (exit 1 when refused)"))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("apikey").pipe(
  Command.withDescription("API keys"),
  Command.withSubcommands([issue, list, rotate, revoke, verify])
)
