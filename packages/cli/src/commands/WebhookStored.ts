/**
 * The store-backed `paymux webhook` subcommands: settings per mode, signing-secret rotation (ended
 * by retiring the older secret, or cancelled when the newer was lost), test send, delivery history,
 * resend and the delivery worker (`dispatch`). A new signing secret is printed once, when created.
 *
 * `webhook test` is the operator acting locally: a test URL may be loopback (a receiver on this
 * machine). `webhook dispatch` sends merchants' queued notifications, so like `paymux serve` it
 * refuses loopback and private targets unless `--allow-private-webhooks` is given.
 *
 * @since 0.1.0
 */
import type { Webhooks as WebhookTypes } from "@paymux/admin"
import { PageLimit } from "@paymux/domain"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import * as Flags from "../Flags.ts"
import * as Output from "../Output.ts"
import { WebhookEndpoints, WebhookSecrets, Webhooks } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { merchantFlag, parseExistingTarget, requireMerchant, readStore, withStore } from "../Store.ts"
import { endpointCommands, endpointTable, resendFailed, secretNotice } from "./WebhookEndpoints.ts"

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const set = Command.make(
  "set",
  {
    merchant: merchantFlag,
    mode: Flags.mode,
    url: Flag.String("url").pipe(Flag.withDescription("Notification URL (live URLs must be https)"), Flag.optional),
    clear: Flag.Boolean("clear").pipe(Flag.withDescription("Remove the URL of the mode"), Flag.withDefault(false)),
    contentType: Flag.Literals("content-type", ["json", "form"] as const).pipe(
      Flag.withDescription("Body encoding of this mode: json (the event) or form (V1's fields, form-encoded)"),
      Flag.optional
    )
  },
  ({ clear, contentType, merchant, mode, url }) =>
    action((ctx) =>
      Effect.gen(function* () {
        if (clear && Option.isSome(url))
          return yield* Effect.fail(CliFailure.badInput("--url and --clear exclude each other", "pass one of them"))
        if (!clear && Option.isNone(url) && Option.isNone(contentType)) {
          return yield* Effect.fail(CliFailure.nothingToChange("--url, --clear or --content-type"))
        }
        const result = yield* withStore(
          ctx,
          WebhookEndpoints.set({
            merchant,
            mode,
            url: clear ? null : Option.getOrUndefined(url),
            contentType: Option.getOrUndefined(contentType)
          })
        )
        const secret = result.newSecret
        yield* ctx.out.result({ ...result.settings, ...(secret === undefined ? {} : { newSecret: Redacted.value(secret) }) }, () =>
          [
            `${result.settings.merchant} ${mode} webhook URL: ${result.settings[mode].endpoints.map((e) => e.url).join(", ") || "(none)"} (${result.settings[mode].contentType})`,
            ...(secret === undefined ? [] : [secretNotice(mode, secret)])
          ].join("\n")
        )
        // A retry after a lost answer looks like any other success: say where the secret went.
        const active = result.settings.activeSecrets[mode]
        if (Option.isSome(url) && secret === undefined && active > 0) {
          const flags = `--merchant ${merchant} --mode ${mode}`
          yield* ctx.out.say(
            active === 1
              ? `note: no new signing secret: the ${mode} one was shown once, when it was made; if it was lost: paymux webhook rotate-secret ${flags}, then, once receivers have the new one, paymux webhook retire-secret ${flags}`
              : `note: no new signing secret: the ${mode} mode is in a rotation, its secrets each shown once when made; if the newer one was lost: paymux webhook cancel-rotation ${flags}, then rotate again`
          )
        }
      })
    )
).pipe(Command.withDescription("Set (or --clear) the webhook URL and/or the body encoding of a mode"))

const show = Command.make("show", { merchant: merchantFlag }, ({ merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const { missing, settings } = yield* readStore(
        ctx,
        Effect.all({ settings: WebhookEndpoints.show(merchant), missing: WebhookEndpoints.readiness(merchant) })
      )
      yield* ctx.out.result({ ...settings, readiness: missing }, () =>
        [
          Output.fields([
            ["merchant", settings.merchant],
            ["test", `${settings.test.contentType}, ${settings.test.endpoints.length} endpoint(s)`],
            ["live", `${settings.live.contentType}, ${settings.live.endpoints.length} endpoint(s)`],
            ["signing secrets", `test ${settings.activeSecrets.test}, live ${settings.activeSecrets.live} active`]
          ]),
          endpointTable(settings),
          ...missing.map((m) => `warning: ${m.reason}`)
        ].join("\n")
      )
    })
  )
).pipe(Command.withDescription("Show webhook settings (never the secrets) and readiness warnings"))

