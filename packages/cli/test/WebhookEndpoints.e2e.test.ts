// Issue 17 through the built binary: per-mode content type, test formats, endpoints, resends.
import { spawn } from "node:child_process"
import { createServer, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import Database from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bin, expectExit, paymux, tempDir } from "./support/paymux.ts"

const db = join(tempDir(), "hooks.db")
const M = "imp30000001"
const run = (args: ReadonlyArray<string>) => paymux(["--db", db, ...args])
const hits: Array<{ path: string; contentType: string; body: string }> = []
let server: Server
let base = ""
const hung: Array<ServerResponse> = []

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += c))
    req.on("end", () => {
      hits.push({ path: req.url ?? "", contentType: req.headers["content-type"] ?? "", body })
      // A path ending -gone answers 410 (not retried), -busy 503 (retried), others as before.
      const url = req.url ?? ""
      // One ending -hang never answers: its attempt stays in flight.
      if (url.endsWith("-hang")) return void hung.push(res)
      res.writeHead(url === "/down" ? 404 : url.endsWith("-gone") ? 410 : url.endsWith("-busy") ? 503 : 204).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  expectExit(await run(["merchant", "create", "--name", "Hooks", "--code", M]), 0)
})
afterAll(
  () =>
    new Promise<void>((r) => {
      for (const res of hung) res.destroy()
      server.close(() => r())
    })
)

describe("paymux webhook: issue 17", () => {
  it("form on test sends V1 fields form-encoded in the test send; --format v2 there, and --format v1 in a JSON mode, are refused", async () => {
    expectExit(await run(["webhook", "set", "--merchant", M, "--mode", "test", "--url", `${base}/hook`, "--content-type", "form"]), 0)
    const shown = expectExit(await run(["webhook", "show", "--merchant", M, "--json"]), 0).json()
    expect([shown.test.contentType, shown.live.contentType]).toEqual(["form", "json"])
    const sent = expectExit(await run(["webhook", "test", "--merchant", M, "--mode", "test", "--json"]), 0).json()
    expect(sent).toMatchObject({ ok: true, format: "v1", contentType: "application/x-www-form-urlencoded" })
    expect(hits.at(-1)!.contentType).toBe("application/x-www-form-urlencoded")
    expect(new URLSearchParams(hits.at(-1)!.body).get("status")).toBe("paid")
    const refused = expectExit(await run(["webhook", "test", "--merchant", M, "--mode", "test", "--format", "v2"]), 1)
    expect(refused.stderr + refused.stdout).toContain("the test mode sends V1's fields form-encoded")
    // Regression (interop probe, F2): a JSON mode posted V1's fields as JSON, which its V2 notifications are not.
    expectExit(await run(["webhook", "set", "--merchant", M, "--mode", "test", "--content-type", "json"]), 0)
    const sentBefore = hits.length
    const v1InJson = expectExit(await run(["webhook", "test", "--merchant", M, "--mode", "test", "--format", "v1"]), 1)
    expect(v1InJson.stderr + v1InJson.stdout).toContain("the test mode sends V2 events as JSON")
    expect(v1InJson.stderr + v1InJson.stdout).toContain("set the test content type to form")
    expect(hits.length).toBe(sentBefore)
    expectExit(await run(["webhook", "set", "--merchant", M, "--mode", "test", "--content-type", "form"]), 0)
  })

  it("adds, filters, lists, enables and removes endpoints", async () => {
    const added = expectExit(
      await run([
        "webhook",
        "endpoint",
        "add",
        "--merchant",
        M,
        "--mode",
        "test",
        "--url",
        `${base}/paid`,
        "--event",
        "Transaction.Paid",
        "--json"
      ]),
      0
    ).json()
    expect(added.endpointId).toMatch(/^ep_/)
    const table = expectExit(await run(["webhook", "show", "--merchant", M]), 0).stdout
    expect(table).toContain(added.endpointId)
    expect(table).toContain("Transaction.Paid")
    // Regression (CLI probe): with no change flag these wrote the settings anyway, as a new version.
    const version = async () => expectExit(await run(["webhook", "show", "--merchant", M, "--json"]), 0).json().version
    const unchanged = await version()
    const nothing = [
      ["webhook", "endpoint", "update", "--merchant", M, "--mode", "test", "--id", added.endpointId],
      ["webhook", "set", "--merchant", M, "--mode", "test"]
    ]
    for (const args of nothing) expect(expectExit(await run(args), 2).stderr).toContain("nothing to change")
    expect(await version()).toBe(unchanged)
    expectExit(await run(["webhook", "endpoint", "update", "--merchant", M, "--mode", "test", "--id", added.endpointId, "--all-events"]), 0)
    expectExit(await run(["webhook", "endpoint", "enable", "--merchant", M, "--mode", "test", "--id", added.endpointId]), 0)
    // Not found, as an unknown channel is (exit 1; it was bad input, exit 2).
    expectExit(await run(["webhook", "endpoint", "enable", "--merchant", M, "--mode", "test", "--id", "ep_missing"]), 1)
    expectExit(await run(["webhook", "endpoint", "remove", "--merchant", M, "--mode", "test", "--id", added.endpointId]), 0)
    expectExit(await run(["webhook", "endpoint", "add", "--merchant", M, "--mode", "live", "--url", "http://plain.example/"]), 2)
  })

  it("resend-failed takes --since as an ISO time, epoch ms or a duration ago, and refuses anything else", async () => {
    const none = expectExit(await run(["webhook", "resend-failed", "--merchant", M, "--since", "2026-01-01T00:00:00Z", "--json"]), 0).json()
    expect(none).toEqual({ queued: [], alreadyHandled: 0 })
    expectExit(await run(["webhook", "resend-failed", "--merchant", M, "--since", "0"]), 0)
    // A duration ago, as --expires takes one ahead (it was refused).
    expectExit(await run(["webhook", "resend-failed", "--merchant", M, "--since", "7d"]), 0)
    expectExit(await run(["webhook", "resend-failed", "--merchant", M, "--since", "last tuesday"]), 2)
  })
})

