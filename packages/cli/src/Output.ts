/**
 * What a command prints: JSON with `--json` (one document on stdout), otherwise aligned tables
 * and short sentences. Errors go to stderr as text, or to stdout as `{ "error": ... }` with
 * `--json`, so a pipe into `jq` always gets a document.
 *
 * @since 0.1.0
 */
import { Input, Redaction } from "@paymux/domain"
import { displayWidth } from "effect/cli/CliOutput"
import * as Effect from "effect/Effect"
import type { CliFailure } from "./CliFailure.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Output {
  readonly json: boolean
  /** Prints `value` as JSON, or the text `render` gives. */
  readonly result: (value: unknown, render: () => string) => Effect.Effect<void>
  /** A progress or narrative line: text mode only (JSON mode stays one document). */
  readonly say: (text: string) => Effect.Effect<void>
  /** Prints a failure. */
  readonly failure: (failure: CliFailure) => Effect.Effect<void>
}

const line = (text: string) => (text.endsWith("\n") ? text : text + "\n")
const writeOut = (text: string) => Effect.sync(() => void process.stdout.write(line(text)))
const writeErr = (text: string) => Effect.sync(() => void process.stderr.write(line(text)))

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (json: boolean): Output => ({
  json,
  result: (value, render) => (json ? writeOut(toJson(value)) : writeOut(printable(render()))),
  say: (text) => (json ? Effect.void : writeOut(printable(text))),
  failure: (f) => {
    const message = clipped(maskUrlPasswords(f.message))
    const hint = f.hint === undefined || f.hint === "" ? undefined : clipped(maskUrlPasswords(f.hint))
    return json
      ? writeOut(
          toJson({
            error: {
              tag: f.tag,
              ...(f.code === undefined ? {} : { code: f.code }),
              exitCode: f.exitCode,
              message,
              ...(hint ? { hint } : {}),
              ...(f.details === undefined ? {} : { details: f.details })
            }
          })
        )
      : writeErr(`error: ${continued(message)}${hint ? `\nhint: ${continued(hint)}` : ""}`)
  }
})

/**
 * A failure's message or hint in text mode: every line after its first is indented, so a
 * newline in a value it quotes cannot forge an `error:` or `hint:` line of its own, and the
 * messages that do run over lines (effect/cli's "Did you mean this?") keep their lines.
 */
const continued = (text: string): string => printable(text).replace(/\n(?!\n|$)/g, "\n  ")

/** The most of a failure's message or hint printed: a value it quotes may be a pasted file. */
const maxFailureText = 2_000

const clipped = (text: string): string =>
  text.length <= maxFailureText ? text : `${text.slice(0, maxFailureText)}… (${text.length - maxFailureText} more characters)`

/**
 * Replaces the user info of every URL in `text` with `***` (`https://user:***@host/`,
 * `https://***@host/` for a user name alone), so an error quoting a URL never shows a password
 * or token. The same rule as `Redaction.maskUrlUserInfo` from `@paymux/domain`, kept under this
 * name for compatibility.
 *
 * @since 0.1.0
 * @category formatting
 */
export const maskUrlPasswords: (text: string) => string = Redaction.maskUrlUserInfo

// C0 and C1 controls, DEL, and the bidirectional overrides and isolates (the domain's one list):
// printed raw, a stored string could move the cursor, recolour or forge lines of the terminal.
const unsafe = Input.unsafeCharacters()
const escapeChar = (c: string): string => {
  const code = c.charCodeAt(0)
  if (c === "\n") return "\\n"
  if (c === "\r") return "\\r"
  if (c === "\t") return "\\t"
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`
}

/**
 * Text safe for a terminal: control characters (but the newlines that separate lines) are
 * written as escapes (`\x1b`, `\r`, `\u202e`). Every text-mode line goes through it.
 *
 * @since 0.1.0
 * @category formatting
 */
export const printable = (text: string): string => text.replace(unsafe, (c) => (c === "\n" ? c : escapeChar(c)))

/**
 * One value on one line: like `printable`, and newlines are escaped too, so a stored string can
 * never add a line to a table or a `key: value` block.
 *
 * @since 0.1.0
 * @category formatting
 */
export const printableValue = (text: string): string => text.replace(unsafe, escapeChar)

/**
 * JSON with two-space indentation; `Redacted` values serialise as `<redacted>`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const toJson = (value: unknown): string => JSON.stringify(value, null, 2)

/**
 * The columns a cell takes in a terminal: Hangul and other wide characters take two. Printable
 * ASCII takes one a character, counted without `displayWidth`'s grapheme segmentation, whose first
 * use costs several milliseconds of a command's start (`npm run bench:startup`).
 */
const columnsOf = (text: string): number => (/^[\x20-\x7e]*$/.test(text) ? text.length : displayWidth(text))

/**
 * An aligned table with a header row. Cells are turned into text; `undefined` prints as `-`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<unknown>>): string => {
  if (rows.length === 0) return "(none)"
  const cells = rows.map((row) => row.map((c) => (c === undefined || c === null || c === "" ? "-" : printableValue(String(c)))))
  const widths = headers.map((h, i) => Math.max(columnsOf(h), ...cells.map((r) => columnsOf(r[i] ?? ""))))
  const pad = (c: string, width: number) => c + " ".repeat(Math.max(0, width - columnsOf(c)))
  const line = (r: ReadonlyArray<string>) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!))).join("  ")
  return [line(headers), ...cells.map(line)].join("\n")
}

/**
 * `key: value` lines, keys aligned.
 *
 * @since 0.1.0
 * @category formatting
 */
export const fields = (entries: ReadonlyArray<readonly [string, unknown]>): string => {
  const width = Math.max(...entries.map(([k]) => k.length))
  return entries
    .map(([k, v]) => `${(k + ":").padEnd(width + 1)} ${v === undefined || v === "" ? "-" : printableValue(String(v))}`)
    .join("\n")
}

/**
 * An epoch-milliseconds timestamp as ISO 8601 (UTC, seconds). A number no date can hold (beyond
 * year 275760, NaN) prints as itself with a note instead of failing the whole view.
 *
 * @since 0.1.0
 * @category formatting
 */
export const time = (ms: number | undefined): string | undefined => {
  if (ms === undefined) return undefined
  return isDate(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z") : `${ms} (not a representable date)`
}

/**
 * Whether a number of epoch milliseconds is a date JavaScript can hold (not beyond year 275760, not NaN).
 *
 * @since 0.1.0
 * @category formatting
 */
export const isDate = (ms: number): boolean => !Number.isNaN(new Date(ms).getTime())
