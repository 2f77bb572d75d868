import { createHmac } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Webhook as PortOne } from "@portone/server-sdk"
import { Result } from "effect"
import * as fc from "fast-check"
import { WebhookSecret, WebhookSigner, WebhookVerifier } from "../src/index.ts"

// A V2 body as PortOne sends it; PortOne's SDK parses what it verified.
const body = JSON.stringify({
  type: "Transaction.Paid",
  timestamp: "2026-12-05T00:00:00Z",
  data: { storeId: "store-1", paymentId: "p-1", transactionId: "t-1" }
})
const now = () => Math.floor(Date.now() / 1000)

/** A Standard Webhooks signature computed the way PortOne does, independently of our signer. */
const portoneSignature = (secret: string, id: string, timestamp: number, payload: string): string => {
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64")
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${payload}`).digest("base64")}`
}

/** PortOne's SDK on a secret: "ok", "bad-secret" (it refuses the secret) or "bad-signature". */
const sdkOn = async (secret: string, headers: Record<string, string>): Promise<string> => {
  try {
    await PortOne.verify(secret, body, headers)
    return "ok"
  } catch (error) {
    return error instanceof PortOne.InvalidInputError ? "bad-secret" : "bad-signature"
  }
}

describe("PortOne interop (issue 17)", () => {
  it("PortOne's SDK verifies what we sign", async () => {
    const secret = WebhookSecret.reveal(WebhookSecret.generate())
    const headers = WebhookSigner.make({ secrets: [secret] }).sign({ id: "msg_portone1", timestamp: now(), body })
    expect(await sdkOn(secret, { ...headers })).toBe("ok")
    expect(await sdkOn(secret, { ...headers, "webhook-id": "msg_other" })).toBe("bad-signature")
  })

  it("we verify PortOne-format secrets (no whsec_ prefix, short keys, unpadded) the way its SDK does", () => {
    const ts = now()
    for (const secret of ["c2hvcnQ", "c2hvcnQ=", "whsec_c2hvcnQ", "AA==", Buffer.alloc(80, 7).toString("base64")]) {
      const headers = {
        "webhook-id": "msg_p",
        "webhook-timestamp": String(ts),
        "webhook-signature": portoneSignature(secret, "msg_p", ts, body)
      }
      const verified = WebhookVerifier.make({ secrets: [secret] }).verify(body, headers, { now: ts * 1000 })
      expect(Result.isSuccess(verified), secret).toBe(true)
    }
  })

  it("accepts exactly the secrets PortOne's SDK accepts (property, SDK as the oracle)", async () => {
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom(..."ABCDabcd0189+/=".split("")), maxLength: 14 }),
      fc.uint8Array({ minLength: 0, maxLength: 40 }).map((b) => Buffer.from(b).toString("base64")),
      fc.string({ maxLength: 10 }),
      fc.string({ unit: fc.constantFrom(..."QUJD \t\n=".split("")), maxLength: 12 })
    )
    await fc.assert(
      fc.asyncProperty(fc.boolean(), text, async (prefixed, raw) => {
        const secret = (prefixed ? "whsec_" : "") + raw
        // Headers that are complete and fresh but signed with another key: the SDK then reports a
        // bad secret before it looks at signatures, and a good one as a signature mismatch.
        const headers = { "webhook-id": "msg_q", "webhook-timestamp": String(now()), "webhook-signature": "v1,AAAA" }
        const sdk = await sdkOn(secret, headers)
        const ours = WebhookVerifier.makeResult({ secrets: [secret] })
        expect(Result.isSuccess(ours), JSON.stringify(secret)).toBe(sdk !== "bad-secret")
      }),
      { numRuns: 400 }
    )
  })

  it("still generates and signs with standard secrets only", () => {
    expect(Result.isFailure(WebhookSecret.parse("c2hvcnQ"))).toBe(true)
    expect(Result.isSuccess(WebhookSecret.parse("c2hvcnQ", "verify"))).toBe(true)
    expect(() => WebhookSigner.make({ secrets: ["c2hvcnQ"] })).toThrow(/whsec_/)
  })
})
