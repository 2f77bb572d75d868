/**
 * @since 0.1.0
 */

/** The delivery engine. @since 0.1.0 */
export * as Dispatcher from "./Dispatcher.ts"
/** When to retry a webhook and how long to wait. @since 0.1.0 */
export * as RetryPolicy from "./RetryPolicy.ts"
/** SSRF guard for webhook URLs. @since 0.1.0 */
export * as UrlGuard from "./UrlGuard.ts"
