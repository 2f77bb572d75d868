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

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Whether `text` is well-formed UTF-16: no lone surrogate, which no store keeps byte-exact (the
 * SQL stores give one back as U+FFFD). `String.prototype.isWellFormed` where every runtime has
 * it; the console still runs in browsers without it (Firefox 115 ESR).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isWellFormed = (text: string): boolean => !loneSurrogate.test(text)
