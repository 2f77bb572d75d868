/**
 * Types as a strict consumer holds them (types probe). Optional inputs take `undefined` as well as a missing key, so a value read from configuration
 * (`string | undefined`) can be passed on under `exactOptionalPropertyTypes` (types probe: a few
 * declared `x?: T` refused it, while their siblings declared `x?: T | undefined`). This file is
 * type-checked with the repository's settings, which include `exactOptionalPropertyTypes`; the
 * runtime checks show that `undefined` means the default.
 */
import { describe, expect, it } from "@effect/vitest"
import { type AdminContext, Paymux, PaymuxError } from "@paymux/admin"
import { Merchant } from "@paymux/domain"
import { AuditLog, Memory, Outbox } from "@paymux/store"
import { Dispatcher } from "@paymux/webhook-delivery"
import { Notification, WebhookSecret, WebhookVerifier } from "@paymux/webhooks"
import { Whitelist } from "@paymux/whitelist"
import { Effect, Result } from "effect"

/** What reading an unset setting gives: the type says it may be absent. */
const unset = <A>(): A | undefined => undefined

describe("optional inputs take undefined", () => {
  it("Paymux.make and channels.list use their defaults", async () => {
    const paymux = await Paymux.make({
      store: Memory.layer(),
      actor: unset<AdminContext.ActorInfo>(),
      catalog: unset(),
      privateTargets: unset()
    })
    const merchant = await paymux.merchants.create({ name: "Shop" })
    expect(await paymux.channels.list(merchant.code, { mode: unset() })).toEqual([])
    await paymux.close()
  })

  it("a verifier's tolerance defaults to 300 s, a whitelist compiles strictly, a V1 body leaves the field out", () => {
    const verifier = WebhookVerifier.make({ secrets: [WebhookSecret.generate()], toleranceSeconds: unset() })
    expect(verifier.toJSON()).toMatchObject({ toleranceSeconds: 300 })
    expect(() => Whitelist.compileSync(["1.1.1.1/24"], { lenient: unset() })).toThrow(/1.1.1.0\/24/)
    const v1 = Notification.encodeV1({ imp_uid: "i", merchant_uid: "m", status: "paid", cancellation_id: unset() }, "json")
    expect(JSON.parse(v1.body)).toEqual({ imp_uid: "i", merchant_uid: "m", status: "paid" })
  })
})

describe("optional inputs of the store, the dispatcher and the domain take undefined (review)", () => {
  it("an outbox history filter and an audit listing of undefined fields read everything; a merchant's policy defaults", async () => {
    const options: Dispatcher.Options = { concurrency: unset(), resolver: unset(), onAttempt: unset(), scheduleMinutes: unset() }
    expect(Object.keys(options)).toHaveLength(4)
    const filter: Outbox.HistoryFilter = { merchant: unset(), status: unset(), after: unset(), limit: unset() }
    const listing: AuditLog.ListOptions = { limit: unset(), action: unset(), after: unset() }
    const read = Effect.gen(function* () {
      const outbox = yield* Outbox.Outbox
      const audit = yield* AuditLog.AuditLog
      return [yield* outbox.history(filter), yield* audit.list("imp00000001", listing)] as const
    })
    expect(await Effect.runPromise(Effect.provide(read, Memory.layer()))).toEqual([[], []])
    const merchant = Merchant.make({ code: "imp00000001", name: "Shop", policy: unset(), createdAt: 0 })
    expect(Result.isSuccess(merchant) && merchant.success.policy).toBe("fallback")
  })
})

describe("PaymuxError.isPaymuxError", () => {
  it("narrows a caught value to the union, so that its code reaches the subclass's fields", async () => {
    const paymux = await Paymux.make({ store: Memory.layer() })
    const merchant = await paymux.merchants.create({ name: "Shop" })
    await paymux.channels.add({ merchant: merchant.code, mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] })
    const caught: unknown = await paymux.resolve({ merchant: merchant.code, mode: "test", pg: "kcp", payMethod: "vbank" }).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(PaymuxError.isPaymuxError(caught)).toBe(true)
    if (!PaymuxError.isPaymuxError(caught) || caught.code !== "channel-not-found") throw new Error("expected channel-not-found")
    // `rejected` is a field of ChannelNotFoundError only: this line type-checks because the code narrowed it.
    expect(caught.rejected.length).toBeGreaterThan(0)
    expect(PaymuxError.isPaymuxError(new Error("other"))).toBe(false)
    await paymux.close()
  })
})
