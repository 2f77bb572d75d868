// Issue 17 through the built binary: per-mode content type, test formats, endpoints, resends.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectExit, paymux, tempDir } from "./support/paymux.ts"

const db = join(tempDir(), "hooks.db")
const M = "imp30000001"
const run = (args: ReadonlyArray<string>) => paymux(["--db", db, ...args])
const hits: Array<{ path: string; contentType: string; body: string }> = []
let server: Server
let base = ""

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += c))
    req.on("end", () => {
      hits.push({ path: req.url ?? "", contentType: req.headers["content-type"] ?? "", body })
      res.writeHead(req.url === "/down" ? 404 : 204).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  expectExit(await run(["merchant", "create", "--name", "Hooks", "--code", M]), 0)
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

describe("paymux webhook: issue 17", () => {
  it("form on test sends V1 fields form-encoded in the test send; --format v2 there is refused", async () => {
    expectExit(await run(["webhook", "set", "--merchant", M, "--mode", "test", "--url", `${base}/hook`, "--content-type", "form"]), 0)
    const shown = expectExit(await run(["webhook", "show", "--merchant", M, "--json"]), 0).json()
    expect([shown.test.contentType, shown.live.contentType]).toEqual(["form", "json"])
    const sent = expectExit(await run(["webhook", "test", "--merchant", M, "--mode", "test", "--json"]), 0).json()
    expect(sent).toMatchObject({ ok: true, format: "v1", contentType: "application/x-www-form-urlencoded" })
    expect(hits.at(-1)!.contentType).toBe("application/x-www-form-urlencoded")
    expect(new URLSearchParams(hits.at(-1)!.body).get("status")).toBe("paid")
    const refused = expectExit(await run(["webhook", "test", "--merchant", M, "--mode", "test", "--format", "v2"]), 1)
    expect(refused.stderr + refused.stdout).toContain("V2 test body is JSON")
  })

  it("adds, filters, lists, enables and removes endpoints", async () => {
    const added = expectExit(
      await run([
        "webhook",
        "endpoint",
        "add",
        "--merchant",
        M,
        "--mode",
        "test",
        "--url",
        `${base}/paid`,
        "--event",
        "Transaction.Paid",
        "--json"
      ]),
      0
    ).json()
    expect(added.endpointId).toMatch(/^ep_/)
    const table = expectExit(await run(["webhook", "show", "--merchant", M]), 0).stdout
    expect(table).toContain(added.endpointId)
    expect(table).toContain("Transaction.Paid")
    expectExit(await run(["webhook", "endpoint", "update", "--merchant", M, "--mode", "test", "--id", added.endpointId, "--all-events"]), 0)
    expectExit(await run(["webhook", "endpoint", "enable", "--merchant", M, "--mode", "test", "--id", added.endpointId]), 0)
    expectExit(await run(["webhook", "endpoint", "enable", "--merchant", M, "--mode", "test", "--id", "ep_missing"]), 2)
    expectExit(await run(["webhook", "endpoint", "remove", "--merchant", M, "--mode", "test", "--id", added.endpointId]), 0)
    expectExit(await run(["webhook", "endpoint", "add", "--merchant", M, "--mode", "live", "--url", "http://plain.example/"]), 2)
  })

  it("resend-failed takes --since as an ISO time, epoch ms or a duration ago, and refuses anything else", async () => {
    const none = expectExit(await run(["webhook", "resend-failed", "--merchant", M, "--since", "2026-01-01T00:00:00Z", "--json"]), 0).json()
    expect(none).toEqual({ queued: [], alreadyHandled: 0 })
    expectExit(await run(["webhook", "resend-failed", "--merchant", M, "--since", "0"]), 0)
    // A duration ago, as --expires takes one ahead (it was refused).
    expectExit(await run(["webhook", "resend-failed", "--merchant", M, "--since", "7d"]), 0)
    expectExit(await run(["webhook", "resend-failed", "--merchant", M, "--since", "last tuesday"]), 2)
  })
})
