/** Problem responses written outside the HttpApi (body limit, malformed JSON, idempotency). */
import { ErrorCatalog } from "@paymux/admin"

const titles: Record<number, string> = {
  400: "Bad Request",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  500: "Internal Server Error"
}

// As for the table's problems, the `type` ends in the code (`.../problems/body-too-large`).
const bodyOf = (status: number, code: string, detail: string, extra: Readonly<Record<string, unknown>>): string =>
  JSON.stringify({ type: ErrorCatalog.problemType(code), title: titles[status] ?? "Error", status, code, detail, ...extra })

export const problemResponse = (status: number, code: string, detail: string, extra: Readonly<Record<string, unknown>> = {}): Response =>
  new Response(bodyOf(status, code, detail, extra), { status, headers: { "content-type": "application/problem+json" } })

/** The same problem as an `Outgoing` (see app.ts), for the handler's own answers. */
export const problem = (
  status: number,
  code: string,
  detail: string,
  extra: Readonly<Record<string, unknown>> = {}
): { readonly status: number; readonly headers: Record<string, string>; readonly body: Uint8Array } => ({
  status,
  headers: { "content-type": "application/problem+json" },
  body: Buffer.from(bodyOf(status, code, detail, extra))
})

// The answer to a failure nobody expected, whose details stay in the log.
const notServed = "the request could not be served"

/** The `internal` problem, as an `Outgoing`. */
export const internalProblem = () => problem(500, "internal", notServed)

/** The `internal` problem, as a web `Response` (for the node:http bridge's own failures). */
export const internalProblemResponse = (): Response => problemResponse(500, "internal", notServed)
