/** The shapes the page works with, as the API's schemas define them, and small readings of them. */
import type { Models } from "@paymux/http"

export type Pg = typeof Models.PgView.Type
export type CredentialField = Pg["credentialFields"][number]
export type Channel = typeof Models.ChannelView.Type
export type Merchant = typeof Models.MerchantView.Type
export type SubMerchant = typeof Models.SubMerchantView.Type
export type PaymentType = Channel["paymentType"]
export type Mode = Channel["mode"]

/** The payment types a PG offers, in the catalog's order. */
export const paymentTypesOf = (pg: Pg): ReadonlyArray<PaymentType> =>
  (Object.keys(pg.payMethods) as Array<PaymentType>).filter((type) => pg.payMethods[type] !== undefined)

export const payMethodsOf = (pg: Pg, type: PaymentType): ReadonlyArray<string> => pg.payMethods[type] ?? []

/** Whether a credential field must be filled for a payment type. */
export const isRequired = (field: CredentialField, type: PaymentType): boolean =>
  typeof field.required === "boolean" ? field.required : field.required.includes(type)

/** The shared test MID for a payment type, if the aggregator has one. */
export const sharedTestMid = (pg: Pg, type: PaymentType): string | undefined =>
  pg.test.kind === "shared" ? pg.test.mids.find((m) => m.paymentType === type)?.mid : undefined

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
