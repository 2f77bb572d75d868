/**
 * Reading the audit trail.
 *
 * @since 0.1.0
 */
import { Identifiers, PageLimit } from "@paymux/domain"
import { AuditLog } from "@paymux/store"
import { Effect } from "effect"
import type { AdminError } from "./AdminError.ts"
import type { AdminServices } from "./AdminServices.ts"

/**
 * The schema of an audit entry (for hosts that render or serve them).
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuditEntry = AuditLog.AuditEntry

/**
 * The merchant's audit entries, newest first, at most `limit` (`PageLimit.auditEntries`), of one
 * `action` only when given.
 *
 * @since 0.1.0
 * @category use cases
 */
export const list = (
  merchant: string,
  options: { readonly limit?: number; readonly action?: string } = {}
): Effect.Effect<ReadonlyArray<AuditLog.AuditEntry>, AdminError, AdminServices> =>
  Effect.gen(function* () {
    const code = yield* Effect.fromResult(Identifiers.decodeMerchantCode(merchant))
    const limit = yield* Effect.fromResult(PageLimit.check(PageLimit.auditEntries, options.limit))
    const log = yield* AuditLog.AuditLog
    return yield* log.list(code, { ...options, limit })
  })
