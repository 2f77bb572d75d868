import type { ChannelTerms, PaymentChannel } from "@paymux/domain"
import type { Rejection, RejectionReason } from "../ResolutionError.ts"

type Channel = PaymentChannel.PaymentChannel

/** What a request asks of a channel, `pg` already split: the one statement of the rules, to choose and to explain. */
export interface Criteria {
  readonly tier: string | undefined
  /** The tier's assigned channel keys; undefined outside a tier. */
  readonly assigned: ReadonlySet<string> | undefined
  readonly code: string | undefined
  readonly mid: string | undefined
  /** Undefined: either mode. */
  readonly mode: ChannelTerms.Mode | undefined
  readonly purpose: ChannelTerms.Purpose
  readonly paymentType: ChannelTerms.PaymentType
  readonly payMethod: string | undefined
}

/**
 * The first rule a channel breaks, or undefined when it serves the request. Identity (tier, PG,
 * MID) is checked before state (mode, enabled) so a developer sees which channel they named.
 */
export const rejectionOf = (channel: Channel, c: Criteria): RejectionReason | undefined => {
  if (c.assigned !== undefined && !c.assigned.has(channel.key)) return "not-assigned-to-tier"
  if (c.code !== undefined && channel.pg !== c.code) return "pg-differs"
  if (c.mid !== undefined && channel.mid !== c.mid) return "mid-differs"
  if (c.mode !== undefined && channel.mode !== c.mode) return "wrong-mode"
  if (!channel.enabled) return "disabled"
  if (channel.purpose !== c.purpose) return "purpose-differs"
  if (channel.paymentType !== c.paymentType) return "payment-type-mismatch"
  if (c.payMethod !== undefined && !(channel.payMethods as ReadonlyArray<string>).includes(c.payMethod)) return "pay-method-unsupported"
  return undefined
}

const detailOf = (channel: Channel, reason: RejectionReason, c: Criteria): string => {
  switch (reason) {
    case "not-assigned-to-tier":
      return `not assigned to tier ${c.tier}`
    case "pg-differs":
      return `PG code is ${channel.pg}, not ${c.code}`
    case "mid-differs":
      return `MID is ${channel.mid}, not ${c.mid}`
    case "wrong-mode":
      return `a ${channel.mode} channel; the request is ${c.mode}`
    case "disabled":
      return "disabled"
    case "purpose-differs":
      return `for ${channel.purpose}, not ${c.purpose}`
    case "payment-type-mismatch":
      return `takes ${channel.paymentType}, not ${c.paymentType}`
    case "pay-method-unsupported":
      return channel.payMethods.length === 0
        ? `takes no pay_method, not ${c.payMethod}`
        : `does not take ${c.payMethod} (takes ${channel.payMethods.join(", ")})`
  }
}

/** The first channel (in the given order) that serves the request. */
export const firstServing = (channels: ReadonlyArray<Channel>, c: Criteria): Channel | undefined => {
  for (const channel of channels) if (rejectionOf(channel, c) === undefined) return channel
  return undefined
}

/** Every channel (oldest first) that breaks a rule, with why. */
export const rejectAll = (channels: ReadonlyArray<Channel>, c: Criteria): Array<Rejection> => {
  const out: Array<Rejection> = []
  for (const channel of channels) {
    const reason = rejectionOf(channel, c)
    const pg = `${channel.pg}.${channel.mid}`
    if (reason !== undefined) out.push({ channel: channel.key, pg, mode: channel.mode, reason, detail: detailOf(channel, reason, c) })
  }
  return out
}
