/**
 * Errors of the Promise facade: one base class with a typed `code` (see `ErrorCatalog`), one
 * subclass per kind with its details as typed fields, so teams without Effect can
 * `catch (e) { if (e instanceof ChannelNotFoundError) e.rejected }` or switch on `e.code`.
 * `cause` holds the Effect error it was made from (typed `unknown`: an `InternalError`'s is a
 * defect); `isPaymuxError` narrows a caught value to the union. Messages never contain secrets.
 *
 * @since 0.1.0
 */
import type { ResolutionError as Resolution } from "@paymux/channel-resolver"
import { Redaction } from "@paymux/domain"
import { Cause, Exit } from "effect"
import * as ErrorCatalog from "./ErrorCatalog.ts"

/**
 * The base of every facade error. `status` and `retryable` come from the error table.
 *
 * @since 0.1.0
 * @category errors
 */
export class PaymuxError<C extends ErrorCatalog.Code = ErrorCatalog.Code> extends Error {
  readonly code: C
  /** The HTTP status the same failure answers with. */
  readonly status: number
  /** Whether the same call may succeed later without a change. */
  readonly retryable: boolean
  constructor(code: C, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = new.target.name
    this.code = code
    const entry = ErrorCatalog.entry(code)
    this.status = entry.status
    this.retryable = entry.retryable
  }
}

/**
 * Input that breaks a format rule: `field` names it (a dotted path), `rule` says what was expected.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidInputError extends PaymuxError<"invalid-input"> {
  readonly field: string
  readonly rule: string
  constructor(error: { readonly message: string; readonly field: string; readonly rule: string }) {
    super("invalid-input", error.message, error)
    this.field = error.field
    this.rule = error.rule
  }
}

/**
 * A whitelist rule that is not a CIDR block; `suggestion` holds the canonical form when there is one.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidCidrError extends PaymuxError<"invalid-cidr"> {
  readonly input: string
  readonly suggestion: string | undefined
  readonly index: number | undefined
  constructor(error: { readonly message: string; readonly input: string; readonly suggestion?: string; readonly index?: number }) {
    super("invalid-cidr", error.message, error)
    this.input = error.input
    this.suggestion = error.suggestion
    this.index = error.index
  }
}

/**
 * A change the console's rules forbid (`rule` names it).
 *
 * @since 0.1.0
 * @category errors
 */
export class RuleViolationError extends PaymuxError<"rule-violation"> {
  readonly rule: string
  constructor(error: { readonly message: string; readonly rule: string }) {
    super("rule-violation", error.message, error)
    this.rule = error.rule
  }
}

/**
 * @since 0.1.0
 * @category errors
 */
export class UnauthenticatedError extends PaymuxError<"unauthenticated"> {
  constructor(cause?: unknown) {
    super("unauthenticated", "the API key or secret is not valid", cause)
  }
}

/**
 * A webhook that could not be sent (`reason` says why).
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookNotSentError extends PaymuxError<"webhook-not-sent"> {
  readonly reason: string
  constructor(error: { readonly message: string; readonly reason: string }) {
    super("webhook-not-sent", error.message, error)
    this.reason = error.reason
  }
}

/**
 * No such resource for this merchant.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFoundError extends PaymuxError<"not-found"> {
  readonly entity: string
  readonly id: string
  constructor(message: string, found: { readonly entity: string; readonly id: string }, cause?: unknown) {
    super("not-found", message, cause)
    this.entity = found.entity
    this.id = found.id
  }
}

/**
 * A stale version, or a value that must be unique already exists.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConflictError extends PaymuxError<"conflict"> {
  readonly entity: string
  readonly id: string
  constructor(message: string, conflict: { readonly entity: string; readonly id: string }, cause?: unknown) {
    super("conflict", message, cause)
    this.entity = conflict.entity
    this.id = conflict.id
  }
}

/**
 * The store cannot be reached or is busy; retrying may help.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnavailableError extends PaymuxError<"store-unavailable"> {
  constructor(message: string, cause?: unknown) {
    super("store-unavailable", message, cause)
  }
}

/**
 * The connection to the store was lost while a change committed, so it may or may not have been
 * saved. Not retryable as it is: read the data back before making the change again.
 *
 * @since 0.1.0
 * @category errors
 */
export class OutcomeUnknownError extends PaymuxError<"outcome-unknown"> {
  constructor(message: string, cause?: unknown) {
    super("outcome-unknown", message, cause)
  }
}

/**
 * A database whose schema version is not this release's: `found` in the database, `supported` by
 * this release.
 *
 * @since 0.1.0
 * @category errors
 */
export abstract class SchemaVersionError<C extends "schema-too-new" | "schema-too-old"> extends PaymuxError<C> {
  readonly found: number
  readonly supported: number
  constructor(code: C, message: string, versions: { readonly found: number; readonly supported: number }, cause?: unknown) {
    super(code, message, cause)
    this.found = versions.found
    this.supported = versions.supported
  }
}

