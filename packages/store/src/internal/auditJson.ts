import { Input, Timestamp } from "@paymux/domain"
import { Result } from "effect"
import type { AuditEntry } from "../AuditLog.ts"
import { invalidInput, type StoreError } from "../StoreError.ts"

const toJson = (value: unknown): string | null => (value === null || value === undefined ? null : (JSON.stringify(value) ?? null))

const checkAt = Timestamp.decodeAs("at")

const textFields = ["id", "merchant", "actor", "action", "target"] as const

/**
 * An audit entry's `before` and `after` as every store keeps them: JSON text, or null. A value
 * JSON cannot hold (a BigInt, a cycle) is `InvalidInput`, in every store alike; so is an `at` that
 * is not a whole number of epoch milliseconds, which PostgreSQL would round and the others keep,
 * and text with a lone surrogate, which SQLite and PostgreSQL would each give back differently
 * (and PostgreSQL would take two such ids for one). JSON text escapes them, so `before` and
 * `after` keep theirs.
 */
export const auditJson = (
  entry: AuditEntry
): Result.Result<{ readonly before: string | null; readonly after: string | null }, StoreError> => {
  const at = checkAt(entry.at)
  if (Result.isFailure(at)) return Result.fail(invalidInput("audit entry", `${entry.id}: ${at.failure.message}`))
  const malformed = textFields.find((field) => !Input.isWellFormed(entry[field]))
  if (malformed !== undefined)
    return Result.fail(invalidInput("audit entry", `${malformed} has a lone surrogate, which no store keeps as written`))
  try {
    return Result.succeed({ before: toJson(entry.before), after: toJson(entry.after) })
  } catch (cause) {
    return Result.fail(invalidInput("audit entry", `${entry.id}: before and after must be JSON values (no BigInt, no cycles)`, cause))
  }
}