/** A delivery written straight into the database (as a dispatcher of another process would leave it). */
const insertDelivery = (
  file: Database.Database,
  d: { readonly id: string; readonly status: "pending" | "delivered"; readonly attempts: number; readonly at: number }
) =>
  file
    .prepare(
      `INSERT INTO paymux_outbox (delivery_id, merchant, message_id, mode, url, endpoint_id, event_type, content_type, payload,
      status, attempts, max_attempts, next_attempt_at, trigger_kind, created_at, updated_at)
      VALUES (?, ?, ?, 'test', ?, NULL, 'Transaction.Paid', 'application/json', '{}', ?, ?, 6, ?, 'event', ?, ?)`
    )
    .run(d.id, M, `msg_${d.id}`, `${base}/${d.id}`, d.status, d.attempts, d.at, d.at, d.at)

describe("paymux webhook dispatch --once", () => {
  // Regression: an attempt the store refused to record was counted as attempted, with exit 0,
  // while its delivery stayed pending and went out again once its lease lapsed.
  it("exits 3 and counts the attempts the store did not record", async () => {
    const file = new Database(db)
    insertDelivery(file, { id: "d-unrecorded", status: "pending", attempts: 0, at: Date.now() })
    file.exec(
      "CREATE TRIGGER refuse_attempts BEFORE INSERT ON paymux_outbox_attempts BEGIN SELECT RAISE(ABORT, 'attempts are refused'); END"
    )
    file.close()
    const out = expectExit(await run(["webhook", "dispatch", "--once", "--allow-private-webhooks", "--json"]), 3)
    // stdout is the JSON document alone; the store's refusal is logged on stderr.
    expect(out.json()).toEqual({ attempted: 1, delivered: 0, retrying: 0, deadLettered: 0, unrecorded: 1, claimFailed: false })
    expect(out.stderr).toContain("webhook delivery d-unrecorded:")
    expect(hits.filter((h) => h.path === "/d-unrecorded")).toHaveLength(1)
    const text = expectExit(await run(["webhook", "dispatch", "--once", "--allow-private-webhooks"]), 0).stdout
    expect(text).toContain("Nothing was due.") // still leased: it goes out again once the lease lapses
    const after = new Database(db)
    after.exec("DROP TRIGGER refuse_attempts")
    expect(after.prepare("SELECT status, attempts FROM paymux_outbox WHERE delivery_id = 'd-unrecorded'").get()).toEqual({
      status: "pending",
      attempts: 0
    })
    after.close()
  })
})

