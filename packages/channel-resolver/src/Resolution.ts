/**
 * What `request_pay` asks for and what resolution answers.
 *
 * @since 0.1.0
 */
import { ChannelTerms, type PaymentChannel } from "@paymux/domain"
import { Schema } from "effect"
import type { Lookup, Rejection } from "./ResolutionError.ts"

const described = <S extends Schema.Top>(schema: S, description: string) => Schema.optional(schema.annotate({ description }))

const maxText = 100

/**
 * A request's text, at most 100 characters: the longest `pg` a catalog can match is 97 ("{pg
 * code}.{MID}"). Errors quote what was asked, and a 300 KB `pg` came back three times over.
 * Characters are counted as code points, as the published JSON Schema's `maxLength` counts them
 * (`isMaxLength` counts UTF-16 units, so text the OpenAPI document allowed was refused).
 */
const Text = Schema.String.check(
  Schema.makeFilter((text: string) => [...text].length <= maxText, {
    expected: `a string of at most ${maxText} characters`,
    toJsonSchema: () => ({ maxLength: maxText })
  })
)

/**
 * A `request_pay` as the resolver sees it. Of `channelKey`, `groupId` and `pg`, the first given
 * is used. The one list of a request's fields: the admin use case decodes unchecked input with
 * it, and the HTTP API's body is it without `merchant` (which the path names).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ResolveRequest = Schema.Struct({
  merchant: Schema.String,
  tier: described(Text, "a sub-merchant's tier code: only the channels assigned to it are candidates"),
  mode: described(ChannelTerms.Mode, "absent: channels of both modes are candidates and the chosen channel's own mode decides, as in V1"),
  purpose: described(ChannelTerms.Purpose, "defaults to the purpose of paymentType"),
  pg: described(Text, '"{pg code}" or "{pg code}.{MID}"; absent: the default channel'),
  channelKey: described(Text, "a channel's key: that channel, if it fits the request"),
  groupId: described(Text, "a channel group: one of its members, by weight"),
  payMethod: described(Text, "card, vbank, ...; absent: any"),
  paymentType: described(ChannelTerms.PaymentType, "defaults to window.general (certification for identity verification)")
})

/**
 * @since 0.1.0
 * @category models
 */
export interface ResolveRequest extends Schema.Schema.Type<typeof ResolveRequest> {}

/** How the channel was found. @since 0.1.0 @category models */
export type Via = Lookup

/**
 * Why a `pg` request was served by the default channel: its string matched no channel
 * (`pg-unmatched`, with every candidate rejected) or did not parse (`pg-invalid`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Fallback {
  readonly reason: "pg-unmatched" | "pg-invalid"
  readonly pg: string
  readonly detail: string
  readonly rejected: ReadonlyArray<Rejection>
}

/**
 * A request without `mode` that a test and a live channel (`test`, `live`: their keys) would both
 * serve; the older was chosen. The mix-up behind "a test channel served in production".
 *
 * @since 0.1.0
 * @category models
 */
export interface ModeWarning {
  readonly reason: "both-modes-match"
  readonly test: string
  readonly live: string
  readonly detail: string
}

/** The one channel that serves a request, and its mode. @since 0.1.0 @category models */
export interface Resolution {
  readonly channel: PaymentChannel.PaymentChannel
  readonly mode: ChannelTerms.Mode
  readonly via: Via
  readonly fellBack?: Fallback | undefined
  readonly warning?: ModeWarning | undefined
}

/** The payment type a request asks for once defaults apply. @since 0.1.0 @category getters */
export const paymentTypeOf = (request: ResolveRequest): ChannelTerms.PaymentType =>
  request.paymentType ?? (request.purpose === "identity-verification" ? "certification" : "window.general")

/** The purpose a request asks for once defaults apply. @since 0.1.0 @category getters */
export const purposeOf = (request: ResolveRequest): ChannelTerms.Purpose =>
  request.purpose ?? (paymentTypeOf(request) === "certification" ? "identity-verification" : "payment")
