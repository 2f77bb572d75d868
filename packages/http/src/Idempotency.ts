/**
 * `Idempotency-Key` on POSTs. The records live in the store (admin's `Idempotency` over the
 * store's `IdempotencyRecords`), so every process serving one store answers a retry the same way
 * and a restart forgets nothing. The key is looked up only after the call is authenticated,
 * admitted by the whitelist and checked to be the key's own merchant, exactly as a new call is;
 * it is scoped to the API key id (not the header presented), the tier, the method and the path.
 * The same key with the same request (query string and body) within the retention period (24
 * hours) returns the stored response, with a different query string or body a 422 problem, and
 * while the first request is still running (in any process) a 409. Only successful (2xx) responses are stored; a response that carried a
 * one-time secret is remembered without its body, and its replay is a 409
 * `idempotency-secret-not-replayable`. Each merchant's records are held to a byte budget (the
 * oldest go first).
 *
 * The retention and the byte budget are admin's (`Idempotency.defaultTtlMillis`, `defaultMaxBytes`).
 *
 * @since 0.1.0
 */
import type { Idempotency } from "@paymux/admin"

/**
 * A response as stored: enough to replay it byte for byte.
 *
 * @since 0.1.0
 * @category models
 */
export type StoredResponse = Idempotency.StoredResponse

/** @since 0.1.0 @category constants */
export const headerName = "idempotency-key"

/**
 * The longest `Idempotency-Key` taken (1-255 characters); another length is a 400.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxKeyLength = 255
