/**
 * The `paymux` command as a library: run it in-process or reuse its pieces.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Cli from "./Cli.ts"

/**
 * @since 0.1.0
 */
export * as CliFailure from "./CliFailure.ts"

/**
 * @since 0.1.0
 */
export * as Output from "./Output.ts"
