/**
 * Readiness checks of one merchant: what would surprise it in production before a payment shows
 * it. Each finding names the channels involved and says what to do.
 *
 * - `mode-ambiguity`: a `request_pay` without `mode` that a test and a live channel would both
 *   serve (`ChannelIndex.ambiguities`); the older one wins, which is how a test channel ends up
 *   serving real customers.
 * - `webhook-missing`: a mode whose enabled virtual-account or subscription channels have no
 *   webhook URL (`WebhookEndpoints.readiness`).
 * - `channel-key-only` (a note): an enabled channel of a PG the catalog selects by channel key
 *   only; no `pg` string reaches it.
 * - `mid-required` (a note): an enabled channel of a PG the catalog selects only as `code.MID`.
 * - `webhook-endpoint-disabled`: an endpoint Paymux disabled after `EndpointHealth.disableAfterDays`
 *   days of failures; its notifications are dead-lettered until it is enabled again.
 * - `webhook-endpoint-failing`: an enabled endpoint whose deliveries have failed for over a day,
 *   with no success since; it will be disabled when the failures reach the limit.
 * - `secrets-unreadable`: channel credentials or webhook signing secrets sealed with a master key
 *   that is not configured (dropped before `MasterKeys.reseal` ran), or credentials that do not
 *   open under the key they name (damaged or altered in the database): such channels cannot call
 *   their PG, and the merchant's webhooks cannot be signed.
 * - `webhook-deliveries-overdue`: queued notifications nothing has attempted for over
 *   10 minutes past their due time: no dispatcher (`paymux webhook dispatch`) runs on this
 *   store, or it cannot keep up.
 * - `catalog-mismatch`: a channel saved under an older catalog that the current one refuses (a
 *   pay method or credential field it no longer takes, one it now requires) or whose shared test
 *   MID it changed. The channel still resolves as stored and can be disabled; any other edit must
 *   fix it.
 *
 * Every finding is a `problem` to fix before production, except the two notes, which say how
 * `request_pay` reaches a channel of such a PG: nothing is wrong, and nothing could make them go.
 * A merchant is `ok` when it has no problem.
 *
 * @since 0.1.0
 */
import { ChannelIndex } from "@paymux/channel-resolver"
import { ChannelTerms, EndpointHealth, PaymentChannel, PgCatalog, type DomainError } from "@paymux/domain"
import { Outbox, Repositories, StoreError } from "@paymux/store"
import { Clock, Effect, Result, Schema } from "effect"
import type { AdminServices } from "./AdminServices.ts"
import * as Resolve from "./Resolve.ts"
import * as WebhookEndpoints from "./WebhookEndpoints.ts"

/**
 * What a finding is about (see the module documentation).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CheckKind = Schema.Literals([
  "mode-ambiguity",
  "webhook-missing",
  "channel-key-only",
  "mid-required",
  "webhook-endpoint-disabled",
  "webhook-endpoint-failing",
  "secrets-unreadable",
  "catalog-mismatch",
  "webhook-deliveries-overdue"
])
/** @since 0.1.0 @category models */
export type CheckKind = typeof CheckKind.Type

/**
 * A `problem` to fix before production, or a `note` on how `request_pay` reaches a channel.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Severity = Schema.Literals(["problem", "note"])
/** @since 0.1.0 @category models */
export type Severity = typeof Severity.Type

/**
 * The severity of each kind of finding (see the module documentation).
 *
 * @since 0.1.0
 * @category getters
 */
export const severityOf = (check: CheckKind): Severity => (check === "channel-key-only" || check === "mid-required" ? "note" : "problem")

/**
 * One finding: its kind, the mode it concerns when it concerns one, the channel keys involved
 * and a sentence for people.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Finding = Schema.Struct({
  check: CheckKind,
  severity: Severity,
  mode: Schema.optionalKey(ChannelTerms.Mode),
  channels: Schema.Array(Schema.String),
  /** The webhook endpoint a finding concerns, for the endpoint checks. */
  endpoint: Schema.optionalKey(Schema.String),
  detail: Schema.String
})
/** @since 0.1.0 @category models */
export type Finding = typeof Finding.Type

/** A finding as a check makes it; `check` adds the severity. */
type Unrated = Omit<Finding, "severity">

