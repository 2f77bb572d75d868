/**
 * How a command line that does not parse is reported: as a CliFailure printed like every other
 * failure (text on stderr, or `{ "error": … }` on stdout with `--json`), never with the value of
 * a flag that may hold a secret. Help and `--version` keep effect/cli's own output, but for a
 * command group run without a subcommand with `--json`, which is bad input there.
 */
import * as Effect from "effect/Effect"
import * as CliError from "effect/cli/CliError"
import type * as Command from "effect/cli/Command"
import * as CliOutput from "effect/cli/CliOutput"
import * as CliFailure from "../CliFailure.ts"
import * as Output from "../Output.ts"

/** Flags whose values are secrets or may contain one: their values are never quoted back. */
const secretFlags: ReadonlySet<string> = new Set(["cred", "cred-file", "secret", "header"])

/** Whether the line asks for JSON output (before any `--`), decided before parsing succeeds. */
export const jsonRequested = (argv: ReadonlyArray<string>): boolean => {
  const end = argv.indexOf("--")
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === "--json" || a === "--json=true")
}

const describe = (error: CliError.NonShowHelpErrors): string => {
  if (error._tag === "InvalidValue" && error.kind === "flag" && secretFlags.has(error.option)) {
    return `invalid value for --${error.option} (not shown: it may be a secret)`
  }
  return error.message
}

/**
 * Whether a parse error refuses a value given to a flag or argument by the value's own rule (not
 * a whole number, out of range, not one of the choices, a malformed id): effect/cli's
 * `InvalidValue`, but for its counts of how often a flag was given ("2 occurrences", "at most 1
 * value"), which are the command line's shape.
 */
const refusesValue = (error: CliError.NonShowHelpErrors): error is CliError.InvalidValue =>
  error._tag === "InvalidValue" && !/^\d+ (occurrences|values)$/.test(error.value)

/**
 * The parse failure of a command line as a bad-input failure (exit 2). When every error refuses
 * a value by its rule, it is `invalid-input`, as the core answers the same value; a missing,
 * unknown or repeated flag keeps no code.
 */
export const failureOf = (commandPath: ReadonlyArray<string>, errors: ReadonlyArray<CliError.NonShowHelpErrors>): CliFailure.CliFailure => {
  const message = errors.map(describe).join("; ")
  const hint = `${commandPath.join(" ")} --help lists the commands and flags`
  const [first] = errors
  return first !== undefined && refusesValue(first) && errors.every(refusesValue)
    ? CliFailure.invalidInput(first.option, message, hint)
    : CliFailure.badInput(message, hint)
}

/**
 * A leading dash and a digit (`-5h`, `-1x`) is no paymux flag, but effect/cli would read it as
 * short flags (`-5h` contains `-h`, so `--expires -5h` printed help and exited 0). Refuse it up
 * front; plain negative numbers (`-1`) parse as values and each flag checks its own range.
 */
const checkDashValues = (argv: ReadonlyArray<string>): CliFailure.CliFailure | undefined => {
  const end = argv.indexOf("--")
  const bad = (end === -1 ? argv : argv.slice(0, end)).find((a) => /^-\d/.test(a) && !/^-(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(a))
  return bad === undefined
    ? undefined
    : CliFailure.badInput(
        `${JSON.stringify(bad)} is not a flag, and negative durations are not accepted`,
        "write values that start with a dash as --flag=VALUE; durations and limits are positive"
      )
}

/**
 * A command group run without a subcommand (`paymux channel`) is answered by effect/cli with the
 * group's help and exit 0: its "Implicit" help, a `ShowHelp` without errors.
 */
const isImplicitHelp = (error: unknown): error is CliError.ShowHelp =>
  CliError.isCliError(error) && error._tag === "ShowHelp" && error.errors.length === 0

/** The subcommands a group at `commandPath` (from the root's name on) lists in its help. */
const subcommandsAt = (root: Command.Command.Any, commandPath: ReadonlyArray<string>): ReadonlyArray<string> => {
  const listed = (command: Command.Command.Any) => command.subcommands.flatMap((group) => group.commands).filter((c) => !c.unlisted)
  let at = root
  for (const name of commandPath.slice(1)) at = listed(at).find((c) => c.name === name) ?? at
  return listed(at).map((c) => c.name)
}

/** A command group run without one of its subcommands, with `--json`: bad input (exit 2) naming them. */
const subcommandMissing = (commandPath: ReadonlyArray<string>, subcommands: ReadonlyArray<string>): CliFailure.CliFailure =>
  new CliFailure.CliFailure({
    exitCode: CliFailure.ExitCode.badInput,
    tag: "BadInput",
    message: `${commandPath.join(" ")} needs a subcommand: ${subcommands.join(", ")}`,
    hint: `${commandPath.join(" ")} --help lists the commands and flags`,
    details: { subcommands }
  })

/**
 * effect/cli's presenter with parse errors printed the paymux way. With `--json`, a group's
 * implicit help is not printed: `requireSubcommand` answers it with a JSON failure instead.
 */
export const presenter = (json: boolean) =>
  CliOutput.layerPresenter({
    present: (event) =>
      event._tag === "InvalidInvocation"
        ? Output.make(json).failure(failureOf(event.commandPath, event.errors))
        : json && event._tag === "Help" && event.reason === "Implicit"
          ? Effect.void
          : CliOutput.defaultPresenter.present(event)
  })

/**
 * With `--json`, a command group run without a subcommand prints `{ "error": … }` listing its
 * subcommands and exits 2: help text is no JSON document. Without `--json` it keeps effect/cli's
 * answer, the group's help and exit 0.
 */
export const requireSubcommand = <A, E, R>(
  root: Command.Command.Any,
  json: boolean,
  program: Effect.Effect<A, E, R>
): Effect.Effect<A, E | CliFailure.CliFailure, R> =>
  json
    ? Effect.catch(program, (error): Effect.Effect<never, E | CliFailure.CliFailure> => {
        if (!isImplicitHelp(error)) return Effect.fail(error)
        const failure = subcommandMissing(error.commandPath, subcommandsAt(root, error.commandPath))
        return Effect.andThen(Output.make(true).failure(failure), Effect.fail(failure))
      })
    : program

/** Runs `program` unless the line has a dash value `effect/cli` would misread (then exit 2). */
export const guard = <A, E, R>(
  argv: ReadonlyArray<string>,
  program: Effect.Effect<A, E, R>
): Effect.Effect<A, E | CliFailure.CliFailure, R> => {
  const refused = checkDashValues(argv)
  return refused === undefined ? program : Effect.andThen(Output.make(jsonRequested(argv)).failure(refused), Effect.fail(refused))
}
