import type { ChannelNotFound, Rejection } from "../ResolutionError.ts"

/** What a `ChannelNotFound` holds: a fallback explains itself without the error, whose constructor re-checks each rejection. */
export type NotFoundFacts = ConstructorParameters<typeof ChannelNotFound>[0]

/** A channel group or key: each candidate with why it was rejected. */
const explainEach = (head: string, rejected: ReadonlyArray<Rejection>): string =>
  rejected.length === 0 ? `${head}: it does not exist` : `${head}: ${rejected.map((r) => `${r.pg} (${r.mode}): ${r.detail}`).join("; ")}`

const shownAtMost = 8

/** A `pg` or the default: what is configured. A reason other than the PG code is the interesting one: it is shown. */
const listConfigured = (head: string, rejected: ReadonlyArray<Rejection>): string => {
  if (rejected.length === 0) return `${head}; no channel is configured`
  const listed = rejected
    .slice(0, shownAtMost)
    .map((r) => (r.reason === "pg-differs" ? `${r.pg} (${r.mode})` : `${r.pg} (${r.mode}; ${r.detail})`))
  if (rejected.length > shownAtMost) listed.push(`and ${rejected.length - shownAtMost} more`)
  return `${head}; configured: ${listed.join(", ")}`
}

/** The message of a `ChannelNotFound`, and the `detail` of a fallback that replaced one. */
export const notFoundMessage = (f: NotFoundFacts): string => {
  const who = f.tier === undefined ? f.merchant : `tier ${f.tier} of ${f.merchant}`
  const wanted = `${f.mode ?? "either mode"}, ${f.paymentType}${f.payMethod === undefined ? "" : `, pay_method ${f.payMethod}`}`
  const asked = JSON.stringify(f.asked)
  switch (f.lookup) {
    case "channelKey":
      return explainEach(`channelKey ${asked} names no usable channel of ${who} (${wanted})`, f.rejected)
    case "group":
      return explainEach(`channel group ${asked} has no usable channel for ${who} (${wanted})`, f.rejected)
    case "pg":
      return listConfigured(`pg ${asked} matched no channel of ${who} (${wanted})`, f.rejected)
    case "default":
      return listConfigured(`no channel of ${who} can be the default for ${wanted}`, f.rejected)
  }
}
