/** Problem responses written outside the HttpApi (body limit, malformed JSON, idempotency). */
const titles: Record<number, string> = {
  400: "Bad Request",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  500: "Internal Server Error"
}

const slugs: Record<number, string> = {
  400: "bad-request",
  404: "not-found",
  409: "conflict",
  413: "content-too-large",
  415: "unsupported-media-type",
  422: "unprocessable",
  500: "internal"
}

export const problemResponse = (
  status: number,
  code: string,
  detail: string,
  extra: Readonly<Record<string, unknown>> = {}
): Response =>
  new Response(
    JSON.stringify({ type: `https://paymux.dev/problems/${slugs[status] ?? "error"}`, title: titles[status] ?? "Error", status, code, detail, ...extra }),
    { status, headers: { "content-type": "application/problem+json" } }
  )

/** The same problem as an `Outgoing` (see app.ts), for the handler's own answers. */
export const problem = (
  status: number,
  code: string,
  detail: string,
  extra: Readonly<Record<string, unknown>> = {}
): { readonly status: number; readonly headers: Record<string, string>; readonly body: Uint8Array } => ({
  status,
  headers: { "content-type": "application/problem+json" },
  body: Buffer.from(JSON.stringify({ type: `https://paymux.dev/problems/${slugs[status] ?? "error"}`, title: titles[status] ?? "Error", status, code, detail, ...extra }))
})
