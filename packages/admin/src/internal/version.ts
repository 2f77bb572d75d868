import { type DomainError, Version } from "@paymux/domain"
import { Effect } from "effect"

const decodeVersion = Version.decodeAs("version")

/**
 * The version a change expects: the caller's, checked (NaN or -1 was compared and answered as a
 * conflict), or else the one just read.
 */
export const expectedVersion = (given: number | undefined, read: number): Effect.Effect<number, DomainError.InvalidInput> =>
  given === undefined ? Effect.succeed(read) : Effect.fromResult(decodeVersion(given))
