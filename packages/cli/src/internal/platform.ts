/**
 * The five services `Command.run` needs, built from `effect` alone (no @effect/platform-node),
 * and a run-main that maps a program's end onto the process exit code.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Path from "effect/Path"
import * as Runtime from "effect/Runtime"
import * as Sink from "effect/Sink"
import * as Stdio from "effect/Stdio"
import * as Stream from "effect/Stream"
import * as Terminal from "effect/Terminal"
import * as CliError from "effect/cli/CliError"
import * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"

const write = (stream: NodeJS.WriteStream) => Sink.forEach((chunk: string | Uint8Array) => Effect.sync(() => void stream.write(chunk)))

/** Stdio, Terminal, Path, FileSystem and ChildProcessSpawner for a Node process, logging to stderr. */
export const layer = (argv: ReadonlyArray<string>) =>
  Layer.mergeAll(
    // stdout holds the answer (one JSON document with --json); log lines go to stderr.
    Layer.succeed(Logger.LogToStderr, true),
    Layer.succeed(
      Stdio.Stdio,
      Stdio.make({
        args: Effect.succeed(argv),
        stdout: () => write(process.stdout),
        stderr: () => write(process.stderr),
        stdin: Stream.empty,
        stdinIsTerminal: Effect.sync(() => process.stdin.isTTY === true),
        stdoutIsTerminal: Effect.sync(() => process.stdout.isTTY === true),
        stderrIsTerminal: Effect.sync(() => process.stderr.isTTY === true)
      })
    ),
    Layer.succeed(
      Terminal.Terminal,
      Terminal.make({
        columns: Effect.sync(() => process.stdout.columns ?? 100),
        rows: Effect.sync(() => process.stdout.rows ?? 40),
        size: Effect.die("paymux does not read terminal size changes"),
        readInput: Effect.die("paymux does not read interactive input"),
        readLine: Effect.die("paymux does not read interactive input"),
        display: (text) => Effect.sync(() => void process.stdout.write(text))
      })
    ),
    Path.layer,
    FileSystem.layerNoop({}),
    Layer.succeed(
      ChildProcessSpawner.ChildProcessSpawner,
      ChildProcessSpawner.make(() => Effect.die("paymux does not spawn processes"))
    )
  )

/**
 * Exit codes: 0 ok; the error's own `[Runtime.errorExitCode]` (1 negative answer, 2 bad input,
 * 3 store unavailable); a command-line parse error (effect/cli's ShowHelp with errors, 1 by
 * default) is bad input, so 2; interruption 130.
 */
export const teardown: Runtime.Teardown = (exit, onExit) => {
  if (Exit.isSuccess(exit)) return onExit(0)
  if (Cause.hasInterruptsOnly(exit.cause)) return onExit(130)
  const error = Cause.squash(exit.cause)
  if (CliError.isCliError(error)) {
    if (error._tag === "ShowHelp") return onExit(error.errors.length > 0 ? 2 : 0)
    return onExit(2)
  }
  onExit(Runtime.getErrorExitCode(error))
}

/**
 * A reader that goes away early (`paymux … | head`, EPIPE) is not an error of the command: stop
 * writing to that stream quietly instead of crashing on an unhandled 'error' event.
 */
const ignoreClosedReader = (stream: NodeJS.WriteStream) => stream.on("error", () => stream.destroy())

/** Calls `done` once everything written to `stream` so far has been handed to the OS. */
const whenFlushed = (stream: NodeJS.WriteStream, done: () => void) => {
  if (stream.destroyed || stream.writableLength === 0) return done()
  // Writes complete in order, so the callback of an empty write runs after the earlier ones.
  stream.write("", () => done())
}

const runMainWith = Runtime.makeRunMain(({ fiber, teardown }) => {
  ignoreClosedReader(process.stdout)
  ignoreClosedReader(process.stderr)
  // The first SIGINT or SIGTERM stops the command gracefully (finalizers run, work in flight gets
  // its grace); a second one of either stops it at once, with the same exit code.
  let signalled = false
  const onSignal = () => {
    if (signalled) process.exit(130)
    signalled = true
    fiber.interruptUnsafe()
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  fiber.addObserver((exit) => {
    process.removeListener("SIGINT", onSignal)
    process.removeListener("SIGTERM", onSignal)
    teardown(exit, (code) => {
      process.exitCode = code
      // On a pipe, stdout writes beyond the pipe buffer are still queued: exit only once they are
      // written, or `--json | jq` gets a truncated document. Pending handles (a pg socket being
      // closed, an unref'd timer) must not hold the exit, hence the explicit exit after that.
      whenFlushed(process.stdout, () => whenFlushed(process.stderr, () => process.exit(code)))
    })
  })
})

/** Runs the main effect; SIGINT/SIGTERM interrupt it so finalizers (databases, servers) run. */
export const runMain = <E, A>(effect: Effect.Effect<A, E>): void => runMainWith(effect, { teardown })
