/**
 * Why `request_pay` found no channel. Every error says what was asked and what is configured; a
 * `ChannelNotFound` also lists each candidate considered with the reason it was rejected.
 *
 * @since 0.1.0
 */
import { ChannelTerms } from "@paymux/domain"
import { Schema } from "effect"
import { notFoundMessage } from "./internal/explanation.ts"

/** Why a channel did not serve a request; the first that applies is reported. @since 0.1.0 @category schemas */
export const RejectionReason = Schema.Literals([
  "not-assigned-to-tier",
  "pg-differs",
  "mid-differs",
  "wrong-mode",
  "disabled",
  "purpose-differs",
  "payment-type-mismatch",
  "pay-method-unsupported"
])
/** @since 0.1.0 @category models */
export type RejectionReason = typeof RejectionReason.Type

/**
 * A candidate that was rejected: its key, `pg` string (`kcp.T0000`) and mode, the reason for
 * programs and `detail` for people.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Rejection = Schema.Struct({
  channel: Schema.String,
  pg: Schema.String,
  mode: ChannelTerms.Mode,
  reason: RejectionReason,
  detail: Schema.String
})
/** @since 0.1.0 @category models */
export type Rejection = typeof Rejection.Type

/** Which lookup missed: `channelKey`, group, `pg`, or the default channel. @since 0.1.0 @category schemas */
export const Lookup = Schema.Literals(["channelKey", "group", "pg", "default"])
/** @since 0.1.0 @category models */
export type Lookup = typeof Lookup.Type

/**
 * No channel serves the request. `asked` is the key, group id or `pg` string looked up (empty for
 * the default), `rejected` every candidate considered, oldest first.
 *
 * @since 0.1.0
 * @category errors
 */
export class ChannelNotFound extends Schema.TaggedError<ChannelNotFound>()("ChannelNotFound", {
  merchant: Schema.String,
  tier: Schema.optionalKey(Schema.String),
  mode: Schema.optionalKey(ChannelTerms.Mode),
  paymentType: Schema.String,
  payMethod: Schema.optionalKey(Schema.String),
  lookup: Lookup,
  asked: Schema.String,
  rejected: Schema.Array(Rejection)
}) {
  override get message(): string {
    return notFoundMessage(this)
  }
}

/**
 * The scope has no channel of the requested mode (none at all without a mode); `otherMode` counts
 * the other mode's channels, a common mix-up.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoChannelConfigured extends Schema.TaggedError<NoChannelConfigured>()("NoChannelConfigured", {
  merchant: Schema.String,
  tier: Schema.optionalKey(Schema.String),
  mode: Schema.optionalKey(ChannelTerms.Mode),
  otherMode: Schema.Int
}) {
  override get message(): string {
    const who = this.tier === undefined ? this.merchant : `tier ${this.tier} of ${this.merchant}`
    const other = this.mode === "test" ? "live" : "test"
    const hint = this.otherMode > 0 ? ` (it has ${this.otherMode} ${other} channel${this.otherMode === 1 ? "" : "s"}: check the mode)` : ""
    const what = this.mode === undefined ? "channel" : `${this.mode} channel`
    return `${who} has no ${what}${hint}; add one in the console${this.tier === undefined ? "" : " or assign one to the tier"}`
  }
}

/** The tier code names no sub-merchant of the merchant. @since 0.1.0 @category errors */
export class UnknownTier extends Schema.TaggedError<UnknownTier>()("UnknownTier", {
  merchant: Schema.String,
  tier: Schema.String,
  known: Schema.Array(Schema.String)
}) {
  override get message(): string {
    // At most 20 named: a merchant may have thousands of tiers.
    const more = this.known.length > 20 ? ` and ${this.known.length - 20} more` : ""
    const known = this.known.length === 0 ? "it has no sub-merchants" : `known tiers: ${this.known.slice(0, 20).join(", ")}${more}`
    return `tier ${JSON.stringify(this.tier)} is not a sub-merchant of ${this.merchant}; ${known}`
  }
}

/** The request names a merchant the resolver has no channels for. @since 0.1.0 @category errors */
export class UnknownMerchant extends Schema.TaggedError<UnknownMerchant>()("UnknownMerchant", {
  merchant: Schema.String
}) {
  override get message(): string {
    return `merchant ${JSON.stringify(this.merchant)} is not known to this resolver`
  }
}

/**
 * What is wrong with a `pg` string; `channel-key-only` and `mid-required` follow the catalog's
 * `selection` of the PG (chosen by `channelKey` only, or only as `code.MID`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PgSelectorProblem = Schema.Literals([
  "empty",
  "empty-code",
  "empty-mid",
  "whitespace",
  "unknown-pg",
  "channel-key-only",
  "mid-required"
])
/** @since 0.1.0 @category models */
export type PgSelectorProblem = typeof PgSelectorProblem.Type

/**
 * A `pg` string that cannot select a channel; `suggestions` holds the closest known PG codes for
 * `unknown-pg`.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidPgSelector extends Schema.TaggedError<InvalidPgSelector>()("InvalidPgSelector", {
  pg: Schema.String,
  problem: PgSelectorProblem,
  suggestions: Schema.Array(Schema.String)
}) {
  override get message(): string {
    const shown = JSON.stringify(this.pg)
    const code = JSON.stringify(this.pg.split(".", 1)[0])
    switch (this.problem) {
      case "empty":
        return `pg is empty: give a PG code such as "kcp", or "kcp.T0000" to pick a MID`
      case "empty-code":
        return `pg ${shown} has no PG code before the dot: write "{pg code}.{MID}", e.g. "kcp.T0000"`
      case "empty-mid":
        return `pg ${shown} has no MID after the dot: drop the dot, or write "{pg code}.{MID}"`
      case "whitespace":
        return `pg ${shown} contains whitespace: PG codes and MIDs never do`
      case "unknown-pg": {
        const hint = this.suggestions.length > 0 ? `; did you mean ${this.suggestions.join(" or ")}?` : ""
        return `pg ${shown}: ${code} is not a known PG code${hint}`
      }
      case "channel-key-only":
        return `pg ${shown}: ${code} channels can be selected only by channelKey (the SDK has no pg code for this PG): pass channelKey instead of pg`
      case "mid-required":
        return `pg ${shown} does not select a channel: this PG must be named with its MID, write "${this.pg}.{MID}"`
    }
  }
}

/** Everything resolution can fail with. @since 0.1.0 @category errors */
export type ResolutionError = ChannelNotFound | NoChannelConfigured | UnknownTier | UnknownMerchant | InvalidPgSelector
