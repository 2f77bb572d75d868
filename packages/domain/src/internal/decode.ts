import { Result, Schema, SchemaIssue } from "effect"
import { InvalidInput } from "../DomainError.ts"
import { maskUrlUserInfo } from "../Redaction.ts"
import { controlOrBidi } from "./unsafeText.ts"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** Path segments under which every value is a secret and must never be echoed back. */
const secretSegments = new Set(["credentials", "secret", "secretHash", "secrets"])

/** The most of a value an error message quotes. */
const maxQuoted = 80

/**
 * A value as an error message quotes it: the user info of URLs masked, at most `maxQuoted` characters,
 * and as a JSON string whose C0, DEL, C1 and bidirectional-control characters are escaped, so a
 * message printed on a terminal cannot forge lines or colours.
 */
export const quote = (value: string): string => {
  const masked = maskUrlUserInfo(value)
  const clipped = masked.length > maxQuoted ? masked.slice(0, maxQuoted) + "…" : masked
  // JSON.stringify has escaped C0 already; DEL, C1 and the bidirectional controls it leaves.
  return JSON.stringify(clipped).replace(
    new RegExp(controlOrBidi.source, "g"),
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
  )
}

const describeValue = (input: unknown, path: ReadonlyArray<PropertyKey>, secret: boolean): string => {
  if (secret) return "<redacted>"
  let at: unknown = input
  for (const segment of path) {
    if (at === null || typeof at !== "object") return "<missing>"
    at = (at as Record<PropertyKey, unknown>)[segment]
  }
  if (at === undefined) return "<missing>"
  if (typeof at === "string") return quote(at)
  if (typeof at === "object") return Array.isArray(at) ? "an array" : at === null ? "null" : "an object"
  return String(at)
}

/** A value as an error message shows it: a string quoted, so that `"5"` does not read as the number 5. */
export const describe = (value: unknown): string => describeValue(value, [], false)

/** Turns a SchemaError into the first offending field as an InvalidInput. */
const toInvalidInput = (error: Schema.SchemaError, input: unknown, fieldPrefix?: string): InvalidInput => {
  const issues = formatter(error.issue).issues
  const first = issues[0]
  const path = (first?.path ?? []).map((segment) =>
    typeof segment === "object" && segment !== null && "key" in segment ? segment.key : segment
  ) as Array<PropertyKey>
  const secret = path.some((segment) => secretSegments.has(String(segment)))
  const field = [fieldPrefix, ...path.map(String)].filter((s) => s !== undefined && s !== "").join(".") || (fieldPrefix ?? "value")
  return new InvalidInput({ field, value: describeValue(input, path, secret), rule: first?.message ?? "invalid" })
}

/** Decodes unknown input, reporting the first bad field as InvalidInput. */
export const decodeWith = <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S, fieldPrefix?: string) => {
  const decode = Schema.decodeUnknownResult(schema)
  return (input: unknown): Result.Result<S["Type"], InvalidInput> =>
    Result.mapError(decode(input), (error) => toInvalidInput(error, input, fieldPrefix))
}