/** A test send's outcome as one line, with the receiver's words when it answered otherwise than 2xx. */
const testReport = (result: WebhookTypes.TestResult): string => {
  if (result.ok) return `delivered: ${result.url} answered ${result.httpStatus} in ${Math.round(result.latencyMillis)} ms`
  const what =
    result.outcome === "refused"
      ? `not sent (${result.error ?? "refused"})`
      : result.outcome === "unreachable"
        ? `did not answer (${result.error ?? "no response"})`
        : `answered ${result.httpStatus}`
  return `failed: ${result.url} ${what}${result.responseExcerpt ? `\n  ${result.responseExcerpt.slice(0, 200)}` : ""}`
}

const test = Command.make(
  "test",
  {
    merchant: merchantFlag,
    mode: Flags.mode,
    format: Flag.Literals("format", ["v1", "v2"] as const).pipe(
      Flag.withDescription(
        "v1: V1's fields form-encoded (a form mode); v2: a JSON Webhook.Test event (a JSON mode). Default: what the mode sends; the other is refused"
      ),
      Flag.optional
    ),
    endpoint: Flag.String("endpoint").pipe(Flag.withDescription("Endpoint id (default: the mode's first endpoint)"), Flag.optional)
  },
  ({ endpoint, format, merchant, mode }) =>
    action((ctx) =>
      Effect.gen(function* () {
        yield* ctx.out.say(`Sending a signed test notification to the saved ${mode} URL...`)
        const options = { format: Option.getOrUndefined(format), endpointId: Option.getOrUndefined(endpoint) }
        const result = yield* withStore(ctx, Webhooks.test(merchant, mode, { ...options, privateTargets: "test-mode" }))
        yield* ctx.out.result(result, () => testReport(result))
        if (!result.ok) return yield* Effect.fail(CliFailure.negativeAnswer("WebhookTestFailed", `the receiver did not accept the test`))
      })
    )
).pipe(Command.withDescription("Post a signed test notification (V1 or V2 shape) to a saved endpoint and report the answer"))

const history = Command.make(
  "history",
  {
    merchant: merchantFlag,
    limit: Flags.pageLimit("At most this many deliveries", PageLimit.deliveryHistory),
    after: Flags.pageAfter("delivery")
  },
  ({ after, limit, merchant }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const all = yield* readStore(
          ctx,
          requireMerchant(merchant, Webhooks.history(merchant, { limit, after: Option.getOrUndefined(after) }))
        )
        yield* ctx.out.result(
          all,
          () =>
            Output.table(
              ["DELIVERY", "MESSAGE", "MODE", "EVENT", "STATUS", "ATTEMPTS", "LAST STATUS", "CREATED"],
              all.map(({ attempts, delivery: d }) => [
                d.id,
                d.messageId,
                d.mode,
                d.eventType,
                d.status,
                `${d.attempts}/${d.maxAttempts}`,
                attempts.at(-1)?.httpStatus ?? attempts.at(-1)?.error ?? undefined,
                Output.time(d.createdAt)
              ])
            ) + Flags.nextPageHint(`paymux webhook history -m ${merchant}`, all, limit, all.at(-1)?.delivery.id)
        )
      })
    )
).pipe(Command.withDescription("Delivery history, newest first, a page at a time"))

const resend = Command.make(
  "resend",
  {
    merchant: merchantFlag,
    url: Flag.String("url").pipe(Flag.withDescription("Send to this URL instead of where the delivery goes now"), Flag.optional),
    delivery: Argument.String("delivery").pipe(
      Argument.withDescription("Delivery id (paymux webhook history)"),
      Argument.filter(
        (id) => uuid.test(id),
        () => "a delivery id is a UUID; paymux webhook history lists them"
      )
    )
  },
  ({ delivery, merchant, url }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const again = yield* withStore(ctx, Webhooks.resend(merchant, delivery, { url: Option.getOrUndefined(url) }))
        const where = again.endpointId === null ? again.url : `the ${again.mode} URL configured when it is sent`
        yield* ctx.out.result(
          again,
          () =>
            `Queued ${again.id}: the same message ${again.messageId}, to ${where}.\nIt goes out with the next run of: paymux webhook dispatch`
        )
      })
    )
).pipe(Command.withDescription("Queue a delivery again (same webhook-id, so receivers deduplicate)"))

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

