/**
 * The chaos test's webhook receiver: a real node:http server on 127.0.0.1 that answers 500 to a
 * share of calls and never answers a smaller share, and counts what it saw per `webhook-id`. Its
 * second URL, `downUrl`, answers 503 to every call until `recover()`: an outage long enough to
 * exhaust a delivery's attempts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export interface Receiver {
  readonly url: string
  readonly downUrl: string
  /** Ends the outage of `downUrl`. */
  readonly recover: () => void
  /** Calls per webhook-id, and the 2xx answers per webhook-id. */
  readonly calls: Map<string, number>
  readonly accepted: Map<string, number>
  readonly hung: () => number
  readonly close: () => Promise<void>
}

export const startReceiver = async (options: { readonly failRate: number; readonly hangRate: number }): Promise<Receiver> => {
  const calls = new Map<string, number>()
  const accepted = new Map<string, number>()
  const hanging: Array<ServerResponse> = []
  const bump = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1)
  let down = true
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    req.on("end", () => {
      const id = String(req.headers["webhook-id"] ?? "")
      bump(calls, id)
      if (down && req.url === "/down") {
        res.writeHead(503).end("outage")
        return
      }
      const dice = Math.random()
      if (dice < options.hangRate) {
        hanging.push(res)
        return
      }
      if (dice < options.hangRate + options.failRate) {
        res.writeHead(500).end("chaos")
        return
      }
      bump(accepted, id)
      res.writeHead(200).end("ok")
    })
  })
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hook`,
    downUrl: `http://127.0.0.1:${port}/down`,
    recover: () => {
      down = false
    },
    calls,
    accepted,
    hung: () => hanging.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.socket?.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
