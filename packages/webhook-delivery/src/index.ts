/**
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Dispatcher from "./Dispatcher.ts"
/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.ts"
/**
 * @since 0.1.0
 */
export * as UrlGuard from "./UrlGuard.ts"
