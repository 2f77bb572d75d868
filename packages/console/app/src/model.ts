/**
 * The shapes the page works with, as the API's schemas define them. Readings of a PG (its payment
 * types, pay methods, shared test MIDs, required fields) are the domain's `PgCatalog` getters.
 */
import type { Models } from "@paymux/http"

export type Pg = typeof Models.PgView.Type
export type CredentialField = Pg["credentialFields"][number]
export type Channel = typeof Models.ChannelView.Type
export type Merchant = typeof Models.MerchantView.Type
export type SubMerchant = typeof Models.SubMerchantView.Type
export type PaymentType = Channel["paymentType"]
export type Mode = Channel["mode"]
export type TaxType = Channel["taxType"]

/** A JavaScript string literal of `s`: a MID is the merchant's own text, and may hold a quote. */
const literal = (s: string): string => JSON.stringify(s)

/** The `request_pay` call a merchant copies to select a channel by `pg`. */
export const requestPaySnippet = (pgCode: string, mid: string | undefined, payMethod: string | undefined): string =>
  [
    "IMP.request_pay({",
    `  pg: ${literal(mid === undefined ? pgCode : `${pgCode}.${mid}`)},`,
    `  pay_method: ${literal(payMethod ?? "card")},`,
    '  merchant_uid: "order_0001",',
    '  name: "Order 0001",',
    "  amount: 1000",
    "})"
  ].join("\n")