/**
 * The database was migrated by a newer Paymux.
 *
 * @since 0.1.0
 * @category errors
 */
export class SchemaTooNewError extends SchemaVersionError<"schema-too-new"> {
  constructor(message: string, versions: { readonly found: number; readonly supported: number }, cause?: unknown) {
    super("schema-too-new", message, versions, cause)
  }
}

/**
 * The database was written by an older Paymux and the store was opened with `upgrade: false`.
 *
 * @since 0.1.0
 * @category errors
 */
export class SchemaTooOldError extends SchemaVersionError<"schema-too-old"> {
  constructor(message: string, versions: { readonly found: number; readonly supported: number }, cause?: unknown) {
    super("schema-too-old", message, versions, cause)
  }
}

/**
 * Stored data that does not decode, or a stored secret that does not decrypt.
 *
 * @since 0.1.0
 * @category errors
 */
export class CorruptError extends PaymuxError<"store-corrupt"> {
  readonly entity: string
  constructor(message: string, corrupt: { readonly entity: string }, cause?: unknown) {
    super("store-corrupt", message, cause)
    this.entity = corrupt.entity
  }
}

/**
 * The configured keys are not the ones that sealed the database: `keyId` and `fingerprint` name
 * the key to restore (a keyed hash, never the key). Nothing was written.
 *
 * @since 0.1.0
 * @category errors
 */
export class KeyMismatchError extends PaymuxError<"key-mismatch"> {
  readonly keyId: string
  readonly fingerprint: string
  constructor(message: string, mismatch: { readonly keyId: string; readonly fingerprint: string }, cause?: unknown) {
    super("key-mismatch", message, cause)
    this.keyId = mismatch.keyId
    this.fingerprint = mismatch.fingerprint
  }
}

/**
 * The keys or settings Paymux was started with are missing or unusable (e.g. `PAYMUX_MASTER_KEYS`).
 *
 * @since 0.1.0
 * @category errors
 */
export class ConfigurationError extends PaymuxError<"configuration"> {
  constructor(message: string, cause?: unknown) {
    super("configuration", message, cause)
  }
}

/**
 * An unexpected failure. The message carries the cause's message (with any URL password masked).
 *
 * @since 0.1.0
 * @category errors
 */
export class InternalError extends PaymuxError<"internal"> {
  constructor(cause: unknown) {
    super("internal", `internal error: ${describe(cause)}`, cause)
  }
}

/**
 * The codes of a request_pay that no channel serves: resolution's own answers, each a
 * `ResolutionError`.
 *
 * @since 0.1.0
 * @category models
 */
export const resolutionCodes = [
  "invalid-pg",
  "unknown-merchant",
  "unknown-tier",
  "no-channel-configured",
  "channel-not-found"
] as const satisfies ReadonlyArray<ErrorCatalog.Code>

/**
 * @since 0.1.0
 * @category models
 */
export type ResolutionCode = (typeof resolutionCodes)[number]

/**
 * The base of every resolution miss: `instanceof ResolutionError` catches them all.
 *
 * @since 0.1.0
 * @category errors
 */
export class ResolutionError<C extends ResolutionCode = ResolutionCode> extends PaymuxError<C> {
  readonly merchant: string | undefined
  constructor(code: C, error: { readonly message: string; readonly merchant?: string }) {
    super(code, error.message, error)
    this.merchant = error.merchant
  }
}

/**
 * No channel serves the request. `rejected` lists every candidate considered, oldest first, with
 * the reason it was rejected.
 *
 * @since 0.1.0
 * @category errors
 */
export class ChannelNotFoundError extends ResolutionError<"channel-not-found"> {
  readonly lookup: Resolution.Lookup
  readonly asked: string
  readonly rejected: ReadonlyArray<Resolution.Rejection>
  constructor(error: Resolution.ChannelNotFound) {
    super("channel-not-found", error)
    this.lookup = error.lookup
    this.asked = error.asked
    this.rejected = error.rejected
  }
}

