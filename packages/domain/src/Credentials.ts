/**
 * A channel's PG credentials, checked against the PG's field schema and held as `Redacted` so
 * they never reach a log, an error message or JSON output by accident.
 *
 * @since 0.1.0
 */
import { Redacted, Result, Schema } from "effect"
import type { PaymentType } from "./ChannelTerms.ts"
import { InvalidInput } from "./DomainError.ts"
import { isWellFormed } from "./Input.ts"
import { quote } from "./internal/decode.ts"
import { controlOrBidi } from "./internal/unsafeText.ts"
import { isRequiredFor, type PgProvider } from "./PgCatalog.ts"

/**
 * Field name to value, every value redacted.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Credentials = Schema.Record(Schema.String, Schema.Redacted(Schema.String))
/** @since 0.1.0 @category models */
export type Credentials = typeof Credentials.Type

/** @since 0.1.0 @category constants */
export const maxValueLength = 512

/** What a credential value that is not a string is told, on create and on edit alike. */
const mustBeText = "must be text"

/**
 * One credential value as a caller gives it: a string, or a string already redacted. Anything
 * else is refused as "must be text" (the union alone named its last member, "Expected Redacted").
 *
 * @since 0.1.0
 * @category schemas
 */
export const InputValue = Schema.Union([Schema.String, Schema.Redacted(Schema.String).annotate({ message: mustBeText })])

const invalid = (name: string, value: string, rule: string): InvalidInput => new InvalidInput({ field: `credentials.${name}`, value, rule })

/**
 * Checks raw credential values against a PG's fields for one payment type. Unknown fields,
 * missing required fields, over-long values and pattern mismatches are refused; secret values are
 * never echoed in the error. An empty string means "not given". With `requireAll: false` (a test
 * channel on the aggregator's shared test credential) missing required fields are allowed.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (
  provider: PgProvider,
  type: PaymentType,
  input: Readonly<Record<string, string | Redacted.Redacted<string>>>,
  options: { readonly requireAll?: boolean } = {}
): Result.Result<Credentials, InvalidInput> => {
  const known = new Map(provider.credentialFields.map((f) => [f.name, f]))
  const out: Record<string, Redacted.Redacted<string>> = {}
  for (const [name, raw] of Object.entries(input)) {
    const field = known.get(name)
    if (field === undefined) {
      if (name === provider.mid.name) {
        return Result.fail(invalid(name, "<redacted>", `${name} is the MID of ${provider.code}: pass it as the channel's MID`))
      }
      const names = provider.credentialFields.map((f) => f.name)
      const expected = names.length > 0 ? `expected ${names.join(", ")}` : `${provider.code} takes no credential fields`
      return Result.fail(invalid(name, "<redacted>", `not a credential field of ${provider.code}; ${expected}`))
    }
    const value = Redacted.isRedacted(raw) ? Redacted.value(raw) : raw
    if (typeof value !== "string") return Result.fail(invalid(name, "<redacted>", mustBeText))
    const shown = field.secret ? "<redacted>" : JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)
    if (value === "") continue
    if (value.trim() !== value) return Result.fail(invalid(name, shown, "must not start or end with whitespace"))
    // No PG issues one (a NUL cannot even be stored on PostgreSQL): a paste that caught one.
    if (controlOrBidi.test(value)) {
      return Result.fail(
        invalid(name, field.secret ? "<redacted>" : quote(value), "must not hold control or bidirectional-control characters")
      )
    }
    // A lone surrogate has no UTF-8 form: sealed, it would come back as U+FFFD, not as accepted.
    if (!isWellFormed(value)) return Result.fail(invalid(name, "<redacted>", "must not hold lone surrogates (half of a UTF-16 pair)"))
    const max = field.maxLength ?? maxValueLength
    if (value.length > max) return Result.fail(invalid(name, shown, `${field.label} is at most ${max} characters`))
    if (field.pattern !== undefined && !new RegExp(field.pattern).test(value)) {
      return Result.fail(invalid(name, shown, `${field.label} must be ${field.patternDescription ?? `like /${field.pattern}/`}`))
    }
    out[name] = Redacted.make(value, { label: `credentials.${name}` })
  }
  if (options.requireAll !== false) {
    for (const field of provider.credentialFields) {
      if (out[field.name] === undefined && isRequiredFor(field, type)) {
        return Result.fail(invalid(field.name, "<missing>", `${provider.code} needs ${field.label} for ${type}`))
      }
    }
  }
  return Result.succeed(out)
}

/**
 * Merges a patch into existing credentials for `validate` to check: a value replaces, and an
 * empty string removes a stored field (one the catalog no longer takes included: that is how such
 * a channel is mended). An empty string for a name not stored stays, and `validate` reads it as
 * "not given", or refuses it as on create when the PG does not take that name: it was dropped
 * unchecked, and `__proto__` vanished into the prototype.
 *
 * @since 0.1.0
 * @category combinators
 */
export const merge = (
  current: Credentials,
  patch: Readonly<Record<string, string | Redacted.Redacted<string>>>
): Record<string, string | Redacted.Redacted<string>> => {
  // No prototype: `__proto__` is then a name like any other.
  const out: Record<string, string | Redacted.Redacted<string>> = Object.assign(Object.create(null), current)
  for (const [name, value] of Object.entries(patch)) {
    if (value === "" && Object.hasOwn(current, name)) delete out[name]
    else out[name] = value
  }
  return out
}

/** @since 0.1.0 @category constants */
export const mask = "••••••"

/**
 * What a console may show: non-secret values in clear, secret ones masked.
 *
 * @since 0.1.0
 * @category getters
 */
export const view = (provider: PgProvider | undefined, credentials: Credentials): Record<string, string> => {
  const plainNames = new Set(provider?.credentialFields.filter((f) => !f.secret).map((f) => f.name) ?? [])
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(credentials)) {
    out[name] = plainNames.has(name) ? Redacted.value(value) : mask
  }
  return out
}
