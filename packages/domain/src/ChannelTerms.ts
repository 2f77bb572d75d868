/**
 * The vocabulary a payment channel is described in: mode, purpose, payment type, tax type and
 * pay method.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * `test` channels run against the PG's test environment; `live` ones move money.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Mode = Schema.Literals(["test", "live"])
/** @since 0.1.0 @category models */
export type Mode = typeof Mode.Type

/**
 * What a channel is for: taking payments, or identity verification.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Purpose = Schema.Literals(["payment", "identity-verification"])
/** @since 0.1.0 @category models */
export type Purpose = typeof Purpose.Type

/**
 * How a payment is taken. Payment window: `window.general` (the PG's window), `window.simple`
 * (the PG is itself an easy-pay), `window.subscription` (billing key issued in the window).
 * API: `api.keyin` (card details sent by the server), `api.subscription` (billing keys issued and
 * charged by API). `certification` is identity verification.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PaymentType = Schema.Literals([
  "window.general",
  "window.simple",
  "window.subscription",
  "api.keyin",
  "api.subscription",
  "certification"
])
/** @since 0.1.0 @category models */
export type PaymentType = typeof PaymentType.Type

/** @since 0.1.0 @category constants */
export const paymentTypes: ReadonlyArray<PaymentType> = PaymentType.literals

/**
 * The purpose a payment type belongs to: `certification` is identity verification, the rest are
 * payments.
 *
 * @since 0.1.0
 * @category getters
 */
export const purposeOf = (type: PaymentType): Purpose => (type === "certification" ? "identity-verification" : "payment")

/**
 * Whether a payment type needs the merchant's webhook (billing-key subscriptions do).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSubscription = (type: PaymentType): boolean => type === "window.subscription" || type === "api.subscription"

/**
 * Tax type, used for the settlement VAT reference.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TaxType = Schema.Literals(["taxable", "tax-free"])
/** @since 0.1.0 @category models */
export type TaxType = typeof TaxType.Type

/**
 * A `pay_method` value (`card`, `trans`, `vbank`, `phone`, `kakaopay`, `cultureland`, ...). Which
 * ones a channel may serve comes from the PG catalog.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PayMethod = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter(
      (s: string) => /^[a-z][a-z0-9_]{0,31}$/.test(s) || "a pay method is a lower-case word such as card, trans, vbank or kakaopay"
    )
  ),
  Schema.brand("@paymux/PayMethod")
)
/** @since 0.1.0 @category models */
export type PayMethod = typeof PayMethod.Type

/**
 * The `pay_method` values the built-in catalog uses, from the PortOne pages each PG entry cites.
 * A catalog test checks every entry against this list (a typo such as `kakopay` fails there), and
 * the console names each one in Korean. A host app's own PGs may use other values: `PayMethod`
 * takes any lower-case word.
 *
 * @since 0.1.0
 * @category constants
 */
export const knownPayMethods = [
  "card",
  "trans",
  "vbank",
  "phone",
  "point",
  "cvs",
  "kakaopay",
  "naverpay",
  "naverpay_card",
  "naverpay_point",
  "naverpay_bridge",
  "payco",
  "tosspay",
  "tosspay_card",
  "tosspay_money",
  "toss_brandpay",
  "samsung",
  "samsungpay",
  "ssgpay",
  "ssgpay_bank",
  "lpay",
  "skpay",
  "applepay",
  "cultureland",
  "culturegift",
  "smartculture",
  "booknlife",
  "happymoney",
  "tmoney",
  "paypal",
  "alipay",
  "alipay_plus",
  "wechat",
  "tenpay",
  "unionpay",
  "amazonpay",
  "paypay",
  "rakutenpay",
  "merpay",
  "aupay",
  "dbarai",
  "econtext",
  "molpay",
  "pinpay"
] as const
/** @since 0.1.0 @category models */
export type KnownPayMethod = (typeof knownPayMethods)[number]
