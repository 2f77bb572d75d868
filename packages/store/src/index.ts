/** The audit trail. @since 0.1.0 */
export * as AuditLog from "./AuditLog.ts"
/** The change feed port. @since 0.1.0 */
export * as ChangeFeed from "./ChangeFeed.ts"
/** The records the webhook outbox keeps. @since 0.1.0 */
export * as Delivery from "./Delivery.ts"
/** The `Idempotency-Key` records port. @since 0.1.0 */
export * as IdempotencyRecords from "./IdempotencyRecords.ts"
/** Where the keys that protect secrets at rest come from. @since 0.1.0 */
export * as KeyProvider from "./KeyProvider.ts"
/** The in-memory adapter. @since 0.1.0 */
export * as Memory from "./Memory.ts"
/** The webhook outbox port. @since 0.1.0 */
export * as Outbox from "./Outbox.ts"
/** The repository ports. @since 0.1.0 */
export * as Repositories from "./Repositories.ts"
/** Encryption of secrets at rest. @since 0.1.0 */
export * as SecretBox from "./SecretBox.ts"
/** API-key secrets. @since 0.1.0 */
export * as SecretHasher from "./SecretHasher.ts"
/** What a complete store provides. @since 0.1.0 */
export * as Store from "./Store.ts"
/** The one error every storage port fails with. @since 0.1.0 */
export * as StoreError from "./StoreError.ts"
/** The unit of work. @since 0.1.0 */
export * as Transaction from "./Transaction.ts"
/** One storage implementation over `effect/sql`'s `SqlClient`, shared by the SQLite and PostgreSQL adapters. @since 0.1.0 */
export * as SqlStore from "./SqlStore.ts"
/** Writes checked against the entity's schema before they are stored. @since 0.1.0 */
export * as WriteChecks from "./WriteChecks.ts"
