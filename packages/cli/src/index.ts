/**
 * The `paymux` command as a library: run it in-process or reuse its pieces.
 *
 * @since 0.1.0
 */

/** The `paymux` command tree and its entry point. @since 0.1.0 */
export * as Cli from "./Cli.ts"

/** How a command ends when it does not succeed, and the exit code each ending maps to. @since 0.1.0 */
export * as CliFailure from "./CliFailure.ts"

/** What a command prints. @since 0.1.0 */
export * as Output from "./Output.ts"
