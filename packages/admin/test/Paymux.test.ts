import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { PaymuxError, Paymux } from "@paymux/admin"
import { Memory } from "@paymux/store"
import { WebhookVerifier } from "@paymux/webhooks"
import { PageLimit } from "@paymux/domain"
import { Redacted, Result } from "effect"

interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: string
}
let server: Server
let received: Array<Received> = []
let url = ""

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") })
      res.writeHead(req.url === "/fail" ? 500 : 200, { "content-type": "text/plain" }).end(req.url === "/fail" ? "boom" : "ok")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const setup = async () => {
  // The receiver listens on 127.0.0.1: test-mode webhooks may reach loopback here.
  const paymux = await Paymux.make({ store: Memory.layer(), actor: { kind: "user", id: "tester" }, privateTargets: "test-mode" })
  const merchant = await paymux.merchants.create({ name: "Demo Shop" })
  return { paymux, merchant }
}

describe("Paymux facade", () => {
  it("lists and resolves channels without their credentials; get, edit and credentials open them", async () => {
    const { paymux, merchant } = await setup()
    const nice = await paymux.channels.add({
      merchant: merchant.code,
      mode: "test",
      pg: "nice_v2",
      mid: "nice.mid.a",
      paymentType: "window.general",
      payMethods: ["card"],
      credentials: { merchant_key: "k-a", cancel_password: "1234" }
    })
    const [listed] = await paymux.channels.list(merchant.code)
    expect([listed!.credentials, listed!.readable]).toEqual([{}, true])
    expect((await paymux.resolve({ merchant: merchant.code, mode: "test", pg: "nice_v2", payMethod: "card" })).channel.credentials).toEqual(
      {}
    )
    expect(Object.keys((await paymux.channels.get(merchant.code, nice.key)).credentials)).toEqual(["merchant_key", "cancel_password"])
    await paymux.channels.disable(merchant.code, nice.key)
    const opened = await paymux.channels.credentials(merchant.code, nice.key)
    expect(Object.fromEntries(Object.entries(opened).map(([k, v]) => [k, Redacted.value(v)]))).toEqual({
      merchant_key: "k-a",
      cancel_password: "1234"
    })
  })

  it("adds channels and resolves request_pay by code, code.MID, absence and typo fallback", async () => {
    const { paymux, merchant } = await setup()
    const kcp = await paymux.channels.add({
      merchant: merchant.code,
      mode: "test",
      pg: "kcp",
      paymentType: "window.general",
      payMethods: ["card", "vbank"]
    })
    const nice1 = await paymux.channels.add({
      merchant: merchant.code,
      mode: "test",
      pg: "nice_v2",
      mid: "nice.mid.a",
      paymentType: "window.general",
      payMethods: ["card"],
      credentials: { merchant_key: "k-a", cancel_password: "1234" }
    })
    const nice2 = await paymux.channels.add({
      merchant: merchant.code,
      mode: "test",
      pg: "nice_v2",
      mid: "nice.mid.b",
      paymentType: "window.general",
      payMethods: ["card"],
      credentials: { merchant_key: "k-b", cancel_password: "1234" }
    })
    expect([kcp.sequence < nice1.sequence, nice1.sequence < nice2.sequence]).toEqual([true, true])
    expect((await paymux.resolve({ merchant: merchant.code, mode: "test", pg: "kcp", payMethod: "card" })).channel.key).toBe(kcp.key)
    expect((await paymux.resolve({ merchant: merchant.code, mode: "test", pg: "nice_v2", payMethod: "card" })).channel.key).toBe(nice1.key)
    expect((await paymux.resolve({ merchant: merchant.code, mode: "test", pg: "nice_v2.nice.mid.b", payMethod: "card" })).channel.key).toBe(
      nice2.key
    )
    expect((await paymux.resolve({ merchant: merchant.code, mode: "test", payMethod: "card" })).channel.key).toBe(kcp.key)
    const typo = await paymux.resolve({ merchant: merchant.code, mode: "test", pg: "kcpp", payMethod: "card" })
    expect(typo.via).toBe("default")
    // "kcpp" is not a catalog code, so the string does not parse.
    expect(typo.fellBack?.reason).toBe("pg-invalid")

    await paymux.merchants.setPolicy(merchant.code, "strict")
    const miss = await paymux
      .resolve({ merchant: merchant.code, mode: "test", pg: "nice_v2.other", payMethod: "card" })
      .catch((e: unknown) => e)
    expect(miss).toBeInstanceOf(PaymuxError.ChannelNotFoundError)
    expect((miss as PaymuxError.PaymuxError).code).toBe("channel-not-found")
    expect((miss as Error).message).toContain("nice_v2")
    await paymux.close()
  })

  it("resolution cache follows changes: a disabled channel stops matching at once", async () => {
    const { paymux, merchant } = await setup()
    const a = await paymux.channels.add({
      merchant: merchant.code,
      mode: "test",
      pg: "kcp",
      paymentType: "window.general",
      payMethods: ["card"]
    })
    const b = await paymux.channels.add({
      merchant: merchant.code,
      mode: "test",
      pg: "kcp",
      mid: "T0001",
      paymentType: "window.general",
      payMethods: ["card"],
      credentials: { site_key: "s" }
    })
    expect((await paymux.resolve({ merchant: merchant.code, mode: "test", pg: "kcp", payMethod: "card" })).channel.key).toBe(a.key)
    await paymux.channels.disable(merchant.code, a.key)
    expect((await paymux.resolve({ merchant: merchant.code, mode: "test", pg: "kcp", payMethod: "card" })).channel.key).toBe(b.key)
    await paymux.channels.remove(merchant.code, b.key)
    await expect(paymux.channels.get(merchant.code, b.key)).rejects.toBeInstanceOf(PaymuxError.NotFoundError)
    await paymux.close()
  })

  it("sub-merchants resolve only among the channels assigned to their tier", async () => {
    const { paymux, merchant } = await setup()
    const a = await paymux.channels.add({
      merchant: merchant.code,
      mode: "test",
      pg: "kcp",
      paymentType: "window.general",
      payMethods: ["card"]
    })
    const b = await paymux.channels.add({
      merchant: merchant.code,
      mode: "test",
      pg: "html5_inicis",
      paymentType: "window.general",
      payMethods: ["card"]
    })
    await paymux.subMerchants.create({ merchant: merchant.code, tier: "T01" })
    await paymux.channels.assign(merchant.code, "T01", b.key)
    expect((await paymux.resolve({ merchant: merchant.code, tier: "T01", mode: "test", payMethod: "card" })).channel.key).toBe(b.key)
    // kcp is configured but not assigned to the tier: a miss, never another PG (issue 16).
    await expect(
      paymux.resolve({ merchant: merchant.code, tier: "T01", mode: "test", pg: "kcp", payMethod: "card" }).then((r) => r.channel.key)
    ).rejects.toMatchObject({ code: "channel-not-found" })
    expect((await paymux.resolve({ merchant: merchant.code, mode: "test", pg: "kcp", payMethod: "card" })).channel.key).toBe(a.key)
    await expect(paymux.resolve({ merchant: merchant.code, tier: "ZZZ", mode: "test", payMethod: "card" })).rejects.toMatchObject({
      code: "unknown-tier"
    })
    await paymux.close()
  })

  it("refuses bad input with typed errors that name the field and never echo secrets", async () => {
    const { paymux, merchant } = await setup()
    const bad = await paymux.channels
      .add({
        merchant: merchant.code,
        mode: "live",
        pg: "nice",
        mid: "m",
        paymentType: "window.general",
        payMethods: ["card"],
        credentials: { merchant_key: "topsecret-key", cancel_password: "way-too-long-password" }
      })
      .catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(PaymuxError.InvalidInputError)
    expect((bad as PaymuxError.InvalidInputError).field).toBe("credentials.cancel_password")
    expect(JSON.stringify(bad) + String(bad)).not.toContain("way-too-long-password")
    await expect(
      paymux.channels.add({ merchant: merchant.code, mode: "test", pg: "naverpay", paymentType: "window.simple", payMethods: ["naverpay"] })
    ).rejects.toMatchObject({ code: "rule-violation", rule: "test-mid-required" })
    await expect(paymux.merchants.get("imp1")).rejects.toMatchObject({ code: "invalid-input", field: "merchant" })
    await expect(paymux.merchants.get("imp99999999")).rejects.toBeInstanceOf(PaymuxError.NotFoundError)
    await paymux.close()
  })

  it("writes an audit entry per change with credentials masked", async () => {
    const { paymux, merchant } = await setup()
    const live = await paymux.channels.add({
      merchant: merchant.code,
      mode: "live",
      pg: "kcp",
      mid: "A1",
      paymentType: "window.general",
      payMethods: ["card"],
      credentials: { site_key: "super-secret-site-key" }
    })
    await paymux.channels.edit(merchant.code, live.key, { name: "KCP main" })
    const entries = await paymux.audit.list(merchant.code)
    expect(entries.map((e) => e.action)).toEqual(["channel.edit", "channel.add", "merchant.create"])
    expect(entries.every((e) => e.actor === "user:tester")).toBe(true)
    expect(JSON.stringify(entries)).not.toContain("super-secret-site-key")
    await paymux.close()
  })

  it("stores the whitelist normalised, refuses host bits with a suggestion, and checks addresses", async () => {
    const { paymux, merchant } = await setup()
    expect((await paymux.whitelist.check(merchant.code, "8.8.8.8")).enforced).toBe(false)
    const view = await paymux.whitelist.set(merchant.code, ["1.1.1.0/25", "1.1.1.128/25", "10.0.0.1"])
    expect(view.rules).toEqual(["1.1.1.0/24", "10.0.0.1/32"])
    await expect(paymux.whitelist.add(merchant.code, ["2.2.2.2/24"])).rejects.toMatchObject({ code: "invalid-cidr" })
    expect((await paymux.whitelist.show(merchant.code)).rules).toEqual(["1.1.1.0/24", "10.0.0.1/32"])
    expect(await paymux.whitelist.check(merchant.code, "::ffff:1.1.1.9")).toMatchObject({ allowed: true, matchedRule: "1.1.1.0/24" })
    expect((await paymux.whitelist.check(merchant.code, "1.1.2.1")).allowed).toBe(false)
    expect((await paymux.whitelist.remove(merchant.code, ["1.1.1.0/25"])).rules).toEqual(["1.1.1.128/25", "10.0.0.1/32"])
    await paymux.close()
  })

  it("issues API keys whose secret is shown once, verifies them, and rotation kills the old secret at once", async () => {
    const { paymux, merchant } = await setup()
    const issued = await paymux.apiKeys.issue({ merchant: merchant.code, name: "server" })
    const first = Redacted.value(issued.secret)
    expect((await paymux.apiKeys.verify(issued.key.id, first)).id).toBe(issued.key.id)
    const rotated = await paymux.apiKeys.rotate(merchant.code, issued.key.id)
    await expect(paymux.apiKeys.verify(issued.key.id, first)).rejects.toBeInstanceOf(PaymuxError.UnauthenticatedError)
    expect((await paymux.apiKeys.verify(issued.key.id, Redacted.value(rotated.secret))).status).toBe("active")
    await paymux.apiKeys.revoke(merchant.code, issued.key.id)
    await expect(paymux.apiKeys.verify(issued.key.id, Redacted.value(rotated.secret))).rejects.toMatchObject({ code: "unauthenticated" })
    await expect(paymux.apiKeys.verify("ak_000000000000000000000000", "sk_x")).rejects.toMatchObject({ code: "unauthenticated" })
    expect(JSON.stringify(await paymux.apiKeys.list(merchant.code))).not.toContain(first)
    const other = await paymux.merchants.create({ name: "Other" })
    await expect(paymux.apiKeys.revoke(other.code, issued.key.id)).rejects.toBeInstanceOf(PaymuxError.NotFoundError)
    // Another merchant's key reads exactly as a key id that does not exist, word for word (tenancy
    // probe: "api key" against "API key" told them apart).
    const missing = "ak_000000000000000000000000"
    const refusal = async (attempt: Promise<unknown>, id: string) => {
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e as PaymuxError.PaymuxError
      )
      return { code: error?.code, message: error?.message.replace(id, "<id>") }
    }
    for (const act of [paymux.apiKeys.rotate, paymux.apiKeys.revoke]) {
      const theirs = await refusal(act(other.code, issued.key.id), issued.key.id)
      expect(theirs.code).toBe("not-found")
      expect(theirs).toEqual(await refusal(act(other.code, missing), missing))
    }
    await paymux.close()
  })

  it("sends a signed test webhook to the saved URL and the receiver verifies it", async () => {
    const { paymux, merchant } = await setup()
    received = []
    await expect(paymux.webhooks.test(merchant.code, "test")).rejects.toMatchObject({ code: "webhook-not-sent" })
    const saved = await paymux.webhooks.set({ merchant: merchant.code, mode: "test", url: `${url}/hook` })
    expect(saved.newSecret).toBeDefined()
    const result = await paymux.webhooks.test(merchant.code, "test")
    expect(result).toMatchObject({ ok: true, httpStatus: 200 })
    expect(received).toHaveLength(1)
    const verifier = WebhookVerifier.make({ secrets: [Redacted.value(saved.newSecret!)], toleranceSeconds: 300 })
    const verified = verifier.verify(received[0]!.body, received[0]!.headers as Record<string, string>, { now: Date.now() })
    expect(Result.isSuccess(verified)).toBe(true)
    expect(JSON.parse(received[0]!.body).type).toBe("Webhook.Test")
    expect((await paymux.webhooks.show(merchant.code)).activeSecrets).toEqual({ test: 1, live: 0 })
    await paymux.close()
  })

  it("emits a notification through the outbox, delivers it signed, and a resend keeps the webhook-id", async () => {
    const { paymux, merchant } = await setup()
    received = []
    const saved = await paymux.webhooks.set({ merchant: merchant.code, mode: "test", url: `${url}/hook` })
    const body = JSON.stringify({ type: "Transaction.Paid", timestamp: "2026-11-27T00:00:00Z", data: { paymentId: "pay_1" } })
    const queued = await paymux.webhooks.emit({
      merchant: merchant.code,
      mode: "test",
      eventType: "Transaction.Paid",
      payload: body,
      subject: "pay_1"
    })
    expect(queued.map((d) => d.status)).toEqual(["pending"])
    expect((await paymux.webhooks.deliverDue()).attempted).toBe(1)
    const [first] = await paymux.webhooks.history(merchant.code)
    expect(first?.delivery.status).toBe("delivered")
    expect(first?.attempts.map((a) => a.httpStatus)).toEqual([200])
    const verifier = WebhookVerifier.make({ secrets: [Redacted.value(saved.newSecret!)], toleranceSeconds: 300 })
    expect(Result.isSuccess(verifier.verify(received[0]!.body, received[0]!.headers as Record<string, string>, { now: Date.now() }))).toBe(
      true
    )
    expect(received[0]!.body).toBe(body)
    const again = await paymux.webhooks.resend(merchant.code, first!.delivery.id)
    expect(again.messageId).toBe(first!.delivery.messageId)
    expect((await paymux.webhooks.deliverDue()).attempted).toBe(1)
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([first!.delivery.messageId, first!.delivery.messageId])
    // An event given by its type and data, timestamped now (it was on the Effect API only).
    const event = await paymux.webhooks.emitEvent({
      merchant: merchant.code,
      mode: "test",
      type: "Transaction.Paid",
      data: { storeId: "store-1", paymentId: "pay_2", transactionId: "tx_2" }
    })
    expect(event.map((d) => d.status)).toEqual(["pending"])
    expect((await paymux.webhooks.deliverDue()).attempted).toBe(1)
    expect(JSON.parse(received.at(-1)!.body)).toMatchObject({ type: "Transaction.Paid", data: { paymentId: "pay_2" } })
    const other = await paymux.merchants.create({ name: "Other" })
    expect(await paymux.webhooks.history(other.code)).toEqual([])
    await expect(paymux.webhooks.resend(other.code, first!.delivery.id)).rejects.toBeInstanceOf(PaymuxError.NotFoundError)
    await paymux.close()
  })

  it("flags a merchant with vbank channels and no webhook URL for that mode", async () => {
    const { paymux, merchant } = await setup()
    await paymux.channels.add({
      merchant: merchant.code,
      mode: "test",
      pg: "kcp",
      paymentType: "window.general",
      payMethods: ["card", "vbank"]
    })
    expect((await paymux.webhooks.readiness(merchant.code)).map((f) => f.mode)).toEqual(["test"])
    await paymux.webhooks.set({ merchant: merchant.code, mode: "test", url: `${url}/hook` })
    expect(await paymux.webhooks.readiness(merchant.code)).toEqual([])
    await paymux.close()
  })
})

