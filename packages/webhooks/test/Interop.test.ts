import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { Webhook as StandardWebhook } from "standardwebhooks"
import { Webhook as SvixWebhook } from "svix"
import { WebhookSecret, WebhookSigner, WebhookVerifier } from "../src/index.ts"

const body = JSON.stringify({ type: "Transaction.Paid", timestamp: "2024-01-01T00:00:00Z", data: { paymentId: "p-1" } })

describe("interop", () => {
  const secret = WebhookSecret.reveal(WebhookSecret.generate())
  const ours = { signer: WebhookSigner.make({ secrets: [secret] }), verifier: WebhookVerifier.make({ secrets: [secret] }) }
  // Both libraries check against the wall clock, so sign at the current second.
  const now = () => Math.floor(Date.now() / 1000)

  it("standardwebhooks verifies what we sign", () => {
    const h = ours.signer.sign({ id: "msg_interop1", timestamp: now(), body })
    expect(new StandardWebhook(secret).verify(body, { ...h })).toEqual(JSON.parse(body))
  })

  it("svix verifies what we sign, under webhook-* and svix-* names", () => {
    const h = ours.signer.sign({ id: "msg_interop2", timestamp: now(), body })
    expect(new SvixWebhook(secret).verify(body, { ...h })).toEqual(JSON.parse(body))
    const svixNames = { "svix-id": h["webhook-id"], "svix-timestamp": h["webhook-timestamp"], "svix-signature": h["webhook-signature"] }
    expect(new SvixWebhook(secret).verify(body, svixNames)).toEqual(JSON.parse(body))
  })

  it("we verify what standardwebhooks and svix sign", () => {
    const ts = now()
    const date = new Date(ts * 1000)
    for (const signature of [new StandardWebhook(secret).sign("msg_x", date, body), new SvixWebhook(secret).sign("msg_x", date, body)]) {
      const h = { "webhook-id": "msg_x", "webhook-timestamp": String(ts), "webhook-signature": signature }
      expect(Result.isSuccess(ours.verifier.verify(body, h, { now: ts * 1000 }))).toBe(true)
    }
  })

  it("standardwebhooks accepts a two-secret header signed during rotation", () => {
    const next = WebhookSecret.generate()
    const signer = WebhookSigner.make({ secrets: [secret, next] })
    const h = signer.sign({ id: "msg_rot", timestamp: now(), body })
    expect(new StandardWebhook(WebhookSecret.reveal(next)).verify(body, { ...h })).toEqual(JSON.parse(body))
    expect(new StandardWebhook(secret).verify(body, { ...h })).toEqual(JSON.parse(body))
  })
})
