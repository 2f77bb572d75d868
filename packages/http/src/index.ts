/**
 * @since 0.1.0
 */
export * as Api from "./Api.ts"

/**
 * @since 0.1.0
 */
export * as Auth from "./Auth.ts"

/**
 * @since 0.1.0
 */
export * as Idempotency from "./Idempotency.ts"

/**
 * @since 0.1.0
 */
export * as Models from "./Models.ts"

/**
 * @since 0.1.0
 */
export * as NodeBridge from "./NodeBridge.ts"

/**
 * @since 0.1.0
 */
export * as PaymuxHttp from "./PaymuxHttp.ts"

/**
 * @since 0.1.0
 */
export * as Problem from "./Problem.ts"

/**
 * @since 0.1.0
 */
export * as Tokens from "./Tokens.ts"
