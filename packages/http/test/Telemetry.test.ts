// Regressions (telemetry probe 1-4, fault probe F5): with a tracer in `layer` the app recorded no
// span at all; spans carried the query string; a 5xx was logged without its reason, and past the
// host's logger.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { inspect } from "node:util"
import { KeyProvider, Repositories, StoreError } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import { Effect, Layer, Logger, type LogLevel, Tracer } from "effect"
import { afterAll, describe, expect, it, vi } from "vitest"
import { body, client, memoryWith, serving } from "./fixture.ts"

describe("with a tracer in the layer", () => {
  const spans: Array<Tracer.NativeSpan> = []
  const recording = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  const dir = mkdtempSync(join(tmpdir(), "paymux-http-telemetry-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const traced = serving({
    storeLayer: Layer.mergeAll(
      Layer.provideMerge(SqliteStore.layer({ filename: join(dir, "paymux.db") }), KeyProvider.layerEphemeral),
      Layer.succeed(Tracer.Tracer, recording)
    )
  })

  it("records a server span per request, with the store's statements under it and no query value", async () => {
    spans.length = 0
    const path = `/merchants/${traced.f.merchant}/channels`
    const response = await traced.call(`${path}?mode=test&access_token=at_QuerySecret`, { auth: traced.f.bearer })
    expect(response.status).toBe(200)
    await expect.poll(() => spans.some((s) => s.kind === "server" && s.status._tag === "Ended")).toBe(true)
    const server = spans.find((s) => s.kind === "server")!
    expect(server.attributes.get("http.route")).toBe("/merchants/:merchant/channels")
    expect(server.attributes.get("url.path")).toBe(path)
    expect(server.attributes.get("url.query")).toBe("mode=REDACTED&access_token=REDACTED")
    // The store's statements (SQLite) are in the request's trace (the change feed's polling has its own).
    expect(spans.filter((s) => s.name === "sqlite" && s.traceId === server.traceId).length).toBeGreaterThan(0)
    expect(
      inspect(
        spans.map((s) => [s.name, [...s.attributes], s.status]),
        { depth: 8 }
      )
    ).not.toContain("QuerySecret")
  })
})

describe("a failure on the server's side", () => {
  const lines: Array<{ level: LogLevel.LogLevel; message: string }> = []
  const hostLogger = Logger.make((o) => void lines.push({ level: o.logLevel, message: [o.message].flat().map(String).join(" ") }))
  const reason = "SQLITE_BUSY: database is locked (busy timeout 5000 ms)"
  const locked = serving({
    storeLayer: Layer.merge(
      memoryWith(Repositories.ChannelRepository, (channels) => ({
        ...channels,
        create: () => Effect.fail(StoreError.unavailable(reason))
      })),
      Logger.layer([hostLogger])
    )
  })

  it("is logged once, with the store's reason, to the host's logger, while the caller's problem stays generic", async () => {
    const stdio = [
      vi.spyOn(console, "error").mockImplementation(() => undefined),
      vi.spyOn(console, "log").mockImplementation(() => undefined)
    ]
    try {
      lines.length = 0
      const response = await locked.call(`/merchants/${locked.f.merchant}/channels?token=q-secret`, {
        body: { mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"], name: "body-secret" }
      })
      const problem = await body(response)
      expect([response.status, problem.code, problem.detail]).toEqual([503, "store-unavailable", "the store is unavailable; retry later"])
      expect(JSON.stringify(problem)).not.toContain("SQLITE_BUSY")
      await expect.poll(() => lines.length).toBe(1)
      expect(lines[0]!.level).toBe("Warn")
      expect(lines[0]!.message).toBe(`503 store-unavailable: POST /merchants/${locked.f.merchant}/channels: store unavailable: ${reason}`)
      // The host's logger replaced effect's default one: nothing went to the console.
      for (const spy of stdio) expect(spy).not.toHaveBeenCalled()
    } finally {
      for (const spy of stdio) spy.mockRestore()
    }
  })

  // Authentication runs over the services the handler was built with, outside the request's context.
  const refused = serving({
    storeLayer: Layer.merge(
      memoryWith(Repositories.ApiKeyRepository, (keys) => ({
        ...keys,
        get: () => Effect.fail(StoreError.unavailable("ConnectionError: connect ECONNREFUSED 127.0.0.1:5432"))
      })),
      Logger.layer([hostLogger])
    )
  })

  it("met while authenticating is logged the same way", async () => {
    lines.length = 0
    const response = await refused.call(`/merchants/${refused.f.merchant}?token=q-secret`)
    expect([response.status, (await body(response)).code]).toEqual([503, "store-unavailable"])
    await expect.poll(() => lines.length).toBe(1)
    expect(lines[0]!.message).toBe(
      `503 store-unavailable: GET /merchants/${refused.f.merchant}: store unavailable: ConnectionError: connect ECONNREFUSED 127.0.0.1:5432`
    )
  })

  it("is not logged for a failure on the caller's side", async () => {
    lines.length = 0
    const response = await client(locked.f)(`/merchants/${locked.f.merchant}/channels/channel-key-00000000-0000-4000-8000-000000000000`)
    expect(response.status).toBe(404)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(lines).toEqual([])
  })
})
