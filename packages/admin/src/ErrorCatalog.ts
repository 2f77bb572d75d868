/**
 * The one table of errors: for every way an admin use case can fail, its stable code (kebab-case),
 * its HTTP status and problem type, its CLI exit code and whether retrying may help. The Promise
 * facade (`PaymuxError`), the HTTP problems and the CLI's failures all read it.
 *
 * To add an error, in this order:
 * 1. a new kind of failure: its class in `AdminError.ts` and in the `AdminError` union (a new
 *    `StoreError` reason: in `StoreError.ts`), and its tag in `knownTags` below;
 * 2. its row in `entries` (a status not yet in `Entry["status"]` also needs its title in `titles`);
 * 3. its member of `Classified` and its case in `classify` (the compiler does not ask for these:
 *    the test "every code's example classifies to that code" does), and its `example`;
 * 4. a facade class in `PaymuxError.fromClassified` and a hint in the CLI's `CliFailure` (the
 *    compiler asks for both; the admin test's `facadeClass` map too);
 * 5. docs/errors.md: run the admin ErrorCatalog test with `PAYMUX_WRITE_DOCS=1`.
 * HTTP problems and the OpenAPI document need nothing more.
 *
 * @since 0.1.0
 */
import { ResolutionError } from "@paymux/channel-resolver"
import { DomainError } from "@paymux/domain"
import { SqlStore, StoreError } from "@paymux/store"
import { Cidr } from "@paymux/whitelist"
import type { Config } from "effect"
import { type AdminError, Unauthenticated, WebhookNotSent } from "./AdminError.ts"

/**
 * How one kind of failure shows on each surface.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  /** The HTTP status of its problem response. */
  readonly status: 400 | 401 | 404 | 409 | 422 | 500 | 503
  /** The problem's title (RFC 9457), one per status. */
  readonly title: string
  /** The `paymux` exit code: 1 a negative answer, 2 bad input or setup, 3 the store is unusable. */
  readonly exitCode: 1 | 2 | 3
  /** Whether the same call may succeed later without a change. */
  readonly retryable: boolean
  /** One sentence for the documentation. */
  readonly summary: string
}

/**
 * Every status a Paymux problem can have: those of the table, and the ones the HTTP layer answers
 * itself (a whitelist refusal, a request that did not arrive in time, a body too large or not
 * JSON, headers too large).
 *
 * @since 0.1.0
 * @category models
 */
export type ProblemStatus = Entry["status"] | 403 | 408 | 413 | 415 | 431

const titles: Record<ProblemStatus, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  431: "Request Header Fields Too Large",
  422: "Unprocessable Content",
  500: "Internal Server Error",
  503: "Service Unavailable"
}

/**
 * A problem's title (RFC 9457) for its status, the same wherever the problem is written.
 *
 * @since 0.1.0
 * @category getters
 */
export const titleOf = (status: ProblemStatus): string => titles[status]

const row = (status: Entry["status"], exitCode: Entry["exitCode"], summary: string, retryable = false): Entry => ({
  status,
  title: titleOf(status),
  exitCode,
  retryable,
  summary
})

/**
 * Every error code, one row each.
 *
 * @since 0.1.0
 * @category models
 */
