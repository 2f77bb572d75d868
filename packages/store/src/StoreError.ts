/**
 * The one error every storage port fails with. Its `reason` says what kind of failure it was, so
 * callers branch on `reason._tag` and adapters map their driver's failures onto it.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * - `NotFound`: no such row for this merchant (also what another merchant's row looks like).
 * - `Conflict`: a stale version (optimistic concurrency) or a uniqueness rule.
 * - `Unavailable`: the store cannot be reached or is busy; retryable. Inside a unit of work
 *   (`Transaction`), and for an `Outbox.enqueue`, nothing of it was saved; another single write
 *   outside a unit of work whose connection was lost after the server ran it may have been saved.
 * - `OutcomeUnknown`: the connection to the database was lost while a change committed, so whether
 *   it was saved is not known. Not retryable as it is: read the data back before making the change
 *   again, or a create may be made twice.
 * - `Corrupt`: stored data does not decode, or a secret does not decrypt.
 * - `SchemaTooNew`: the database was migrated by a newer Paymux; refusing to run.
 * - `SchemaTooOld`: the database was written by an older Paymux and the store was opened with
 *   `upgrade: false`, so it is not migrated; nothing was written. Run the migrations first.
 * - `InvalidInput`: the store cannot hold a value it was given (e.g. a NUL character, which
 *   PostgreSQL text refuses); not retryable, the caller must change the input.
 * - `KeyMismatch`: the configured keys are not the ones that sealed this database (a lost key
 *   file, another environment's keys); names the expected master key id and its fingerprint (a
 *   keyed hash, never the key). Nothing is written in that state.
 * - `Misconfigured`: a setting the store was given is missing or wrong: the keys are missing or
 *   malformed, or the database server refused the connection's user or password; `setting`
 *   names what to fix (e.g. `PAYMUX_MASTER_KEYS`, `url`). Not retryable: the same settings
 *   fail the same way.
 *
 * @since 0.1.0
 * @category errors
 */
export const StoreErrorReason = Schema.Union([
  Schema.TaggedStruct("NotFound", { entity: Schema.String, id: Schema.String }),
  Schema.TaggedStruct("Conflict", { entity: Schema.String, id: Schema.String, detail: Schema.String }),
  Schema.TaggedStruct("Unavailable", { detail: Schema.String }),
  Schema.TaggedStruct("OutcomeUnknown", { detail: Schema.String }),
  Schema.TaggedStruct("Corrupt", { entity: Schema.String, detail: Schema.String }),
  Schema.TaggedStruct("SchemaTooNew", { found: Schema.Int, supported: Schema.Int }),
  Schema.TaggedStruct("SchemaTooOld", { found: Schema.Int, supported: Schema.Int }),
  Schema.TaggedStruct("InvalidInput", { entity: Schema.String, detail: Schema.String }),
  Schema.TaggedStruct("KeyMismatch", { keyId: Schema.String, fingerprint: Schema.String, detail: Schema.String }),
  Schema.TaggedStruct("Misconfigured", { setting: Schema.String, detail: Schema.String })
])
/** @since 0.1.0 @category errors */
export type StoreErrorReason = typeof StoreErrorReason.Type

/**
 * @since 0.1.0
 * @category errors
 */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  reason: StoreErrorReason,
  cause: Schema.optionalKey(Schema.Defect())
}) {
  override get message(): string {
    const r = this.reason
    switch (r._tag) {
      case "NotFound":
        return `${r.entity} ${clip(r.id)} not found`
      case "Conflict":
        return `${r.entity} ${clip(r.id)}: ${r.detail}`
      case "Unavailable":
        return `store unavailable: ${r.detail}`
      case "OutcomeUnknown":
        return `the connection to the store was lost while the change was being committed, so it may or may not have been saved (${r.detail}); read it back before making it again`
      case "Corrupt":
        return `stored ${r.entity} is corrupt: ${r.detail}`
      case "SchemaTooNew":
        return `the database schema is version ${r.found}, newer than this Paymux supports (${r.supported}); upgrade Paymux`
      case "SchemaTooOld":
        return `the database schema is version ${r.found}, older than this release's ${r.supported}; nothing was written`
      case "InvalidInput":
        return `${r.entity}: ${r.detail}`
      case "KeyMismatch":
        return (
          `this database's current master key is ${r.keyId} (fingerprint ${r.fingerprint}), but ${r.detail}; ` +
          "configure the keys it uses (the key file beside the database, or PAYMUX_MASTER_KEYS and PAYMUX_PEPPER, its current key first) and retry; nothing was written"
        )
      case "Misconfigured":
        return `${r.setting}: ${r.detail}`
    }
  }

  /** Whether trying again may succeed. */
  get retryable(): boolean {
    return this.reason._tag === "Unavailable"
  }
}

// Ids may come from a request path: a message quotes at most this much of one.
const maxQuoted = 200
const clip = (id: string): string => (id.length > maxQuoted ? `${id.slice(0, maxQuoted)}… (${id.length} characters)` : id)

/** @since 0.1.0 @category constructors */
export const notFound = (entity: string, id: string): StoreError => new StoreError({ reason: { _tag: "NotFound", entity, id } })
/** @since 0.1.0 @category constructors */
export const conflict = (entity: string, id: string, detail: string): StoreError =>
  new StoreError({ reason: { _tag: "Conflict", entity, id, detail } })
/** @since 0.1.0 @category constructors */
export const staleVersion = (entity: string, id: string, expected: number, actual: number): StoreError =>
  conflict(entity, id, `changed since it was read (version ${expected}, now ${actual}); reload it and make the change again`)
/** @since 0.1.0 @category constructors */
export const unavailable = (detail: string, cause?: unknown): StoreError =>
  new StoreError({ reason: { _tag: "Unavailable", detail }, ...(cause === undefined ? {} : { cause }) })
/** @since 0.1.0 @category constructors */
export const outcomeUnknown = (detail: string, cause?: unknown): StoreError =>
  new StoreError({ reason: { _tag: "OutcomeUnknown", detail }, ...(cause === undefined ? {} : { cause }) })
/** @since 0.1.0 @category constructors */
export const corrupt = (entity: string, detail: string, cause?: unknown): StoreError =>
  new StoreError({ reason: { _tag: "Corrupt", entity, detail }, ...(cause === undefined ? {} : { cause }) })
/** @since 0.1.0 @category constructors */
export const invalidInput = (entity: string, detail: string, cause?: unknown): StoreError =>
  new StoreError({ reason: { _tag: "InvalidInput", entity, detail }, ...(cause === undefined ? {} : { cause }) })
export const keyMismatch = (keyId: string, fingerprint: string, detail: string): StoreError =>
  new StoreError({ reason: { _tag: "KeyMismatch", keyId, fingerprint, detail } })
/** @since 0.1.0 @category constructors */
export const misconfigured = (setting: string, detail: string): StoreError =>
  new StoreError({ reason: { _tag: "Misconfigured", setting, detail } })

/**
 * Whether `u` is a `StoreError` for data that does not decode or open (`Corrupt`), e.g. a secret
 * sealed with a master key that is not configured.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isCorrupt = (u: unknown): u is StoreError => u instanceof StoreError && u.reason._tag === "Corrupt"
