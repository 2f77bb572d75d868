import { Result } from "effect"
import type { AuditEntry } from "../AuditLog.ts"
import { invalidInput, type StoreError } from "../StoreError.ts"

const toJson = (value: unknown): string | null => (value === null || value === undefined ? null : (JSON.stringify(value) ?? null))

/**
 * An audit entry's `before` and `after` as every store keeps them: JSON text, or null. A value
 * JSON cannot hold (a BigInt, a cycle) is `InvalidInput`, in every store alike.
 */
export const auditJson = (
  entry: AuditEntry
): Result.Result<{ readonly before: string | null; readonly after: string | null }, StoreError> => {
  try {
    return Result.succeed({ before: toJson(entry.before), after: toJson(entry.after) })
  } catch (cause) {
    return Result.fail(invalidInput("audit entry", `${entry.id}: before and after must be JSON values (no BigInt, no cycles)`, cause))
  }
}
