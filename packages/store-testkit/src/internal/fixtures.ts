/**
 * Small, valid values built by hand, for tests where the values are not the point (the
 * properties draw theirs from `@paymux/domain/testing`).
 */
import type { ApiKey, ChannelGroup, Credentials, Identifiers, Merchant, PaymentChannel, SubMerchant, WebhookSettings } from "@paymux/domain"
import type { AuditLog, StoreError } from "@paymux/store"
import type { Delivery } from "@paymux/store"
import { Cause, Effect, Exit, Redacted } from "effect"
import { expect } from "vitest"

export type Channel = PaymentChannel.PaymentChannel

export const merchantCode = (n: number): Identifiers.MerchantCode => `imp${String(n).padStart(8, "0")}` as Identifiers.MerchantCode
export const channelKey = (n: number): Identifiers.ChannelKey =>
  `channel-key-00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}` as Identifiers.ChannelKey
export const groupId = (n: number): Identifiers.ChannelGroupId =>
  `channel-group-00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}` as Identifiers.ChannelGroupId
export const apiKeyId = (n: number): Identifiers.ApiKeyId => `ak_${String(n).padStart(24, "0")}` as Identifiers.ApiKeyId
export const url = (text: string): WebhookSettings.WebhookUrl => text as WebhookSettings.WebhookUrl
export const endpointId = (text: string): WebhookSettings.EndpointId => text as WebhookSettings.EndpointId
export const tier = (code: string): Identifiers.TierCode => code as Identifiers.TierCode

export const merchant = (code: Identifiers.MerchantCode, name = "Merchant"): Merchant.Merchant => ({
  code,
  name,
  policy: "fallback",
  defaultChannels: {},
  createdAt: 1_700_000_000_000,
  version: 0
})

export const subMerchant = (
  m: Identifiers.MerchantCode,
  t: string,
  channels: ReadonlyArray<Identifiers.ChannelKey> = []
): SubMerchant.SubMerchant => ({
  merchant: m,
  tier: tier(t),
  name: `Tier ${t}`,
  channels,
  createdAt: 1_700_000_000_000,
  version: 0
})

export const channel = (
  m: Identifiers.MerchantCode,
  key: Identifiers.ChannelKey,
  overrides: Partial<PaymentChannel.PaymentChannel> = {}
): PaymentChannel.PaymentChannel => ({
  key,
  merchant: m,
  mode: "test",
  pg: "kcp" as Identifiers.PgCode,
  mid: `T${key.slice(-6)}` as Identifiers.Mid,
  name: "KCP test",
  purpose: "payment",
  paymentType: "window.general",
  payMethods: ["card" as PaymentChannel.PaymentChannel["payMethods"][number]],
  taxType: "taxable",
  credentialSource: "own",
  credentials: { site_key: Redacted.make(`site-key-${key.slice(-6)}`) },
  enabled: true,
  sequence: 0,
  createdAt: 1_700_000_000_000,
  version: 0,
  ...overrides
})

export const group = (
  m: Identifiers.MerchantCode,
  id: Identifiers.ChannelGroupId,
  members: ReadonlyArray<{ readonly channel: Identifiers.ChannelKey; readonly weight: number }>
): ChannelGroup.ChannelGroup => ({ id, merchant: m, name: "Routing", mode: "test", members, createdAt: 1_700_000_000_000, version: 0 })

export const apiKey = (m: Identifiers.MerchantCode, id: Identifiers.ApiKeyId, secretHash = "0".repeat(64)): ApiKey.ApiKey => ({
  id,
  merchant: m,
  name: "server",
  secretHash: secretHash as ApiKey.SecretHash,
  createdAt: 1_700_000_000_000,
  version: 0
})

export const auditEntry = (m: Identifiers.MerchantCode, n: number, action = "channel.update"): AuditLog.AuditEntry => ({
  id: `audit-${m}-${n}`,
  merchant: m,
  actor: "tester",
  action,
  target: `target-${n}`,
  before: null,
  after: { n },
  at: 1_700_000_000_000 + n
})

export const newDelivery = (
  m: Identifiers.MerchantCode | undefined,
  n: number,
  extra: Partial<Delivery.NewDelivery> = {}
): Delivery.NewDelivery => ({
  ...(m === undefined ? {} : { merchant: m }),
  mode: "test",
  url: "https://example.test/hook",
  eventType: "payment.paid",
  subject: `pay_${n}`,
  payload: JSON.stringify({ n }),
  ...extra
})

/** A channel's fields without its credentials, which a read does not load (compare those with `revealed`). */
export const plain = (c: PaymentChannel.PaymentChannel): unknown => {
  const { credentials: _, readable: __, ...fields } = c
  return fields
}

/** Credentials revealed, so two sets compare by value. */
export const revealed = (credentials: Credentials.Credentials): Record<string, string> =>
  Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, Redacted.value(v)]))

/**
 * Runs `self` and asserts it fails with a `StoreError` of the given reason. `operation` names
 * the repository and method (`"MerchantRepository.update"`), so a failure says which call of the
 * adapter broke the rule.
 */
export const expectStoreError = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  reason: StoreError.StoreErrorReason["_tag"],
  operation: string
): Effect.Effect<void, never, R> =>
  Effect.map(Effect.exit(self), (exit) => {
    if (Exit.isSuccess(exit)) expect.fail(`${operation}: expected StoreError ${reason}, the call succeeded`)
    const error = Exit.isFailure(exit) ? firstError(exit.cause) : undefined
    expect((error as { _tag?: string } | undefined)?._tag, `${operation}: failed with a StoreError`).toBe("StoreError")
    expect((error as StoreError.StoreError).reason._tag, `${operation}: StoreError reason`).toBe(reason)
  })

/** Runs `self` and asserts it fails because the worker no longer holds the lease (a `Conflict`). */
export const expectLeaseLost = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<void, never, R> =>
  Effect.map(Effect.exit(self), (exit) => {
    if (Exit.isSuccess(exit)) expect.fail("expected a lost lease, the call succeeded")
    const error = firstError(exit.cause) as StoreError.StoreError | undefined
    expect(error?._tag, "a StoreError").toBe("StoreError")
    expect(error?.reason).toMatchObject({ _tag: "Conflict", entity: "delivery" })
    expect(error?.message).toMatch(/no longer holds the lease/)
  })

const firstError = (cause: Cause.Cause<unknown>): unknown => {
  const fail = cause.reasons.find(Cause.isFailReason)
  return fail?.error
}

/** The error a failed exit failed with (`undefined` for a defect or interruption). */
export const failureOf = (exit: Exit.Failure<unknown, unknown>): unknown => firstError(exit.cause)

/**
 * Reads a listing `limit` rows at a time, each page after the last id of the one before, and
 * answers every id read. A store that ignores the cursor answers the same page forever: 50 pages
 * fail the test instead. `port` names the call in the failure messages.
 */
export const allPages = <A>(
  port: string,
  limit: number,
  page: (after: string | undefined) => Effect.Effect<ReadonlyArray<A>, StoreError.StoreError>,
  idOf: (row: A) => string
) =>
  Effect.gen(function* () {
    const seen: Array<string> = []
    let after: string | undefined
    for (let pages = 0; pages < 50; pages++) {
      const rows = yield* page(after)
      expect(rows.length, `${port}: a page of at most ${limit}`).toBeLessThanOrEqual(limit)
      seen.push(...rows.map(idOf))
      if (rows.length < limit) return seen
      after = idOf(rows[rows.length - 1]!)
    }
    return expect.fail(`${port}: paging by ${limit} never ended (is after ignored?); read ${seen.length} rows`)
  })
