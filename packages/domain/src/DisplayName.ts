/**
 * Display names: what merchants, sub-merchants, channels, groups and API keys are called.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * What a display name must not contain: control characters (C0, DEL, C1), bidirectional
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069: they make a name read
 * differently from what it is), and lone UTF-16 surrogates (no store can keep them byte-exact;
 * they came back as U+FFFD).
 */
const unsafeInName =
  /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * A display name: 1-100 characters, not blank, no surrounding whitespace, no control or
 * bidirectional-override characters and no lone surrogates.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DisplayName = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter(
      (s: string) =>
        (s.length >= 1 && s.length <= 100 && s.trim() === s && !unsafeInName.test(s)) ||
        "a name is 1-100 characters without surrounding whitespace, control characters, bidirectional overrides (U+202A-U+202E, U+2066-U+2069) or lone surrogates"
    )
  )
)
