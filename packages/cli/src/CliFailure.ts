/**
 * How a command ends when it does not succeed, and the exit code each ending maps to:
 * 1 a negative answer (denied, not found, invalid signature), 2 bad input, 3 store unavailable.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Runtime from "effect/Runtime"

/**
 * The process exit codes of `paymux`.
 *
 * @since 0.1.0
 * @category models
 */
export type ExitCode = 1 | 2 | 3

/**
 * @since 0.1.0
 * @category constants
 */
export const ExitCode = { ok: 0, negative: 1, badInput: 2, storeUnavailable: 3 } as const

/**
 * A command's unsuccessful end. `tag` is the underlying error's tag (stable, for programs);
 * `printed` says the command already wrote its answer (e.g. `whitelist check` printing "denied").
 *
 * @since 0.1.0
 * @category errors
 */
export class CliFailure extends Data.TaggedError("CliFailure")<{
  readonly code: ExitCode
  readonly tag: string
  readonly message: string
  readonly hint?: string | undefined
  readonly details?: unknown
  readonly printed?: boolean | undefined
}> {
  override get [Runtime.errorExitCode](): number {
    return this.code
  }
  // The CLI prints its own errors; the runtime must not log them again.
  override readonly [Runtime.errorReported] = false
}

/**
 * A negative answer already printed by the command (exit code 1).
 *
 * @since 0.1.0
 * @category constructors
 */
export const negativeAnswer = (tag: string, message: string): CliFailure =>
  new CliFailure({ code: 1, tag, message, printed: true })

/**
 * @since 0.1.0
 * @category constructors
 */
export const notFound = (message: string, hint?: string): CliFailure => new CliFailure({ code: 1, tag: "NotFound", message, hint })

/**
 * @since 0.1.0
 * @category constructors
 */
export const badInput = (message: string, hint?: string): CliFailure => new CliFailure({ code: 2, tag: "BadInput", message, hint })

/**
 * @since 0.1.0
 * @category constructors
 */
export const storeUnavailable = (message: string, hint?: string): CliFailure =>
  new CliFailure({ code: 3, tag: "StoreUnavailable", message, hint })

const hintForField = (field: string): string => {
  if (field === "pg") return "list the PG codes with: paymux pg list"
  if (field === "merchant") return "list merchants with: paymux merchant list"
  if (field === "tier") return "a tier code is 3 characters A-Z or 0-9, e.g. 001"
  if (field === "channelKey") return "list channel keys with: paymux channel list --merchant M"
  if (field === "mid") return "pass --mid with the MID the PG issued; paymux pg show CODE says which PGs have shared test MIDs"
  if (field === "payMethods") return "paymux pg show CODE lists the pay methods of each payment type"
  if (field.startsWith("credentials.")) return "paymux pg show CODE lists the credential fields (--cred name=value)"
  return `check ${field}; --help lists each command's flags`
}

const hintForRule = (rule: string): string => {
  switch (rule) {
    case "test-mid-required":
    case "shared-test-mid-unknown":
      return "pass --mid with the test MID the PG issued you (rule test-mid-required); paymux pg show CODE explains"
    case "no-test-mode":
      return "this PG has no test mode: add the channel with --mode live"
    case "payment-type-unsupported":
    case "pay-method-unsupported":
      return `paymux pg show CODE lists the payment types and pay methods each PG offers (rule ${rule})`
    default:
      return `a console rule refused the change (rule ${rule})`
  }
}

const storeHint = "check --db (or PAYMUX_DB): a SQLite file path, :memory:, or a postgres:// URL the server accepts"

interface Tagged {
  readonly _tag: string
  readonly message?: string
  readonly [key: string]: unknown
}

const isTagged = (u: unknown): u is Tagged =>
  typeof u === "object" && u !== null && typeof (u as { _tag?: unknown })._tag === "string"

/**
 * Maps any error a command can meet (domain, store, whitelist, webhook, admin) onto a failure
 * with its exit code and a hint. Unknown errors are bad input only when they are tagged; anything
 * else is reported as an internal error with code 1.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromError = (error: unknown): CliFailure => {
  if (error instanceof CliFailure) return error
  if (!isTagged(error)) {
    return new CliFailure({ code: 1, tag: "InternalError", message: error instanceof Error ? error.message : String(error) })
  }
  const message = error.message ?? error._tag
  switch (error._tag) {
    case "InvalidInput":
      return new CliFailure({ code: 2, tag: error._tag, message, hint: hintForField(String(error.field)), details: { field: error.field, rule: error.rule } })
    case "RuleViolation":
      return new CliFailure({ code: 2, tag: error._tag, message: String(error.detail), hint: hintForRule(String(error.rule)), details: { rule: error.rule } })
    case "InvalidCidr":
    case "InvalidRule":
      return new CliFailure({ code: 2, tag: error._tag, message, hint: "write each block as address/prefix with the host bits zero (203.0.113.0/24, 2001:db8::/32); paymux whitelist normalize --lenient shows the truncated form" })
    case "InvalidPgSelector":
      return new CliFailure({ code: 2, tag: error._tag, message, hint: "pg is a PG code (paymux pg list) or code.MID, e.g. kcp or kcp.AO09C" })
    case "InvalidSecret":
      return new CliFailure({ code: 2, tag: error._tag, message, hint: "a webhook secret is whsec_ followed by base64 of 24-64 bytes" })
    case "MissingHeaders":
    case "InvalidSignature":
    case "NoMatchingSignature":
    case "TimestampTooOld":
    case "TimestampTooNew":
      return new CliFailure({ code: 1, tag: error._tag, message })
    case "Unauthenticated":
    case "WebhookNotSent":
    case "UrlRefused":
      return new CliFailure({ code: 1, tag: error._tag, message })
    case "StoreError":
      return fromStoreReason(error.reason as Tagged, message)
    default:
      return new CliFailure({ code: 1, tag: error._tag, message })
  }
}

const fromStoreReason = (reason: Tagged, message: string): CliFailure => {
  switch (reason._tag) {
    case "NotFound":
      return new CliFailure({ code: 1, tag: "NotFound", message, hint: `list what exists with the matching "list" command` })
    case "Conflict":
      return new CliFailure({ code: 2, tag: "Conflict", message, hint: "it exists already, or it changed since it was read: read it again and retry" })
    case "Corrupt":
      if (reason.entity === "key configuration") {
        return new CliFailure({ code: 2, tag: "KeyConfiguration", message, hint: "PAYMUX_MASTER_KEYS=id:base64key (openssl rand -base64 32) and PAYMUX_PEPPER=base64 of 32 bytes; see docs/cli.md" })
      }
      return new CliFailure({ code: 3, tag: "Corrupt", message, hint: "a secret that does not decrypt usually means a different master key (PAYMUX_MASTER_KEY or the key file beside the database)" })
    default:
      return new CliFailure({ code: 3, tag: "StoreUnavailable", message, hint: storeHint })
  }
}