describe("listing limits (PageLimit)", () => {
  it("the audit trail answers its default page, newest first, and every listing refuses a limit outside its bounds", async () => {
    const { paymux, merchant } = await setup()
    for (let i = 0; i < PageLimit.auditEntries.default + 5; i++) {
      await paymux.whitelist.add(merchant.code, [`10.0.${Math.floor(i / 256)}.${i % 256}/32`])
    }
    const page = await paymux.audit.list(merchant.code)
    expect(page).toHaveLength(PageLimit.auditEntries.default)
    expect(await paymux.audit.list(merchant.code, { limit: PageLimit.auditEntries.max })).toHaveLength(PageLimit.auditEntries.default + 6)
    for (const limit of [0, -1, 2.5, PageLimit.auditEntries.max + 1]) {
      await expect(paymux.audit.list(merchant.code, { limit })).rejects.toMatchObject({ code: "invalid-input", field: "limit" })
    }
    await expect(paymux.webhooks.history(merchant.code, { limit: PageLimit.deliveryHistory.max + 1 })).rejects.toMatchObject({
      code: "invalid-input",
      field: "limit"
    })
    await expect(
      paymux.webhooks.resendFailed({ merchant: merchant.code, since: 0, limit: PageLimit.failedResends.max + 1 })
    ).rejects.toMatchObject({ code: "invalid-input", field: "limit" })
    await paymux.close()
  })
})
