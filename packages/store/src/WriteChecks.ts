/**
 * Writes checked against the entity's schema before they are stored: a store keeps only what it
 * can read back. Without the check one bad value (a policy of "yolo" from unchecked JSON, say) was
 * stored, and then that merchant, and every listing of merchants, read as `Corrupt`. The times,
 * durations, counts and cursors the outbox, the change feed and the Idempotency-Key records are
 * called with are checked the same way, so no store rounds, keeps or compares a value another
 * store would refuse. The memory and SQL stores apply these checks; another adapter applies them
 * to its services the same way.
 *
 * @since 0.1.0
 */
import {
  ApiKey,
  ChannelGroup,
  Input,
  Merchant,
  PaymentChannel,
  SubMerchant,
  Timestamp,
  WebhookSettings,
  WhitelistRules
} from "@paymux/domain"
import { Context, Effect, Result, Schema } from "effect"
import {
  ApiKeyRepository,
  ChannelGroupRepository,
  ChannelRepository,
  MerchantRepository,
  SubMerchantRepository,
  WebhookSettingsRepository,
  WhitelistRepository
} from "./Repositories.ts"
import type { AuditLog } from "./AuditLog.ts"
import type { ChangeFeedShape } from "./ChangeFeed.ts"
import type { IdempotencyRecordsShape } from "./IdempotencyRecords.ts"
import type { AfterAttempt, OutboxShape } from "./Outbox.ts"
import * as StoreError from "./StoreError.ts"

/**
 * The check of one entity: its schema's type side (credentials are `Redacted` values here, not
 * text), failing with `InvalidInput` that names the first bad field and quotes no secret.
 */
const checker = <S extends Schema.Top & { readonly DecodingServices: never }>(entity: string, schema: S) => {
  const decode = Input.decoder(Schema.toType(schema) as unknown as S)
  return <A>(value: A): Effect.Effect<A, StoreError.StoreError> =>
    Effect.suspend(() => {
      const checked = decode(value)
      return Result.isSuccess(checked)
        ? Effect.succeed(value)
        : Effect.fail(
            StoreError.invalidInput(
              entity,
              `not stored, as it would not read back: ${checked.failure.field}: ${checked.failure.rule} (got ${checked.failure.value})`
            )
          )
    })
}

const merchant = checker("merchant", Merchant.Merchant)
const subMerchant = checker("sub-merchant", SubMerchant.SubMerchant)
const channel = checker("channel", PaymentChannel.PaymentChannel)
const group = checker("channel group", ChannelGroup.ChannelGroup)
const settings = checker("webhook settings", WebhookSettings.WebhookSettings)
const whitelist = checker("whitelist", WhitelistRules.WhitelistRules)
const apiKey = checker("API key", ApiKey.ApiKey)

/** At most two signing secrets per mode: the current one and, while receivers move over, the one before. */
const maxActiveSecrets = 2

/** Runs `write` on the entity once it passed `check`. */
const after =
  <A, B>(check: (a: A) => Effect.Effect<A, StoreError.StoreError>, write: (a: A) => Effect.Effect<B, StoreError.StoreError>) =>
  (a: A): Effect.Effect<B, StoreError.StoreError> =>
    Effect.flatMap(check(a), write)

/**
 * The seven repositories of an adapter, as it builds them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Repositories {
  readonly merchants: MerchantRepository["Service"]
  readonly subMerchants: SubMerchantRepository["Service"]
  readonly channels: ChannelRepository["Service"]
  readonly groups: ChannelGroupRepository["Service"]
  readonly webhookSettings: WebhookSettingsRepository["Service"]
  readonly whitelists: WhitelistRepository["Service"]
  readonly apiKeys: ApiKeyRepository["Service"]
}

/**
 * The repositories as services, each `create`, `update` and `put` checked first: an entity that
 * does not match its schema fails with `StoreError` reason `InvalidInput` (naming the field,
 * quoting no secret) and nothing is written. `putSecrets` of more than two secrets is a `Conflict`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const checkedRepositories = (r: Repositories) =>
  Context.make(MerchantRepository, {
    ...r.merchants,
    create: after(merchant, r.merchants.create),
    update: after(merchant, r.merchants.update)
  }).pipe(
    Context.add(SubMerchantRepository, {
      ...r.subMerchants,
      create: after(subMerchant, r.subMerchants.create),
      update: after(subMerchant, r.subMerchants.update)
    }),
    Context.add(ChannelRepository, { ...r.channels, create: after(channel, r.channels.create), update: after(channel, r.channels.update) }),
    Context.add(ChannelGroupRepository, { ...r.groups, create: after(group, r.groups.create), update: after(group, r.groups.update) }),
    Context.add(WebhookSettingsRepository, {
      ...r.webhookSettings,
      put: after(settings, r.webhookSettings.put),
      putSecrets: (merchant, mode, secrets) =>
        secrets.length > maxActiveSecrets
          ? Effect.fail(StoreError.conflict("webhook secrets", `${merchant}/${mode}`, "at most two signing secrets may be active"))
          : r.webhookSettings.putSecrets(merchant, mode, secrets)
    }),
    Context.add(WhitelistRepository, { ...r.whitelists, put: after(whitelist, r.whitelists.put) }),
    Context.add(ApiKeyRepository, { ...r.apiKeys, create: after(apiKey, r.apiKeys.create), update: after(apiKey, r.apiKeys.update) })
  )

/** A count or a length of time: a whole number of at least 0 (milliseconds, bytes, a cursor). */
const Whole = Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })))