describe("paymux webhook dispatch --once when the store refuses to claim", () => {
  // Regression (fault probe): a full disk made every claim fail, and --once printed "Nothing was
  // due." and exited 0, so a cron job could not tell a broken store from an empty queue.
  it("exits 3 and says so, rather than that nothing was due", async () => {
    const file = new Database(db)
    insertDelivery(file, { id: "d-unclaimed", status: "pending", attempts: 0, at: Date.now() })
    file.exec(
      "CREATE TRIGGER refuse_claims BEFORE UPDATE OF lease_worker ON paymux_outbox BEGIN SELECT RAISE(ABORT, 'claims are refused'); END"
    )
    file.close()
    try {
      const out = expectExit(await run(["webhook", "dispatch", "--once", "--allow-private-webhooks", "--json"]), 3)
      expect(out.json()).toMatchObject({ attempted: 0, claimFailed: true })
      expect(out.stderr).toContain("webhook claim failed")
      const text = expectExit(await run(["webhook", "dispatch", "--once", "--allow-private-webhooks"]), 3).stdout
      expect(text).toContain("The store refused a claim")
      expect(text).not.toContain("Nothing was due.")
    } finally {
      const after = new Database(db)
      after.exec("DROP TRIGGER refuse_claims")
      after.exec("DELETE FROM paymux_outbox WHERE delivery_id = 'd-unclaimed'")
      after.close()
    }
  })
})

describe("paymux webhook dispatch --once says what became of the deliveries", () => {
  // Regression (review): two deliveries dead-lettered at once printed "Attempted 2 deliveries".
  it("counts delivered, to be retried later and dead-lettered, and exits 0", async () => {
    const file = new Database(db)
    const now = Date.now()
    insertDelivery(file, { id: "count-ok", status: "pending", attempts: 0, at: now })
    insertDelivery(file, { id: "count-busy", status: "pending", attempts: 0, at: now })
    insertDelivery(file, { id: "count-gone", status: "pending", attempts: 0, at: now })
    insertDelivery(file, { id: "count-last-busy", status: "pending", attempts: 5, at: now })
    file.close()
    const out = expectExit(await run(["webhook", "dispatch", "--once", "--allow-private-webhooks", "--json"]), 0)
    expect(out.json()).toEqual({ attempted: 4, delivered: 1, retrying: 1, deadLettered: 2, unrecorded: 0, claimFailed: false })
    const after = new Database(db, { readonly: true })
    expect(
      after.prepare("SELECT delivery_id, status FROM paymux_outbox WHERE delivery_id LIKE 'count-%' ORDER BY delivery_id").all()
    ).toEqual([
      { delivery_id: "count-busy", status: "pending" },
      { delivery_id: "count-gone", status: "dead" },
      { delivery_id: "count-last-busy", status: "dead" },
      { delivery_id: "count-ok", status: "delivered" }
    ])
    after.close()
  })

  it("in text, two deliveries to loopback refused without --allow-private-webhooks read as dead-lettered", async () => {
    const file = new Database(db)
    insertDelivery(file, { id: "refused-1", status: "pending", attempts: 0, at: Date.now() })
    insertDelivery(file, { id: "refused-2", status: "pending", attempts: 0, at: Date.now() })
    file.close()
    const text = expectExit(await run(["webhook", "dispatch", "--once"]), 0).stdout
    expect(text).toContain("Attempted 2 deliveries: 0 delivered, 0 to be retried later, 2 dead-lettered; see paymux webhook history.")
  })
})

