/** Who may call on a merchant's behalf. @since 0.1.0 */
export * as Access from "./Access.ts"
/** What authentication and whitelist admission reuse between calls. @since 0.1.0 */
export * as AccessCache from "./AccessCache.ts"
/** What every use case reads from its context. @since 0.1.0 */
export * as AdminContext from "./AdminContext.ts"
/** Every failure a use case can end with. @since 0.1.0 */
export * as AdminError from "./AdminError.ts"
/** The services the admin use cases run on. @since 0.1.0 */
export * as AdminServices from "./AdminServices.ts"
/** API keys. @since 0.1.0 */
export * as ApiKeys from "./ApiKeys.ts"
/** Reading the audit trail, and its retention limit. @since 0.1.0 */
export * as Audit from "./Audit.ts"
/** One invalidation story for processes that share a store. @since 0.1.0 */
export * as CacheSync from "./CacheSync.ts"
/** Channel groups. @since 0.1.0 */
export * as ChannelGroups from "./ChannelGroups.ts"
/** Readiness checks of one merchant. @since 0.1.0 */
export * as Doctor from "./Doctor.ts"
/** The one table of errors. @since 0.1.0 */
export * as ErrorCatalog from "./ErrorCatalog.ts"
/** Payment channels. @since 0.1.0 */
export * as Channels from "./Channels.ts"
/** `Idempotency-Key` records for hosts that serve the admin API, kept in the store. @since 0.1.0 */
export * as Idempotency from "./Idempotency.ts"
/** Re-sealing stored secrets under the current master key. @since 0.1.0 */
export * as MasterKeys from "./MasterKeys.ts"
/** Merchants and sub-merchants (tiers). @since 0.1.0 */
export * as Merchants from "./Merchants.ts"
/** The Promise facade for teams that don't use Effect. @since 0.1.0 */
export * as Paymux from "./Paymux.ts"
/** Errors of the Promise facade. @since 0.1.0 */
export * as PaymuxError from "./PaymuxError.ts"
/** Resolves a `request_pay` against the stored channels. @since 0.1.0 */
export * as Resolve from "./Resolve.ts"
/** Channel indexes per merchant, built on first use and dropped whenever a change could alter a resolution (channels, tiers, groups, the merchant's policy or default). @since 0.1.0 */
export * as ResolverCache from "./ResolverCache.ts"
/** Where a merchant's webhooks go and how each endpoint is doing (per mode the body encoding and the endpoints with their event filters, each endpoint's health, and the automatic disabling of one that keeps failing). @since 0.1.0 */
export * as WebhookEndpoints from "./WebhookEndpoints.ts"
/** Sending a merchant's webhooks (the test send, emitting notifications through the outbox to the mode's endpoints or a payment's own notice URLs, the delivery worker, delivery history and resends). @since 0.1.0 */
export * as Webhooks from "./Webhooks.ts"
/** A mode's webhook signing secrets. @since 0.1.0 */
export * as WebhookSecrets from "./WebhookSecrets.ts"
/** The security whitelist. @since 0.1.0 */
export * as Whitelists from "./Whitelists.ts"

/**
 * The base class of every facade error, for `e instanceof PaymuxErrorBase` without the namespace.
 *
 * @since 0.1.0
 * @category errors
 */
export { PaymuxError as PaymuxErrorBase } from "./PaymuxError.ts"

/**
 * Every failure a use case can end with (the same as `AdminError.AdminError`), usable as a type
 * without the namespace.
 *
 * @since 0.1.0
 * @category errors
 */
export type { AdminError as AdminFailure } from "./AdminError.ts"
