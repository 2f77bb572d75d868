import { Result, Schema, SchemaIssue } from "effect"
import { InvalidInput } from "../DomainError.ts"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** Path segments under which every value is a secret and must never be echoed back. */
const secretSegments = new Set(["credentials", "secret", "secretHash", "secrets"])

const describeValue = (input: unknown, path: ReadonlyArray<PropertyKey>, secret: boolean): string => {
  if (secret) return "<redacted>"
  let at: unknown = input
  for (const segment of path) {
    if (at === null || typeof at !== "object") return "<missing>"
    at = (at as Record<PropertyKey, unknown>)[segment]
  }
  if (at === undefined) return "<missing>"
  if (typeof at === "string") return JSON.stringify(at.length > 80 ? at.slice(0, 80) + "…" : at)
  if (typeof at === "object") return Array.isArray(at) ? "an array" : at === null ? "null" : "an object"
  return String(at)
}

/** Turns a SchemaError into the first offending field as an InvalidInput. */
export const toInvalidInput = (error: Schema.SchemaError, input: unknown, fieldPrefix?: string): InvalidInput => {
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