/**
 * A merchant's findings; `ok` when none of them is a problem.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Report = Schema.Struct({ merchant: Schema.String, ok: Schema.Boolean, findings: Schema.Array(Finding) })
/** @since 0.1.0 @category models */
export type Report = typeof Report.Type

/**
 * Runs every check on the merchant's stored channels and settings.
 *
 * @since 0.1.0
 * @category use cases
 */
export const check = (merchant: string): Effect.Effect<Report, DomainError.DomainError | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const index = yield* Resolve.index(merchant)
    const missing = yield* WebhookEndpoints.readiness(merchant)
    const findings: Array<Unrated> = []
    const keyHint = "configure the master key they name again (PAYMUX_MASTER_KEYS, after the current key), then run paymux keys reseal"
    const hooks = yield* WebhookEndpoints.show(merchant).pipe(
      Effect.catchIf(StoreError.isCorrupt, (e) => {
        findings.push({
          check: "secrets-unreadable",
          channels: [],
          detail: `the webhook signing secrets do not open (${e.message}): ${keyHint}`
        })
        return Effect.succeed(undefined)
      })
    )
    const unreadable = index.channels.filter((c) => c.readable === false).map((c) => c.key)
    if (unreadable.length > 0) {
      findings.push({
        check: "secrets-unreadable",
        channels: unreadable,
        detail: `${unreadable.length === 1 ? "1 channel holds" : `${unreadable.length} channels hold`} credentials that do not open: ${keyHint}`
      })
    }
    const now = yield* Clock.currentTimeMillis
    const byKey = new Map(index.channels.map((c) => [c.key as string, c]))
    for (const a of ChannelIndex.ambiguities(index)) {
      const chosen = byKey.get(a.chosen)!
      const other = byKey.get(a.other)!
      const asked = a.pg === undefined ? "without pg (the default channel)" : `with pg "${a.pg}"`
      findings.push({
        check: "mode-ambiguity",
        channels: [a.chosen, a.other],
        detail:
          `a ${a.paymentType} request_pay without mode ${asked} is served by ${chosen.mode} channel ${a.chosen} ` +
          `(${chosen.pg}.${chosen.mid}), though ${other.mode} channel ${a.other} (${other.pg}.${other.mid}) would serve it too: ` +
          "pass mode in request_pay, or disable one of them"
      })
    }
    for (const m of missing) findings.push({ check: "webhook-missing", mode: m.mode, channels: m.channels, detail: m.reason })
    for (const c of index.channels) {
      const provider = index.catalog.providers.get(c.pg)
      if (!c.enabled || provider === undefined) continue
      const selection = PgCatalog.selectionOf(provider)
      if (selection === "channel-key")
        findings.push({
          check: "channel-key-only",
          mode: c.mode,
          channels: [c.key],
          detail: `${c.mode} channel ${c.key} (${c.pg}) can be selected only by channel key: request_pay must pass channelKey "${c.key}", no pg string reaches it`
        })
      else if (selection === "code-and-mid")
        findings.push({
          check: "mid-required",
          mode: c.mode,
          channels: [c.key],
          detail: `${c.mode} channel ${c.key}: pg must name the MID, "${c.pg}.${c.mid}"; "${c.pg}" alone selects nothing`
        })
    }
    for (const mode of ["test", "live"] as const) {
      for (const e of hooks?.[mode].endpoints ?? []) findings.push(...endpointFindings(mode, e, now))
    }
    findings.push(...(yield* catalogFindings(index)))
    findings.push(...(yield* overdueFindings(index.merchant.code, now)))
    const rated = findings.map((f) => ({ ...f, severity: severityOf(f.check) }))
    return { merchant: index.merchant.code, ok: rated.every((f) => f.severity === "note"), findings: rated }
  })

/**
 * Channels the current catalog would refuse or change on their next edit: each readable channel,
 * with its credentials opened, goes through an edit that changes nothing, which re-checks every
 * rule of the console (`PaymentChannel.edit`). Unreadable channels are `secrets-unreadable`.
 */
