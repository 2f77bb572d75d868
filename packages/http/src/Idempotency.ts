/**
 * `Idempotency-Key` on POSTs, held in memory by one handler (not shared between processes, lost
 * on restart). A key is scoped to the credential and tier presented and to the method and path;
 * the same key with the same body within the retention period (24 hours) returns the stored
 * response, with a different body a 422 problem, and while the first request is still running a
 * 409. Responses with 401, 403, 429 or 5xx are not stored, so a retry runs again.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"

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

interface Entry {
  readonly bodyHash: string
  readonly storedAt: number
  response: StoredResponse | undefined
}

/**
 * What a lookup found.
 *
 * @since 0.1.0
 * @category models
 */
export type Lookup =
  | { readonly _tag: "New"; readonly complete: (response: StoredResponse | undefined) => void }
  | { readonly _tag: "Replay"; readonly response: StoredResponse }
  | { readonly _tag: "Mismatch" }
  | { readonly _tag: "InFlight" }

/**
 * @since 0.1.0
 * @category models
 */
export interface IdempotencyStore {
  readonly begin: (scope: string, key: string, body: Uint8Array, now: number) => Lookup
  readonly size: () => number
}

/** @since 0.1.0 @category constants */
export const defaultTtlMillis = 24 * 60 * 60_000

/** @since 0.1.0 @category constants */
export const headerName = "idempotency-key"

/**
 * Whether a response may be stored for replay.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isStorable = (status: number): boolean => status < 500 && status !== 401 && status !== 403 && status !== 429

const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("base64url")

/**
 * An empty store keeping entries `ttlMillis` (default 24 hours) and at most `maxEntries`
 * (default 100 000; the oldest go first).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: { readonly ttlMillis?: number | undefined; readonly maxEntries?: number | undefined } = {}): IdempotencyStore => {
  const ttl = options.ttlMillis ?? defaultTtlMillis
  const max = options.maxEntries ?? 100_000
  // Insertion order is age order: expiry sweeps from the front.
  const entries = new Map<string, Entry>()

  const sweep = (now: number): void => {
    for (const [id, entry] of entries) {
      if (now - entry.storedAt < ttl && entries.size <= max) break
      entries.delete(id)
    }
  }

  return {
    begin: (scope, key, body, now) => {
      sweep(now)
      const id = sha256(`${scope}\n${key}`)
      const bodyHash = sha256(body)
      const found = entries.get(id)
      if (found !== undefined) {
        if (found.bodyHash !== bodyHash) return { _tag: "Mismatch" }
        return found.response === undefined ? { _tag: "InFlight" } : { _tag: "Replay", response: found.response }
      }
      const entry: Entry = { bodyHash, storedAt: now, response: undefined }
      entries.set(id, entry)
      return {
        _tag: "New",
        complete: (response) => {
          if (response === undefined || !isStorable(response.status)) entries.delete(id)
          else entry.response = response
        }
      }
    },
    size: () => entries.size
  }
}
