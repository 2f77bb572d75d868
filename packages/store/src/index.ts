/**
 * @since 0.1.0
 */
export * as AuditLog from "./AuditLog.ts"
export * as Delivery from "./Delivery.ts"
export * as KeyProvider from "./KeyProvider.ts"
export * as Memory from "./Memory.ts"
export * as Outbox from "./Outbox.ts"
export * as Repositories from "./Repositories.ts"
export * as SecretBox from "./SecretBox.ts"
export * as SecretHasher from "./SecretHasher.ts"
export * as Store from "./Store.ts"
export * as StoreError from "./StoreError.ts"
export * as Transaction from "./Transaction.ts"
export * as SqlStore from "./SqlStore.ts"
