/** An API key. @since 0.1.0 */
export * as ApiKey from "./ApiKey.ts"
/** A channel group ("smart routing"). @since 0.1.0 */
export * as ChannelGroup from "./ChannelGroup.ts"
/** The vocabulary a payment channel is described in. @since 0.1.0 */
export * as ChannelTerms from "./ChannelTerms.ts"
/** A channel's PG credentials, checked against the PG's field schema and held as `Redacted` so they never reach a log, an error message or JSON output by accident. @since 0.1.0 */
export * as Credentials from "./Credentials.ts"
/** Display names. @since 0.1.0 */
export * as DisplayName from "./DisplayName.ts"
/** The two ways a domain operation refuses. @since 0.1.0 */
export * as DomainError from "./DomainError.ts"
/** An endpoint's delivery health and the rule that disables an endpoint that keeps failing. @since 0.1.0 */
export * as EndpointHealth from "./EndpointHealth.ts"
/** Branded identifiers. @since 0.1.0 */
export * as Identifiers from "./Identifiers.ts"
/** Checking untrusted input (a request body, a Promise caller's object) against a schema, with the domain's own error. @since 0.1.0 */
export * as Input from "./Input.ts"
/** A merchant. @since 0.1.0 */
export * as Merchant from "./Merchant.ts"
/** How many rows a listing answers. @since 0.1.0 */
export * as PageLimit from "./PageLimit.ts"
/** A payment channel. @since 0.1.0 */
export * as PaymentChannel from "./PaymentChannel.ts"
/** The PG catalog as data. @since 0.1.0 */
export * as PgCatalog from "./PgCatalog.ts"
/** Masking the secrets a message would otherwise show, such as the password or token in a URL it quotes (`https://user:***@host/`). @since 0.1.0 */
export * as Redaction from "./Redaction.ts"
/** A sub-merchant (tier) under a parent merchant. @since 0.1.0 */
export * as SubMerchant from "./SubMerchant.ts"
/** Instants as epoch milliseconds. @since 0.1.0 */
export * as Timestamp from "./Timestamp.ts"
/** Versions for optimistic concurrency. @since 0.1.0 */
export * as Version from "./Version.ts"
/** A merchant's webhook settings per mode. @since 0.1.0 */
export * as WebhookSettings from "./WebhookSettings.ts"
/** A merchant's security whitelist as data. @since 0.1.0 */
export * as WhitelistRules from "./WhitelistRules.ts"
