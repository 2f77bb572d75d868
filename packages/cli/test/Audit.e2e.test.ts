// Regression (surface-parity probe, F3): the audit trail was readable only through
// `GET /merchants/{m}/audit` and the facade's `audit.list`; no command read it.
import { join } from "node:path"
import Database from "better-sqlite3"
import { beforeAll, describe, expect, it } from "vitest"
import { expectExit, paymux, tempDir } from "./support/paymux.ts"

const db = join(tempDir(), "audit.db")
const M = "imp30000008"
const run = (args: ReadonlyArray<string>) => paymux(["--db", db, ...args])
const secret = "cpw7x9qz"
const merchantKey = "mk-Zq81-audit"
const token = "tok_s3cr3t_query"
let channel = ""

beforeAll(async () => {
  expectExit(await run(["merchant", "create", "--name", "Audited", "--code", M]), 0)
  const added = await run([
    ...["channel", "add", "-m", M, "--mode", "live", "--pg", "nice_v2", "--mid", "nicelive01", "--type", "window.general"],
    ...["--methods", "card", "--cred", `cancel_password=${secret}`, "--cred", `merchant_key=${merchantKey}`, "--json"]
  ])
  channel = expectExit(added, 0).json().key
  // Both fields are secret for nice_v2: given on the command line, they are warned of, unquoted.
  expect(added.stderr).toContain("warning: --cred cancel_password, merchant_key put a secret on the command line")
  expect(added.stderr).not.toContain(secret)
  expectExit(await run(["channel", "edit", "-m", M, channel, "--name", "Renamed", "--methods", "card,vbank"]), 0)
  expectExit(await run(["webhook", "set", "-m", M, "--mode", "test", "--url", `https://shop.example/hook?token=${token}`]), 0)
  // A refused call, as `paymux serve` records it: its URL is the caller's, query and all.
  const file = new Database(db)
  file
    .prepare(
      "INSERT INTO paymux_audit_log (entry_id, merchant, actor, action, target, before_json, after_json, at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)"
    )
    .run(
      "audit_deny1",
      M,
      "api-key:ak_1",
      "whitelist.deny",
      "198.51.100.7",
      JSON.stringify({ ip: "198.51.100.7", method: "GET", url: `/channels?key=${token}`, unauditedBefore: 3 }),
      Date.now()
    )
  file.close()
})

const ids = async (args: ReadonlyArray<string>): Promise<Array<string>> =>
  expectExit(await run(["audit", "list", "-m", M, "--json", ...args]), 0)
    .json()
    .map((e: { id: string }) => e.id)

describe("paymux audit list", () => {
  it("lists the merchant's entries newest first, as the HTTP API serves them, and --action keeps one action", async () => {
    const all = expectExit(await run(["audit", "list", "-m", M, "--json"]), 0).json()
    expect(all.map((e: { action: string }) => e.action)).toEqual([
      "whitelist.deny",
      "webhook.secret.create",
      "webhook.set",
      "channel.edit",
      "channel.add",
      "merchant.create"
    ])
    expect(all[3]).toMatchObject({
      merchant: M,
      actor: "cli:" + all[3].actor.slice(4),
      target: channel,
      before: { name: expect.any(String) }
    })
    const edits = expectExit(await run(["audit", "list", "-m", M, "--action", "channel.edit", "--json"]), 0).json()
    expect(edits.map((e: { target: string }) => e.target)).toEqual([channel])
    expect(edits[0].after).toMatchObject({ name: "Renamed", payMethods: ["card", "vbank"] })
  })

  it("reads every entry once, a page at a time, and a full page names the command for the next", async () => {
    const every = await ids([])
    const pages: Array<string> = []
    let after: string | undefined
    for (;;) {
      const page = await ids(["--limit", "4", ...(after === undefined ? [] : ["--after", after])])
      pages.push(...page)
      if (page.length < 4) break
      after = page.at(-1)
    }
    expect(pages).toEqual(every)
    const text = expectExit(await run(["audit", "list", "-m", M, "--limit", "2"]), 0).stdout
    expect(text).toContain(`Next page: paymux audit list -m ${M} --limit 2 --after ${every[1]}`)
  })

  it("the table shows time, action, actor, target and what changed, never a stored string: no secret, no URL", async () => {
    const text = expectExit(await run(["audit", "list", "-m", M]), 0).stdout
    expect(text.split("\n")[0]).toMatch(/^ID\s+TIME\s+ACTION\s+ACTOR\s+TARGET\s+DETAILS$/)
    expect(text).toMatch(/channel\.edit\s+cli:\S+\s+channel-key-\S+\s+changed: name, payMethods/)
    expect(text).toMatch(/whitelist\.deny\s+api-key:ak_1\s+198\.51\.100\.7\s+unauditedBefore=3/)
    expect(text).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/)
    for (const hidden of [secret, merchantKey, token, "shop.example", "/channels"]) expect(text).not.toContain(hidden)
    // The stored entries never held the channel's secret either.
    expect(expectExit(await run(["audit", "list", "-m", M, "--json"]), 0).stdout).not.toMatch(new RegExp(`${secret}|${merchantKey}`))
  })

  it("an unknown merchant or cursor is not found (exit 1), never an empty trail; a limit out of range is invalid-input", async () => {
    expect(expectExit(await run(["audit", "list", "-m", "imp39999999", "--json"]), 1).json().error).toMatchObject({ code: "not-found" })
    const cursor = expectExit(await run(["audit", "list", "-m", M, "--after", "audit_nope", "--json"]), 1).json().error
    expect(cursor).toMatchObject({ code: "not-found", hint: "list what exists with: paymux audit list --merchant M" })
    const limit = expectExit(await run(["audit", "list", "-m", M, "--limit", "501", "--json"]), 2).json().error
    expect(limit).toMatchObject({ code: "invalid-input", details: { field: "limit" } })
  })
})

// Regression (data-lifecycle probe, F4): the trail had no retention limit and no command to keep one.
describe("paymux audit prune", () => {
  it("deletes the entries from before --before, of every merchant, and keeps the later ones", async () => {
    const file = new Database(db)
    const old = Date.now() - 400 * 86_400_000
    file
      .prepare(
        "INSERT INTO paymux_audit_log (entry_id, merchant, actor, action, target, before_json, after_json, at) VALUES (?, ?, 'cli:ops', 'channel.edit', 'x', NULL, NULL, ?)"
      )
      .run("audit_old1", M, old)
    file.close()
    const before = await ids([])
    expect(before).toContain("audit_old1")
    const out = expectExit(await run(["audit", "prune", "--before", "365d", "--json"]), 0).json()
    expect(out).toMatchObject({ deleted: 1 })
    expect(await ids([])).toEqual(before.filter((id) => id !== "audit_old1"))
    expect(expectExit(await run(["audit", "prune", "--before", "365d"]), 0).stdout).toContain("No audit entry is from before")
    expect(expectExit(await run(["audit", "prune", "--before", "soon", "--json"]), 2).json().error).toMatchObject({ code: "invalid-input" })
  })
})
