/**
 * `paymux serve` and merchants' webhook URLs (security H3): a tenant's test send to a service on
 * the server's loopback is refused, with no response excerpt, unless the operator started the
 * server with `--allow-private-webhooks`.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectExit, paymux, startServe, tempDir } from "./support/paymux.ts"

let internal: Server
let internalUrl = ""
let hits = 0
let servers = 0

beforeAll(async () => {
  internal = createServer((req, res) => {
    req.resume()
    req.on("end", () => {
      hits++
      res.writeHead(200).end("INTERNAL-ONLY-ADMIN-SECRET=hunter2\n")
    })
  })
  await new Promise<void>((resolve) => internal.listen(0, "127.0.0.1", resolve))
  internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}/`
})
afterAll(() => new Promise<void>((resolve) => internal.close(() => resolve())))

/** Starts `paymux serve` on a fresh database with one merchant and API key; returns a test send's answer. */
const testSendThroughServer = async (flags: ReadonlyArray<string>): Promise<{ status: number; body: Record<string, unknown> }> => {
  const db = join(tempDir(), `serve-webhooks-${++servers}.db`)
  const merchant = expectExit(await paymux(["--db", db, "merchant", "create", "--name", "Tenant", "--json"]), 0).json<{ code: string }>()
    .code
  const key = expectExit(await paymux(["--db", db, "apikey", "issue", "--merchant", merchant, "--name", "t", "--json"]), 0).json<{
    id: string
    secret: string
  }>()
  const { url: base, child } = await startServe(db, flags)
  try {
    const headers = { authorization: `Bearer ${key.id}.${key.secret}`, "content-type": "application/json" }
    const set = await fetch(`${base}/merchants/${merchant}/webhooks/test`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ url: internalUrl })
    })
    expect(set.status).toBe(200)
    const sent = await fetch(`${base}/merchants/${merchant}/webhooks/test/test`, { method: "POST", headers })
    return { status: sent.status, body: (await sent.json()) as Record<string, unknown> }
  } finally {
    const exited = new Promise((resolve) => child.on("exit", resolve))
    child.kill("SIGINT")
    await exited
  }
}

describe("paymux serve: webhook URLs on the server's own network", () => {
  it("by default a test send to a loopback service is refused and returns no excerpt", async () => {
    hits = 0
    const { body, status } = await testSendThroughServer([])
    expect(status).toBe(200)
    expect(body).toMatchObject({ ok: false, httpStatus: null, responseExcerpt: "" })
    expect(String(body["error"])).toContain("loopback")
    expect(JSON.stringify(body)).not.toContain("hunter2")
    expect(hits).toBe(0)
  })

  it("with --allow-private-webhooks the operator lets it through", async () => {
    hits = 0
    const { body } = await testSendThroughServer(["--allow-private-webhooks"])
    expect(body).toMatchObject({ ok: true, httpStatus: 200 })
    expect(hits).toBe(1)
  })
})
