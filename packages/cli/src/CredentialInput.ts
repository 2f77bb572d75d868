/**
 * Channel credentials from the command line: `--cred name=value` (repeatable), `--cred name=-`
 * (the value from stdin) and `--cred-file PATH` (`name=value` lines; `-` reads stdin). The file
 * and stdin keep secrets out of the process list and the shell history, so they are the
 * preferred way for secret fields. Errors name the field or the line, never a value.
 *
 * @since 0.1.0
 */
import { readFile } from "node:fs/promises"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "./CliFailure.ts"

/**
 * `--cred name=value`, repeatable; `name=-` reads the value from stdin.
 *
 * @since 0.1.0
 * @category flags
 */
export const credFlag = Flag.String("cred").pipe(
  Flag.withDescription(
    "A credential field as name=value (repeatable); name=- reads the value from stdin. paymux pg show CODE lists the fields"
  ),
  Flag.atLeast(0)
)

/**
 * `--cred-file PATH`: one `name=value` per line (`#` comments and blank lines skipped); `-` is stdin.
 * A value in quotes (`name="value"`) is refused: the quotes would be stored as part of it.
 *
 * @since 0.1.0
 * @category flags
 */
export const credFileFlag = Flag.String("cred-file").pipe(
  Flag.withDescription("Read credential fields from a file of name=value lines (- for stdin); keeps secrets off the command line"),
  Flag.optional
)

const hint = "give each field as name=value (paymux pg show CODE lists the names); secrets are best read from --cred-file or --cred name=-"

const readStdin = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    process.stdin.on("data", (c: Buffer) => chunks.push(c))
    process.stdin.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    process.stdin.once("error", reject)
  })

const stdin = (what: string) =>
  Effect.tryPromise({
    try: readStdin,
    catch: () => CliFailure.badInput(`${what}: stdin could not be read`, hint)
  })

/** `name=value` as its name (trimmed) and value; `undefined` without an `=`. */
const pair = (text: string): readonly [string, string] | undefined => {
  const eq = text.indexOf("=")
  return eq === -1 ? undefined : [text.slice(0, eq).trim(), text.slice(eq + 1)]
}

/** One `name=value`; `where` names the flag or line in an error (the value never appears). */
const split = (text: string, where: string): Effect.Effect<readonly [string, string], CliFailure.CliFailure> => {
  const parsed = pair(text)
  if (parsed === undefined || parsed[0] === "") {
    return Effect.fail(
      CliFailure.badInput(
        `${where}: expected name=value${parsed === undefined ? ' (no "=" found)' : " (the name is empty)"}; the value is not shown`,
        hint
      )
    )
  }
  return Effect.succeed(parsed)
}

/** A value wrapped in a pair of quotes, as a shell or .env file writes one (`site_key="X"`). */
const quoted = (value: string): boolean => {
  const v = value.trim()
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0]
}

const parseFile = (text: string, path: string) =>
  Effect.flatMap(
    Effect.forEach(
      text
        .split(/\r?\n/)
        .map((line, i) => [line, i + 1] as const)
        .filter(([line]) => line.trim() !== "" && !line.trimStart().startsWith("#")),
      ([line, n]) =>
        Effect.flatMap(split(line, `--cred-file ${path} line ${n}`), ([name, value]) =>
          quoted(value)
            ? Effect.fail(
                CliFailure.badInput(
                  `--cred-file ${path} line ${n}: the value of ${name} is in quotes, which would be stored as part of it; the value is not shown`,
                  "write name=value without quotes (the file is not a shell or .env file); a value that really starts and ends with a quote can be given with --cred name=-"
                )
              )
            : Effect.succeed({ name, value, where: `line ${n}` })
        )
    ),
    (fields) => once(fields, `--cred-file ${path}`)
  )

/**
 * Fails when one source (the file, or the `--cred` flags) names a field twice: which of two values
 * was meant is a guess, and a secret is not something to guess.
 */
const once = <A extends { readonly name: string; readonly where: string }>(
  fields: ReadonlyArray<A>,
  source: string
): Effect.Effect<ReadonlyArray<A>, CliFailure.CliFailure> => {
  const seen = new Map<string, string>()
  for (const field of fields) {
    const first = seen.get(field.name)
    if (first !== undefined) {
      return Effect.fail(
        CliFailure.badInput(`${source}: ${field.name} is given twice (${first} and ${field.where}); the values are not shown`, hint)
      )
    }
    seen.set(field.name, field.where)
  }
  return Effect.succeed(fields)
}

/**
 * The credential record the flags describe (`undefined` when none was given). Fields of the file
 * come first; a `--cred` of the same name replaces them. The file, and the `--cred` flags, name
 * each field once. Only one value may come from stdin.
 *
 * @since 0.1.0
 * @category parsing
 */
export const read = (
  creds: ReadonlyArray<string>,
  file: Option.Option<string>
): Effect.Effect<Record<string, string> | undefined, CliFailure.CliFailure> =>
  Effect.gen(function* () {
    const pairs = yield* once(
      yield* Effect.forEach(creds, (c, i) =>
        Effect.map(split(c, "--cred"), ([name, value]) => ({ name, value, where: `--cred #${i + 1}` }))
      ),
      "--cred"
    )
    const fromStdin = pairs.filter(({ value }) => value === "-").map(({ name }) => name)
    const fileIsStdin = Option.isSome(file) && file.value === "-"
    if (fromStdin.length + (fileIsStdin ? 1 : 0) > 1) {
      return yield* Effect.fail(CliFailure.badInput("only one credential can be read from stdin", "put the others in a --cred-file"))
    }
    const entries: Array<readonly [string, string]> = []
    if (Option.isSome(file)) {
      const path = file.value
      const text = fileIsStdin
        ? yield* stdin("--cred-file -")
        : yield* Effect.tryPromise({
            try: () => readFile(path, "utf8"),
            catch: (e) => CliFailure.badInput(`--cred-file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`, hint)
          })
      for (const { name, value } of yield* parseFile(text, path)) entries.push([name, value])
    }
    for (const { name, value } of pairs) {
      // A value piped in usually ends with the newline of `echo` or of the file: drop one.
      entries.push([name, value === "-" ? (yield* stdin(`--cred ${name}=-`)).replace(/\r?\n$/, "") : value])
    }
    return entries.length === 0 ? undefined : Object.fromEntries(entries)
  })

/**
 * The warning for secret fields given as `--cred name=value`, as for a password in `--db`: other
 * users of the machine can read a process's arguments (`ps`), and the shell keeps them in its
 * history. `secret` names the PG's secret fields (the catalog's). Names the fields, never a value.
 *
 * @since 0.1.0
 * @category parsing
 */
export const secretsOnCommandLine = (creds: ReadonlyArray<string>, secret: ReadonlyArray<string>): string | undefined => {
  const named = creds.flatMap((c) => {
    const [name, value] = pair(c) ?? ["", "-"]
    return value !== "-" && secret.includes(name) ? [name] : []
  })
  return named.length === 0
    ? undefined
    : `warning: --cred ${named.join(", ")} put a secret on the command line, which other users of this machine can read in the process list (ps) and the shell keeps in its history; give secret fields with --cred-file FILE or --cred NAME=- (stdin)`
}
