/**
 * The typed client of the admin API, made from the same `HttpApi` value the server serves, and
 * the one place that turns a failed call into a `Problem` the page can show inline.
 */
import { Api } from "@paymux/http"
import { Effect } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { HttpApiClient } from "effect/http-api"

const make = (origin: string, token: string | undefined) =>
  HttpApiClient.make(Api.Api, {
    baseUrl: origin,
    ...(token === undefined ? {} : { transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(token)) })
  }).pipe(Effect.provide(FetchHttpClient.layer))

/** Every endpoint of the API, grouped as the server groups them. */
export type Client = Effect.Success<ReturnType<typeof make>>

/**
 * Builds the client once per session, for the API at `origin` (the page's own): with the access
 * token, or without one for `/auth/token`.
 */
export const clientFor = (origin: string, token: string | undefined): Client => Effect.runSync(make(origin, token))

/**
 * Signing out on the server: ends the access token (`DELETE /auth/token`), so a copy of it left
 * behind stops working. The page forgets the token whatever the answer; a token that already
 * expired answers 401, which is the same outcome.
 */
export const endToken = (origin: string, token: string): void => {
  Effect.runFork(Effect.ignore(clientFor(origin, token).auth.revokeToken()))
}

/** A candidate a resolution rejected, and why. */
export interface Rejection {
  readonly channel: string
  readonly pg: string
  readonly mode: string
  readonly reason: string
  readonly detail: string
}

/** What the page shows of a failure: the problem+json the API answered, or what went wrong on the way. */
export interface Problem {
  readonly status: number | undefined
  readonly code: string
  readonly detail: string
  readonly field?: string | undefined
  readonly suggestions?: ReadonlyArray<string> | undefined
  readonly rejected?: ReadonlyArray<Rejection> | undefined
  /** The client address the whitelist refused (`address-not-allowed`). */
  readonly address?: string | undefined
}

/** A failed call, thrown by `call` so components can `catch` it. */
export class CallFailed extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail)
  }
}

const record = (u: unknown): Record<string, unknown> | undefined =>
  typeof u === "object" && u !== null ? (u as Record<string, unknown>) : undefined

const text = (u: unknown): string | undefined => (typeof u === "string" ? u : undefined)

/** The HTTP status of a failure: a problem's own, or the response a transport error carries. */
const statusOf = (e: Record<string, unknown> | undefined): number | undefined => {
  if (typeof e?.status === "number") return e.status
  const response = record(e?.response)
  return typeof response?.status === "number" ? response.status : undefined
}

/** Reads a problem out of whatever the client failed with (a decoded problem class or a transport error). */
export const problemOf = (error: unknown): Problem => {
  const e = record(error)
  const status = statusOf(e)
  // A body that does not match the API's schema: the server answered, but not as the page expects.
  const unreadable = e?._tag === "SchemaError"
  return {
    status,
    code: text(e?.code) ?? (unreadable ? "unreadable-answer" : status === undefined ? "network" : "unexpected"),
    detail:
      text(e?.detail) ??
      (unreadable
        ? "the server's answer could not be read"
        : status === undefined
          ? "the server could not be reached"
          : `the server answered ${status}`),
    field: text(e?.field),
    address: text(e?.address),
    suggestions: Array.isArray(e?.suggestions) ? (e.suggestions as Array<string>) : undefined,
    rejected: Array.isArray(e?.rejected) ? (e.rejected as Array<Rejection>) : undefined
  }
}

/**
 * Runs one call of the client as a promise. A failure becomes a `CallFailed` carrying the
 * problem; a 401 also tells the session, which returns to sign-in.
 */
export const call = <A, E>(effect: Effect.Effect<A, E>, onUnauthorized?: () => void): Promise<A> =>
  Effect.runPromise(Effect.result(effect)).then(
    (result) => {
      if (result._tag === "Success") return result.success
      const problem = problemOf(result.failure)
      if (problem.status === 401) onUnauthorized?.()
      throw new CallFailed(problem)
    },
    // A defect (a body that did not decode, a bug): still an inline message, never a blank page.
    (defect: unknown) => {
      throw new CallFailed(problemOf(defect))
    }
  )
