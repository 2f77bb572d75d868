/**
 * An endpoint's delivery health and the rule that disables an endpoint that keeps failing.
 *
 * @since 0.1.0
 */
import { Order, Schema } from "effect"
import * as ChannelTerms from "./ChannelTerms.ts"
import { MerchantCode } from "./Identifiers.ts"
import { EndpointId } from "./WebhookSettings.ts"

/**
 * An endpoint's delivery health, kept apart from the settings (the dispatcher writes it on every
 * attempt; settings change only by a merchant's action). `failingSince` is the first failure
 * after the last success; `disabledAt` is set when the endpoint was disabled automatically.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EndpointHealth = Schema.Struct({
  merchant: MerchantCode,
  mode: ChannelTerms.Mode,
  endpointId: EndpointId,
  consecutiveFailures: Schema.Int,
  failingSince: Schema.NullOr(Schema.Number),
  lastSuccessAt: Schema.NullOr(Schema.Number),
  lastFailureAt: Schema.NullOr(Schema.Number),
  disabledAt: Schema.NullOr(Schema.Number)
})
/** @since 0.1.0 @category models */
export type EndpointHealth = typeof EndpointHealth.Type

/**
 * The order a merchant's health records are listed in: by mode, then by endpoint id, both in
 * code-unit order (`ep_B` before `ep_a`), whatever the database's collation.
 *
 * @since 0.1.0
 * @category ordering
 */
export const order: Order.Order<EndpointHealth> = Order.combine(
  Order.mapInput(Order.String, (h: EndpointHealth) => h.mode),
  Order.mapInput(Order.String, (h: EndpointHealth) => h.endpointId)
)

/**
 * Days of failures, with no success in between, after which an endpoint is disabled. Five, as
 * Svix does: one delivery's retries span under six hours, so five days means every message for
 * most of a working week failed (a receiver that is gone, not a long weekend's outage of an
 * hour or two), and a merchant who knows Svix or PortOne-style retries meets the same rule.
 *
 * @since 0.1.0
 * @category constants
 */
export const disableAfterDays = 5

/**
 * Whether an enabled endpoint has failed for `disableAfterDays` with no success since.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isDueForDisable = (health: EndpointHealth, now: number): boolean =>
  health.disabledAt === null && health.failingSince !== null && now - health.failingSince >= disableAfterDays * 86_400_000
