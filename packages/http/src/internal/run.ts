/**
 * How an endpoint runs a use case: only for the key's own merchant (any other looks missing),
 * with failures mapped to problems, and those on the server's side logged with their reason.
 */
import type { AdminError } from "@paymux/admin"
import { Effect, Logger } from "effect"
import { HttpServerRequest } from "effect/http"
import { Principal, type PrincipalInfo } from "../Auth.ts"
import { type CatalogProblem, fromError, NotFound, type UseCaseProblem } from "../Problem.ts"
import { pathOf } from "./request.ts"

/** What a log line names of a request: its method, and the path of its URL. */
export interface RequestLine {
  readonly method: string
  readonly url: string
}

/**
 * An admin failure as the problem its caller gets: every endpoint maps failures here. A failure
 * on the server's side (a 5xx: the store unreachable, busy or full, a commit whose outcome is
 * unknown, corrupt data, unusable keys) is also logged here, as the request's one line: status,
 * code, method, path (never the query, which may carry a token) and the error's own words, which
 * the problem keeps from the caller (a lock wait, a read-only file, a refused connection). Those
 * words are the store's, written to carry no secret (a URL's password is masked) and no request
 * body. The line goes through the current logger, so a host's applies; effect's default one
 * writes it to stderr, as stdout is the host's (`paymux serve --json` among them).
 */
export const problemOf = (error: AdminError.AdminError, request: RequestLine): Effect.Effect<never, CatalogProblem> => {
  const problem = fromError(error)
  if (problem.status < 500) return Effect.fail(problem)
  const reason = error.message.replace(/\s*\n\s*/g, " ")
  return Effect.andThen(
    Effect.logWarning(`${problem.status} ${problem.code}: ${request.method} ${pathOf(request.url)}: ${reason}`).pipe(
      Effect.provideService(Logger.LogToStderr, true)
    ),
    Effect.fail(problem)
  )
}

/** `problemOf` for the request being served. */
export const failWith = (error: AdminError.AdminError): Effect.Effect<never, CatalogProblem, HttpServerRequest.HttpServerRequest> =>
  Effect.flatMap(Effect.service(HttpServerRequest.HttpServerRequest), (request) => problemOf(error, request))

export const own = (merchant: string): Effect.Effect<PrincipalInfo, NotFound, Principal> =>
  Effect.flatMap(Effect.service(Principal), (principal) =>
    principal.merchant === merchant
      ? Effect.succeed(principal)
      : Effect.fail(new NotFound({ code: "not-found", detail: `merchant ${merchant} not found` }))
  )

export const run = <A, R>(
  merchant: string,
  use: (principal: PrincipalInfo) => Effect.Effect<A, AdminError.AdminError, R>
): Effect.Effect<A, UseCaseProblem, R | Principal | HttpServerRequest.HttpServerRequest> =>
  Effect.flatMap(own(merchant), (principal) => Effect.catch(use(principal), failWith))