/**
 * The merchant (or tier) has no channel in the requested mode; `otherMode` counts the other mode's.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoChannelConfiguredError extends ResolutionError<"no-channel-configured"> {
  readonly otherMode: number
  constructor(error: Resolution.NoChannelConfigured) {
    super("no-channel-configured", error)
    this.otherMode = error.otherMode
  }
}

/**
 * The tier code names no sub-merchant; `known` lists the merchant's tiers.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownTierError extends ResolutionError<"unknown-tier"> {
  readonly tier: string
  readonly known: ReadonlyArray<string>
  constructor(error: Resolution.UnknownTier) {
    super("unknown-tier", error)
    this.tier = error.tier
    this.known = error.known
  }
}

/**
 * Resolution has no channels for the merchant.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownMerchantError extends ResolutionError<"unknown-merchant"> {
  constructor(error: Resolution.UnknownMerchant) {
    super("unknown-merchant", error)
  }
}

/**
 * A `pg` string that cannot select a channel; `suggestions` holds the closest PG codes.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidPgError extends ResolutionError<"invalid-pg"> {
  readonly pg: string
  readonly problem: Resolution.PgSelectorProblem
  readonly suggestions: ReadonlyArray<string>
  constructor(error: Resolution.InvalidPgSelector) {
    super("invalid-pg", error)
    this.pg = error.pg
    this.problem = error.problem
    this.suggestions = error.suggestions
  }
}

/**
 * Every facade error, for exhaustive `switch (e.code)`.
 *
 * @since 0.1.0
 * @category models
 */
export type AnyPaymuxError =
  | InvalidInputError
  | InvalidCidrError
  | RuleViolationError
  | UnauthenticatedError
  | WebhookNotSentError
  | NotFoundError
  | ConflictError
  | UnavailableError
  | OutcomeUnknownError
  | SchemaTooNewError
  | SchemaTooOldError
  | CorruptError
  | KeyMismatchError
  | ConfigurationError
  | InternalError
  | ChannelNotFoundError
  | NoChannelConfiguredError
  | UnknownTierError
  | UnknownMerchantError
  | InvalidPgError

/**
 * Whether `u` is a facade error, typed as the union so that `switch (e.code)` narrows to each
 * subclass and its fields (`e.code === "channel-not-found"` gives `e.rejected`):
 * `catch (e) { if (PaymuxError.isPaymuxError(e)) switch (e.code) { ... } }`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isPaymuxError = (u: unknown): u is AnyPaymuxError => u instanceof PaymuxError

/**
 * The facade error of a classified failure. Exhaustive over the table's codes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromClassified = (c: ErrorCatalog.Classified): Exclude<AnyPaymuxError, InternalError> => {
  switch (c.code) {
    case "invalid-input":
      return new InvalidInputError(c.error)
    case "invalid-cidr":
      return new InvalidCidrError(c.error)
    case "invalid-pg":
      return new InvalidPgError(c.error)
    case "rule-violation":
      return new RuleViolationError(c.error)
    case "unauthenticated":
      return new UnauthenticatedError(c.error)
    case "webhook-not-sent":
      return new WebhookNotSentError(c.error)
    case "not-found":
      return new NotFoundError(c.error.message, c.reason, c.error)
    case "unknown-merchant":
      return new UnknownMerchantError(c.error)
    case "unknown-tier":
      return new UnknownTierError(c.error)
    case "no-channel-configured":
      return new NoChannelConfiguredError(c.error)
    case "channel-not-found":
      return new ChannelNotFoundError(c.error)
    case "conflict":
      return new ConflictError(c.error.message, c.reason, c.error)
    case "store-unavailable":
      return new UnavailableError(c.error.message, c.error)
    case "outcome-unknown":
      return new OutcomeUnknownError(c.error.message, c.error)
    case "schema-too-new":
      return new SchemaTooNewError(c.error.message, c.reason, c.error)
    case "schema-too-old":
      return new SchemaTooOldError(c.error.message, c.reason, c.error)
    case "store-corrupt":
      return new CorruptError(c.error.message, c.reason, c.error)
    case "key-mismatch":
      return new KeyMismatchError(c.error.message, c.reason, c.error)
    case "configuration":
      return new ConfigurationError(
        `configuration: ${c.error._tag === "StoreError" && c.error.reason._tag === "Corrupt" ? c.error.reason.detail : describe(c.error)}`,
        c.error
      )
  }
}

/**
 * Maps an admin failure (or a failure of building the store layer, such as Effect's
 * `ConfigError`) to its facade class. A
 * failure the table does not know becomes an `InternalError` carrying its message.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromFailure = (error: unknown): AnyPaymuxError => {
  if (error instanceof PaymuxError) return error as AnyPaymuxError
  const classified = ErrorCatalog.classifyUnknown(error)
  return classified === undefined ? new InternalError(error) : fromClassified(classified)
}

/**
 * The value of an exit, or its failure as a PaymuxError (thrown). A defect (a bug, a missing
 * service) becomes an `InternalError` whose message names it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unwrap = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isSuccess(exit)) return exit.value
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  throw fromFailure(failure !== undefined ? failure.error : Cause.squash(exit.cause))
}

// A cause's own words, without what must not leak: the user info of a URL (`postgres://u:pw@h`).
const describe = (cause: unknown): string => {
  const text =
    cause instanceof Error || (typeof cause === "object" && cause !== null && typeof (cause as { message?: unknown }).message === "string")
      ? (cause as { message: string }).message
      : String(cause)
  const masked = Redaction.maskUrlUserInfo(text)
  return masked === "" ? "no detail" : masked
}
