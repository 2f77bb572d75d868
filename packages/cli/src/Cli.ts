/**
 * The `paymux` command tree and its entry point.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as CliConfig from "effect/cli/CliConfig"
import * as Command from "effect/cli/Command"
import * as GlobalFlag from "effect/cli/GlobalFlag"
import packageJson from "../package.json" with { type: "json" }
import * as ApiKey from "./commands/ApiKey.ts"
import * as Audit from "./commands/Audit.ts"
import * as Channel from "./commands/Channel.ts"
import * as Demo from "./commands/Demo.ts"
import * as Doctor from "./commands/Doctor.ts"
import * as Group from "./commands/Group.ts"
import * as Keys from "./commands/Keys.ts"
import * as Merchant from "./commands/Merchant.ts"
import * as Migrate from "./commands/Migrate.ts"
import * as Pg from "./commands/Pg.ts"
import * as Resolve from "./commands/Resolve.ts"
import * as Serve from "./commands/Serve.ts"
import * as Webhook from "./commands/Webhook.ts"
import * as Whitelist from "./commands/Whitelist.ts"
import * as invocation from "./internal/invocation.ts"
import * as platform from "./internal/platform.ts"
import { root } from "./Root.ts"

/**
 * The version `paymux --version` prints: the package's own (the build inlines package.json).
 *
 * @since 0.1.0
 * @category constants
 */
export const version: string = packageJson.version

/**
 * The whole command tree.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = root.pipe(
  Command.withSubcommands([
    Merchant.merchant,
    Merchant.submerchant,
    Channel.command,
    Group.command,
    Resolve.command,
    Doctor.command,
    Audit.command,
    Webhook.command,
    Whitelist.command,
    ApiKey.command,
    Keys.command,
    Migrate.command,
    Pg.command,
    Serve.command,
    Demo.command
  ])
)

// effect/cli's built-in flags without `--wizard`: paymux reads no interactive input, so the wizard
// could only fail (it was offered by every --help).
const config = CliConfig.layer({ builtIns: GlobalFlag.BuiltIns.filter((flag) => flag !== GlobalFlag.Wizard) })

/**
 * Runs `paymux` with the given arguments (without `node` and the script path) as an Effect.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (args: ReadonlyArray<string>) => {
  const json = invocation.jsonRequested(args)
  return invocation
    .guard(args, invocation.requireSubcommand(command, json, Command.run(command, { version })))
    .pipe(Effect.provide(platform.layer(args)), Effect.provide(invocation.presenter(json)), Effect.provide(config))
}

/**
 * Runs `paymux` as the process: arguments from `process.argv`, exit code from the outcome.
 *
 * @since 0.1.0
 * @category running
 */
export const main = (argv: ReadonlyArray<string> = process.argv.slice(2)): void => platform.runMain(run(argv))
