/**
 * Regressions of the embedding probe: what a Promise caller hands over unchecked (JSON passed
 * through, a cast) is refused as `invalid-input` before anything is written. A bad policy or a
 * bad change function was stored, and then the merchant, and every merchant listing, read as
 * corrupt; a bad resolve request answered "internal"; `denyByDefault: "false"` was stored and
 * read as on; a NaN version was compared and answered as a conflict.
 */
import { describe, expect, it } from "@effect/vitest"
import { Merchants, PaymuxError, Paymux, ResolverCache, Webhooks } from "@paymux/admin"
import { Memory } from "@paymux/store"
import { Effect, Layer } from "effect"

const setup = async () => {
  const store = Memory.layer()
  const paymux = await Paymux.make({ store, actor: { kind: "user", id: "tester" } })
  const merchant = await paymux.merchants.create({ name: "Unchecked Shop" })
  return { paymux, merchant }
}

/** `setup` and a test channel of KCP on its shared test MID. */
const withTestChannel = async () => {
  const { paymux, merchant } = await setup()
  const channel = await paymux.channels.add({
    merchant: merchant.code,
    mode: "test",
    pg: "kcp",
    paymentType: "window.general",
    payMethods: ["card"]
  })
  return { paymux, merchant, channel }
}

/** Whatever a caller passes through without its type. */
const loose = (value: unknown): never => value as never

describe("Merchants.updateMerchant checks what the change returns", () => {
  it.effect("a merchant that would not read back, or one moved to another code, is refused and nothing is written", () =>
    Effect.gen(function* () {
      const merchant = yield* Merchants.create({ name: "Changed Shop" })
      const other = yield* Merchants.create({ name: "Other Shop" })
      const emptied = yield* Effect.flip(
        Merchants.updateMerchant(merchant.code, "merchant.rename", (m) => Effect.succeed({ ...m, name: "" }))
      )
      expect(emptied).toMatchObject({ _tag: "InvalidInput", field: "name" })
      const moved = yield* Effect.flip(
        Merchants.updateMerchant(merchant.code, "merchant.rename", (m) => Effect.succeed({ ...m, code: other.code }))
      )
      expect(moved).toMatchObject({ _tag: "InvalidInput", field: "code" })
      expect((yield* Merchants.get(merchant.code)).name).toBe("Changed Shop")
      expect((yield* Merchants.get(other.code)).name).toBe("Other Shop")
      expect(yield* Merchants.list()).toHaveLength(2)
    }).pipe(Effect.provide(Layer.merge(Memory.layer(), ResolverCache.layer())))
  )
})

