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
import { controlOrBidi } from "./internal/unsafeText.ts"

/**
 * Whether `text` holds a character that makes it show something else than it is: a C0 or C1
 * control, DEL (CR/LF forge lines, ESC recolours a terminal), or a bidirectional embedding,
 * override or isolate (U+202A-U+202E, U+2066-U+2069). Names and webhook URLs refuse them; a front
 * end that prints stored text escapes them (`unsafeCharacters`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const hasUnsafeCharacters = (text: string): boolean => controlOrBidi.test(text)

/**
 * Every such character, for `String.prototype.replace` (a new global expression per call, so no
 * `lastIndex` is shared between callers).
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeCharacters = (): RegExp => new RegExp(controlOrBidi.source, "g")

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
