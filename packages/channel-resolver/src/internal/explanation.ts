/**
 * The sentence a miss is explained with, shared by `ChannelNotFound.message` and a fallback's
 * `detail`. Its input is described here, structurally, so this file needs nothing of the error's.
 */

/** One rejected candidate, as a message lists it. */
interface Rejected {
  readonly pg: string
  readonly mode: string
  readonly reason: string
  readonly detail: string
}

/** The facts a "no channel serves this" message is written from. */
export interface NotFoundFacts {
  readonly merchant: string
  readonly tier?: string | undefined
  readonly mode?: string | undefined
  readonly paymentType: string
  readonly payMethod?: string | undefined
  readonly lookup: "channelKey" | "group" | "pg" | "default"
  readonly asked: string
  readonly rejected: ReadonlyArray<Rejected>
}

/** How many channels a miss message names before it summarises the rest. */
const shown = 8

/** `kcp.T0000 (live): a live channel; the request is test`. */
const describeRejection = (r: Rejected): string => `${r.pg} (${r.mode}): ${r.detail}`

/**
 * The configured channels as a miss message lists them. A channel rejected only for its PG code
 * shows as `uplus.M1 (test)`; any other reason is spelled out, since it is the interesting one.
 */
const listConfigured = (rejected: ReadonlyArray<Rejected>): string => {
  const parts = rejected
    .slice(0, shown)
    .map((r) => (r.reason === "pg-differs" ? `${r.pg} (${r.mode})` : `${r.pg} (${r.mode}; ${r.detail})`))
  if (rejected.length > shown) parts.push(`and ${rejected.length - shown} more`)
  return parts.join(", ")
}

/** Says what was asked and what is configured: `pg "tosspayments" matched no channel ...; configured: uplus.M1 (test)`. */
export const notFoundMessage = (f: NotFoundFacts): string => {
  const who = f.tier === undefined ? f.merchant : `tier ${f.tier} of ${f.merchant}`
  const wanted = `${f.mode ?? "either mode"}, ${f.paymentType}${f.payMethod === undefined ? "" : `, pay_method ${f.payMethod}`}`
  const asked = JSON.stringify(f.asked)
  switch (f.lookup) {
    case "pg":
    case "default": {
      const head =
        f.lookup === "pg" ? `pg ${asked} matched no channel of ${who} (${wanted})` : `no channel of ${who} can be the default for ${wanted}`
      return f.rejected.length === 0 ? `${head}; no channel is configured` : `${head}; configured: ${listConfigured(f.rejected)}`
    }
    case "channelKey":
    case "group": {
      const head =
        f.lookup === "channelKey"
          ? `channelKey ${asked} names no usable channel of ${who} (${wanted})`
          : `channel group ${asked} has no usable channel for ${who} (${wanted})`
      return f.rejected.length === 0 ? `${head}: it does not exist` : `${head}: ${f.rejected.map(describeRejection).join("; ")}`
    }
  }
}
