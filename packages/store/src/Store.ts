/**
 * What a complete store provides: every repository, the audit log, the unit of work, the webhook
 * outbox, the change feed, `Idempotency-Key` records and the keys that seal its secrets. Adapters provide it; the admin use cases and the
 * conformance suite require it.
 *
 * @since 0.1.0
 */
import type * as Outbox from "./Outbox.ts"
import type { AuditLog } from "./AuditLog.ts"
import type { ChangeFeed } from "./ChangeFeed.ts"
import type { IdempotencyRecords } from "./IdempotencyRecords.ts"
import type { KeyProvider } from "./KeyProvider.ts"
import type {
  ApiKeyRepository,
  ChannelGroupRepository,
  ChannelRepository,
  MerchantRepository,
  SubMerchantRepository,
  WebhookSettingsRepository,
  WhitelistRepository
} from "./Repositories.ts"
import type { Transaction } from "./Transaction.ts"

/**
 * The persistence services, without the keys (the SQL layers take those from their context).
 *
 * @since 0.1.0
 * @category models
 */
export type Persistence =
  | MerchantRepository
  | SubMerchantRepository
  | ChannelRepository
  | ChannelGroupRepository
  | WebhookSettingsRepository
  | WhitelistRepository
  | ApiKeyRepository
  | AuditLog
  | Transaction
  | Outbox.Outbox
  | ChangeFeed
  | IdempotencyRecords

/**
 * Everything a store layer offers its users, keys included.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = Persistence | KeyProvider
