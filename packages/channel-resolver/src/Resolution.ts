/**
 * What `request_pay` asks for and what resolution answers.
 *
 * @since 0.1.0
 */
import type { ChannelTerms, PaymentChannel } from "@paymux/domain"
import type { Lookup, Rejection } from "./ResolutionError.ts"

/**
 * A `request_pay` as the resolver sees it. Of `channelKey`, `groupId` and `pg`, the first given
 * is used.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolveRequest {
  readonly merchant: string
  /** A sub-merchant's tier code: only the channels assigned to it are candidates. */
  readonly tier?: string | undefined
  /** Absent: channels of both modes are candidates and the chosen channel's own mode decides, as in V1. */
  readonly mode?: ChannelTerms.Mode | undefined
  /** Defaults to the purpose of `paymentType`. */
  readonly purpose?: ChannelTerms.Purpose | undefined
  /** `"{pg code}"` or `"{pg code}.{MID}"`. Absent: the default channel. */
  readonly pg?: string | undefined
  readonly channelKey?: string | undefined
  readonly groupId?: string | undefined
  /** `card`, `vbank`, ...; absent: any. */
  readonly payMethod?: string | undefined
  /** Defaults to `window.general` (`certification` for identity verification). */
  readonly paymentType?: ChannelTerms.PaymentType | undefined
}

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
