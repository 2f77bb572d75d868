/**
 * How a command ends when it does not succeed, and the exit code each ending maps to:
 * 1 a negative answer (denied, not found, invalid signature), 2 bad input or setup, 3 the store is
 * unusable. For admin failures the code comes from the admin error table (`ErrorCatalog`), loaded
 * when a command fails: the commands that need no store never load the admin use cases.
 *
 * @since 0.1.0
 */
import type { ErrorCatalog } from "@paymux/admin"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Runtime from "effect/Runtime"
import { loadAdmin } from "./internal/lazy.ts"

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
 * A command's unsuccessful end. `code` is the admin error table's code when the failure came from
 * an admin use case (`channel-not-found`); `tag` names the underlying error (stable, for programs);
 * `printed` says the command already wrote its answer (e.g. `whitelist check` printing "denied").
 *
 * @since 0.1.0
 * @category errors
 */
export class CliFailure extends Data.TaggedError("CliFailure")<{
  readonly exitCode: ExitCode
  /**
   * A code of the error table (docs/errors.md). Typed `string` so that this package's declarations
   * stand alone: the admin package, where the table's union lives, is bundled, not a dependency.
   */
  readonly code?: string | undefined
  readonly tag: string
  readonly message: string
  readonly hint?: string | undefined
  readonly details?: unknown
  readonly printed?: boolean | undefined
}> {
  override get [Runtime.errorExitCode](): number {
    return this.exitCode
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
export const negativeAnswer = (tag: string, message: string): CliFailure => new CliFailure({ exitCode: 1, tag, message, printed: true })

/**
 * @since 0.1.0
 * @category constructors
 */
export const badInput = (message: string, hint?: string): CliFailure => new CliFailure({ exitCode: 2, tag: "BadInput", message, hint })

/**
 * A value the CLI refuses itself, before calling the core, by a rule the core also holds (an
 * address that is not an IP, a `--limit` out of range, a time that is not one): bad input with the
 * admin error table's `invalid-input`, the code the core gives the same value, so a program
 * branches on one code whichever refused it. `field` names the flag or argument (`limit`, `ip`).
 * Problems of the command line's shape (a missing or unknown flag, flags that exclude each other,
 * nothing to change) stay `badInput`, without a code: the core has no such input.
 *
 * @since 0.1.0
 * @category constructors
 */
export const invalidInput = (field: string, message: string, hint?: string): CliFailure =>
  new CliFailure({ exitCode: ExitCode.badInput, code: "invalid-input", tag: "BadInput", message, hint, details: { field } })

/**
 * An edit command given none of its change flags: bad input rather than a write that changes
 * nothing (and still counts a new version and an audit entry). `flags` names what it takes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const nothingToChange = (flags: string): CliFailure => badInput("nothing to change", `give ${flags}`)

/**
 * @since 0.1.0
 * @category constructors
 */
export const storeUnavailable = (message: string, hint?: string): CliFailure =>
  new CliFailure({ exitCode: 3, tag: "StoreUnavailable", message, hint })

const hintForField = (field: string): string => {
  if (field === "pg") return "list the PG codes with: paymux pg list"
  if (field === "merchant") return "list merchants with: paymux merchant list"
  if (field === "tier") return "list the tiers with: paymux submerchant list --merchant M"
  if (field === "channelKey") return "list channel keys with: paymux channel list --merchant M"
  if (field === "mid") return "pass --mid with the MID the PG issued; paymux pg show CODE says which PGs have shared test MIDs"
  if (field === "payMethods") return "paymux pg show CODE lists the pay methods of each payment type"
  if (field.startsWith("credentials.")) return "paymux pg show CODE lists the credential fields (--cred name=value)"
  // Webhook settings name a URL by its place (`test.endpoints.0.url`, `noticeUrls.0`); the flag is --url.
  if (/(^|\.)url$|^noticeUrls/i.test(field)) return "check the URL given with --url: https in live mode, no user name, password or fragment"
  if (/^(test|live)\.endpoints/.test(field)) return "see the mode's endpoints with: paymux webhook show --merchant M"
  return `check ${field}; --help lists each command's flags`
}

const hintForRule = (rule: string): string => {
  switch (rule) {
    case "test-mid-required":
    case "shared-test-mid-unknown":
      return "pass --mid with the test MID the PG issued you (rule test-mid-required); paymux pg show CODE explains"
    case "no-test-mode":
      return "this PG has no test mode: add the channel with --mode live"
    case "no-webhook-secret":
      return "a mode's signing secret is created with its first URL: paymux webhook set --merchant M --mode MODE --url URL"
    case "webhook-secret-rotation":
      return "a rotation has at most two secrets: end it with paymux webhook retire-secret (the older stops signing) or, if its new secret was lost, paymux webhook cancel-rotation (the newer stops); with one secret there is no rotation to end"
    case "payment-type-unsupported":
    case "pay-method-unsupported":
      return `paymux pg show CODE lists the payment types and pay methods each PG offers (rule ${rule})`
    default:
      return `a console rule refused the change (rule ${rule})`
  }
}

const storeHint = "check --db (or PAYMUX_DB): a SQLite file path, :memory:, or a postgres:// URL the server accepts"

// What to do about a store that did not answer, by what SQLite said: a busy lock and a file this
// user cannot write are not a mistyped --db.
const unavailableHint = (message: string): string =>
  /database is locked|SQLITE_BUSY|lock timeout/i.test(message)
    ? "another process holds the database's write lock (a long write or a stuck process); retry when it is done"
    : /readonly database|SQLITE_READONLY/i.test(message)
      ? "this user must be able to write the database file, its -wal and -shm files beside it, and their directory"
      : /disk is full|SQLITE_FULL|No space left/i.test(message)
        ? "the disk that holds the database is full: free space and retry (nothing was written)"
        : /permission denied|AuthorizationError/i.test(message)
          ? "the database user of the postgres:// URL lacks a permission it needs (the schema's CREATE and USAGE, its tables' reads and writes)"
          : storeHint

// A secret that does not open usually means other keys; anything else that does not read back is
// damage to the data or the file.
const corruptHint = (message: string): string =>
  /stored secret|ciphertext/i.test(message)
    ? "a secret that does not decrypt usually means a different master key (PAYMUX_MASTER_KEYS or the key file beside the database)"
    : "the stored data does not read back as Paymux wrote it: restore the database from a backup (paymux doctor names what it can read)"

interface Tagged {
  readonly _tag: string
  readonly message?: string
}

const isTagged = (u: unknown): u is Tagged => typeof u === "object" && u !== null && typeof (u as { _tag?: unknown })._tag === "string"

const cidrHint =
  "write each block as address/prefix with the host bits zero (203.0.113.0/24, 2001:db8::/32); paymux whitelist normalize --lenient shows the truncated form"

// Which command lists what a NotFound names (the store's entity names).
const listCommands: Record<string, string> = {
  merchant: "paymux merchant list",
  "sub-merchant": "paymux submerchant list --merchant M",
  channel: "paymux channel list --merchant M",
  "channel group": "paymux group list --merchant M",
  delivery: "paymux webhook history --merchant M",
  "api key": "paymux apikey list --merchant M",
  "audit entry": "paymux audit list --merchant M"
}

const listHint = (entity: string): string => {
  const command = listCommands[entity.toLowerCase()]
  return command === undefined ? `list what exists with the matching "list" command` : `list what exists with: ${command}`
}

// The store's URL (a user or password the server refuses) is a setting too; the rest are the keys.
const isUrlSetting = (c: ErrorCatalog.Classified): boolean =>
  c.code === "configuration" && c.error._tag === "StoreError" && c.error.reason._tag === "Misconfigured" && c.error.reason.setting === "url"

// The hint and details of an admin failure; its exit code and code come from the table.
const adminHelp = (c: ErrorCatalog.Classified): { readonly message?: string; readonly hint?: string; readonly details?: unknown } => {
  switch (c.code) {
    case "invalid-input":
      return { hint: hintForField(c.error.field), details: { field: c.error.field, rule: c.error.rule } }
    case "rule-violation":
      return { message: c.error.detail, hint: hintForRule(c.error.rule), details: { rule: c.error.rule } }
    case "invalid-cidr":
      return { hint: cidrHint }
    case "invalid-pg":
      return { hint: "pg is a PG code (paymux pg list) or code.MID, e.g. kcp or kcp.AO09C" }
    case "channel-not-found":
      return { details: { rejected: c.error.rejected } }
    case "unknown-merchant":
      return { hint: "list merchants with: paymux merchant list" }
    case "unknown-tier":
      return { hint: "list the tiers with: paymux submerchant list --merchant M" }
    case "no-channel-configured":
      return { hint: "add one with: paymux channel add --merchant M (paymux channel add --help)" }
    case "not-found":
      return { hint: listHint(c.reason.entity) }
    case "conflict":
      return { hint: "it exists already, or it changed since it was read: read it again and retry" }
    case "configuration":
      return {
        hint: isUrlSetting(c)
          ? "correct the user or password of the postgres:// URL (--db or PAYMUX_DB)"
          : "PAYMUX_MASTER_KEYS=id:base64key (openssl rand -base64 32) and PAYMUX_PEPPER=base64 of at least 32 bytes; see docs/cli.md"
      }
    case "store-corrupt":
      return { hint: corruptHint(c.error.message) }
    case "key-mismatch":
      return {
        hint: "set PAYMUX_MASTER_KEYS and PAYMUX_PEPPER to the keys this database uses, its current master key first (for a SQLite file, or put back its key file, <db>.key); a new key would make the stored secrets unreadable",
        details: { keyId: c.reason.keyId, fingerprint: c.reason.fingerprint }
      }
    case "store-unavailable":
      return { hint: unavailableHint(c.error.message) }
    case "outcome-unknown":
      return {
        hint: "list or show what you changed (e.g. paymux channel list --merchant M) to see whether it was saved, then make the change again only if it was not"
      }
    case "schema-too-new":
      return {
        hint: "a newer Paymux has migrated this database: run that release (or a later one) against it; an older one must not write to it"
      }
    case "schema-too-old":
      return {
        hint: "back up the database and its keys, stop or drain the processes of the older release, then run: paymux migrate (docs/storage.md, Upgrading a database)",
        details: { found: c.reason.found, supported: c.reason.supported }
      }
    case "unauthenticated":
    case "webhook-not-sent":
      return {}
  }
}

type Catalog = typeof ErrorCatalog

// The failure of an admin error: exit code and code from the admin error table, plus a hint.
const fromClassified = (catalog: Catalog, c: ErrorCatalog.Classified): CliFailure => {
  const help = adminHelp(c)
  return new CliFailure({
    exitCode: catalog.entry(c.code).exitCode,
    code: c.code,
    tag:
      c.error._tag !== "StoreError"
        ? c.error._tag
        : c.code === "configuration" && !isUrlSetting(c)
          ? "KeyConfiguration"
          : c.error.reason._tag,
    message: help.message ?? c.error.message,
    hint: help.hint,
    details: help.details
  })
}

const toCliFailure = (catalog: Catalog, error: unknown): CliFailure => {
  const classified = catalog.classifyUnknown(error)
  if (classified !== undefined) return fromClassified(catalog, classified)
  const internal = new CliFailure({
    exitCode: catalog.entry("internal").exitCode,
    code: "internal",
    tag: "InternalError",
    message: error instanceof Error ? error.message : String(error)
  })
  if (!isTagged(error)) return internal
  const message = error.message ?? error._tag
  switch (error._tag) {
    case "InvalidRule":
      return new CliFailure({ exitCode: 2, tag: error._tag, message, hint: cidrHint })
    case "InvalidSecret":
      // The message says what the secret should look like for the use that refused it.
      return new CliFailure({
        exitCode: 2,
        tag: error._tag,
        message,
        hint: "use the signing secret shown once when the mode's first endpoint was added or its secret rotated"
      })
    default:
      // A verification that failed (signature, timestamp, headers) or a refused URL: a negative answer.
      return new CliFailure({ exitCode: 1, tag: error._tag, message })
  }
}

/**
 * Maps any error a command can meet onto a failure with its exit code and a hint: admin failures
 * through the admin error table, webhook verification failures and secrets as a negative answer or
 * bad input, and anything else as the table's `internal` (exit 1) with its message. A
 * `CliFailure` stays as it is; for any other error the admin error table is loaded first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromError = (error: unknown): Effect.Effect<CliFailure> =>
  error instanceof CliFailure ? Effect.succeed(error) : Effect.map(loadAdmin, ({ ErrorCatalog }) => toCliFailure(ErrorCatalog, error))
