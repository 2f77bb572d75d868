/**
 * Valid, recognisable domain values built from small numbers, for an adapter's own tests and
 * benchmarks (the conformance suite draws its values from `@paymux/domain/testing`). Channel
 * credentials carry a distinctive site key, so a test can search raw storage for it.
 *
 * @since 0.1.0
 */
import { ApiKey, Identifiers, Merchant, PaymentChannel, PgCatalog, SubMerchant } from "@paymux/domain"
import type { Delivery } from "@paymux/store"
import { Redacted, Result } from "effect"

/** @since 0.1.0 @category fixtures */
export const merchantCode = (n: number): Identifiers.MerchantCode => Identifiers.MerchantCode.make(`imp${String(n).padStart(8, "0")}`)

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0")

/** @since 0.1.0 @category fixtures */
export const channelKey = (n: number): Identifiers.ChannelKey =>
  Identifiers.ChannelKey.make(`channel-key-${hex(n, 8)}-0000-4000-8000-000000000000`)

/** @since 0.1.0 @category fixtures */
export const merchant = (n: number): Merchant.Merchant =>
  Result.getOrThrow(Merchant.make({ code: merchantCode(n), name: `Merchant ${n}`, createdAt: 1_700_000_000_000 + n }))

/**
 * A live KCP channel whose site key is a recognisable secret.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const channel = (m: number, n: number, siteKey = `site-key-secret-${m}-${n}-xyzzy`): PaymentChannel.PaymentChannel =>
  Result.getOrThrow(
    PaymentChannel.make(PgCatalog.builtIn, {
      key: channelKey(m * 100_000 + n),
      merchant: merchantCode(m),
      mode: "live",
      pg: "kcp",
      mid: `SITE${n}`,
      paymentType: "window.general",
      payMethods: ["card"],
      credentials: { site_key: Redacted.make(siteKey) },
      sequence: 0,
      createdAt: 1_700_000_000_000 + n
    })
  )

/** @since 0.1.0 @category fixtures */
export const tier = (m: number, code: string): SubMerchant.SubMerchant =>
  Result.getOrThrow(SubMerchant.make({ merchant: merchantCode(m), tier: code, createdAt: 1_700_000_000_000 }))

/** @since 0.1.0 @category fixtures */
export const apiKey = (m: number, n: number): ApiKey.ApiKey =>
  Result.getOrThrow(
    ApiKey.make({
      id: `ak_${String(m).padStart(12, "0")}${String(n).padStart(12, "0")}`,
      merchant: merchantCode(m),
      name: `key ${n}`,
      secretHash: "ab".repeat(32),
      createdAt: 1_700_000_000_000 + n
    })
  )

/**
 * Attempt `number` at a delivery by `workerId`, to `https://example.test/hook/<number>`: a 200
 * when `delivered`, else a 503.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const attempt = (deliveryId: string, workerId: string, number: number, outcome: Delivery.Outcome): Delivery.Attempt => ({
  deliveryId,
  workerId,
  number,
  url: `https://example.test/hook/${number}`,
  startedAt: 1_000_000,
  latencyMillis: 12,
  httpStatus: outcome === "delivered" ? 200 : 503,
  error: null,
  responseExcerpt: "ok",
  outcome
})
