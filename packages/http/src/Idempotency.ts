/**
 * `Idempotency-Key` on POSTs, held in memory by one handler (not shared between processes, lost
 * on restart). The key is looked up only after the call is authenticated, admitted by the
 * whitelist and checked to be the key's own merchant, exactly as a new call is; it is scoped to
 * the API key id (not the header presented), the tier, the method and the path. The same key with
 * the same body within the retention period (24 hours) returns the stored response, with a
 * different body a 422 problem, and while the first request is still running a 409. Only
 * successful (2xx) responses are stored; a response that carried a one-time secret is
 * remembered without its body, and its replay is a 409 `idempotency-secret-not-replayable`.
 * The store is bounded in entries and in bytes (the oldest go first).
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

/**
 * How a first request ended: a response to keep, a success whose body must not be kept (it
 * carried a one-time secret), or nothing to keep (a failure: the next try runs again).
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = StoredResponse | "withheld" | undefined

interface Entry {
  readonly bodyHash: string
  readonly storedAt: number
  response: StoredResponse | "withheld" | undefined
  bytes: number
}

/**
 * What a lookup found.
 *
 * @since 0.1.0
 * @category models
 */
export type Lookup =
  | { readonly _tag: "New"; readonly complete: (outcome: Outcome) => void }
  | { readonly _tag: "Replay"; readonly response: StoredResponse }
  | { readonly _tag: "Withheld" }
  | { readonly _tag: "Mismatch" }
  | { readonly _tag: "InFlight" }

/**
 * @since 0.1.0
 * @category models
 */
export interface IdempotencyStore {
  readonly begin: (scope: string, key: string, body: Uint8Array, now: number) => Lookup
  readonly size: () => number
  /** The bytes held (stored bodies and headers, plus a fixed cost per entry). */
  readonly bytes: () => number
}

/** @since 0.1.0 @category constants */
export const defaultTtlMillis = 24 * 60 * 60_000

/** @since 0.1.0 @category constants */
export const defaultMaxEntries = 100_000

/** @since 0.1.0 @category constants */
export const defaultMaxBytes = 32 * 1024 * 1024

/** @since 0.1.0 @category constants */
export const headerName = "idempotency-key"

/**
 * Whether a response may be stored for replay: successes only.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isStorable = (status: number): boolean => status >= 200 && status < 300

// What an entry costs besides its response: ids, hashes, the map slot.
const entryOverhead = 256

const sizeOf = (response: StoredResponse): number => {
  let size = response.body.byteLength
  for (const [name, value] of response.headers) size += name.length + value.length
  return size
}

const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("base64url")

/**
 * An empty store keeping entries `ttlMillis` (default 24 hours), at most `maxEntries` (default
 * 100 000) and `maxBytes` (default 32 MiB); past either bound the oldest go first, and a response
 * larger than `maxBytes` alone is not kept.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: {
    readonly ttlMillis?: number | undefined
    readonly maxEntries?: number | undefined
    readonly maxBytes?: number | undefined
  } = {}
): IdempotencyStore => {
  const ttl = options.ttlMillis ?? defaultTtlMillis
  const maxEntries = options.maxEntries ?? defaultMaxEntries
  const maxBytes = options.maxBytes ?? defaultMaxBytes
  // Insertion order is age order: expiry and eviction sweep from the front.
  const entries = new Map<string, Entry>()
  let bytes = 0

  const remove = (id: string, entry: Entry): void => {
    if (entries.get(id) !== entry) return
    entries.delete(id)
    bytes -= entry.bytes
  }

  const sweep = (now: number): void => {
    for (const [id, entry] of entries) {
      if (now - entry.storedAt < ttl && entries.size <= maxEntries && bytes <= maxBytes) break
      remove(id, entry)
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
        if (found.response === undefined) return { _tag: "InFlight" }
        return found.response === "withheld" ? { _tag: "Withheld" } : { _tag: "Replay", response: found.response }
      }
      const entry: Entry = { bodyHash, storedAt: now, response: undefined, bytes: entryOverhead }
      entries.set(id, entry)
      bytes += entry.bytes
      return {
        _tag: "New",
        complete: (outcome) => {
          if (entries.get(id) !== entry) return
          if (outcome === undefined || (outcome !== "withheld" && (!isStorable(outcome.status) || sizeOf(outcome) > maxBytes))) {
            remove(id, entry)
            return
          }
          const size = outcome === "withheld" ? 0 : sizeOf(outcome)
          entry.response = outcome
          entry.bytes += size
          bytes += size
          sweep(now)
        }
      }
    },
    size: () => entries.size,
    bytes: () => bytes
  }
}
