/**
 * The startup bench's floor: an effect/cli program with one command and no flags, on the same
 * platform layer as `paymux` and bundled the same way (minified, effect inside). Its `--help` is
 * what any command line built on effect/cli costs before a single paymux module loads.
 */
import * as Command from "effect/cli/Command"
import * as Effect from "effect/Effect"
import * as platform from "../src/internal/platform.ts"

const command = Command.make("floor", {}, () => Effect.void)
const args = process.argv.slice(2)

platform.runMain(Command.run(command, { version: "0.0.0" }).pipe(Effect.provide(platform.layer(args))))
