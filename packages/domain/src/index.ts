/**
 * @since 0.1.0
 */
export * as ApiKey from "./ApiKey.ts"
export * as ChannelGroup from "./ChannelGroup.ts"
export * as ChannelTerms from "./ChannelTerms.ts"
export * as Credentials from "./Credentials.ts"
export * as DomainError from "./DomainError.ts"
export * as Identifiers from "./Identifiers.ts"
export * as Merchant from "./Merchant.ts"
export * as PaymentChannel from "./PaymentChannel.ts"
export * as PgCatalog from "./PgCatalog.ts"
export * as SubMerchant from "./SubMerchant.ts"
export * as Timestamp from "./Timestamp.ts"
export * as WebhookSettings from "./WebhookSettings.ts"
export * as WhitelistRules from "./WhitelistRules.ts"
