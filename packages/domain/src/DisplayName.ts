/**
 * Display names: what merchants, sub-merchants, channels, groups and API keys are called.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { isWellFormed } from "./Input.ts"
import { controlOrBidi } from "./internal/unsafeText.ts"

/**
 * A display name: 1-100 characters, not blank, no surrounding whitespace, no control or
 * bidirectional-override characters and no lone surrogates (`Input.isWellFormed`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DisplayName = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter(
      (s: string) =>
        (s.length >= 1 && s.length <= 100 && s.trim() === s && !controlOrBidi.test(s) && isWellFormed(s)) ||
        "a name is 1-100 characters without surrounding whitespace, control characters, bidirectional overrides (U+202A-U+202E, U+2066-U+2069) or lone surrogates"
    )
  )
)
