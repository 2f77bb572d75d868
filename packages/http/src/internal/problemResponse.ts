/**
 * The problems the HTTP layer answers outside the HttpApi: a body over the limit, a body that is
 * not JSON text, no such route, a request Node's parser refuses or that did not arrive in time, a
 * failure nobody expected. Like the per-status classes of Problem.ts, they share one `type` per
 * status; `code` tells them apart.
 */
import { ErrorCatalog } from "@paymux/admin"

/** A problem as an `Outgoing` (app.ts) whose body is always there. */
export interface ProblemOutgoing {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Uint8Array
}

const types = {
  400: "bad-request",
  404: "not-found",
  408: "request-timeout",
  413: "content-too-large",
  415: "unsupported-media-type",
  431: "request-header-fields-too-large",
  500: "internal"
} as const

/** The HTTP layer's own problem with this status and code. */
export const problem = (
  status: keyof typeof types,
  code: string,
  detail: string,
  extra: Readonly<Record<string, unknown>> = {}
): ProblemOutgoing => {
  const type = `${ErrorCatalog.problemTypeBase}${types[status]}`
  const body = { type, title: ErrorCatalog.titleOf(status), status, code, detail, ...extra }
  return { status, headers: { "content-type": "application/problem+json" }, body: Buffer.from(JSON.stringify(body)) }
}

/** The methods whose request bodies are read (and may get 413 or 415); others' bodies are ignored. */
export const bodyMethods: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH"])

/** Request bodies above this many bytes get 413 (`PaymuxHttp.defaultMaxBodyBytes`). */
export const defaultMaxBodyBytes = 1024 * 1024

/** The 413 for a body over `limit` bytes (the handler and the node:http bridge both refuse one). */
export const tooLarge = (limit: number): ProblemOutgoing =>
  problem(413, "body-too-large", `request bodies are limited to ${limit} bytes`, { field: "body" })

/** The `internal` problem: the answer to a failure nobody expected, whose details stay in the log. */
export const internalProblem = (): ProblemOutgoing => problem(500, "internal", "the request could not be served")

/**
 * Every answer is `nosniff`, and unless it says otherwise (the console's files do) no cache keeps
 * it: API answers carry tokens and secrets shown once.
 */
export const withSafetyHeaders = <A extends { readonly headers: Record<string, string | Array<string>> }>(outgoing: A): A => ({
  ...outgoing,
  headers: { "x-content-type-options": "nosniff", "cache-control": "no-store", ...outgoing.headers }
})
