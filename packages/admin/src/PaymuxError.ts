/**
 * Errors of the Promise facade: one base class with a stable `code`, one subclass per kind, so
 * teams without Effect can `catch (e) { if (e instanceof NotFoundError) ... }` or switch on
 * `e.code`. Messages never contain secrets.
 *
 * @since 0.1.0
 */
import { Cause, Exit } from "effect"

/**
 * @since 0.1.0
 * @category errors
 */
export class PaymuxError extends Error {
  readonly code: string
  /** The Effect error this was made from, for programs that want the typed payload. */
  readonly detail: unknown
  constructor(code: string, message: string, detail?: unknown) {
    super(message)
    this.name = new.target.name
    this.code = code
    this.detail = detail
  }
}

/** Input that breaks a format rule (`field` names it). @since 0.1.0 @category errors */
export class InvalidInputError extends PaymuxError {
  readonly field: string
  constructor(message: string, field: string, detail?: unknown) {
    super("invalid_input", message, detail)
    this.field = field
  }
}
/** A change the console's rules forbid (`rule` names it). @since 0.1.0 @category errors */
export class RuleViolationError extends PaymuxError {
  readonly rule: string
  constructor(message: string, rule: string, detail?: unknown) {
    super("rule_violation", message, detail)
    this.rule = rule
  }
}
/** @since 0.1.0 @category errors */
export class NotFoundError extends PaymuxError {
  constructor(message: string, detail?: unknown) {
    super("not_found", message, detail)
  }
}
/** A stale version or a uniqueness rule. @since 0.1.0 @category errors */
export class ConflictError extends PaymuxError {
  constructor(message: string, detail?: unknown) {
    super("conflict", message, detail)
  }
}
/** The store cannot be reached; retrying may help. @since 0.1.0 @category errors */
export class UnavailableError extends PaymuxError {
  constructor(message: string, detail?: unknown) {
    super("unavailable", message, detail)
  }
}
/** A request_pay that no channel serves; `detail` lists the rejected candidates. @since 0.1.0 @category errors */
export class ChannelNotFoundError extends PaymuxError {
  constructor(code: string, message: string, detail?: unknown) {
    super(code, message, detail)
  }
}
/** @since 0.1.0 @category errors */
export class UnauthenticatedError extends PaymuxError {
  constructor(detail?: unknown) {
    super("unauthenticated", "the API key or secret is not valid", detail)
  }
}
/** @since 0.1.0 @category errors */
export class InvalidCidrError extends PaymuxError {
  constructor(message: string, detail?: unknown) {
    super("invalid_cidr", message, detail)
  }
}
/** @since 0.1.0 @category errors */
export class WebhookError extends PaymuxError {
  constructor(message: string, detail?: unknown) {
    super("webhook_not_sent", message, detail)
  }
}

const resolutionCodes: Record<string, string> = {
  ChannelNotFound: "channel_not_found",
  NoChannelConfigured: "no_channel_configured",
  UnknownTier: "unknown_tier",
  UnknownMerchant: "unknown_merchant",
  InvalidPgSelector: "invalid_pg"
}

/**
 * Maps any admin failure to its facade class.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromFailure = (error: unknown): PaymuxError => {
  const e = error as { readonly _tag?: string; readonly message?: string; readonly field?: string; readonly rule?: string; readonly reason?: { readonly _tag: string } }
  const message = e.message ?? String(error)
  switch (e._tag) {
    case "InvalidInput":
      return new InvalidInputError(message, e.field ?? "", error)
    case "RuleViolation":
      return new RuleViolationError(message, e.rule ?? "", error)
    case "Unauthenticated":
      return new UnauthenticatedError(error)
    case "InvalidCidr":
      return new InvalidCidrError(message, error)
    case "WebhookNotSent":
      return new WebhookError(message, error)
    case "StoreError":
      switch (e.reason?._tag) {
        case "NotFound":
          return new NotFoundError(message, error)
        case "Conflict":
          return new ConflictError(message, error)
        case "Unavailable":
          return new UnavailableError(message, error)
        case "InvalidInput":
          return new InvalidInputError(message, "", error)
        default:
          return new PaymuxError("store_error", message, error)
      }
  }
  if (e._tag !== undefined && resolutionCodes[e._tag] !== undefined) return new ChannelNotFoundError(resolutionCodes[e._tag]!, message, error)
  return new PaymuxError("internal", "internal error", error)
}

/**
 * The value of an exit, or its failure as a PaymuxError (thrown).
 *
 * @since 0.1.0
 * @category constructors
 */
export const unwrap = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isSuccess(exit)) return exit.value
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  throw fromFailure(failure !== undefined ? failure.error : Cause.squash(exit.cause))
}