export const entries = {
  "invalid-input": row(400, 2, "A value broke a format rule; `field` names it (a dotted path)."),
  "invalid-cidr": row(400, 2, "A whitelist rule is not a CIDR block, or has host bits set; the canonical form is suggested."),
  "invalid-pg": row(400, 2, "The `pg` string cannot select a channel (empty part, whitespace, unknown PG code)."),
  "rule-violation": row(422, 2, "A well-formed change that a rule of the console forbids; `rule` names it."),
  unauthenticated: row(401, 1, "The API key or secret does not authenticate (never says which part)."),
  "webhook-not-sent": row(
    422,
    1,
    "No webhook URL is saved for the mode, the URL is refused, or a test send asks for the shape the mode does not send."
  ),
  "not-found": row(404, 1, "No such resource for this merchant (another merchant's resources look missing too)."),
  "unknown-merchant": row(404, 1, "Resolution was asked for a merchant it has no channels for."),
  "unknown-tier": row(404, 1, "The tier code names no sub-merchant of the merchant."),
  "no-channel-configured": row(404, 1, "The merchant (or tier) has no channel at all in the requested mode."),
  "channel-not-found": row(404, 1, "No channel serves the request; `rejected` lists each candidate and why."),
  conflict: row(409, 2, "A stale version, or a value that must be unique already exists."),
  "store-unavailable": row(503, 3, "The store cannot be reached or is busy.", true),
  "outcome-unknown": row(
    500,
    3,
    "The connection to the store was lost while a change committed: it may or may not have been saved. Read it back before making it again."
  ),
  "schema-too-new": row(503, 3, "The database was migrated by a newer Paymux; upgrade Paymux."),
  "schema-too-old": row(
    503,
    3,
    "The database was written by an older Paymux and the store opened with `upgrade: false` (every `paymux` command but `migrate`); run the migrations first. Nothing was written."
  ),
  "store-corrupt": row(500, 3, "Stored data does not decode, or a stored secret does not decrypt."),
  "key-mismatch": row(
    503,
    3,
    "The configured keys are not the ones that sealed the database (a lost or foreign key file); nothing was written."
  ),
  configuration: row(500, 2, "The keys or settings Paymux was started with are missing or unusable."),
  internal: row(500, 1, "An unexpected failure (a bug or a missing service); the message carries its cause.")
} as const satisfies Record<string, Entry>

/**
 * The stable error codes.
 *
 * @since 0.1.0
 * @category models
 */
export type Code = keyof typeof entries

/**
 * Every code, in table order.
 *
 * @since 0.1.0
 * @category models
 */
export const codes: ReadonlyArray<Code> = Object.keys(entries) as Array<Code>

/**
 * The base of every problem `type` URL; a problem's type is this plus its code.
 *
 * @since 0.1.0
 * @category models
 */
export const problemTypeBase = "https://paymux.dev/problems/"

/**
 * The problem `type` URL of a code (`https://paymux.dev/problems/channel-not-found`).
 *
 * @since 0.1.0
 * @category getters
 */
export const problemType = <C extends string>(code: C): `${typeof problemTypeBase}${C}` => `${problemTypeBase}${code}`

/**
 * A failure the catalog knows, with the code it maps to. `configuration` also covers Effect's
 * `ConfigError` (a missing or malformed setting such as `PAYMUX_MASTER_KEYS`).
 *
 * @since 0.1.0
 * @category models
 */
export type Classified =
  | { readonly code: "invalid-input"; readonly error: DomainError.InvalidInput }
  | { readonly code: "invalid-cidr"; readonly error: Cidr.InvalidCidr }
  | { readonly code: "invalid-pg"; readonly error: ResolutionError.InvalidPgSelector }
  | { readonly code: "rule-violation"; readonly error: DomainError.RuleViolation }
  | { readonly code: "unauthenticated"; readonly error: Unauthenticated }
  | { readonly code: "webhook-not-sent"; readonly error: WebhookNotSent }
  | {
      readonly code: "not-found"
      readonly error: StoreError.StoreError
      readonly reason: Extract<StoreError.StoreErrorReason, { _tag: "NotFound" }>
    }
  | { readonly code: "unknown-merchant"; readonly error: ResolutionError.UnknownMerchant }
  | { readonly code: "unknown-tier"; readonly error: ResolutionError.UnknownTier }
  | { readonly code: "no-channel-configured"; readonly error: ResolutionError.NoChannelConfigured }
  | { readonly code: "channel-not-found"; readonly error: ResolutionError.ChannelNotFound }
  | {
      readonly code: "conflict"
      readonly error: StoreError.StoreError
      readonly reason: Extract<StoreError.StoreErrorReason, { _tag: "Conflict" }>
    }
  | { readonly code: "store-unavailable"; readonly error: StoreError.StoreError }
  | { readonly code: "outcome-unknown"; readonly error: StoreError.StoreError }
  | {
      readonly code: "schema-too-new"
      readonly error: StoreError.StoreError
      readonly reason: Extract<StoreError.StoreErrorReason, { _tag: "SchemaTooNew" }>
    }
  | {
      readonly code: "schema-too-old"
      readonly error: StoreError.StoreError
      readonly reason: Extract<StoreError.StoreErrorReason, { _tag: "SchemaTooOld" }>
    }
  | {
      readonly code: "store-corrupt"
      readonly error: StoreError.StoreError
      readonly reason: Extract<StoreError.StoreErrorReason, { _tag: "Corrupt" }>
    }
  | {
      readonly code: "key-mismatch"
      readonly error: StoreError.StoreError
      readonly reason: Extract<StoreError.StoreErrorReason, { _tag: "KeyMismatch" }>
    }
  | { readonly code: "configuration"; readonly error: StoreError.StoreError | Config.ConfigError }

