/**
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Notification from "./Notification.ts"
/**
 * @since 0.1.0
 */
export * as WebhookError from "./WebhookError.ts"
/**
 * @since 0.1.0
 */
export * as WebhookSecret from "./WebhookSecret.ts"
/**
 * @since 0.1.0
 */
export * as WebhookSigner from "./WebhookSigner.ts"
/**
 * @since 0.1.0
 */
export * as WebhookVerifier from "./WebhookVerifier.ts"
