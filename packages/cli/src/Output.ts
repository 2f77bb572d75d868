/**
 * What a command prints: JSON with `--json` (one document on stdout), otherwise aligned tables
 * and short sentences. Errors go to stderr as text, or to stdout as `{ "error": ... }` with
 * `--json`, so a pipe into `jq` always gets a document.
 *
 * @since 0.1.0
 */
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

const writeOut = (text: string) => Effect.sync(() => void process.stdout.write(text.endsWith("\n") ? text : text + "\n"))
const writeErr = (text: string) => Effect.sync(() => void process.stderr.write(text.endsWith("\n") ? text : text + "\n"))

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (json: boolean): Output => ({
  json,
  result: (value, render) => (json ? writeOut(toJson(value)) : writeOut(render())),
  say: (text) => (json ? Effect.void : writeOut(text)),
  failure: (f) =>
    json
      ? writeOut(toJson({ error: { tag: f.tag, ...(f.code === undefined ? {} : { code: f.code }), exitCode: f.exitCode, message: f.message, ...(f.hint ? { hint: f.hint } : {}), ...(f.details === undefined ? {} : { details: f.details }) } }))
      : writeErr(`error: ${f.message}${f.hint ? `\nhint: ${f.hint}` : ""}`)
})

/**
 * JSON with two-space indentation; `Redacted` values serialise as `<redacted>`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const toJson = (value: unknown): string => JSON.stringify(value, null, 2)

/**
 * An aligned table with a header row. Cells are turned into text; `undefined` prints as `-`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<unknown>>): string => {
  if (rows.length === 0) return "(none)"
  const cells = rows.map((row) => row.map((c) => (c === undefined || c === null || c === "" ? "-" : String(c))))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)))
  const line = (r: ReadonlyArray<string>) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")
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
  return entries.map(([k, v]) => `${(k + ":").padEnd(width + 1)} ${v === undefined || v === "" ? "-" : String(v)}`).join("\n")
}

/**
 * An epoch-milliseconds timestamp as ISO 8601 (UTC, seconds).
 *
 * @since 0.1.0
 * @category formatting
 */
export const time = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z")
