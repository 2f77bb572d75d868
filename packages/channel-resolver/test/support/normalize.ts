import { Result } from "effect"
import type { Resolution } from "../../src/Resolution.ts"
import type { ResolutionError } from "../../src/ResolutionError.ts"

/** What two resolvers must agree on: the channel, how it was found, and every explanation's facts. */
export const normalize = (outcome: Result.Result<Resolution, ResolutionError>): unknown => {
  if (Result.isSuccess(outcome)) {
    const { channel, mode, via, fellBack, warning } = outcome.success
    return {
      channel: channel.key,
      mode,
      via,
      warning: warning && [warning.reason, warning.test, warning.live],
      fellBack: fellBack && {
        reason: fellBack.reason,
        pg: fellBack.pg,
        rejected: fellBack.rejected.map((r) => [r.channel, r.pg, r.mode, r.reason])
      }
    }
  }
  const error = outcome.failure
  if (error._tag === "ChannelNotFound") {
    const { rejected, ...facts } = error.toJSON() as Record<string, unknown>
    return { ...facts, rejected: error.rejected.map((r) => [r.channel, r.pg, r.mode, r.reason]), listed: Array.isArray(rejected) }
  }
  return { ...(error.toJSON() as object), message: error.message }
}