// KeyProvider reports unusable master keys or pepper as `Corrupt` of this entity; they come from
// the environment, not from stored data.
const keyConfiguration = "key configuration"

/**
 * The code of an admin failure. The switch is exhaustive: a new member of `AdminError` does not
 * compile until it has a row.
 *
 * @since 0.1.0
 * @category constructors
 */
export const classify = (error: AdminError | Config.ConfigError): Classified => {
  switch (error._tag) {
    case "InvalidInput":
      return { code: "invalid-input", error }
    case "InvalidCidr":
      return { code: "invalid-cidr", error }
    case "InvalidPgSelector":
      return { code: "invalid-pg", error }
    case "RuleViolation":
      return { code: "rule-violation", error }
    case "Unauthenticated":
      return { code: "unauthenticated", error }
    case "WebhookNotSent":
      return { code: "webhook-not-sent", error }
    case "UnknownMerchant":
      return { code: "unknown-merchant", error }
    case "UnknownTier":
      return { code: "unknown-tier", error }
    case "NoChannelConfigured":
      return { code: "no-channel-configured", error }
    case "ChannelNotFound":
      return { code: "channel-not-found", error }
    case "ConfigError":
      return { code: "configuration", error }
    case "StoreError": {
      const reason = error.reason
      switch (reason._tag) {
        case "NotFound":
          return { code: "not-found", error, reason }
        case "Conflict":
          return { code: "conflict", error, reason }
        case "Unavailable":
          return { code: "store-unavailable", error }
        case "OutcomeUnknown":
          return { code: "outcome-unknown", error }
        case "SchemaTooNew":
          return { code: "schema-too-new", error, reason }
        case "SchemaTooOld":
          return { code: "schema-too-old", error, reason }
        case "Corrupt":
          return reason.entity === keyConfiguration ? { code: "configuration", error } : { code: "store-corrupt", error, reason }
        // Text the database cannot keep (NUL in PostgreSQL): the caller's input, in the caller's words.
        case "InvalidInput":
          return {
            code: "invalid-input",
            error: new DomainError.InvalidInput({ field: reason.entity, value: "<refused by the store>", rule: reason.detail })
          }
        case "KeyMismatch":
          return { code: "key-mismatch", error, reason }
        case "Misconfigured":
          return { code: "configuration", error }
      }
    }
  }
}

/**
 * The row of a code.
 *
 * @since 0.1.0
 * @category getters
 */
export const entry = (code: Code): Entry => entries[code]

/**
 * `classify` for a value of unknown type (a rejected promise, a failed layer): the classification
 * when it is a failure the table knows, `undefined` otherwise. Tags are compared, not classes, so a
 * second copy of a package still classifies.
 *
 * @since 0.1.0
 * @category constructors
 */
