/**
 * The two ways a domain operation refuses: input that breaks a format rule, and a change that
 * breaks a rule of the console page.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A value that entered from outside broke a format rule. `field` is a dotted path
 * (`credentials.site_key`), `value` is what was given (masked for secret fields) and `rule`
 * says what was expected.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  field: Schema.String,
  value: Schema.String,
  rule: Schema.String
}) {
  override get message(): string {
    return `${this.field}: ${this.rule} (got ${this.value})`
  }
}

/**
 * A well-formed change that a rule of the console forbids, e.g. switching a Naver Pay channel to
 * test mode without the test MID Naver issued. `rule` is a stable code for programs; `message`
 * is for people.
 *
 * @since 0.1.0
 * @category errors
 */
export class RuleViolation extends Schema.TaggedError<RuleViolation>()("RuleViolation", {
  rule: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.rule}: ${this.detail}`
  }
}

/**
 * Every error the domain raises.
 *
 * @since 0.1.0
 * @category errors
 */
export type DomainError = InvalidInput | RuleViolation

/**
 * @since 0.1.0
 * @category guards
 */
export const isDomainError = (u: unknown): u is DomainError => u instanceof InvalidInput || u instanceof RuleViolation
