// Regression (scale probe, finding 4): `webhook history` showed only its newest page (--limit at
// most 500); `--after ID` (the last id of the page before) reads the rest.
import { join } from "node:path"
import Database from "better-sqlite3"
import { beforeAll, describe, expect, it } from "vitest"
import { expectExit, paymux, tempDir } from "./support/paymux.ts"

const db = join(tempDir(), "paging.db")
const M = "imp30000002"
const run = (args: ReadonlyArray<string>) => paymux(["--db", db, ...args])
/** Delivery ids in the order they were queued. */
const queued = ["d-1", "d-2", "d-3", "d-4", "d-5"]

beforeAll(async () => {
  expectExit(await run(["merchant", "create", "--name", "Paged", "--code", M]), 0)
  const file = new Database(db)
  const insert = file.prepare(
    `INSERT INTO paymux_outbox (delivery_id, merchant, message_id, mode, url, endpoint_id, event_type, content_type, payload,
    status, attempts, max_attempts, next_attempt_at, trigger_kind, created_at, updated_at)
    VALUES (?, ?, ?, 'test', 'https://shop.example/hook', NULL, 'Transaction.Paid', 'application/json', '{}', 'delivered', 1, 6, ?, 'event', ?, ?)`
  )
  for (const [i, id] of queued.entries()) insert.run(id, M, `msg_${id}`, 1_000 + i, 1_000 + i, 1_000 + i)
  file.close()
})

describe("paymux webhook history --after", () => {
  it("reads every delivery once, a page at a time, newest first", async () => {
    const ids = async (args: ReadonlyArray<string>): Promise<Array<string>> =>
      expectExit(await run(["webhook", "history", "-m", M, "--json", ...args]), 0)
        .json()
        .map((h: { delivery: { id: string } }) => h.delivery.id)
    expect(await ids(["--limit", "2"])).toEqual(["d-5", "d-4"])
    expect(await ids(["--limit", "2", "--after", "d-4"])).toEqual(["d-3", "d-2"])
    expect(await ids(["--limit", "2", "--after", "d-2"])).toEqual(["d-1"])
    expect(await ids(["--after", "d-1"])).toEqual([])
  })

  it("a full page says how to read the next; the last page does not", async () => {
    const full = expectExit(await run(["webhook", "history", "-m", M, "--limit", "2", "--after", "d-4"]), 0).stdout
    expect(full).toContain(`Next page: paymux webhook history -m ${M} --limit 2 --after d-2`)
    const last = expectExit(await run(["webhook", "history", "-m", M, "--limit", "2", "--after", "d-2"]), 0).stdout
    expect(last).toContain("d-1")
    expect(last).not.toContain("Next page")
  })

  it("an unknown cursor is not found (exit 1), never an empty page", async () => {
    const missing = expectExit(await run(["webhook", "history", "-m", M, "--after", "no-such-delivery"]), 1)
    expect(missing.stderr).toContain("no-such-delivery")
  })
})
