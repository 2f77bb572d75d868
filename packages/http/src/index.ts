/** The admin API as an `HttpApi`. @since 0.1.0 */
export * as Api from "./Api.ts"

/** Authentication for the admin API. @since 0.1.0 */
export * as Auth from "./Auth.ts"

/** `Idempotency-Key` on POSTs. @since 0.1.0 */
export * as Idempotency from "./Idempotency.ts"

/** The request and response bodies of the admin API. @since 0.1.0 */
export * as Models from "./Models.ts"

/** Serving a web-standard handler from `node:http` on Node 20, without `@effect/platform-node`. @since 0.1.0 */
export * as NodeBridge from "./NodeBridge.ts"

/** The admin API as a web-standard handler. @since 0.1.0 */
export * as PaymuxHttp from "./PaymuxHttp.ts"

/** RFC 9457 problems. @since 0.1.0 */
export * as Problem from "./Problem.ts"

/** Access tokens, held in memory by one handler. @since 0.1.0 */
export * as Tokens from "./Tokens.ts"