const catalogFindings = (index: ChannelIndex.ChannelIndex) =>
  Effect.gen(function* () {
    const channels = yield* Repositories.ChannelRepository
    const findings: Array<Unrated> = []
    // Their key is configured, but they do not open: damaged or altered in the database.
    const damaged: Array<string> = []
    for (const c of index.channels) {
      if (c.readable === false) continue
      const credentials = yield* channels
        .credentials(c.merchant, c.key)
        .pipe(Effect.catchIf(StoreError.isCorrupt, () => Effect.succeed(undefined)))
      if (credentials === undefined) {
        damaged.push(c.key)
        continue
      }
      const edited = PaymentChannel.edit(index.catalog, { ...c, credentials }, {})
      const where = `${c.mode} channel ${c.key} (${c.pg}.${c.mid})`
      const detail = Result.isFailure(edited)
        ? `${where} does not meet the current PG catalog: ${edited.failure.message}. It still serves requests as saved and can be disabled; any other edit must fix this first`
        : edited.success.mid !== c.mid
          ? `${where} uses a shared test MID the current PG catalog replaced with ${edited.success.mid}. It still serves requests as saved; its next edit moves it onto ${edited.success.mid}`
          : undefined
      if (detail !== undefined) findings.push({ check: "catalog-mismatch", mode: c.mode, channels: [c.key], detail })
    }
    if (damaged.length > 0) {
      findings.push({
        check: "secrets-unreadable",
        channels: damaged,
        detail: `${damaged.length === 1 ? "1 channel holds" : `${damaged.length} channels hold`} credentials that do not open with the key they name (damaged or altered in the database): enter them again with channel edit, or restore the database from a backup`
      })
    }
    return findings
  })

const day = 86_400_000

/** How long past its due time a queued delivery may wait unattempted before it is a finding. */
const overdueAfterMillis = 10 * 60_000
/** How many of the oldest queued deliveries the check reads. */
const overduePage = 100

/**
 * Queued deliveries that no dispatcher has attempted long after they were due (one being
 * attempted holds a lease): the merchant's oldest `overduePage` queued deliveries that are that
 * far past due, wherever retries scheduled for later stand in the queue.
 */
const overdueFindings = (merchant: string, now: number) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox.Outbox
    const queued = yield* outbox.history({
      merchant,
      status: "pending",
      dueBefore: Math.max(0, now - overdueAfterMillis),
      order: "oldest",
      limit: overduePage
    })
    const overdue = queued.map(({ delivery }) => delivery).filter((d) => d.lease === null || d.lease.until < now)
    if (overdue.length === 0) return []
    const minutes = Math.floor((now - Math.min(...overdue.map((d) => d.nextAttemptAt))) / 60_000)
    const count = `${overdue.length}${queued.length === overduePage ? " or more" : ""}`
    const finding: Unrated = {
      check: "webhook-deliveries-overdue",
      channels: [],
      detail:
        `${count} queued webhook notification(s) waited more than ${overdueAfterMillis / 60_000} minutes past their due time without an attempt ` +
        `(the oldest was due ${minutes} minutes ago): run paymux webhook dispatch on this store, or more of them if it cannot keep up`
    }
    return [finding]
  })

const endpointFindings = (mode: ChannelTerms.Mode, e: WebhookEndpoints.EndpointView, now: number): ReadonlyArray<Unrated> => {
  const where = `${mode} webhook endpoint ${e.id} (${e.url})`
  if (e.disabledAt !== null) {
    return [
      {
        check: "webhook-endpoint-disabled",
        mode,
        channels: [],
        endpoint: e.id,
        detail:
          `${where} was disabled on ${new Date(e.disabledAt).toISOString()} after ${EndpointHealth.disableAfterDays} days of failures: ` +
          "its notifications are dead-lettered. Fix the receiver, enable the endpoint, then resend the failed deliveries"
      }
    ]
  }
  if (e.failingSince !== null && now - e.failingSince > day) {
    const days = Math.floor((now - e.failingSince) / day)
    return [
      {
        check: "webhook-endpoint-failing",
        mode,
        channels: [],
        endpoint: e.id,
        detail: `${where} has failed every delivery for ${days} day(s) (${e.consecutiveFailures} attempts); it is disabled after ${EndpointHealth.disableAfterDays}`
      }
    ]
  }
  return []
}
