/**
 * `resend-failed` across processes (concurrency probe 2026-12): overlapping calls on two
 * `paymux serve` processes over one store queue each dead message once between them. They
 * queued it up to seven times: each call read the history before the others had written.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { StoreSuite } from "@paymux/store-testkit"
import { afterAll, describe, expect, it } from "vitest"
import { expectExit, paymux } from "../support/paymux.ts"
import { type Database, freshPostgres, freshSqlite, keysEnv, seedMerchant, serve } from "./cluster.ts"

const pgUrl = StoreSuite.requireDatabase("PAYMUX_TEST_PG_URL", "paymux multi-process resend-failed on PostgreSQL")

const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

/** A receiver on 127.0.0.1 that answers every notification 410 Gone: each delivery dies at once. */
const goneReceiver = async (): Promise<string> => {
  const server = createServer((req, res) => req.resume().on("end", () => res.writeHead(410).end("gone")))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
}

const checks = async (database: Database) => {
  cleanups.push(database.cleanup)
  const env = keysEnv()
  const { keys, merchant } = await seedMerchant(database.db, env, 1)
  const bearer = keys[0]!.bearer
  const db = ["--db", database.db]
  expectExit(await paymux([...db, "webhook", "set", "-m", merchant, "--mode", "test", "--url", await goneReceiver(), "--json"], { env }), 0)
  const a = await serve(database.db, env)
  cleanups.push(a.stop)
  const b = await serve(database.db, env)
  cleanups.push(b.stop)
  const call = (url: string, path: string, body: unknown) =>
    fetch(`${url}/merchants/${merchant}${path}`, {
      method: "POST",
      headers: { authorization: bearer, "content-type": "application/json" },
      body: JSON.stringify(body)
    })
  const messages = 12
  for (let i = 0; i < messages; i++) {
    const emitted = await call(a.url, "/webhooks/test/notifications", {
      type: "Transaction.Paid",
      data: { storeId: "s", paymentId: `p${i}`, transactionId: `t${i}` }
    })
    expect(emitted.status).toBe(202)
  }
  expectExit(await paymux([...db, "webhook", "dispatch", "--once", "--allow-private-webhooks", "--json"], { env }), 0)

  const answers = await Promise.all(
    Array.from({ length: 6 }, (_, i) => call(i % 2 === 0 ? a.url : b.url, "/webhooks/deliveries/resend-failed", { since: 0 }))
  )
  const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<{ queued: Array<unknown>; alreadyHandled: number }>
  expect(answers.map((r) => r.status)).toEqual(Array(6).fill(202))
  expect(bodies.map((x) => x.queued.length).reduce((x, y) => x + y)).toBe(messages)
  const perMessage = new Map<string, number>()
  for (const row of await database.rows("paymux_outbox")) {
    const id = String(row["message_id"])
    perMessage.set(id, (perMessage.get(id) ?? 0) + 1)
  }
  // Each message: its dead delivery and one resend.
  expect([perMessage.size, Math.max(...perMessage.values())]).toEqual([messages, 2])
}

describe("resend-failed from two processes at once", () => {
  it("queues each dead message once on one SQLite file", async () => {
    await checks(freshSqlite("resend"))
  })

  it.runIf(pgUrl !== undefined)("queues each dead message once on one PostgreSQL database", async () => {
    await checks(await freshPostgres(pgUrl!))
  })
})
