import { Context } from "effect"

/**
 * Marks an endpoint whose call reaches outside the store (a test send posts to the receiver and
 * waits up to 30 s for it). Such a call is not run inside one transaction with its
 * `Idempotency-Key` record: the transaction would hold the store's write lock (all of it, on
 * SQLite) while it waits, and what it sent could not be rolled back anyway.
 */
export const ReachesOutside = Context.Reference<boolean>("@paymux/http/ReachesOutside", { defaultValue: () => false })
