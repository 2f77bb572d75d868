import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { type AdminFailure, ErrorCatalog, Merchants, Paymux, PaymuxError, PaymuxErrorBase, ResolverCache, Webhooks } from "@paymux/admin"
import { KeyProvider, Memory, Outbox, StoreError } from "@paymux/store"
import { SqliteStore } from "@paymux/store-sqlite"
import { Effect, Exit, Layer } from "effect"

const dir = mkdtempSync(join(tmpdir(), "paymux-errors-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// The facade class each code must come out as. A Record over the table's codes: a new row does
// not compile until it is named here.
const facadeClass: Record<ErrorCatalog.Code, new (...args: Array<any>) => PaymuxError.PaymuxError> = {
  "invalid-input": PaymuxError.InvalidInputError,
  "invalid-cidr": PaymuxError.InvalidCidrError,
  "invalid-pg": PaymuxError.InvalidPgError,
  "rule-violation": PaymuxError.RuleViolationError,
  unauthenticated: PaymuxError.UnauthenticatedError,
  "webhook-not-sent": PaymuxError.WebhookNotSentError,
  "not-found": PaymuxError.NotFoundError,
  "unknown-merchant": PaymuxError.UnknownMerchantError,
  "unknown-tier": PaymuxError.UnknownTierError,
  "no-channel-configured": PaymuxError.NoChannelConfiguredError,
  "channel-not-found": PaymuxError.ChannelNotFoundError,
  conflict: PaymuxError.ConflictError,
  "store-unavailable": PaymuxError.UnavailableError,
  "outcome-unknown": PaymuxError.OutcomeUnknownError,
  "schema-too-new": PaymuxError.SchemaTooNewError,
  "schema-too-old": PaymuxError.SchemaTooOldError,
  "store-corrupt": PaymuxError.CorruptError,
  "key-mismatch": PaymuxError.KeyMismatchError,
  configuration: PaymuxError.ConfigurationError,
  internal: PaymuxError.InternalError
}

const catalogued = ErrorCatalog.codes.filter((c): c is Exclude<ErrorCatalog.Code, "internal"> => c !== "internal")

describe("the error table", () => {
  it("has kebab-case codes, one row each, with a status, exit code and summary", () => {
    expect(ErrorCatalog.codes.length).toBe(new Set(ErrorCatalog.codes).size)
    for (const code of ErrorCatalog.codes) {
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/)
      const entry = ErrorCatalog.entry(code)
      expect([1, 2, 3]).toContain(entry.exitCode)
      expect(entry.status).toBeGreaterThanOrEqual(400)
      expect(entry.summary.length).toBeGreaterThan(10)
      expect(ErrorCatalog.problemType(code)).toBe(`https://paymux.dev/problems/${code}`)
    }
    expect(ErrorCatalog.codes.filter((c) => ErrorCatalog.entry(c).retryable)).toEqual(["store-unavailable"])
  })

  it("every code's example classifies to that code, and the facade class, status and retryable come from its row", () => {
    for (const code of catalogued) {
      const failure: AdminFailure = ErrorCatalog.example(code)
      expect(ErrorCatalog.classify(failure).code, code).toBe(code)
      expect(ErrorCatalog.classifyUnknown(failure)?.code, code).toBe(code)
      const thrown = PaymuxError.fromFailure(failure)
      expect(thrown, code).toBeInstanceOf(facadeClass[code])
      expect(thrown, code).toBeInstanceOf(PaymuxErrorBase)
      expect(thrown, code).toBeInstanceOf(Error)
      expect(thrown.code).toBe(code)
      expect(thrown.status).toBe(ErrorCatalog.entry(code).status)
      expect(thrown.retryable).toBe(ErrorCatalog.entry(code).retryable)
      expect(thrown.cause).toBe(failure)
      expect(thrown.message.length, code).toBeGreaterThan(0)
    }
  })

  it("codes nothing else: an unknown value is not classified", () => {
    expect(ErrorCatalog.classifyUnknown(new Error("boom"))).toBeUndefined()
    expect(ErrorCatalog.classifyUnknown({ _tag: "SomethingElse" })).toBeUndefined()
    expect(ErrorCatalog.classifyUnknown({ _tag: "StoreError" })).toBeUndefined()
    expect(ErrorCatalog.classifyUnknown("StoreError")).toBeUndefined()
  })
})

describe("facade errors (first-use findings)", () => {
  it("#16: a resolution miss has its own class with the rejected candidates typed on it", () => {
    const miss = PaymuxError.fromFailure(ErrorCatalog.example("channel-not-found"))
    expect(miss).toBeInstanceOf(PaymuxError.ResolutionError)
    if (!(miss instanceof PaymuxError.ChannelNotFoundError)) throw new Error("expected ChannelNotFoundError")
    expect(miss.rejected.map((r) => r.reason)).toEqual(["pay-method-unsupported"])
    expect(miss.lookup).toBe("pg")
    const tier = PaymuxError.fromFailure(ErrorCatalog.example("unknown-tier"))
    expect(tier).toBeInstanceOf(PaymuxError.ResolutionError)
    expect(tier).toMatchObject({ code: "unknown-tier", tier: "ZZZ", known: ["001"] })
    const pg = PaymuxError.fromFailure(ErrorCatalog.example("invalid-pg"))
    expect(pg).toMatchObject({ code: "invalid-pg", pg: "kcpp", problem: "unknown-pg", suggestions: ["kcp"] })
    // Not a resolution error: a stored merchant that is missing.
    expect(PaymuxError.fromFailure(ErrorCatalog.example("not-found"))).not.toBeInstanceOf(PaymuxError.ResolutionError)
  })

  it("resolutionCodes lists exactly the codes whose facade error is a ResolutionError", () => {
    const misses = catalogued.filter((code) => PaymuxError.fromFailure(ErrorCatalog.example(code)) instanceof PaymuxError.ResolutionError)
    expect([...PaymuxError.resolutionCodes].sort()).toEqual([...misses].sort())
  })

  it("#16: through the facade, a strict miss and an unknown tier throw their own classes", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    const shop = await paymux.merchants.create({ name: "Strict Shop", policy: "strict" })
    await paymux.channels.add({ merchant: shop.code, mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] })
    const miss = await paymux.resolve({ merchant: shop.code, mode: "test", pg: "kcp", payMethod: "phone" }).catch((e: unknown) => e)
    expect(miss).toBeInstanceOf(PaymuxError.ChannelNotFoundError)
    expect((miss as PaymuxError.ChannelNotFoundError).rejected[0]?.reason).toBe("pay-method-unsupported")
    const tier = await paymux.resolve({ merchant: shop.code, tier: "ZZZ", mode: "test", payMethod: "card" }).catch((e: unknown) => e)
    expect(tier).toBeInstanceOf(PaymuxError.UnknownTierError)
    await paymux.close()
  })

  it("#15: the base class and the failure union are usable at the top level", () => {
    const asType: AdminFailure = ErrorCatalog.example("conflict")
    const thrown: unknown = PaymuxError.fromFailure(asType)
    expect(thrown instanceof PaymuxErrorBase && thrown.code).toBe("conflict")
  })

  it("#7: a missing key setting is a ConfigurationError naming it, not an internal error", async () => {
    const store = Layer.merge(
      Memory.layer(),
      KeyProvider.layerConfig({ keys: "PAYMUX_TEST_ABSENT_KEYS", pepper: "PAYMUX_TEST_ABSENT_PEPPER" })
    )
    const failed = await Paymux.make({ store }).catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(PaymuxError.ConfigurationError)
    expect((failed as PaymuxError.ConfigurationError).code).toBe("configuration")
    expect((failed as Error).message).toContain("PAYMUX_TEST_ABSENT_KEYS")
  })

  it("#7: unusable master keys are a ConfigurationError that never shows the key", async () => {
    const secret = Buffer.from("sixteen-byte-key").toString("base64")
    const keys = KeyProvider.layerStatic({ keys: [{ id: "k1", key: secret }], pepper: randomBytes(32) })
    const failed = await Paymux.make({ store: SqliteStore.layer({ filename: ":memory:", keyProvider: keys }) }).catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(PaymuxError.ConfigurationError)
    expect((failed as Error).message).not.toContain(secret)
    expect((failed as Error).message).not.toContain("stored")
  })

  it("#7: an internal error carries its cause's message, with a URL password masked", () => {
    const exit = Exit.die(new Error("connect failed: postgres://paymux:hunter2@db.internal:5432/paymux"))
    let thrown: unknown
    try {
      PaymuxError.unwrap(exit)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(PaymuxError.InternalError)
    expect((thrown as Error).message).toBe("internal error: connect failed: postgres://paymux:***@db.internal:5432/paymux")
    expect((thrown as Error).message).not.toContain("hunter2")
  })

  it("#7: an internal error masks the user info of a URL in any spelling WHATWG reads", () => {
    const messageOf = (cause: string): string => {
      try {
        PaymuxError.unwrap(Exit.die(new Error(cause)))
      } catch (e) {
        return (e as Error).message
      }
      return ""
    }
    expect(messageOf("fetch failed: https:\\\\svc:hunter2@api.internal/v1")).toBe(
      "internal error: fetch failed: https:\\\\svc:***@api.internal/v1"
    )
    expect(messageOf("fetch failed: https://TOKEN1234@api.internal/v1")).toBe("internal error: fetch failed: https://***@api.internal/v1")
  })

  it('#7: a missing service says which one instead of a bare "internal error"', async () => {
    const paymux = await Paymux.make({ store: Layer.empty as unknown as Paymux.StoreLayer })
    const failed = await paymux.merchants.list().catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(PaymuxError.InternalError)
    expect((failed as Error).message).toMatch(/^internal error: .*Service not found/)
    await paymux.close()
  })

  it("#25: a duplicate merchant on SQLite reads in domain words, without SQL", async () => {
    const keys = KeyProvider.layerStatic({ keys: [{ id: "k1", key: randomBytes(32) }], pepper: randomBytes(32) })
    const paymux = await Paymux.make({ store: SqliteStore.layer({ filename: join(dir, "dup.db"), keyProvider: keys }) })
    await paymux.merchants.create({ name: "First", code: "imp12345678" })
    const dup = await paymux.merchants.create({ name: "Second", code: "imp12345678" }).catch((e: unknown) => e)
    expect(dup).toBeInstanceOf(PaymuxError.ConflictError)
    expect(dup).toMatchObject({ entity: "merchant", id: "imp12345678" })
    expect((dup as Error).message).toBe("merchant imp12345678: a merchant with this code exists")
    expect((dup as Error).message).not.toMatch(/UNIQUE|constraint|paymux_/i)
    await paymux.close()
  })
})

