/**
 * @since 0.1.0
 */
export * as Access from "./Access.ts"
export * as AccessCache from "./AccessCache.ts"
export * as AdminContext from "./AdminContext.ts"
export * as AdminError from "./AdminError.ts"
export * as ApiKeys from "./ApiKeys.ts"
export * as Audit from "./Audit.ts"
export * as ChannelGroups from "./ChannelGroups.ts"
export * as Channels from "./Channels.ts"
export * as Merchants from "./Merchants.ts"
export * as Paymux from "./Paymux.ts"
export * as PaymuxError from "./PaymuxError.ts"
export * as Resolve from "./Resolve.ts"
export * as ResolverCache from "./ResolverCache.ts"
export * as Webhooks from "./Webhooks.ts"
export * as Whitelists from "./Whitelists.ts"
