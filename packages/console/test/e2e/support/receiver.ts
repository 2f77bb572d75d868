/**
 * A webhook receiver on 127.0.0.1 that checks the Standard Webhooks signature itself (HMAC-SHA256
 * of `id.timestamp.body` under the base64 key after `whsec_`), independently of Paymux's signer,
 * and says in its answer whether the signature held.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { createServer } from "node:http"

export interface Receiver {
  readonly url: string
  /** The signing secret the console showed once; until it is set every signature is "unchecked". */
  secret: string | undefined
  readonly received: Array<{ readonly body: string; readonly signatureOk: boolean }>
  readonly close: () => Promise<void>
}

const verify = (secret: string, id: string, timestamp: string, body: string, header: string): boolean => {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64")
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest()
  return header.split(" ").some((part) => {
    const [version, signature] = part.split(",")
    if (version !== "v1" || signature === undefined) return false
    const given = Buffer.from(signature, "base64")
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

export const startReceiver = (): Promise<Receiver> => {
  const receiver: { secret: string | undefined; received: Receiver["received"] } = { secret: undefined, received: [] }
  const server = createServer((req, res) => {
    let body = ""
    req.on("data", (d: Buffer) => (body += d.toString("utf8")))
    req.on("end", () => {
      const header = (name: string) => String(req.headers[name] ?? "")
      const signatureOk =
        receiver.secret !== undefined &&
        verify(receiver.secret, header("webhook-id"), header("webhook-timestamp"), body, header("webhook-signature"))
      receiver.received.push({ body, signatureOk })
      res.writeHead(signatureOk ? 200 : 400, { "content-type": "text/plain" })
      res.end(signatureOk ? "signature ok" : "signature bad")
    })
  })
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resolve(
        Object.assign(receiver, {
          url: `http://127.0.0.1:${port}/hooks`,
          close: () => new Promise<void>((done) => server.close(() => done()))
        })
      )
    })
  )
}