// Regression (docs probe): without --once, --json printed nothing at all.
describe("paymux webhook dispatch --json (running until stopped)", () => {
  it("prints one JSON document when it starts and exits 130 on SIGTERM", async () => {
    const child = spawn(process.execPath, [bin, "--db", db, "webhook", "dispatch", "--json"], { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString("utf8")
        if (out.trim().endsWith("}")) resolve()
      })
      child.on("exit", (code) => reject(new Error(`dispatch exited ${code}: ${out}`)))
    })
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    child.kill("SIGTERM")
    expect(await exited).toBe(130)
    expect(JSON.parse(out)).toEqual({ dispatching: true })
  })
})

// Ops probe: a second SIGTERM killed the dispatcher by the signal (exit 143), and a SIGTERM after a
// SIGINT was ignored; a supervisor told to count 130 as a clean stop saw a failure.
describe("paymux webhook dispatch, stopped twice", () => {
  it("a second signal during the graceful stop exits 130 at once, while an attempt is still in flight", async () => {
    // A delivery is sent while its mode has a webhook URL (it goes to its own URL).
    expectExit(await run(["webhook", "set", "--merchant", M, "--mode", "test", "--url", `${base}/hook`]), 0)
    const file = new Database(db)
    insertDelivery(file, { id: "d-hang", status: "pending", attempts: 0, at: Date.now() })
    file.close()
    const child = spawn(process.execPath, [bin, "--db", db, "webhook", "dispatch", "--allow-private-webhooks"], {
      stdio: ["ignore", "ignore", "pipe"]
    })
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    await expect.poll(() => hung.length, { timeout: 10_000 }).toBe(1)
    child.kill("SIGTERM")
    await new Promise((r) => setTimeout(r, 300))
    child.kill("SIGTERM")
    expect(await exited).toBe(130)
    // The receiver never answered: the process did not wait out the 30 s grace.
    expect(hung[0]!.writableEnded).toBe(false)
    const cleanup = new Database(db)
    cleanup.prepare("DELETE FROM paymux_outbox WHERE delivery_id = 'd-hang'").run()
    cleanup.close()
  })
})

describe("paymux webhook prune", () => {
  it("deletes finished deliveries older than --before with their attempts, keeps pending ones, refuses an unreadable time", async () => {
    const file = new Database(db)
    const old = Date.now() - 3 * 24 * 3_600_000
    insertDelivery(file, { id: "d-old", status: "delivered", attempts: 1, at: old })
    file
      .prepare(
        `INSERT INTO paymux_outbox_attempts (delivery_id, number, worker_id, url, started_at, latency_millis, http_status, error,
        response_excerpt, outcome) VALUES ('d-old', 1, 'w', ?, ?, 5, 200, NULL, 'ok', 'delivered')`
      )
      .run(`${base}/d-old`, old)
    const pendingBefore = file.prepare("SELECT count(*) AS n FROM paymux_outbox WHERE status = 'pending'").get()
    file.close()
    expectExit(await run(["webhook", "prune", "--before", "last tuesday"]), 2)
    const pruned = expectExit(await run(["webhook", "prune", "--before", "2d", "--json"]), 0).json()
    expect(pruned.deleted).toBe(1)
    const after = new Database(db, { readonly: true })
    expect(after.prepare("SELECT count(*) AS n FROM paymux_outbox_attempts WHERE delivery_id = 'd-old'").get()).toEqual({ n: 0 })
    expect(after.prepare("SELECT count(*) AS n FROM paymux_outbox WHERE status = 'pending'").get()).toEqual(pendingBefore)
    after.close()
    expect(expectExit(await run(["webhook", "prune", "--before", "2d"]), 0).stdout).toContain(
      "No finished delivery was last changed before"
    )
  })
})
