import { createHmac } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted, Result } from "effect"
import { TestClock } from "effect/testing"
import { WebhookSecret, WebhookSigner } from "../src/index.ts"

const SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
const SPEC_TS = 1614265330
const SPEC_BODY = '{"test": 2432232314}'

/** Independent reference: plain node:crypto, no code from the package. */
const reference = (secret: string, id: string, ts: number, body: string | Uint8Array): string => {
  const key = Buffer.from(secret.slice("whsec_".length), "base64")
  const content = Buffer.concat([Buffer.from(`${id}.${ts}.`), typeof body === "string" ? Buffer.from(body) : body])
  return "v1," + createHmac("sha256", key).update(content).digest("base64")
}

describe("WebhookSigner", () => {
  it("reproduces the Standard Webhooks spec example", () => {
    const signer = WebhookSigner.make({ secrets: [SPEC_SECRET] })
    const headers = signer.sign({ id: SPEC_ID, timestamp: SPEC_TS, body: SPEC_BODY })
    expect(headers).toEqual({
      "webhook-id": SPEC_ID,
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    })
  })

  it("matches node:crypto for string and byte bodies, including invalid UTF-8", () => {
    const secret = "whsec_" + Buffer.alloc(32, 7).toString("base64")
    const signer = WebhookSigner.make({ secrets: [secret] })
    const bodies: Array<string | Uint8Array> = ["", "héllo ✓", new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28]), "x".repeat(4096)]
    for (const body of bodies) {
      expect(signer.signature({ id: "msg_1", timestamp: 42, body })).toBe(reference(secret, "msg_1", 42, body))
    }
  })

  it("lists one signature per active secret, space-separated, oldest first", () => {
    const a = WebhookSecret.generate()
    const b = WebhookSecret.generate(64)
    const signer = WebhookSigner.make({ secrets: [a, b] })
    const sig = signer.signature({ id: "msg_2", timestamp: 7, body: "{}" })
    expect(sig.split(" ")).toEqual([
      reference(WebhookSecret.reveal(a), "msg_2", 7, "{}"),
      reference(WebhookSecret.reveal(b), "msg_2", 7, "{}")
    ])
  })

  it("refuses zero or three secrets and malformed ones without echoing them", () => {
    expect(Result.isFailure(WebhookSigner.makeResult({ secrets: [] }))).toBe(true)
    const three = [WebhookSecret.generate(), WebhookSecret.generate(), WebhookSecret.generate()]
    expect(Result.isFailure(WebhookSigner.makeResult({ secrets: three }))).toBe(true)
    const bad = "whsec_c2hvcnQ=" // 5 bytes
    const r = WebhookSigner.makeResult({ secrets: [bad] })
    expect(Result.isFailure(r) && r.failure._tag).toBe("InvalidSecret")
    expect(Result.isFailure(r) && r.failure.message).not.toContain("c2hvcnQ")
    expect(() => WebhookSigner.make({ secrets: [bad] })).toThrow()
  })

  // Regression: a timestamp must be a non-negative integer; signing with a negative one throws
  // instead of producing a signature (mutation probe H15).
  it("refuses to sign a negative or non-integer timestamp", () => {
    const signer = WebhookSigner.make({ secrets: [SPEC_SECRET] })
    for (const timestamp of [-1, -SPEC_TS, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => signer.sign({ id: SPEC_ID, timestamp, body: SPEC_BODY })).toThrow(RangeError)
      expect(() => signer.signature({ id: SPEC_ID, timestamp, body: SPEC_BODY })).toThrow(
        "webhook timestamp must be a non-negative integer number of seconds"
      )
    }
    expect(signer.signature({ id: SPEC_ID, timestamp: 0, body: SPEC_BODY })).toBe(reference(SPEC_SECRET, SPEC_ID, 0, SPEC_BODY))
  })

  // Regression (time probe): `sign({ timestamp: Date.now() })` signed a millisecond timestamp that
  // every receiver then refused as too new, with nothing to say why.
  it("refuses a timestamp in milliseconds", () => {
    const signer = WebhookSigner.make({ secrets: [SPEC_SECRET] })
    for (const timestamp of [SPEC_TS * 1000, 1e11]) {
      expect(() => signer.sign({ id: SPEC_ID, timestamp, body: SPEC_BODY })).toThrow(
        `webhook timestamp must be in seconds, not milliseconds (got ${timestamp})`
      )
    }
    expect(signer.signature({ id: SPEC_ID, timestamp: 1e11 - 1, body: SPEC_BODY })).toBe(
      reference(SPEC_SECRET, SPEC_ID, 1e11 - 1, SPEC_BODY)
    )
  })

  // Regression (mutation probe H5): the signed text is `id.timestamp.body`, so an id with a dot
  // would sign the same text as another id and timestamp ("msg" at "1.1614265330").
  it("refuses to sign an id containing a dot", () => {
    const signer = WebhookSigner.make({ secrets: [SPEC_SECRET] })
    // Regression (CLI probe): a newline in the id forged a header line in `webhook sign`'s output.
    // DEL (U+007F) is a control character too (mutation probe G02).
    for (const id of ["msg.1", ".", "msg.", ".msg", "a\nwebhook-signature: v1,forged", "a\r", "a\u0000", "a\u007f", "\u007f"]) {
      expect(() => signer.sign({ id, timestamp: SPEC_TS, body: SPEC_BODY }), `signing with id ${JSON.stringify(id)}`).toThrow(RangeError)
      expect(() => signer.signature({ id, timestamp: SPEC_TS, body: SPEC_BODY }), `signing with id ${JSON.stringify(id)}`).toThrow(
        "webhook id must be non-empty, without '.' or control characters"
      )
    }
    expect(signer.signature({ id: "msg_1", timestamp: SPEC_TS, body: SPEC_BODY })).toBe(reference(SPEC_SECRET, "msg_1", SPEC_TS, SPEC_BODY))
  })

  it("never shows its secrets in toString, JSON or inspection", () => {
    const text = WebhookSecret.reveal(WebhookSecret.generate())
    const signer = WebhookSigner.make({ secrets: [Redacted.make(text)] })
    expect(String(signer)).not.toContain(text.slice(6))
    expect(JSON.stringify(signer)).not.toContain(text.slice(6))
  })

  it.effect("signNow takes the timestamp from Clock", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(SPEC_TS * 1000 + 999)
      const signer = WebhookSigner.make({ secrets: [SPEC_SECRET] })
      const headers = yield* signer.signNow({ id: SPEC_ID, body: SPEC_BODY })
      expect(headers["webhook-timestamp"]).toBe(String(SPEC_TS))
      expect(headers["webhook-signature"]).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    })
  )
})
