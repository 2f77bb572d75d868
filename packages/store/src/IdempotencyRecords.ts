/**
 * The `Idempotency-Key` records port: what a first request with a key left behind, held in the
 * store so a retry that reaches another process gets the same answer. A record is `running`
 * while its first request runs (under a lease, so a process that dies frees the key when the
 * lease ends), then holds the response, or only the fact that the response is not replayable
 * (it carried a one-time secret, which is never stored). Records expire; each merchant's records
 * are held to a byte budget, oldest dropped first.
 *
 * @since 0.1.0
 */
import { Context, type Effect } from "effect"
import * as StoreError from "./StoreError.ts"

/**
 * A response as stored: enough to replay it byte for byte.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredResponse {
  readonly status: number
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: Uint8Array
}

/**
 * A record as found.
 *
 * @since 0.1.0
 * @category models
 */
export type Held =
  | { readonly _tag: "Running"; readonly bodyHash: string }
  | { readonly _tag: "Done"; readonly bodyHash: string; readonly response: StoredResponse }
  | { readonly _tag: "Withheld"; readonly bodyHash: string }

/**
 * What `begin` did: started a record (the caller runs the request), or found one.
 *
 * @since 0.1.0
 * @category models
 */
export type Begun = { readonly _tag: "Started" } | { readonly _tag: "Found"; readonly held: Held }

/**
 * @since 0.1.0
 * @category models
 */
export interface IdempotencyRecordsShape {
  /**
   * Starts a `running` record under `id`, unless one is there: an expired record, or a running one
   * whose lease ended, is taken over (started afresh); any other is returned.
   */
  readonly begin: (input: {
    readonly id: string
    readonly merchant: string
    /** The hash of what a retry must repeat to be replayed (admin's: the query string and body). */
    readonly bodyHash: string
    readonly now: number
    readonly expiresAt: number
    readonly leaseUntil: number
  }) => Effect.Effect<Begun, StoreError.StoreError>
  /**
   * Finishes a running record with the response to replay (or `"withheld"`), costing `bytes` of
   * the merchant's budget; then drops the merchant's expired records, and its oldest finished
   * ones while it holds more than `maxBytes`. The record must still be the caller's: running under
   * the `leaseUntil` its `begin` set. A record taken over since (its lease ended, and a retry began
   * it again with a later lease) is `Conflict`, and nothing changes: inside a transaction, the
   * first request's changes are undone, so the request runs once. It runs on every keyed
   * request, inside the request's unit of work (under the store's write lock), so it must cost
   * what it changes, never a read of all the merchant's records.
   */
  readonly complete: (input: {
    readonly id: string
    /** The `leaseUntil` the caller's `begin` set. */
    readonly leaseUntil: number
    readonly merchant: string
    readonly outcome: StoredResponse | "withheld"
    readonly bytes: number
    readonly now: number
    readonly maxBytes: number
  }) => Effect.Effect<void, StoreError.StoreError>
  /**
   * Removes a running record (its request failed: the next try runs again), if it is still the
   * caller's: running under the `leaseUntil` its `begin` set. A record taken over since is left to
   * the request that holds it now.
   */
  readonly abandon: (input: { readonly id: string; readonly leaseUntil: number }) => Effect.Effect<void, StoreError.StoreError>
  /** The bytes a merchant's records hold (what the budget counts). */
  readonly bytes: (merchant: string) => Effect.Effect<number, StoreError.StoreError>
}

/**
 * The port.
 *
 * @since 0.1.0
 * @category services
 */
export class IdempotencyRecords extends Context.Service<IdempotencyRecords, IdempotencyRecordsShape>()(
  "@paymux/store/IdempotencyRecords"
) {}

/**
 * The error of `complete` on a record that is no longer the caller's (its lease ended and a retry
 * took the key over): a `Conflict`.
 *
 * @since 0.1.0
 * @category errors
 */
export const takenOver = (id: string): StoreError.StoreError =>
  StoreError.conflict(
    "idempotency record",
    id,
    "the request's hold on its Idempotency-Key ended before it finished, and a retry took the key over; this request's changes are not kept"
  )
