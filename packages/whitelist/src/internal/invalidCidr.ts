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

/** The error explaining why `parseRule(input, lenient)` refused `input`. */
export const invalidCidr = (input: unknown, lenient: boolean, index?: number): InvalidCidr => {
  const { reason, suggestion } = diagnose(input, lenient)
  return new InvalidCidr({
    input: typeof input === "string" ? input : String(input),
    reason,
    ...(suggestion === undefined ? {} : { suggestion }),
    ...(index === undefined ? {} : { index })
  })
}