describe("outbox failures keep their meaning", () => {
  const layer = Layer.merge(Memory.layer(), ResolverCache.layer())
  const failingHistory = (error: StoreError.StoreError) =>
    Effect.gen(function* () {
      const outbox = yield* Outbox.Outbox
      const shop = yield* Merchants.create({ name: "Outbox Shop" })
      return yield* Effect.flip(
        Webhooks.history(shop.code).pipe(Effect.provideService(Outbox.Outbox, { ...outbox, history: () => Effect.fail(error) }))
      )
    }).pipe(Effect.provide(layer))

  it.effect("a missing delivery is not-found, a conflict or lost lease is conflict, only unavailable is retryable", () =>
    Effect.gen(function* () {
      const notFound = yield* failingHistory(StoreError.notFound("delivery", "d1"))
      expect(ErrorCatalog.classify(notFound).code).toBe("not-found")
      const conflict = yield* failingHistory(StoreError.conflict("delivery", "d1", "the lease of worker w1 was lost"))
      expect(ErrorCatalog.classify(conflict).code).toBe("conflict")
      const down = yield* failingHistory(StoreError.unavailable("disk full"))
      expect(ErrorCatalog.classify(down).code).toBe("store-unavailable")
      expect(ErrorCatalog.entry("store-unavailable").retryable && !ErrorCatalog.entry("conflict").retryable).toBe(true)
    })
  )
})

