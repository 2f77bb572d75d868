/**
 * The root command and its shared flags (`--db`, `--json`), and the wrapper every handler runs
 * in: it reads the shared flags, prints the result or the failure, and sets the exit code.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "./CliFailure.ts"
import * as Output from "./Output.ts"
import { passwordInArguments } from "./Store.ts"

/**
 * `--db`: a SQLite file path, `:memory:`, or a `postgres://` URL. Falls back to `PAYMUX_DB`, then
 * `./paymux.db`.
 *
 * @since 0.1.0
 * @category flags
 */
export const db = Flag.String("db").pipe(
  Flag.withDescription("Store: a SQLite file path, :memory:, or a postgres:// URL (default: $PAYMUX_DB or ./paymux.db)"),
  Flag.optional
)

/**
 * `--json`: machine-readable output.
 *
 * @since 0.1.0
 * @category flags
 */
export const json = Flag.Boolean("json").pipe(
  Flag.withDescription("Print one JSON document instead of tables and sentences"),
  Flag.withDefault(false)
)

/**
 * The `paymux` command without its subcommands; handlers read the shared flags from it.
 *
 * @since 0.1.0
 * @category commands
 */
export const root = Command.make("paymux").pipe(
  Command.withDescription("Paymux: payment channels, webhooks, whitelists and API keys from a terminal"),
  Command.withSharedFlags({ db, json })
)

/**
 * The shared settings a handler runs with.
 *
 * @since 0.1.0
 * @category models
 */
export interface Context {
  readonly out: Output.Output
  /** The `--db` value after the `PAYMUX_DB` and default fallbacks. */
  readonly db: string
  /** Whether to print the store's notes: a newly created key file, a database other users can read (the demo's throwaway database and a second opening do not). */
  readonly announceStore?: boolean | undefined
}

/**
 * The effective `--db`.
 *
 * @since 0.1.0
 * @category getters
 */
export const dbTarget = (flag: Option.Option<string>): string =>
  Option.getOrElse(flag, () =>
    process.env.PAYMUX_DB !== undefined && process.env.PAYMUX_DB !== "" ? process.env.PAYMUX_DB : "./paymux.db"
  )

/**
 * Runs a handler body with the shared settings; any failure is printed (text or JSON) and ends
 * the process with its exit code.
 *
 * @since 0.1.0
 * @category combinators
 */
export const action = <E, R>(body: (ctx: Context) => Effect.Effect<void, E, R>) =>
  Effect.gen(function* () {
    const flags = yield* root
    const ctx: Context = { out: Output.make(flags.json), db: dbTarget(flags.db) }
    const exposed = Option.isSome(flags.db) ? passwordInArguments(flags.db.value) : undefined
    if (exposed !== undefined) yield* Effect.sync(() => process.stderr.write(`${exposed}\n`))
    return yield* body(ctx).pipe(
      // A bug must still end as one printed failure (JSON with --json), not a runtime stack trace.
      Effect.catchDefect((defect) => Effect.flatMap(CliFailure.fromError(defect), Effect.fail)),
      Effect.catch((error: unknown) =>
        Effect.flatMap(CliFailure.fromError(error), (failure) =>
          Effect.andThen(failure.printed === true ? Effect.void : ctx.out.failure(failure), Effect.fail(failure))
        )
      )
    )
  })
