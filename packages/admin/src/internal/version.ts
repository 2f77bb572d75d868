import { type DomainError, Version } from "@paymux/domain"
import { StoreError } from "@paymux/store"
import { Effect } from "effect"

const decodeVersion = Version.decodeAs("version")

/**
 * The version a change expects: the caller's, checked (NaN or -1 was compared and answered as a
 * conflict), or else the one just read.
 */
export const expectedVersion = (given: number | undefined, read: number): Effect.Effect<number, DomainError.InvalidInput> =>
  given === undefined ? Effect.succeed(read) : Effect.fromResult(decodeVersion(given))

/**
 * A change that leaves an entity as it is writes nothing, so no write compares the version it
 * expects with the stored one: this does, failing as the store would (`Conflict`).
 */
export const unchangedSince = (entity: string, id: string, expected: number, stored: number): Effect.Effect<void, StoreError.StoreError> =>
  expected === stored ? Effect.void : Effect.fail(StoreError.staleVersion(entity, id, expected, stored))
