// Lifecycle probe F2: a merchant could not be removed, and neither could anything stored for it.
// `merchant remove` against a real SQLite file: refused without the code repeated, then the
// merchant, its credentials, keys, webhook payloads and trail are gone, row by row, save one
// audit entry of counts. (Bytes in SQLite's free pages are secure_delete's business, not this test's.)
import { join } from "node:path"
import Database from "better-sqlite3"
import { beforeAll, describe, expect, it } from "vitest"
import { expectExit, paymux, tempDir } from "./support/paymux.ts"

const db = join(tempDir(), "remove.db")
const M = "imp40000001"
const other = "imp40000002"
const run = (args: ReadonlyArray<string>) => paymux(["--db", db, ...args])
const canaries = ["NAMECANARY", "cpwCANARY", "mkCREDCANARY", "TOKENCANARY", "BUYERCANARY"]
let key = { id: "", secret: "" }

beforeAll(async () => {
  for (const code of [M, other]) {
    expectExit(await run(["merchant", "create", "--name", code === M ? "Leaving NAMECANARY" : "Staying", "--code", code]), 0)
    expectExit(
      await run([
        ...["channel", "add", "-m", code, "--mode", "live", "--pg", "nice_v2", "--mid", "nicelive01", "--type", "window.general"],
        ...["--methods", "card", "--cred", "cancel_password=cpwCANARY", "--cred", "merchant_key=mkCREDCANARY"]
      ]),
      0
    )
    expectExit(await run(["webhook", "set", "-m", code, "--mode", "test", "--url", "https://shop.example/hook?token=TOKENCANARY"]), 0)
    expectExit(await run(["whitelist", "set", "-m", code, "10.0.0.0/8"]), 0)
  }
  key = expectExit(await run(["apikey", "issue", "-m", M, "--name", "server", "--json"]), 0).json()
  // A queued notification carrying a buyer's data, with one attempt, as the dispatcher leaves them.
  const file = new Database(db)
  file
    .prepare(
      `INSERT INTO paymux_outbox (delivery_id, merchant, message_id, mode, url, event_type, subject, content_type, payload, status,
        attempts, max_attempts, next_attempt_at, trigger_kind, created_at, updated_at, endpoint_id)
        VALUES ('dlv_1', ?, 'msg_1', 'test', 'https://shop.example/hook?token=TOKENCANARY', 'Transaction.Paid', 'pay_1', 'json',
        '{"customer":{"name":"BUYERCANARY"}}', 'pending', 1, 10, 0, 'event', 1, 1, 'ep_test')`
    )
    .run(M)
  file
    .prepare(
      `INSERT INTO paymux_outbox_attempts (delivery_id, number, worker_id, started_at, latency_millis, http_status, error,
        response_excerpt, outcome, url) VALUES ('dlv_1', 1, 'w1', 1, 5, 503, NULL, 'busy', 'retry', 'https://shop.example/hook')`
    )
    .run()
  file.close()
})

/** Every row of every table that mentions `text`, as "table: row". */
const rowsMentioning = (text: string): Array<string> => {
  const file = new Database(db, { readonly: true })
  try {
    const tables = file.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
    return tables.flatMap((t) =>
      (file.prepare(`SELECT * FROM "${t.name}"`).all() as Array<unknown>)
        .map((row) => `${t.name}: ${JSON.stringify(row)}`)
        .filter((row) => row.includes(text))
    )
  } finally {
    file.close()
  }
}

describe("paymux merchant remove", () => {
  it("refuses without --confirm repeating the merchant code, and changes nothing", async () => {
    for (const confirm of [[], ["--confirm", other], ["--confirm", "imp4000000"]]) {
      const refused = expectExit(await run(["merchant", "remove", "-m", M, ...confirm]), 2)
      expect(refused.stderr).toContain("confirm")
      expect(refused.stderr).toContain(M)
    }
    expectExit(await run(["merchant", "show", M]), 0)
    expectExit(await run(["apikey", "verify", key.id, "--secret", key.secret]), 0)
  })

  it("removes the merchant and everything stored for it, prints the counts, and leaves one audit entry of them", async () => {
    const before = rowsMentioning(other)
    const removal = expectExit(await run(["merchant", "remove", "-m", M, "--confirm", M, "--json"]), 0).json()
    expect(removal).toEqual({
      merchant: M,
      removed: {
        subMerchants: 0,
        channels: 1,
        channelGroups: 0,
        webhookSecrets: 1,
        apiKeys: 1,
        deliveries: 1,
        deliveryAttempts: 1,
        idempotencyRecords: 0,
        changes: expect.any(Number),
        auditEntries: expect.any(Number)
      }
    })
    expect(expectExit(await run(["merchant", "show", M]), 1).stderr).toContain("not found")
    expectExit(await run(["apikey", "verify", key.id, "--secret", key.secret]), 1)
    // What is left that names the merchant: its removal's audit entry and the invalidations every
    // process's caches follow (the merchant's code and its key's id, no data).
    const left = rowsMentioning(M)
    expect(left.filter((row) => row.startsWith("paymux_audit_log")).map((row) => JSON.parse(row.slice(row.indexOf("{"))).action)).toEqual([
      "merchant.remove"
    ])
    expect(left.filter((row) => !row.startsWith("paymux_audit_log") && !row.startsWith("paymux_changes"))).toEqual([])
    expect(rowsMentioning(key.id).filter((row) => !row.startsWith("paymux_changes"))).toEqual([])
    expect(rowsMentioning("dlv_1")).toEqual([])
    // The other merchant holds the same credential and URL: only its rows may still hold them.
    for (const canary of canaries) {
      expect(
        rowsMentioning(canary).filter((row) => !row.includes(other)),
        canary
      ).toEqual([])
    }
    expect(rowsMentioning(other)).toEqual(before)
    const trail = expectExit(await run(["audit", "list", "-m", M, "--json"]), 0).json()
    expect(trail).toHaveLength(1)
    expect(trail[0]).toMatchObject({ action: "merchant.remove", target: M, after: { removed: removal.removed } })
  })

  it("prints the counts for a person, and a second removal is not found", async () => {
    const again = expectExit(await run(["merchant", "remove", "-m", M, "--confirm", M]), 1)
    expect(again.stderr).toContain("not found")
    expectExit(await run(["merchant", "create", "--name", "Short-lived", "--code", M]), 0)
    const printed = expectExit(await run(["merchant", "remove", "-m", M, "--confirm", M]), 0).stdout
    expect(printed).toContain(`Removed merchant ${M}`)
    expect(printed).toMatch(/channels \(with their credentials\): +0/)
    expect(printed).toMatch(/audit entries: +2/)
  })
})
