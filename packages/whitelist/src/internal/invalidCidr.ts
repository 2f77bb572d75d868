/**
 * The `InvalidCidr` error class, kept internal so the modules that build it (Cidr, Whitelist,
 * CidrList) share one definition without importing each other. `Cidr` exports it.
 */
import { Schema } from "effect"
import { diagnose } from "./rule.ts"

/** See `Cidr.InvalidCidr`. */
export class InvalidCidr extends Schema.TaggedError<InvalidCidr>()("InvalidCidr", {
  input: Schema.String,
  reason: Schema.String,
  suggestion: Schema.optionalKey(Schema.String),
  index: Schema.optionalKey(Schema.Number)
}) {
  override get message(): string {
    const where = this.index === undefined ? "" : ` (rule ${this.index})`
    const fix = this.suggestion === undefined ? "" : `; ${this.suggestion}`
    return `Invalid CIDR ${JSON.stringify(this.input)}${where}: ${this.reason}${fix}`
  }
}

/** How much of a refused input an error repeats: enough to recognise it, never a whole upload. */
export const ECHO_LIMIT = 200

/** `text` itself, or its first `ECHO_LIMIT` characters and how many more there were. */
export const excerpt = (text: string): string =>
  text.length <= ECHO_LIMIT ? text : `${text.slice(0, ECHO_LIMIT)}... (${text.length - ECHO_LIMIT} more characters)`

/** The error explaining why `parseRule(input, lenient)` refused `input`. */
export const invalidCidr = (input: unknown, lenient: boolean, index?: number): InvalidCidr => {
  const { reason, suggestion } = diagnose(input, lenient)
  return new InvalidCidr({
    input: excerpt(typeof input === "string" ? input : String(input)),
    reason: excerpt(reason),
    ...(suggestion === undefined ? {} : { suggestion: excerpt(suggestion) }),
    ...(index === undefined ? {} : { index })
  })
}
