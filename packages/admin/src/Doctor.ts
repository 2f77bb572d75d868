/**
 * Readiness checks of one merchant: what would surprise it in production before a payment shows
 * it. Each finding names the channels involved and says what to do.
 *
 * - `mode-ambiguity`: a `request_pay` without `mode` that a test and a live channel would both
 *   serve (`ChannelIndex.ambiguities`); the older one wins, which is how a test channel ends up
 *   serving real customers.
 * - `webhook-missing`: a mode whose enabled virtual-account or subscription channels have no
 *   webhook URL (`Webhooks.readiness`).
 * - `channel-key-only`: an enabled channel of a PG the catalog selects by channel key only; no
 *   `pg` string reaches it.
 * - `mid-required`: an enabled channel of a PG the catalog selects only as `code.MID`.
 *
 * @since 0.1.0
 */
import { ChannelIndex } from "@paymux/channel-resolver"
import { ChannelTerms, PgCatalog } from "@paymux/domain"
import { Effect, Schema } from "effect"
import type { AdminError } from "./AdminError.ts"
import type { AdminServices } from "./AdminServices.ts"
import * as Resolve from "./Resolve.ts"
import * as Webhooks from "./Webhooks.ts"

/**
 * What a finding is about (see the module documentation).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CheckKind = Schema.Literals(["mode-ambiguity", "webhook-missing", "channel-key-only", "mid-required"])
/** @since 0.1.0 @category models */
export type CheckKind = typeof CheckKind.Type

/**
 * One finding: its kind, the mode it concerns when it concerns one, the channel keys involved
 * and a sentence for people.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Finding = Schema.Struct({
  check: CheckKind,
  mode: Schema.optionalKey(ChannelTerms.Mode),
  channels: Schema.Array(Schema.String),
  detail: Schema.String
})
/** @since 0.1.0 @category models */
export type Finding = typeof Finding.Type

/**
 * A merchant's findings; `ok` when there are none.
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
export const check = (merchant: string): Effect.Effect<Report, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const index = yield* Resolve.index(merchant)
    const missing = yield* Webhooks.readiness(merchant)
    const findings: Array<Finding> = []
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
    return { merchant: index.merchant.code, ok: findings.length === 0, findings }
  })
