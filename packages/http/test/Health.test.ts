// Regression (ops probe): a load balancer had nothing to check; /health answered 404.
import { ChangeFeed, StoreError } from "@paymux/store"
import { Effect } from "effect"
import { describe, expect, it, vi } from "vitest"
import { body, memoryWith, serving } from "./fixture.ts"

describe("GET /health", () => {
  const healthy = serving()
  it("answers 200 { status: ok } without a credential", async () => {
    const response = await fetch(`${healthy.f.url}/health`)
    expect([response.status, await body(response)]).toEqual([200, { status: "ok" }])
  })

  const down = serving({
    storeLayer: memoryWith(ChangeFeed.ChangeFeed, (feed) => ({
      ...feed,
      cursor: Effect.fail(StoreError.unavailable("the database does not answer"))
    }))
  })
  it("answers 503 store-unavailable when the store does not answer", async () => {
    const response = await fetch(`${down.f.url}/health`)
    expect([response.status, (await body(response)).code]).toEqual([503, "store-unavailable"])
  })

  // Regression (fault probe): a PostgreSQL server that hung (SIGSTOP) held /health for as long as
  // it did, a minute in the probe.
  let hanging = false
  const hung = serving({
    storeLayer: memoryWith(ChangeFeed.ChangeFeed, (feed) => ({
      ...feed,
      cursor: Effect.suspend(() => (hanging ? Effect.never : feed.cursor))
    }))
  })
  it("answers 503 store-unavailable within seconds when the store hangs", async () => {
    hanging = true
    const started = Date.now()
    const response = await fetch(`${hung.f.url}/health`, { signal: AbortSignal.timeout(10_000) })
    expect([response.status, (await body(response)).code]).toEqual([503, "store-unavailable"])
    expect(Date.now() - started).toBeLessThan(9_000)
  }, 15_000)

  // Regression (operations probe): `serve` logged nothing while every call failed with 503, so the
  // operator had no record of what callers were told.
  it("logs a failure on the server's side to stderr as one line with status, code, method, path and reason, never the query", async () => {
    const lines: Array<string> = []
    const spies = [
      vi.spyOn(console, "error").mockImplementation((...args: Array<unknown>) => void lines.push(args.map(String).join(" "))),
      vi.spyOn(console, "log").mockImplementation((...args: Array<unknown>) => void lines.push(`stdout: ${args.map(String).join(" ")}`))
    ]
    try {
      const response = await fetch(`${down.f.url}/health?token=q-secret`)
      expect(response.status).toBe(503)
      await expect.poll(() => lines.length).toBe(1)
      expect(lines[0]).toContain("503 store-unavailable: GET /health: store unavailable: the database does not answer")
      expect(lines[0]).not.toContain("q-secret")
      // A success is not logged.
      lines.length = 0
      expect((await fetch(`${healthy.f.url}/health`)).status).toBe(200)
      expect(lines).toEqual([])
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
  })
})
