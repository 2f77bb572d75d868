/**
 * `paymux webhook endpoint ...`: a mode's endpoints with event filters (add, update, remove,
 * enable after an automatic disable), and `paymux webhook resend-failed`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import type * as Admin from "@paymux/admin"
import { PageLimit } from "@paymux/domain"
import * as CliFailure from "../CliFailure.ts"
import * as Flags from "../Flags.ts"
import * as Output from "../Output.ts"
import { WebhookEndpoints, Webhooks } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { merchantFlag, withStore } from "../Store.ts"

/**
 * A mode's new signing secret, shown the one time it exists: the receiver needs it to verify.
 *
 * @internal
 */
export const secretNotice = (mode: string, secret: Redacted.Redacted<string>): string =>
  [
    `New ${mode} signing secret: ${Redacted.value(secret)}`,
    "Store it now in your receiver (e.g. PAYMUX_WEBHOOK_SECRET): it is shown only this once."
  ].join("\n")

/**
 * The endpoints of both modes as a table, with their health.
 *
 * @since 0.1.0
 * @category output
 */
export const endpointTable = (settings: Admin.WebhookEndpoints.SettingsView): string =>
  Output.table(
    ["MODE", "ENDPOINT", "URL", "EVENTS", "HEALTH"],
    (["test", "live"] as const).flatMap((mode) =>
      settings[mode].endpoints.map((e) => [
        mode,
        e.id,
        e.url,
        e.events?.join(",") ?? "all",
        e.disabledAt !== null
          ? `disabled ${Output.time(e.disabledAt)}`
          : e.consecutiveFailures > 0
            ? `${e.consecutiveFailures} failure(s) since ${Output.time(e.failingSince ?? undefined)}`
            : "ok"
      ])
    )
  )

const endpointFlag = Flag.String("id").pipe(Flag.withDescription("Endpoint id (paymux webhook show lists them)"))
const eventsFlag = Flag.String("event").pipe(
  Flag.withDescription("An event type it receives, e.g. Transaction.Paid (repeat; none: every event)"),
  Flag.atLeast(0)
)

const add = Command.make(
  "add",
  {
    merchant: merchantFlag,
    mode: Flags.mode,
    url: Flag.String("url").pipe(Flag.withDescription("Endpoint URL (live: https)")),
    events: eventsFlag
  },
  ({ events, merchant, mode, url }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const r = yield* withStore(
          ctx,
          WebhookEndpoints.addEndpoint({ merchant, mode, url, events: events.length === 0 ? undefined : events })
        )
        const secret = r.newSecret
        yield* ctx.out.result({ ...r, ...(secret === undefined ? {} : { newSecret: Redacted.value(secret) }) }, () =>
          [
            `Added ${mode} endpoint ${r.endpointId}: ${url} (${events.length === 0 ? "every event" : events.join(", ")})`,
            ...(secret === undefined ? [] : [secretNotice(mode, secret)])
          ].join("\n")
        )
      })
    )
).pipe(Command.withDescription("Add an endpoint to a mode, optionally for some event types only"))

const update = Command.make(
  "update",
  {
    merchant: merchantFlag,
    mode: Flags.mode,
    id: endpointFlag,
    url: Flag.String("url").pipe(Flag.withDescription("New URL"), Flag.optional),
    events: eventsFlag,
    allEvents: Flag.Boolean("all-events").pipe(Flag.withDescription("Drop the event filter: receive every event"), Flag.withDefault(false))
  },
  ({ allEvents, events, id, merchant, mode, url }) =>
    action((ctx) =>
      Effect.gen(function* () {
        if (allEvents && events.length > 0) {
          return yield* Effect.fail(CliFailure.badInput("--event and --all-events exclude each other", "pass one of them"))
        }
        if (Option.isNone(url) && events.length === 0 && !allEvents) {
          return yield* Effect.fail(CliFailure.nothingToChange("--url, --event or --all-events"))
        }
        const settings = yield* withStore(
          ctx,
          WebhookEndpoints.updateEndpoint({
            merchant,
            mode,
            endpointId: id,
            url: Option.getOrUndefined(url),
            events: allEvents ? null : events.length === 0 ? undefined : events
          })
        )
        yield* ctx.out.result(settings, () => endpointTable(settings))
      })
    )
).pipe(Command.withDescription("Change an endpoint's URL or event filter (pending deliveries follow a new URL)"))

const remove = Command.make("remove", { merchant: merchantFlag, mode: Flags.mode, id: endpointFlag }, ({ id, merchant, mode }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const settings = yield* withStore(ctx, WebhookEndpoints.removeEndpoint({ merchant, mode, endpointId: id }))
      yield* ctx.out.result(settings, () => `Removed ${mode} endpoint ${id}; its pending deliveries will be dead-lettered unsent.`)
    })
  )
).pipe(Command.withDescription("Remove an endpoint"))

const enable = Command.make("enable", { merchant: merchantFlag, mode: Flags.mode, id: endpointFlag }, ({ id, merchant, mode }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const settings = yield* withStore(ctx, WebhookEndpoints.enableEndpoint({ merchant, mode, endpointId: id }))
      yield* ctx.out.result(
        settings,
        () =>
          `Enabled ${mode} endpoint ${id}. Deliveries that failed meanwhile stay failed: paymux webhook resend-failed --merchant ${merchant} --since <time>`
      )
    })
  )
).pipe(Command.withDescription("Enable an endpoint Paymux disabled after days of failures"))

/**
 * @since 0.1.0
 * @category commands
 */
export const endpointCommands = Command.make("endpoint").pipe(
  Command.withDescription("A mode's endpoints: add, update, remove, enable"),
  Command.withSubcommands([add, update, remove, enable])
)

/**
 * @since 0.1.0
 * @category commands
 */
export const resendFailed = Command.make(
  "resend-failed",
  {
    merchant: merchantFlag,
    since: Flag.String("since").pipe(
      Flag.withDescription("Deliveries created at or after this time: an ISO time, epoch ms, or a duration ago (7d, 12h)")
    ),
    mode: Flags.mode.pipe(Flag.optional),
    url: Flag.String("url").pipe(Flag.withDescription("Send them to this URL instead of where each goes now"), Flag.optional),
    limit: Flags.pageLimit("At most this many", PageLimit.failedResends)
  },
  ({ limit, merchant, mode, since, url }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const at = yield* Flags.parseTime("since", since, "ago")
        const r = yield* withStore(
          ctx,
          Webhooks.resendFailed({ merchant, since: at, mode: Option.getOrUndefined(mode), url: Option.getOrUndefined(url), limit })
        )
        yield* ctx.out.result(
          r,
          () =>
            `Queued ${r.queued.length} failed deliver${r.queued.length === 1 ? "y" : "ies"} again` +
            (r.alreadyHandled === 0
              ? "."
              : `; ${r.alreadyHandled} ${r.alreadyHandled === 1 ? "was" : "were"} already delivered or queued again.`) +
            "\nThey go out with the next run of: paymux webhook dispatch"
        )
      })
    )
).pipe(Command.withDescription("Resend every failed delivery since a time (each message once per target)"))