describe("unchecked input through the Promise facade", () => {
  it("a merchant's policy or a change function's result that would not read back is refused, and the merchant stays readable", async () => {
    const { paymux, merchant } = await setup()
    await expect(paymux.merchants.setPolicy(merchant.code, loose("yolo"))).rejects.toMatchObject({
      code: "invalid-input",
      field: "policy"
    })
    expect((await paymux.merchants.get(merchant.code)).policy).toBe("fallback")
    expect(await paymux.merchants.list()).toHaveLength(1)
    await paymux.close()
  })

  it("a resolve request with a field of the wrong kind is invalid-input naming it, and null rejects instead of throwing", async () => {
    const { paymux, merchant } = await setup()
    await expect(paymux.resolve({ merchant: merchant.code, mode: loose("prod"), pg: "kcp" })).rejects.toMatchObject({
      code: "invalid-input",
      field: "mode"
    })
    await expect(paymux.resolve({ merchant: merchant.code, mode: "test", pg: loose(5) })).rejects.toMatchObject({
      code: "invalid-input",
      field: "pg"
    })
    const called = (() => {
      try {
        return paymux.resolve(loose(null))
      } catch (thrown) {
        return thrown
      }
    })()
    expect(called).toBeInstanceOf(Promise)
    await expect(called).rejects.toBeInstanceOf(PaymuxError.InvalidInputError)
    // Fields given as undefined are absent, as the interface allows.
    await expect(paymux.resolve({ merchant: merchant.code, mode: "test", pg: undefined, tier: undefined })).rejects.toMatchObject({
      code: "no-channel-configured"
    })
    await paymux.close()
  })

  it("deny-by-default is a boolean, and adding or removing no rule is refused without a new version", async () => {
    const { paymux, merchant } = await setup()
    await expect(paymux.whitelist.setDenyByDefault(merchant.code, loose("false"))).rejects.toMatchObject({
      code: "invalid-input",
      field: "denyByDefault"
    })
    await expect(paymux.whitelist.set(merchant.code, ["10.0.0.0/8"], { denyByDefault: loose("yes") })).rejects.toMatchObject({
      code: "invalid-input",
      field: "denyByDefault"
    })
    const before = await paymux.whitelist.show(merchant.code)
    expect(before.enforced).toBe(false)
    for (const change of [paymux.whitelist.add, paymux.whitelist.remove]) {
      await expect(change(merchant.code, [])).rejects.toMatchObject({ code: "invalid-input", field: "rules" })
    }
    expect((await paymux.whitelist.show(merchant.code)).version).toBe(before.version)
    await paymux.close()
  })

  it("a notification is queued only with an event type, JSON text of at most 64 KiB and a short subject", async () => {
    const { paymux, merchant } = await setup()
    const emit = (change: Record<string, unknown>) =>
      paymux.webhooks.emit({ merchant: merchant.code, mode: "test", eventType: "Transaction.Paid", payload: "{}", ...change })
    await expect(emit({ payload: "{nope" })).rejects.toMatchObject({ code: "invalid-input", field: "payload" })
    await expect(emit({ eventType: "" })).rejects.toMatchObject({ code: "invalid-input", field: "eventType" })
    await expect(emit({ subject: "s".repeat(201) })).rejects.toMatchObject({ code: "invalid-input", field: "subject" })
    const big = JSON.stringify({ pad: "x".repeat(Webhooks.maxPayloadBytes) })
    await expect(emit({ payload: big })).rejects.toMatchObject({ code: "invalid-input", field: "payload" })
    await expect(emit({ subject: "pay_1" })).resolves.toEqual([])
    const event = (type: string) => paymux.webhooks.emitEvent({ merchant: merchant.code, mode: "test", type, data: {} })
    for (const type of ["", "x".repeat(101), "Transaction"]) {
      await expect(event(type)).rejects.toMatchObject({ code: "invalid-input", field: "type" })
    }
    expect(await paymux.webhooks.history(merchant.code)).toEqual([])
    await paymux.close()
  })

  it("an expected version that is not a whole number of 0 or more is invalid-input on version, not a conflict", async () => {
    const { paymux, merchant, channel } = await withTestChannel()
    for (const version of [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY]) {
      await expect(paymux.channels.edit(merchant.code, channel.key, { name: "x" }, { version })).rejects.toMatchObject({
        code: "invalid-input",
        field: "version"
      })
      await expect(paymux.channels.remove(merchant.code, channel.key, { version })).rejects.toMatchObject({
        code: "invalid-input",
        field: "version"
      })
    }
    expect((await paymux.channels.get(merchant.code, channel.key)).version).toBe(channel.version)
    await paymux.close()
  })

  // Regression: an empty patch (PATCH {} over HTTP) wrote a new version that changed nothing and
  // an audit entry, and a console holding the old version then got a conflict.
  it("a patch that names no field writes nothing, and a stale version is still a conflict", async () => {
    const { paymux, merchant, channel } = await withTestChannel()
    const entries = (await paymux.audit.list(merchant.code)).length
    for (const patch of [{}, { name: undefined }, { name: channel.name, enabled: true, payMethods: ["card"] }]) {
      expect((await paymux.channels.edit(merchant.code, channel.key, patch, { version: channel.version })).version).toBe(channel.version)
    }
    expect((await paymux.channels.get(merchant.code, channel.key)).version).toBe(channel.version)
    expect(await paymux.audit.list(merchant.code)).toHaveLength(entries)
    await expect(paymux.channels.edit(merchant.code, channel.key, {}, { version: channel.version + 1 })).rejects.toMatchObject({
      code: "conflict"
    })
    await paymux.close()
  })
})

