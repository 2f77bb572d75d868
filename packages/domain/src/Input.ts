/**
 * Checking untrusted input (a request body, a Promise caller's object) against a schema, with the
 * domain's own error: the first bad field as `InvalidInput`, its value quoted safely and never a
 * secret's.
 *
 * @since 0.1.0
 */
import type { Result, Schema } from "effect"
import type { InvalidInput } from "./DomainError.ts"
import { decodeWith } from "./internal/decode.ts"

/**
 * A decoder of unknown input by `schema`; a failure names the first bad field (under
 * `fieldPrefix` when given).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decoder: <S extends Schema.Top & { readonly DecodingServices: never }>(
  schema: S,
  fieldPrefix?: string
) => (input: unknown) => Result.Result<S["Type"], InvalidInput> = decodeWith
