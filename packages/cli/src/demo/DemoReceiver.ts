/**
 * The webhook receiver `paymux demo` starts on 127.0.0.1: it verifies each notification's
 * Standard Webhooks signature with the merchant's secret and answers 204 when it holds, 401 when
 * it does not, the way a merchant's server should.
 *
 * @since 0.1.0
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { WebhookVerifier } from "@paymux/webhooks"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"

/**
 * What the receiver saw.
 *
 * @since 0.1.0
 * @category models
 */
export interface Received {
  readonly id: string | undefined
  readonly type: string | undefined
  readonly verified: boolean
  readonly reason?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface DemoReceiver {
  readonly url: string
  readonly received: ReadonlyArray<Received>
}

const typeOf = (body: Buffer): string | undefined => {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { type?: unknown }
    return typeof parsed.type === "string" ? parsed.type : undefined
  } catch {
    return undefined
  }
}

/**
 * Starts a receiver that verifies with `secret`; it stops when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = (secret: Redacted.Redacted<string>): Effect.Effect<DemoReceiver, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<{ server: Server; receiver: DemoReceiver }>((resolve) => {
          const verifier = WebhookVerifier.make({ secrets: [secret] })
          const received: Array<Received> = []
          const server = createServer((req, res) => {
            const chunks: Array<Buffer> = []
            req.on("data", (c: Buffer) => chunks.push(c))
            req.on("end", () => {
              const body = Buffer.concat(chunks)
              const result = verifier.verify(body, req.headers, { now: Date.now() })
              const id = typeof req.headers["webhook-id"] === "string" ? req.headers["webhook-id"] : undefined
              if (Result.isSuccess(result)) {
                received.push({ id, type: typeOf(body), verified: true })
                res.writeHead(204).end()
              } else {
                received.push({ id, type: typeOf(body), verified: false, reason: result.failure.message })
                res.writeHead(401, { "content-type": "text/plain" }).end(result.failure._tag)
              }
            })
          })
          server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo
            resolve({ server, receiver: { url: `http://127.0.0.1:${port}/webhooks/paymux`, received } })
          })
        })
    ),
    ({ server }) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections()
            server.close(() => resolve())
          })
      )
  ).pipe(Effect.map(({ receiver }) => receiver))
