/**
 * How an endpoint runs a use case: only for the key's own merchant (any other looks missing),
 * with failures mapped to problems.
 */
import type { AdminError } from "@paymux/admin"
import { Effect } from "effect"
import { Principal, type PrincipalInfo } from "../Auth.ts"
import { fromError, NotFound, type UseCaseProblem } from "../Problem.ts"

export const own = (merchant: string): Effect.Effect<PrincipalInfo, NotFound, Principal> =>
  Effect.flatMap(Effect.service(Principal), (principal) =>
    principal.merchant === merchant
      ? Effect.succeed(principal)
      : Effect.fail(new NotFound({ code: "not-found", detail: `merchant ${merchant} not found` }))
  )

export const run = <A, R>(
  merchant: string,
  use: (principal: PrincipalInfo) => Effect.Effect<A, AdminError.AdminError, R>
): Effect.Effect<A, UseCaseProblem, R | Principal> =>
  Effect.flatMap(own(merchant), (principal) => Effect.mapError(use(principal), fromError))
