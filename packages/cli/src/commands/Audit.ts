/**
 * `paymux audit list`: a merchant's audit trail (who changed what, and the refused calls of
 * `whitelist.deny`), newest first, a page at a time, as `GET /merchants/{m}/audit` serves it.
 * `paymux audit prune`: the trail's retention limit, for a scheduled job.
 *
 * @since 0.1.0
 */
import type { Audit as AuditTypes } from "@paymux/admin"
import { PageLimit } from "@paymux/domain"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Flags from "../Flags.ts"
import * as Output from "../Output.ts"
import { Audit } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { merchantFlag, readStore, requireMerchant, withStore } from "../Store.ts"

type Entry = typeof AuditTypes.AuditEntry.Type

const isMissingMerchant = (e: unknown): boolean =>
  typeof e === "object" &&
  e !== null &&
  (e as { _tag?: unknown })._tag === "StoreError" &&
  (e as { reason: { _tag: string; entity?: string } }).reason._tag === "NotFound" &&
  (e as { reason: { entity?: string } }).reason.entity === "merchant"

const fieldsOf = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

// Counted on every change: naming them would say nothing.
const bookkeeping = (key: string): boolean => key === "version" || key.endsWith("At")

/**
 * An entry's row in the table, without a stored text: an edit names the fields it changed; the
 * details of an event (a test send, a resend, a refused call) show their numbers and booleans
 * (`ok=false httpStatus=500`, `queued=3`); a record created or removed (it has a `version`) shows
 * nothing more than its action and target. A before or after can hold a URL whose query carries a
 * token, or a credential's masked form, so no string of it reaches the terminal; `--json` prints
 * the whole entry, as the HTTP API serves it.
 */
const summary = (entry: Entry): string => {
  const before = fieldsOf(entry.before)
  const after = fieldsOf(entry.after)
  if (before !== undefined && after !== undefined) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    const changed = keys.filter((k) => !bookkeeping(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    return changed.length === 0 ? "no field changed" : `changed: ${changed.join(", ")}`
  }
  const details = after ?? before ?? {}
  if (Object.hasOwn(details, "version")) return ""
  return Object.entries(details)
    .filter(([k, v]) => !bookkeeping(k) && (typeof v === "number" || typeof v === "boolean"))
    .map(([k, v]) => `${k}=${v}`)
    .join(" ")
}

const list = Command.make(
  "list",
  {
    merchant: merchantFlag,
    action: Flag.String("action").pipe(
      Flag.withDescription("Only the entries of this action (channel.edit, whitelist.deny, apikey.issue, ...)"),
      Flag.optional
    ),
    limit: Flags.pageLimit("At most this many entries", PageLimit.auditEntries),
    after: Flags.pageAfter("entry")
  },
  ({ action: only, after, limit, merchant }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const listed = Audit.list(merchant, { limit, action: Option.getOrUndefined(only), after: Option.getOrUndefined(after) })
        // A removed merchant's trail holds its removal's entry (`merchant remove`): shown, though the
        // merchant is gone; a merchant that never existed is not found.
        const entries = yield* readStore(
          ctx,
          requireMerchant(merchant, listed).pipe(
            Effect.catchIf(isMissingMerchant, (missing) =>
              Effect.flatMap(listed, (found) => (found.length > 0 ? Effect.succeed(found) : Effect.fail(missing)))
            )
          )
        )
        const command = `paymux audit list -m ${merchant}${Option.isSome(only) ? ` --action ${only.value}` : ""}`
        yield* ctx.out.result(
          entries,
          () =>
            Output.table(
              ["ID", "TIME", "ACTION", "ACTOR", "TARGET", "DETAILS"],
              entries.map((e) => [e.id, Output.time(e.at), e.action, e.actor, e.target, summary(e)])
            ) + Flags.nextPageHint(command, entries, limit, entries.at(-1)?.id)
        )
      })
    )
).pipe(Command.withDescription("The merchant's audit trail, newest first, a page at a time"))

const prune = Command.make("prune", { before: Flags.pruneBefore("every merchant's audit entries") }, ({ before }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const at = yield* Flags.parseTime("before", before, "ago")
      const { deleted } = yield* withStore(ctx, Audit.prune(at))
      yield* ctx.out.result({ deleted, before: at }, () =>
        deleted === 0
          ? `No audit entry is from before ${Output.time(at)}.`
          : `Deleted ${deleted} audit entr${deleted === 1 ? "y" : "ies"} from before ${Output.time(at)}, of every merchant.`
      )
    })
  )
).pipe(Command.withDescription("Delete every merchant's audit entries from before a time (a retention limit); for a scheduled job"))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("audit").pipe(
  Command.withDescription("Read the audit trail (every change, and the calls the whitelist refused), or prune it"),
  Command.withSubcommands([list, prune])
)
