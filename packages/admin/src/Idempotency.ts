/**
 * `Idempotency-Key` records for hosts that serve the admin API, kept in the store. Over the
 * store's `IdempotencyRecords`, a retry that lands on another process gets the same answer. The host
 * decides the scope (the HTTP package: API key id, tier, method and path) and calls `begin` after
 * the call is authenticated and admitted.
 *
 * The rules (issue 9): the same key with the same request (its query string and body) replays the
 * stored response; with another query or body it is a mismatch; while the first request runs (in
 * any process) it is in flight (the HTTP host answers 409 and the client retries; nobody waits on
 * another process). Only successes are kept; a success that carried a one-time secret is kept
 * without its body and is never replayed.
 * Records expire after `ttlMillis`; each merchant's records are held to `maxBytes` (a per-merchant
 * budget, so one merchant cannot push out another's), oldest dropped first, and a response larger
 * than the budget is not kept. A process that dies mid-request blocks its key for `leaseMillis`.
 *
 * @since 0.1.0
 */
import { IdempotencyRecords, type StoreError } from "@paymux/store"
import { createHash } from "node:crypto"
import { Effect } from "effect"

/**
 * A response as stored: enough to replay it byte for byte.
 *
 * @since 0.1.0
 * @category models
 */
export type StoredResponse = IdempotencyRecords.StoredResponse

/**
 * How a first request ended: a response to keep, a success whose body must not be kept (it
 * carried a one-time secret), or nothing to keep (a failure: the next try runs again).
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = StoredResponse | "withheld" | undefined

/**
 * What `begin` found.
 *
 * @since 0.1.0
 * @category models
 */
export type Lookup =
  | { readonly _tag: "New"; readonly complete: (outcome: Outcome) => Effect.Effect<void, StoreError.StoreError> }
  | { readonly _tag: "Replay"; readonly response: StoredResponse }
  | { readonly _tag: "Withheld" }
  | { readonly _tag: "Mismatch" }
  | { readonly _tag: "InFlight" }

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** How long a record is kept; default 24 hours. */
  readonly ttlMillis?: number | undefined
  /** The bytes of records kept per merchant; default 32 MiB. */
  readonly maxBytes?: number | undefined
  /**
   * How long a running request holds its key, default 2 minutes: longer than any call takes (a
   * test send may take a minute), since a retry after it takes the key over and the first
   * request can then no longer record its outcome (its changes are undone). A process that dies
   * mid-request blocks its key this long.
   */
  readonly leaseMillis?: number | undefined
}

/** @since 0.1.0 @category constants */
export const defaultTtlMillis = 24 * 60 * 60_000

/** @since 0.1.0 @category constants */
export const defaultMaxBytes = 32 * 1024 * 1024

/** @since 0.1.0 @category constants */
export const defaultLeaseMillis = 2 * 60_000

/**
 * What a record costs besides its response (ids, hashes, the row), so empty responses count too.
 *
 * @since 0.1.0
 * @category constants
 */
export const recordOverhead = 256

/**
 * Whether a response may be stored for replay: successes only.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isStorable = (status: number): boolean => status >= 200 && status < 300

/**
 * The bytes a record with this outcome counts against its merchant's budget.
 *
 * @since 0.1.0
 * @category models
 */
export const sizeOf = (outcome: StoredResponse | "withheld"): number => {
  if (outcome === "withheld") return recordOverhead
  let size = recordOverhead + outcome.body.byteLength
  for (const [name, value] of outcome.headers) size += name.length + value.length
  return size
}

const sha256 = (data: string): string => createHash("sha256").update(data).digest("base64url")

/** What a replay must match: the query (length-prefixed, so no query and body pass for another) and the body. */
const requestHash = (query: string, body: Uint8Array): string =>
  createHash("sha256").update(`${query.length}:${query}`).update(body).digest("base64url")

/**
 * Looks up, or starts, the record of `key` within `scope` for a request with `query` (the query
 * string as sent, without `?`; none is "") and `body`. A `New` lookup must be completed with the
 * request's outcome.
 *
 * @since 0.1.0
 * @category use cases
 */
export const begin = (input: {
  readonly scope: string
  readonly key: string
  readonly merchant: string
  readonly query?: string | undefined
  readonly body: Uint8Array
  readonly now: number
  readonly options?: Options | undefined
}): Effect.Effect<Lookup, StoreError.StoreError, IdempotencyRecords.IdempotencyRecords> =>
  Effect.flatMap(Effect.service(IdempotencyRecords.IdempotencyRecords), (records) => {
    const options = input.options ?? {}
    const maxBytes = options.maxBytes ?? defaultMaxBytes
    // The scope and key are hashed: a record's id says nothing about the caller.
    const id = sha256(`${input.scope}\n${input.key}`)
    const bodyHash = requestHash(input.query ?? "", input.body)
    // The record stays this request's while it runs under this lease: a retry that takes the key
    // over after it ends sets a later one, and this request can then neither complete nor abandon it.
    const leaseUntil = input.now + (options.leaseMillis ?? defaultLeaseMillis)
    return Effect.map(
      records.begin({
        id,
        merchant: input.merchant,
        bodyHash,
        now: input.now,
        expiresAt: input.now + (options.ttlMillis ?? defaultTtlMillis),
        leaseUntil
      }),
      (begun): Lookup => {
        if (begun._tag === "Started") {
          return {
            _tag: "New",
            complete: (outcome) => {
              if (outcome === undefined || (outcome !== "withheld" && !isStorable(outcome.status)))
                return records.abandon({ id, leaseUntil })
              const bytes = sizeOf(outcome)
              if (bytes > maxBytes) return records.abandon({ id, leaseUntil })
              return records.complete({ id, leaseUntil, merchant: input.merchant, outcome, bytes, now: input.now, maxBytes })
            }
          }
        }
        const held = begun.held
        if (held.bodyHash !== bodyHash) return { _tag: "Mismatch" }
        if (held._tag === "Running") return { _tag: "InFlight" }
        return held._tag === "Withheld" ? { _tag: "Withheld" } : { _tag: "Replay", response: held.response }
      }
    )
  })
