/**
 * @since 0.1.0
 */

/** Webhook payloads as Schemas. @since 0.1.0 */
export * as Notification from "./Notification.ts"
/** Typed reasons a webhook cannot be signed or verified. @since 0.1.0 */
export * as WebhookError from "./WebhookError.ts"
/** Webhook secrets (`whsec_` + base64 of 24-64 random bytes). @since 0.1.0 */
export * as WebhookSecret from "./WebhookSecret.ts"
/** Signs webhook messages the Standard Webhooks way. @since 0.1.0 */
export * as WebhookSigner from "./WebhookSigner.ts"
/** Verifies Standard Webhooks signatures. @since 0.1.0 */
export * as WebhookVerifier from "./WebhookVerifier.ts"
