/**
 * `paymux resolve`: which channel a `request_pay` would use, and on a miss, every candidate it
 * rejected and why.
 *
 * @since 0.1.0
 */
import type { AdminError, AdminServices } from "@paymux/admin"
import { ChannelTerms } from "@paymux/domain"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import * as Flags from "../Flags.ts"
import * as Output from "../Output.ts"
import { Channels, Resolve } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { merchantFlag, readStore } from "../Store.ts"

/** A candidate the resolver rejected (the shape of `@paymux/channel-resolver`'s `Rejection`). */
interface Rejection {
  readonly channel: string
  readonly pg: string
  readonly mode: string
  readonly reason: string
  readonly detail: string
}

const rejectedTable = (rejected: ReadonlyArray<Rejection>): string =>
  Output.table(
    ["CANDIDATE", "PG", "MODE", "REJECTED BECAUSE"],
    rejected.map((r) => [r.channel, r.pg, r.mode, r.detail])
  )

/**
 * The request a `resolve` invocation describes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly merchant: string
  readonly tier?: string | undefined
  /** Absent: the chosen channel's own mode decides. */
  readonly mode?: ChannelTerms.Mode | undefined
  readonly pg?: string | undefined
  readonly channelKey?: string | undefined
  readonly groupId?: string | undefined
  readonly payMethod?: string | undefined
  readonly paymentType?: ChannelTerms.PaymentType | undefined
}

const missTags = new Set(["ChannelNotFound", "NoChannelConfigured", "UnknownTier", "UnknownMerchant"])

/**
 * A resolution as `paymux resolve` shows it: the JSON document, the text, and on a miss the
 * failure it ends with (exit code 1). Shared with `paymux demo`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Answer {
  /** A miss as the failure it ends with: code and exit code from the admin error table. */
  readonly miss?: CliFailure.CliFailure | undefined
  readonly json: unknown
  readonly text: string
}

/**
 * Resolves a request and renders the answer; only errors other than a miss fail.
 *
 * @since 0.1.0
 * @category rendering
 */
export const answer = (request: Request): Effect.Effect<Answer, AdminError.AdminError, AdminServices.AdminServices> =>
  Effect.gen(function* () {
    const result = yield* Effect.result(
      Effect.flatMap(Resolve.resolve(request), (r) => Effect.map(Channels.view(r.channel), (view) => ({ ...r, view })))
    )
    if (result._tag === "Success") {
      const { fellBack, mode, via, view, warning } = result.success
      const lines = [`-> ${view.name}: ${view.pg}.${view.mid} ${view.paymentType} [${view.payMethods.join(",")}] ${view.key} (via ${via})`]
      if (warning !== undefined) lines.push(`   warning: ${warning.detail}`)
      if (fellBack !== undefined) {
        lines.push(`   fell back to the default channel: ${fellBack.detail}`)
        if (fellBack.rejected.length > 0) lines.push(indent(rejectedTable(fellBack.rejected)))
      }
      const extra = { ...(fellBack ? { fellBack } : {}), ...(warning ? { warning } : {}) }
      return { json: { resolved: true, mode, via, channel: view, ...extra }, text: lines.join("\n") }
    }
    const error = result.failure as { readonly _tag: string; readonly message: string; readonly rejected?: ReadonlyArray<Rejection> }
    if (!missTags.has(error._tag)) return yield* Effect.fail(result.failure as AdminError.AdminError)
    const rejected = error.rejected ?? []
    // The same classification as every other failure, so the code is the HTTP API's and the facade's.
    const miss = yield* CliFailure.fromError(error)
    return {
      miss,
      // `reason` (the error's tag) predates `code` and stays for the programs that read it.
      json: { resolved: false, code: miss.code, reason: error._tag, message: error.message, rejected },
      text: [`no channel: ${error.message}`, ...(rejected.length > 0 ? [indent(rejectedTable(rejected))] : [])].join("\n")
    }
  })

const indent = (text: string): string =>
  text
    .split("\n")
    .map((l) => `   ${l}`)
    .join("\n")

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "resolve",
  {
    merchant: merchantFlag,
    tier: Flags.tier.pipe(Flag.optional),
    mode: Flags.mode.pipe(Flag.optional),
    pg: Flag.String("pg").pipe(Flag.withDescription("request_pay's pg: a PG code, or code.MID"), Flag.optional),
    channelKey: Flag.String("channel-key").pipe(Flag.withDescription("request_pay's channelKey"), Flag.optional),
    group: Flag.String("group").pipe(Flag.withDescription("A channel group id"), Flag.optional),
    payMethod: Flag.String("pay-method").pipe(
      Flag.withDescription("request_pay's pay_method, e.g. card (absent: any; identity verification takes none)"),
      Flag.optional
    ),
    type: Flag.Literals("type", ChannelTerms.paymentTypes as ReadonlyArray<ChannelTerms.PaymentType>).pipe(
      Flag.withDescription("Payment type (default window.general)"),
      Flag.optional
    )
  },
  (input) =>
    action((ctx) =>
      Effect.gen(function* () {
        const request: Request = {
          merchant: input.merchant,
          tier: Option.getOrUndefined(input.tier),
          mode: Option.getOrUndefined(input.mode),
          pg: Option.getOrUndefined(input.pg),
          channelKey: Option.getOrUndefined(input.channelKey),
          groupId: Option.getOrUndefined(input.group),
          payMethod: Option.getOrUndefined(input.payMethod),
          paymentType: Option.getOrUndefined(input.type)
        }
        const a = yield* readStore(ctx, answer(request))
        yield* ctx.out.result(a.json, () => a.text)
        if (a.miss !== undefined) {
          const { code, exitCode, message, tag } = a.miss
          return yield* Effect.fail(new CliFailure.CliFailure({ exitCode, code, tag, message, printed: true }))
        }
      })
    )
).pipe(Command.withDescription("Show the channel a request_pay would use, or why none matches"))
