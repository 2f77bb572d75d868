/**
 * @since 0.1.0
 */
export * as Access from "./Access.ts"
export * as AccessCache from "./AccessCache.ts"
export * as AdminContext from "./AdminContext.ts"
export * as AdminError from "./AdminError.ts"
export * as AdminServices from "./AdminServices.ts"
export * as ApiKeys from "./ApiKeys.ts"
export * as Audit from "./Audit.ts"
export * as ChannelGroups from "./ChannelGroups.ts"
export * as Doctor from "./Doctor.ts"
export * as ErrorCatalog from "./ErrorCatalog.ts"
export * as Channels from "./Channels.ts"
export * as Merchants from "./Merchants.ts"
export * as Paymux from "./Paymux.ts"
export * as PaymuxError from "./PaymuxError.ts"
export * as Resolve from "./Resolve.ts"
export * as ResolverCache from "./ResolverCache.ts"
export * as Webhooks from "./Webhooks.ts"
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
