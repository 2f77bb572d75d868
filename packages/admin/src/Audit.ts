/**
 * Reading the audit trail, and its retention limit.
 *
 * @since 0.1.0
 */
import { Identifiers, Input, PageLimit, type DomainError } from "@paymux/domain"
import { AuditLog, type StoreError } from "@paymux/store"
import { Effect, Schema } from "effect"
import type { AdminServices } from "./AdminServices.ts"
import { pruneInBatches } from "./internal/prune.ts"

/**
 * The schema of an audit entry (for hosts that render or serve them).
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuditEntry = AuditLog.AuditEntry

/**
 * The merchant's audit entries, newest first, at most `limit` (`PageLimit.auditEntries`), of one
 * `action` only when given. A trail of any size is read a page at a time: `after` is the last entry
 * id of the page before, and the page holds the entries older than it. A cursor that is not one of
 * the merchant's entries is `NotFound`, never an empty page.
 *
 * @since 0.1.0
 * @category use cases
 */
export const list = (
  merchant: string,
  options: { readonly limit?: number | undefined; readonly action?: string | undefined; readonly after?: string | undefined } = {}
): Effect.Effect<ReadonlyArray<AuditLog.AuditEntry>, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const limit = yield* Effect.fromResult(PageLimit.check(PageLimit.auditEntries, options.limit))
    const { action, after } = yield* Effect.fromResult(checkFilter(options))
    const log = yield* AuditLog.AuditLog
    return yield* log.list(code, { limit, ...(action === undefined ? {} : { action }), ...(after === undefined ? {} : { after }) })
  })

/** An `action` or cursor of the wrong kind (a number from unchecked input): an action of 5 matched nothing, as if the trail were empty. */
const checkFilter = Input.decoder(Schema.Struct({ action: Schema.optional(Schema.String), after: Schema.optional(Schema.String) }))

/**
 * Deletes every merchant's audit entries from before `before` (epoch milliseconds), in batches,
 * and answers how many. The trail keeps every entry until this runs: a host whose retention rule
 * is, say, a year runs it on a schedule (`paymux audit prune --before 365d`). It writes no entry
 * of its own (an entry belongs to a merchant; this runs across all of them): the caller keeps its
 * own record of the disposal.
 *
 * @since 0.1.0
 * @category use cases
 */
export const prune = (
  before: number
): Effect.Effect<{ readonly deleted: number }, DomainError.InvalidInput | StoreError.StoreError, AdminServices> =>
  Effect.flatMap(AuditLog.AuditLog, (log) => pruneInBatches(before, (limit) => log.prune({ before, limit })))