describe("the error table in the docs", () => {
  it("docs/errors.md holds exactly the table (regenerate with PAYMUX_WRITE_DOCS=1)", () => {
    const path = new URL("../../../docs/errors.md", import.meta.url)
    const doc = readFileSync(path, "utf8")
    const start = "<!-- error-table:start -->\n"
    const end = "<!-- error-table:end -->"
    const from = doc.indexOf(start)
    const to = doc.indexOf(end)
    expect(from, "docs/errors.md has the table markers").toBeGreaterThanOrEqual(0)
    const table = renderTable()
    if (process.env.PAYMUX_WRITE_DOCS === "1") writeFileSync(path, doc.slice(0, from + start.length) + table + doc.slice(to))
    expect(doc.slice(from + start.length, to)).toBe(table)
  })
})

// The Markdown table of every row, with an example message per code.
const renderTable = (): string => {
  const lines = [
    "| code | HTTP status | CLI exit | retryable | facade class | meaning | example message |",
    "| --- | ---: | ---: | --- | --- | --- | --- |"
  ]
  for (const code of ErrorCatalog.codes) {
    const entry = ErrorCatalog.entry(code)
    const example =
      code === "internal"
        ? "internal error: Service not found: @paymux/store/KeyProvider"
        : PaymuxError.fromFailure(ErrorCatalog.example(code)).message
    const cell = (text: string) => text.replace(/\|/g, "\\|")
    lines.push(
      `| \`${code}\` | ${entry.status} | ${entry.exitCode} | ${entry.retryable ? "yes" : "no"} | \`${facadeClass[code].name}\` | ${cell(entry.summary)} | ${cell(example)} |`
    )
  }
  return lines.join("\n") + "\n"
}