// Regression (parity probe F1): a mode that is neither test nor live failed the webhook use cases
// as "internal error" or answered nothing; rules as one string gave a nonsense invalid-cidr; an
// unknown content type was caught only by the store under "webhook settings"; a limit of "5" read
// as valid in its message; events as one string were named "test.endpoints.0.events".
describe("values of the wrong kind through the Promise facade", () => {
  it("each is invalid-input naming its field, and nothing is written", async () => {
    const { paymux, merchant } = await setup()
    const m = merchant.code
    const added = await paymux.webhooks.addEndpoint({ merchant: m, mode: "test", url: "https://example.com/hook" })
    const endpointId = added.endpointId
    const bogus = loose("bogus")
    const url = "https://example.com/other"
    const cases: ReadonlyArray<readonly [string, () => Promise<unknown>, string, string?]> = [
      ["channels.list", () => paymux.channels.list(m, { mode: bogus }), "mode"],
      ["webhooks.set", () => paymux.webhooks.set({ merchant: m, mode: bogus, url }), "mode"],
      ["webhooks.set contentType", () => paymux.webhooks.set({ merchant: m, mode: "test", contentType: loose("xml") }), "contentType"],
      ["webhooks.addEndpoint", () => paymux.webhooks.addEndpoint({ merchant: m, mode: bogus, url }), "mode"],
      [
        "webhooks.addEndpoint events",
        () => paymux.webhooks.addEndpoint({ merchant: m, mode: "test", url, events: loose("Transaction.Paid") }),
        "events"
      ],
      ["webhooks.updateEndpoint", () => paymux.webhooks.updateEndpoint({ merchant: m, mode: bogus, endpointId, url }), "mode"],
      [
        "webhooks.updateEndpoint events",
        () => paymux.webhooks.updateEndpoint({ merchant: m, mode: "test", endpointId, events: loose("Transaction.Paid") }),
        "events"
      ],
      ["webhooks.removeEndpoint", () => paymux.webhooks.removeEndpoint({ merchant: m, mode: bogus, endpointId }), "mode"],
      ["webhooks.enableEndpoint", () => paymux.webhooks.enableEndpoint({ merchant: m, mode: bogus, endpointId }), "mode"],
      ["webhooks.rotateSecret", () => paymux.webhooks.rotateSecret(m, bogus), "mode"],
      ["webhooks.retireSecret", () => paymux.webhooks.retireSecret(m, bogus), "mode"],
      ["webhooks.cancelSecretRotation", () => paymux.webhooks.cancelSecretRotation(m, bogus), "mode"],
      ["webhooks.test", () => paymux.webhooks.test(m, bogus), "mode"],
      ["webhooks.test format", () => paymux.webhooks.test(m, "test", { format: loose("v3") }), "format"],
      ["webhooks.emit", () => paymux.webhooks.emit({ merchant: m, mode: bogus, eventType: "Webhook.Test", payload: "{}" }), "mode"],
      ["webhooks.emitEvent", () => paymux.webhooks.emitEvent({ merchant: m, mode: bogus, type: "Webhook.Test", data: {} }), "mode"],
      ["webhooks.resendFailed", () => paymux.webhooks.resendFailed({ merchant: m, since: 0, mode: bogus }), "mode"],
      ["webhooks.resendFailed limit", () => paymux.webhooks.resendFailed({ merchant: m, since: 0, limit: loose("5") }), "limit", '"5"'],
      ["webhooks.history limit", () => paymux.webhooks.history(m, { limit: loose("5") }), "limit", '"5"'],
      ["audit.list limit", () => paymux.audit.list(m, { limit: loose("5") }), "limit", '"5"'],
      ["whitelist.set", () => paymux.whitelist.set(m, loose("10.0.0.0/8")), "rules"],
      ["whitelist.add", () => paymux.whitelist.add(m, loose("10.0.0.0/8")), "rules"],
      ["whitelist.remove", () => paymux.whitelist.remove(m, loose("10.0.0.0/8")), "rules"],
      ["whitelist.check", () => paymux.whitelist.check(m, loose(5)), "ip"],
      ["webhooks.history after", () => paymux.webhooks.history(m, { after: loose(5) }), "after"],
      ["audit.list action", () => paymux.audit.list(m, { action: loose(5) }), "action"]
    ]
    const entries = (await paymux.audit.list(m)).length
    const settings = await paymux.webhooks.show(m)
    const outcome = async ([name, call, , value]: (typeof cases)[number]) =>
      call().then(
        (answer) => ({ name, answer }),
        (error: PaymuxError.PaymuxError) => ({
          name,
          code: error.code,
          field: error instanceof PaymuxError.InvalidInputError ? error.field : undefined,
          ...(value === undefined ? {} : { shown: error.message.includes(`(got ${value})`) })
        })
      )
    const outcomes = []
    for (const c of cases) outcomes.push(await outcome(c))
    expect(outcomes).toEqual(
      cases.map(([name, , field, value]) => ({ name, code: "invalid-input", field, ...(value === undefined ? {} : { shown: true }) }))
    )
    expect(await paymux.audit.list(m)).toHaveLength(entries)
    expect(await paymux.webhooks.show(m)).toEqual(settings)
    expect((await paymux.whitelist.show(m)).version).toBe(0)
    await paymux.close()
  })
})

// Regression (embedding probe): close() interrupted the calls still running ("All fibers
// interrupted without error", as internal errors), and a call after it was "ManagedRuntime disposed".
describe("Paymux.close", () => {
  it("waits for the calls still running, then refuses new ones with a ConfigurationError", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    const creates = Array.from({ length: 20 }, (_, i) => paymux.merchants.create({ name: `Shop ${i}` }))
    const closing = paymux.close()
    const settled = await Promise.allSettled(creates)
    expect(settled.filter((r) => r.status === "fulfilled")).toHaveLength(20)
    await closing
    await expect(paymux.merchants.list()).rejects.toBeInstanceOf(PaymuxError.ConfigurationError)
    await paymux.close()
  })
})
