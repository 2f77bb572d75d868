/**
 * Flags shared by several command groups.
 *
 * @since 0.1.0
 */
import { Identifiers, type PageLimit } from "@paymux/domain"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "./CliFailure.ts"
import * as Output from "./Output.ts"

/**
 * `--mode test|live`.
 *
 * @since 0.1.0
 * @category flags
 */
export const mode = Flag.Literals("mode", ["test", "live"] as const).pipe(Flag.withDescription("Integration mode"))

/**
 * `--tier`: a sub-merchant's tier code.
 *
 * @since 0.1.0
 * @category flags
 */
export const tier = Flag.String("tier").pipe(Flag.withDescription(`Tier code of a sub-merchant: ${Identifiers.tierCodeRule}`))

/**
 * `--name`.
 *
 * @since 0.1.0
 * @category flags
 */
export const name = Flag.String("name").pipe(Flag.withDescription("Display name"))

/**
 * `--if-version N`: apply a change only if the record is still at that version (not
 * `--version`: effect/cli reserves it for the program's version).
 *
 * @since 0.1.0
 * @category flags
 */
export const ifVersion = Flag.Int("if-version").pipe(Flag.withDescription("Apply only if it is still at this version"), Flag.optional)

/**
 * An integer flag that must lie in `1..max`: zero, negative and absurd values (a concurrency of
 * ten million) are bad input (exit 2), not an empty answer or an exhausted heap.
 *
 * @since 0.1.0
 * @category flags
 */
export const boundedInt = (name: string, description: string, max: number) =>
  Flag.Int(name).pipe(
    Flag.withDescription(`${description} (1-${max})`),
    Flag.filter(
      (n) => n >= 1 && n <= max,
      (n) => `--${name} must be between 1 and ${max}, got ${n}`
    )
  )

/**
 * `--limit` of a listing, bounded and defaulted as the admin use case is (`PageLimit`).
 *
 * @since 0.1.0
 * @category flags
 */
export const pageLimit = (description: string, bounds: PageLimit.PageLimit) =>
  boundedInt("limit", description, bounds.max).pipe(Flag.withDefault(bounds.default))

/**
 * `--after ID` of a listing read newest first: the last id of the page before, so the listing
 * answers the next page. An id the listing does not hold is not found (exit 1), never an empty page.
 *
 * @since 0.1.0
 * @category flags
 */
export const pageAfter = (what: string) =>
  Flag.String("after").pipe(Flag.withDescription(`The last ${what} id of the page before: answer the next, older page`), Flag.optional)

/**
 * What a listing's human output says after a full page: the command that reads the next one
 * (`command` with `--after` the page's last id). A shorter page is the last, and says nothing.
 *
 * @since 0.1.0
 * @category output
 */
export const nextPageHint = (command: string, page: ReadonlyArray<unknown>, limit: number, lastId: string | undefined): string =>
  page.length < limit || lastId === undefined ? "" : `\nNext page: ${command} --limit ${limit} --after ${lastId}`

/**
 * `--before TIME` of a prune: what is older than this time is deleted (read with `parseTime`, a
 * duration counting back from now).
 *
 * @since 0.1.0
 * @category flags
 */
export const pruneBefore = (what: string) =>
  Flag.String("before").pipe(Flag.withDescription(`Delete ${what} before this time: an ISO time, epoch ms, or a duration ago (30d, 12h)`))

/**
 * `--allow-private-webhooks`: lets merchants' webhook URLs reach loopback and private networks
 * (RFC 1918, `fc00::/7`) from this process. Off by default.
 */
export const allowPrivateWebhooks = Flag.Boolean("allow-private-webhooks").pipe(
  Flag.withDescription("Let webhook URLs reach loopback and private networks (off: public addresses only)"),
  Flag.withDefault(false)
)

const hours = { h: 3_600_000, d: 86_400_000 } as const

/**
 * An ISO 8601 date or date-time in epoch milliseconds. Without an offset it is local time, the
 * date alone included (local midnight): ECMAScript reads a date alone as UTC but a date-time
 * without an offset as local, hours apart outside UTC. `Date.parse` alone also reads "Dec 25" or
 * "-1" (as dates in 2001): only ISO 8601 is taken.
 */
const isoTime = (text: string): number =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00`) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN

/**
 * A point in time as the flags `--expires` (ahead), `--since` and `--before` (ago) take it: an ISO
 * date or time (without an offset: local time, a date alone local midnight), epoch milliseconds,
 * or a duration in hours or days (`12h`, `90d`) counted in the flag's direction from now (the
 * `Clock`'s). Anything else, a time no date can hold, or one before 1970 (which no stored time
 * is), is bad input (`invalid-input`) naming the flag.
 *
 * @since 0.1.0
 * @category flags
 */
export const parseTime = (flag: string, text: string, direction: "ahead" | "ago"): Effect.Effect<number, CliFailure.CliFailure> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const duration = /^(\d+)([hd])$/.exec(text)
    const at =
      duration !== null
        ? now + (direction === "ahead" ? 1 : -1) * Number(duration[1]) * hours[duration[2] as "h" | "d"]
        : /^\d+$/.test(text)
          ? Number(text)
          : isoTime(text)
    if (!(Number.isSafeInteger(at) && Output.isDate(at))) {
      return Effect.fail(
        CliFailure.invalidInput(
          flag,
          `--${flag} ${JSON.stringify(text)} is not a time`,
          `an ISO time (2026-12-31, 2026-12-31T09:00 in local time, 2026-12-31T00:00:00Z), epoch milliseconds, or a duration ${direction} such as 12h or 90d`
        )
      )
    }
    return at < 0
      ? Effect.fail(
          CliFailure.invalidInput(
            flag,
            `--${flag} ${JSON.stringify(text)} is before 1970 (${new Date(at).toISOString()})`,
            "give a time from 1970-01-01T00:00:00Z (epoch 0) on"
          )
        )
      : Effect.succeed(at)
  })