export const classifyUnknown = (u: unknown): Classified | undefined => {
  if (typeof u !== "object" || u === null) return undefined
  const tag = (u as { readonly _tag?: unknown })._tag
  if (typeof tag !== "string" || !Object.hasOwn(knownTags, tag)) return undefined
  if (tag === "StoreError" && typeof (u as { readonly reason?: { readonly _tag?: unknown } }).reason?._tag !== "string") return undefined
  // The tag is one `classify` handles, so its switch returns; a StoreError reason it does not know
  // falls out of the switch as `undefined`.
  return classify(u as AdminError) as Classified | undefined
}

// Every tag `classify` handles; the Record type makes the compiler ask for a new one.
const knownTags: Record<(AdminError | Config.ConfigError)["_tag"], true> = {
  InvalidInput: true,
  InvalidCidr: true,
  InvalidPgSelector: true,
  RuleViolation: true,
  Unauthenticated: true,
  WebhookNotSent: true,
  UnknownMerchant: true,
  UnknownTier: true,
  NoChannelConfigured: true,
  ChannelNotFound: true,
  ConfigError: true,
  StoreError: true
}

/**
 * One representative failure per code (`internal` has none: it is whatever the table does not
 * know). The error table in the docs shows their messages, and each surface's tests walk them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const example = (code: Exclude<Code, "internal">): AdminError => {
  switch (code) {
    case "invalid-input":
      return new DomainError.InvalidInput({ field: "merchant", value: "imp1", rule: "imp followed by 8 digits" })
    case "invalid-cidr":
      return new Cidr.InvalidCidr({ input: "1.1.1.1/24", reason: "host bits are set", suggestion: "did you mean 1.1.1.0/24?", index: 0 })
    case "invalid-pg":
      return new ResolutionError.InvalidPgSelector({ pg: "kcpp", problem: "unknown-pg", suggestions: ["kcp"] })
    case "rule-violation":
      return new DomainError.RuleViolation({
        rule: "test-mid-required",
        detail: "naverpay has no shared test MID: enter the test MID Naver Pay issued you"
      })
    case "unauthenticated":
      return new Unauthenticated()
    case "webhook-not-sent":
      return new WebhookNotSent({ reason: "no test webhook URL is set" })
    case "not-found":
      return StoreError.notFound("merchant", "imp12345678")
    case "unknown-merchant":
      return new ResolutionError.UnknownMerchant({ merchant: "imp12345678" })
    case "unknown-tier":
      return new ResolutionError.UnknownTier({ merchant: "imp12345678", tier: "ZZZ", known: ["001"] })
    case "no-channel-configured":
      return new ResolutionError.NoChannelConfigured({ merchant: "imp12345678", mode: "test", otherMode: 1 })
    case "channel-not-found":
      return new ResolutionError.ChannelNotFound({
        merchant: "imp12345678",
        mode: "test",
        paymentType: "window.general",
        payMethod: "phone",
        lookup: "pg",
        asked: "kcp",
        rejected: [
          {
            channel: "channel-key-1",
            pg: "kcp.T0000",
            mode: "test",
            reason: "pay-method-unsupported",
            detail: "serves card, vbank; not phone"
          }
        ]
      })
    case "conflict":
      return StoreError.conflict("merchant", "imp12345678", "already exists")
    case "store-unavailable":
      return StoreError.unavailable("connection refused")
    case "outcome-unknown":
      return StoreError.outcomeUnknown("ConnectionError: Connection is closed")
    case "schema-too-new":
      return new StoreError.StoreError({
        reason: { _tag: "SchemaTooNew", found: SqlStore.schemaVersion + 1, supported: SqlStore.schemaVersion }
      })
    case "schema-too-old":
      return new StoreError.StoreError({
        reason: { _tag: "SchemaTooOld", found: SqlStore.schemaVersion - 1, supported: SqlStore.schemaVersion }
      })
    case "store-corrupt":
      return StoreError.corrupt("channel", "a stored secret does not decrypt")
    case "key-mismatch":
      return StoreError.keyMismatch("local-3f2a9c1b0d4e", "9b1e4c27a0f3d8e6", "the key file is missing")
    case "configuration":
      return StoreError.misconfigured("PAYMUX_PEPPER", "shorter than 32 bytes")
  }
}