const dispatch = Command.make(
  "dispatch",
  {
    once: Flag.Boolean("once").pipe(
      Flag.withDescription("Deliver what is due now, one attempt each, then exit (for cron); default: run until Ctrl-C"),
      Flag.withDefault(false)
    ),
    concurrency: Flags.boundedInt("concurrency", "Deliveries in flight at once (default: the dispatcher's, 16)", 100).pipe(Flag.optional),
    allowPrivate: Flags.allowPrivateWebhooks
  },
  ({ allowPrivate, concurrency: given, once }) =>
    action((ctx) =>
      Effect.gen(function* () {
        // A new, empty database has no outbox: the real one would never be dispatched.
        yield* parseExistingTarget(ctx.db)
        const privateTargets = allowPrivate ? "allow" : "refuse"
        const sized = Option.match(given, { onNone: () => ({}), onSome: (concurrency) => ({ concurrency }) })
        if (once) {
          const report = yield* withStore(ctx, Webhooks.deliverDue({ ...sized, privateTargets }))
          const { attempted, delivered, retrying, deadLettered, unrecorded, claimFailed } = report
          const lost = `${unrecorded} of them could not be recorded (see the warnings above): they stay pending and go out again once their lease lapses.`
          const unclaimed = "The store refused a claim (see the warning above): what is still due was not attempted."
          // Exit 0 whatever the receivers answered: the worker did its job, and the counts (and
          // paymux webhook history) say what became of each delivery.
          yield* ctx.out.result({ attempted, delivered, retrying, deadLettered, unrecorded, claimFailed }, () =>
            [
              attempted === 0
                ? claimFailed
                  ? "Nothing was attempted."
                  : "Nothing was due."
                : `Attempted ${plural(attempted, "delivery", "deliveries")}: ${delivered} delivered, ${retrying} to be retried later, ${deadLettered} dead-lettered; see paymux webhook history.`,
              ...(unrecorded > 0 ? [lost] : []),
              ...(claimFailed ? [unclaimed] : [])
            ].join("\n")
          )
          // A cron job must see that the store did not take what happened, or refused to hand out
          // what was due (exit 3): neither is "nothing was due".
          if (unrecorded > 0 || claimFailed) {
            return yield* Effect.fail(
              new CliFailure.CliFailure({
                exitCode: CliFailure.ExitCode.storeUnavailable,
                tag: claimFailed ? "ClaimFailed" : "AttemptsUnrecorded",
                message: claimFailed ? "the store refused a claim" : `${unrecorded} attempt(s) could not be recorded`,
                printed: true
              })
            )
          }
          return
        }
        // One document with --json, as serve prints at start; the rest is log lines on stderr.
        yield* ctx.out.result({ dispatching: true }, () => "Delivering queued webhooks; Ctrl-C stops after the attempts in flight.")
        return yield* withStore(ctx, Webhooks.runDispatcher({ ...sized, privateTargets }))
      })
    )
).pipe(Command.withDescription("Deliver queued webhooks, retrying failures on a backoff schedule (docs/webhooks.md)"))

const prune = Command.make(
  "prune",
  {
    before: Flags.pruneBefore("what was last changed")
  },
  ({ before }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const at = yield* Flags.parseTime("before", before, "ago")
        const { deleted } = yield* withStore(ctx, Webhooks.pruneDeliveries(at))
        yield* ctx.out.result({ deleted, before: at }, () =>
          deleted === 0
            ? `No finished delivery was last changed before ${Output.time(at)}.`
            : `Deleted ${deleted} finished deliver${deleted === 1 ? "y" : "ies"} (and their attempts) last changed before ${Output.time(at)}.`
        )
      })
    )
).pipe(
  Command.withDescription(
    "Delete delivered and dead-lettered deliveries, with their attempts, last changed before a time (pending ones stay); for a daily job"
  )
)

const rotateSecret = Command.make("rotate-secret", { merchant: merchantFlag, mode: Flags.mode }, ({ merchant, mode }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const secret = yield* withStore(ctx, WebhookSecrets.rotate(merchant, mode))
      yield* ctx.out.result(
        { mode, newSecret: Redacted.value(secret) },
        () =>
          `${secretNotice(mode, secret)}\nBoth secrets sign until you run: paymux webhook retire-secret --merchant ${merchant} --mode ${mode}`
      )
    })
  )
).pipe(Command.withDescription("Add a new signing secret beside the current one (printed once)"))

const retireSecret = Command.make("retire-secret", { merchant: merchantFlag, mode: Flags.mode }, ({ merchant, mode }) =>
  action((ctx) =>
    Effect.gen(function* () {
      yield* withStore(ctx, WebhookSecrets.retire(merchant, mode))
      yield* ctx.out.result({ mode, retired: true }, () => `The older ${mode} signing secret no longer signs.`)
    })
  )
).pipe(Command.withDescription("End a rotation: the older secret stops signing"))

const cancelRotation = Command.make("cancel-rotation", { merchant: merchantFlag, mode: Flags.mode }, ({ merchant, mode }) =>
  action((ctx) =>
    Effect.gen(function* () {
      yield* withStore(ctx, WebhookSecrets.cancelRotation(merchant, mode))
      yield* ctx.out.result(
        { mode, cancelled: true },
        () =>
          `The newer ${mode} signing secret no longer signs; the older one signs alone again.\nTo rotate again: paymux webhook rotate-secret --merchant ${merchant} --mode ${mode}`
      )
    })
  )
).pipe(Command.withDescription("Cancel a rotation: the newer secret stops signing, the older signs alone (when the new one was lost)"))

/**
 * @since 0.1.0
 * @category commands
 */
export const storedCommands = [
  set,
  show,
  test,
  history,
  resend,
  resendFailed,
  dispatch,
  prune,
  rotateSecret,
  retireSecret,
  cancelRotation,
  endpointCommands
] as const