/** Runs `call` once `check` passed; its failure is `InvalidInput` on the entity, naming the field. */
const checked = <A>(
  entity: string,
  check: () => Result.Result<unknown, { readonly message: string }>,
  call: () => Effect.Effect<A, StoreError.StoreError>
): Effect.Effect<A, StoreError.StoreError> =>
  Effect.suspend(() => {
    const result = check()
    return Result.isFailure(result) ? Effect.fail(StoreError.invalidInput(entity, result.failure.message)) : call()
  })

/** `checked` for a call of one argument, which is also what `check` reads. */
const guarded =
  (entity: string) =>
  <I, A>(
    check: (input: I) => Result.Result<unknown, { readonly message: string }>,
    call: (input: I) => Effect.Effect<A, StoreError.StoreError>
  ) =>
  (input: I): Effect.Effect<A, StoreError.StoreError> =>
    checked(
      entity,
      () => check(input),
      () => call(input)
    )

/** The times the outbox's and the audit log's calls take. */
const outboxTimes = {
  lease: Input.decoder(Schema.Struct({ now: Timestamp.Timestamp, leaseMillis: Whole })),
  claim: Input.decoder(Schema.Struct({ now: Timestamp.Timestamp, leaseMillis: Whole, asOf: Schema.optional(Timestamp.Timestamp) })),
  now: Input.decoder(Schema.Struct({ now: Timestamp.Timestamp })),
  before: Input.decoder(Schema.Struct({ before: Timestamp.Timestamp })),
  since: Input.decoder(Schema.Struct({ since: Schema.optional(Timestamp.Timestamp) })),
  history: Input.decoder(Schema.Struct({ since: Schema.optional(Timestamp.Timestamp), dueBefore: Schema.optional(Timestamp.Timestamp) })),
  attempt: Input.decoder(
    Schema.Struct({ startedAt: Timestamp.Timestamp, latencyMillis: Schema.Finite.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))) }),
    "attempt"
  ),
  retryAt: Timestamp.decodeAs("next.at")
}

const retryAt = (next: AfterAttempt) => (next._tag === "Retry" ? outboxTimes.retryAt(next.at) : Result.succeed(next))

/**
 * The outbox with the times of its calls checked: `now`, a claim's `asOf`, `before`, `since`, `dueBefore` and an attempt's
 * `startedAt` and a retry's `at` are `Timestamp`s, `leaseMillis` a whole number of at least 0, an
 * attempt's latency a finite number of at least 0. Anything else is `InvalidInput` and nothing is
 * changed (`prune` before NaN deleted every finished delivery on PostgreSQL; a renew at NaN left a
 * lease that never ended in memory). `enqueue` checks its own with `Delivery.checkedNew`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const checkedOutbox = (o: OutboxShape): OutboxShape => {
  const guard = guarded("delivery")
  return {
    ...o,
    claim: guard(outboxTimes.claim, o.claim),
    renew: guard(outboxTimes.lease, o.renew),
    recordAttempt: (attempt, options) =>
      checked(
        "delivery",
        () => Result.andThen(outboxTimes.attempt(attempt), Result.andThen(outboxTimes.now(options), retryAt(options.next))),
        () => o.recordAttempt(attempt, options)
      ),
    deadLetter: guard(outboxTimes.now, o.deadLetter),
    history: guard(outboxTimes.history, o.history),
    resend: (deliveryId, now, options) =>
      checked(
        "delivery",
        () => outboxTimes.now({ now }),
        () => o.resend(deliveryId, now, options)
      ),
    resendable: guard(outboxTimes.since, o.resendable),
    coveredDead: guard(outboxTimes.since, o.coveredDead),
    prune: guard(outboxTimes.before, o.prune)
  }
}

/**
 * The audit log with `prune`'s `before` checked: a `Timestamp`, or `InvalidInput` and nothing
 * deleted (`at < NaN` holds for every row on PostgreSQL).
 *
 * @since 0.1.0
 * @category constructors
 */
export const checkedAuditLog = (log: AuditLog["Service"]): AuditLog["Service"] => ({
  ...log,
  prune: guarded("audit entry")(outboxTimes.before, log.prune)
})

const checkCursor = Input.decoder(Whole, "cursor")

/**
 * The change feed with `since`'s cursor checked: a whole number of at least 0, as `cursor`
 * hands them out (`since(-5)` and `since(NaN)` answered differently in each store).
 *
 * @since 0.1.0
 * @category constructors
 */
export const checkedChangeFeed = (feed: ChangeFeedShape): ChangeFeedShape => ({
  ...feed,
  since: guarded("change feed")(checkCursor, feed.since)
})

const recordTimes = {
  begin: Input.decoder(Schema.Struct({ now: Timestamp.Timestamp, expiresAt: Timestamp.Timestamp, leaseUntil: Timestamp.Timestamp })),
  // `maxBytes` is only compared, never stored: Infinity (no budget) is a budget too.
  complete: Input.decoder(
    Schema.Struct({ now: Timestamp.Timestamp, bytes: Whole, maxBytes: Schema.Number.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))) })
  )
}

/**
 * The Idempotency-Key records with their times and byte counts checked: `Timestamp`s, a whole
 * number of at least 0 for `bytes`, and a number of at least 0 for `maxBytes`, Infinity included
 * (memory started a record at NaN that never expired; PostgreSQL rounded 1.5 bytes to 2).
 *
 * @since 0.1.0
 * @category constructors
 */
export const checkedIdempotencyRecords = (records: IdempotencyRecordsShape): IdempotencyRecordsShape => ({
  ...records,
  begin: guarded("idempotency record")(recordTimes.begin, records.begin),
  complete: guarded("idempotency record")(recordTimes.complete, records.complete)
})
