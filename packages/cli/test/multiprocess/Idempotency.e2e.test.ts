/**
 * `Idempotency-Key` across processes (issue 17): two `paymux serve` processes on one store share
 * the records. A retry that lands on the other process replays the stored response; concurrent
 * first requests with one key, spread over both processes, run once (the others replay or get
 * 409 `idempotency-key-in-use`); a one-time secret is never replayed by either.
 */
import { StoreSuite } from "@paymux/store-testkit"
import { afterAll, describe, expect, it } from "vitest"
import { type Database, freshPostgres, freshSqlite, keysEnv, seedMerchant, serve, type Served } from "./cluster.ts"

const pgUrl = StoreSuite.requireDatabase("PAYMUX_TEST_PG_URL", "paymux multi-process Idempotency-Key on PostgreSQL")

const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

interface Answer {
  readonly status: number
  readonly replayed: boolean
  readonly text: string
}

const post = async (server: Served, path: string, bearer: string, key: string, body: unknown): Promise<Answer> => {
  const r = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { authorization: bearer, "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify(body)
  })
  return { status: r.status, replayed: r.headers.get("idempotent-replayed") === "true", text: await r.text() }
}

const twoServers = async (database: Database) => {
  cleanups.push(database.cleanup)
  const env = keysEnv()
  const { keys, merchant } = await seedMerchant(database.db, env, 1)
  const a = await serve(database.db, env)
  cleanups.push(a.stop)
  const b = await serve(database.db, env)
  cleanups.push(b.stop)
  return { a, b, bearer: keys[0]!.bearer, merchant }
}

const checks = async (database: Database) => {
  const { a, b, bearer, merchant } = await twoServers(database)
  const tiers = `/merchants/${merchant}/sub-merchants`

  // A retry on the other process gets the first answer, byte for byte.
  const first = await post(a, tiers, bearer, "retry-1", { tier: "R01" })
  expect(first.status).toBe(201)
  const retry = await post(b, tiers, bearer, "retry-1", { tier: "R01" })
  expect(retry).toEqual({ status: first.status, replayed: true, text: first.text })
  expect((await post(b, tiers, bearer, "retry-1", { tier: "R99" })).status).toBe(422)

  // Concurrent first requests over both processes: one runs.
  const answers = await Promise.all(
    Array.from({ length: 12 }, (_, i) => post(i % 2 === 0 ? a : b, tiers, bearer, "race-1", { tier: "C01" }))
  )
  const ran = answers.filter((x) => x.status === 201 && !x.replayed)
  expect(ran).toHaveLength(1)
  for (const x of answers) {
    if (x.status === 201) expect(x.text).toBe(ran[0]!.text)
    else expect({ status: x.status, code: JSON.parse(x.text).code }).toEqual({ status: 409, code: "idempotency-key-in-use" })
  }
  const listed = (await (await fetch(`${b.url}${tiers}`, { headers: { authorization: bearer } })).json()) as Array<{ tier: string }>
  expect(listed.filter((t) => t.tier === "C01")).toHaveLength(1)

  // A one-time secret is not replayed by the other process either.
  const issued = await post(a, `/merchants/${merchant}/api-keys`, bearer, "secret-1", { name: "once" })
  expect(issued.status).toBe(201)
  const secret = JSON.parse(issued.text).secret as string
  const again = await post(b, `/merchants/${merchant}/api-keys`, bearer, "secret-1", { name: "once" })
  expect(again.status).toBe(409)
  expect(JSON.parse(again.text).code).toBe("idempotency-secret-not-replayable")
  expect(again.text).not.toContain(secret)

  // What the store holds for replay: the other responses, never the one-time secret.
  const held = await database.rows("paymux_idempotency")
  const bodies = held.map((r) => Buffer.from(String(r["body"] ?? ""), "base64").toString("utf8"))
  expect(bodies.some((b) => b.includes("R01"))).toBe(true)
  for (const b of bodies) expect(b).not.toContain(secret)
  expect(JSON.stringify(held, (_, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(secret)
}

describe("several paymux serve processes on one store: Idempotency-Key", () => {
  it("on one SQLite file: a retry on the other process replays, concurrent firsts run once, secrets are not replayed", async () => {
    await checks(freshSqlite("idempotency"))
  })

  it.runIf(pgUrl !== undefined)(
    "on one PostgreSQL database: a retry on the other process replays, concurrent firsts run once, secrets are not replayed",
    async () => {
      await checks(await freshPostgres(pgUrl!))
    }
  )
})
