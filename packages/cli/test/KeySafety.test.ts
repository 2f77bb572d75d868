/**
 * A database never silently gets a new key (security findings H2 and L1): the key file is made
 * only with a new database, atomically; a database without its key is refused (exit 3) and
 * nothing is written.
 */
import { execFileSync, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import { createExclusive } from "../src/KeyFile.ts"
import { expectExit, paymux } from "./support/paymux.ts"

const fresh = () => mkdtempSync(join(tmpdir(), "paymux-keys-"))

/** Every row of every table: what a refused command must leave unchanged. */
const rows = (file: string): string => {
  const db = new Database(file, { readonly: true })
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>
    return tables.map((t) => `${t.name}: ${JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all())}`).join("\n")
  } finally {
    db.close()
  }
}

const keyFileValues = (path: string) => {
  const text = readFileSync(path, "utf8")
  const keys = /^PAYMUX_MASTER_KEYS=(.*)$/m.exec(text)![1]!
  const pepper = /^PAYMUX_PEPPER=(.*)$/m.exec(text)![1]!
  const [id, key] = keys.split(":") as [string, string]
  return { id, key, pepper }
}

const channelAdd = (db: string, mid: string, secret: string) =>
  paymux([
    "--db",
    db,
    "channel",
    "add",
    "-m",
    "imp00000002",
    "--mode",
    "live",
    "--pg",
    "kcp",
    "--mid",
    mid,
    "--type",
    "window.general",
    "--methods",
    "card",
    "--cred",
    `site_key=${secret}`,
    "--json"
  ])

describe("key file: created only with a new database", () => {
  it("H2: with the key file moved away, every command fails with exit 3 naming the key, writes nothing and creates no key; restored, everything works", async () => {
    const dir = fresh()
    const db = join(dir, "k.db")
    const keyPath = `${db}.key`
    expectExit(await paymux(["--db", db, "merchant", "create", "--name", "K", "--code", "imp00000002"]), 0)
    const first = expectExit(await channelAdd(db, "AB100", "S1secret"), 0).json<{ key: string }>()
    const issued = expectExit(await paymux(["--db", db, "apikey", "issue", "-m", "imp00000002", "--name", "a", "--json"]), 0).json<{
      id: string
      secret: string
    }>()
    const { id, key, pepper } = keyFileValues(keyPath)
    expect(id).toMatch(/^local-[0-9a-f]{12}$/)
    renameSync(keyPath, join(dir, "elsewhere.key"))
    const before = rows(db)

    for (const args of [
      [
        "channel",
        "add",
        "-m",
        "imp00000002",
        "--mode",
        "live",
        "--pg",
        "kcp",
        "--mid",
        "AB101",
        "--type",
        "window.general",
        "--methods",
        "card",
        "--cred",
        "site_key=S2secret"
      ],
      ["channel", "show", "-m", "imp00000002", first.key],
      ["channel", "list", "-m", "imp00000002"],
      ["merchant", "create", "--name", "Later", "--code", "imp00000003"],
      ["apikey", "verify", issued.id, "--secret", issued.secret]
    ]) {
      const r = expectExit(await paymux(["--db", db, ...args]), 3)
      expect(r.stderr, args.join(" ")).toContain(`current master key is ${id}`)
      expect(r.stderr).toContain("fingerprint")
      expect(r.stderr).toContain(".key")
      for (const secret of [key, pepper, issued.secret]) expect(r.stdout + r.stderr).not.toContain(secret)
      expect(existsSync(keyPath), "a new key file was created").toBe(false)
    }
    const json = expectExit(await paymux(["--db", db, "channel", "list", "-m", "imp00000002", "--json"]), 3)
    expect(json.stdout + json.stderr).toContain("KeyMismatch")
    expect(rows(db)).toBe(before)

    renameSync(join(dir, "elsewhere.key"), keyPath)
    expectExit(await channelAdd(db, "AB101", "S2secret"), 0)
    const listed = expectExit(await paymux(["--db", db, "channel", "list", "-m", "imp00000002", "--json"]), 0).json<
      Array<{ mid: string }>
    >()
    expect(listed.map((c) => c.mid)).toEqual(["AB100", "AB101"])
    expectExit(await paymux(["--db", db, "apikey", "verify", issued.id, "--secret", issued.secret]), 0)
  })

  it("another database's key file is refused with exit 3 (a key is never swapped in silently)", async () => {
    const dir = fresh()
    const a = join(dir, "a.db")
    const b = join(dir, "b.db")
    for (const db of [a, b]) expectExit(await paymux(["--db", db, "merchant", "create", "--name", "K", "--code", "imp00000002"]), 0)
    const own = keyFileValues(`${a}.key`).id
    expect(own).not.toBe(keyFileValues(`${b}.key`).id)
    writeFileSync(`${a}.key`, readFileSync(`${b}.key`), { mode: 0o600 })
    const r = expectExit(await channelAdd(a, "AB100", "S1secret"), 3)
    expect(r.stdout + r.stderr).toContain("KeyMismatch")
    expect(r.stdout + r.stderr).toContain(`current master key is ${own}`)
  })

  // Regression (CLI probe): a directory as the key file failed as "internal" (EISDIR, exit 1), and
  // a FIFO blocked the process past SIGTERM.
  it("a key file that is a directory or a FIFO is bad input naming the file, read by nobody", async () => {
    for (const make of ["directory", "fifo"] as const) {
      const dir = fresh()
      const db = join(dir, "k.db")
      expectExit(await paymux(["--db", db, "merchant", "create", "--name", "K", "--code", "imp00000003"]), 0)
      rmSync(`${db}.key`)
      if (make === "directory") mkdirSync(`${db}.key`, { mode: 0o700 })
      else execFileSync("mkfifo", ["-m", "600", `${db}.key`])
      const r = expectExit(await paymux(["--db", db, "merchant", "list", "--json"]), 2).json()
      expect(r.error, make).toMatchObject({ tag: "BadInput" })
      expect(r.error.message, make).toContain(`cannot read the key file ${db}.key: not a regular file`)
    }
  })

  // Regression (CLI probe): a setting on two lines was read silently, the last one winning.
  it("a key file that sets a setting twice is bad input naming the setting and its lines, never a value", async () => {
    const dir = fresh()
    const db = join(dir, "k.db")
    expectExit(await paymux(["--db", db, "merchant", "create", "--name", "K", "--code", "imp00000004"]), 0)
    const keyPath = `${db}.key`
    const original = readFileSync(keyPath, "utf8")
    const { id, key, pepper } = keyFileValues(keyPath)
    const lines = original.split("\n")
    const line = (name: string) => lines.findIndex((l) => l.startsWith(`${name}=`)) + 1
    const otherKey = `other:${randomBytes(32).toString("base64")}`
    for (const { extra, setting, numbers } of [
      // The same value twice is refused too: which line is meant cannot be told.
      { extra: `PAYMUX_PEPPER=${pepper}\n`, setting: "PAYMUX_PEPPER", numbers: `lines ${line("PAYMUX_PEPPER")} and ${lines.length}` },
      {
        extra: `PAYMUX_MASTER_KEYS=${otherKey}\n`,
        setting: "PAYMUX_MASTER_KEYS",
        numbers: `lines ${line("PAYMUX_MASTER_KEYS")} and ${lines.length}`
      }
    ]) {
      writeFileSync(keyPath, original + extra, { mode: 0o600 })
      const asJson = expectExit(await paymux(["--db", db, "merchant", "list", "--json"]), 2)
      expect(asJson.json().error).toMatchObject({ tag: "BadInput", exitCode: 2 })
      expect(asJson.json().error.message).toBe(`the key file ${keyPath} sets ${setting} more than once (${numbers})`)
      const asText = expectExit(await paymux(["--db", db, "merchant", "list"]), 2)
      expect(asText.stderr).toContain(`sets ${setting} more than once (${numbers})`)
      for (const secret of [key, pepper, otherKey.slice(6), id])
        expect(asJson.stdout + asJson.stderr + asText.stdout + asText.stderr).not.toContain(secret)
    }
    // Review: a key pasted twice on lines of its own (`id:base64…=`) reads as a name before its `=`;
    // naming it as a repeated setting printed the whole key. Such lines are ignored, as before.
    const pasted = `${id}:${key}`
    writeFileSync(keyPath, `${original}${pasted}\n${pasted}\n`, { mode: 0o600 })
    const withPasted = expectExit(await paymux(["--db", db, "merchant", "list", "--json"]), 0)
    expect(withPasted.json()).toHaveLength(1)
    expect(withPasted.stdout + withPasted.stderr).not.toContain(key.slice(0, -1))
    writeFileSync(keyPath, original, { mode: 0o600 })
    expect(expectExit(await paymux(["--db", db, "merchant", "list", "--json"]), 0).json()).toHaveLength(1)
  })

  // Regression (CLI probe): a SQLite database without tables (`sqlite3 x.db vacuum`) was taken as
  // a new database but got no key file, so it could never store a secret.
  it("a SQLite database without tables gets its key file, as a new path does", async () => {
    const dir = fresh()
    const db = join(dir, "empty.db")
    const made = new Database(db)
    made.pragma("user_version = 0")
    made.exec("VACUUM")
    made.close()
    expect(readFileSync(db).subarray(0, 16).toString("latin1")).toBe("SQLite format 3\0")
    const created = expectExit(await paymux(["--db", db, "merchant", "create", "--name", "K", "--code", "imp00000002"]), 0)
    expect(created.stderr).toContain(`note: created the key file ${db}.key (mode 0600)`)
    expect(statSync(`${db}.key`).mode & 0o777).toBe(0o600)
    expect(keyFileValues(`${db}.key`).id).toMatch(/^local-[0-9a-f]{12}$/)
    const added = expectExit(await channelAdd(db, "AB100", "S1secret"), 0).json<{ key: string }>()
    const listed = expectExit(await paymux(["--db", db, "channel", "list", "-m", "imp00000002", "--json"]), 0).json<
      Array<{ key: string }>
    >()
    expect(listed.map((c) => c.key)).toEqual([added.key])
    // One key file, made once: a second command reads it.
    expect(expectExit(await paymux(["--db", db, "merchant", "list"]), 0).stderr).not.toContain("created the key file")
  })

  it("a directory or another program's file as --db gets no key file beside it", async () => {
    const dir = fresh()
    const foreign = join(dir, "notes.txt")
    writeFileSync(foreign, "not a database\n")
    expect((await paymux(["--db", dir, "merchant", "list"])).code).not.toBe(0)
    expect((await paymux(["--db", foreign, "merchant", "list"])).code).not.toBe(0)
    expect(existsSync(`${dir}.key`)).toBe(false)
    expect(existsSync(`${foreign}.key`)).toBe(false)
  })

  it("L1: six concurrent first starts agree on one key, round after round", async () => {
    for (let round = 0; round < 4; round++) {
      const dir = fresh()
      const db = join(dir, "kr.db")
      const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => paymux(["--db", db, "merchant", "create", "--name", `R${i}`])))
      for (const r of runs) expectExit(r, 0)
      const created = runs.filter((r) => r.stderr.includes("created the key file")).length
      expect(created, `round ${round}: processes that announced a new key file`).toBe(1)
      expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([])
      const merchants = expectExit(await paymux(["--db", db, "merchant", "list", "--json"]), 0).json<Array<{ code: string }>>()
      expect(merchants).toHaveLength(6)
      // The one key file is the key the database recorded: secrets seal and open.
      expectExit(
        await paymux([
          "--db",
          db,
          "channel",
          "add",
          "-m",
          merchants[0]!.code,
          "--mode",
          "live",
          "--pg",
          "kcp",
          "--mid",
          "AB1",
          "--type",
          "window.general",
          "--methods",
          "card",
          "--cred",
          "site_key=S1secret"
        ]),
        0
      )
      expectExit(await paymux(["--db", db, "channel", "list", "-m", merchants[0]!.code]), 0)
    }
  }, 240_000)
})

describe("KeyFile.createExclusive", () => {
  it("never replaces an existing file", () => {
    const path = join(fresh(), "x.key")
    expect(createExclusive(path, "first\n")).toBe(true)
    expect(createExclusive(path, "second\n")).toBe(false)
    expect(readFileSync(path, "utf8")).toBe("first\n")
    expect(readdirSync(join(path, "..")).filter((f) => f.endsWith(".tmp"))).toEqual([])
  })

  it("concurrent creators in separate processes: exactly one wins, every reader sees its whole file", async () => {
    const tsx = createRequire(import.meta.url).resolve("tsx")
    const script = fileURLToPath(new URL("./support/createKeyFile.ts", import.meta.url))
    for (let round = 0; round < 2; round++) {
      const dir = fresh()
      const path = join(dir, "race.key")
      const go = join(dir, "go")
      const racers = Array.from({ length: 6 }, (_, i) => {
        const text = `racer ${i}\n${"x".repeat(64 * 1024)}\n`
        const child = spawn(process.execPath, ["--import", tsx, "--conditions=@paymux/source", script, path, text, go])
        let out = ""
        const ready = new Promise<void>((resolve) =>
          child.stdout.on("data", (d: Buffer) => {
            out += d.toString("utf8")
            if (out.startsWith("ready\n")) resolve()
          })
        )
        const done = new Promise<{ created: boolean; text: string }>((resolve, reject) =>
          child.on("close", (code) =>
            code === 0
              ? resolve({ created: (JSON.parse(out.slice(6)) as { created: boolean }).created, text })
              : reject(new Error(`racer exit ${code}`))
          )
        )
        return { ready, done }
      })
      await Promise.all(racers.map((r) => r.ready))
      writeFileSync(go, "")
      const results = await Promise.all(racers.map((r) => r.done))
      const winners = results.filter((r) => r.created)
      expect(winners).toHaveLength(1)
      expect(readFileSync(path, "utf8")).toBe(winners[0]!.text)
      expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([])
    }
  }, 180_000)
})

// Operations probe, December 2026 (F3): the documented rotation (new key first, then drop the old)
// stranded every secret sealed with the old key; nothing re-sealed them and doctor failed whole.
describe("master-key rotation: keys reseal is the step between adding a key and dropping one", () => {
  const key = () => randomBytes(32).toString("base64")
  const pepper = key()
  const oldKey = `old:${key()}`
  const newKey = `new:${key()}`
  const as = (keys: string) => ({ env: { PAYMUX_MASTER_KEYS: keys, PAYMUX_PEPPER: pepper } })

  it("after reseal the old key can go: credentials and webhook secrets open with the new key alone; without it doctor names them", async () => {
    for (const resealFirst of [true, false]) {
      const db = join(fresh(), "rotate.db")
      const run = (keys: string, args: ReadonlyArray<string>) => paymux(["--db", db, ...args], as(keys))
      expectExit(await run(oldKey, ["merchant", "create", "--name", "Rotating", "--code", "imp00000009"]), 0)
      const added = expectExit(
        await run(oldKey, [
          "channel",
          "add",
          "-m",
          "imp00000009",
          "--mode",
          "live",
          "--pg",
          "kcp",
          "--mid",
          "R1",
          "--type",
          "window.general",
          "--methods",
          "card",
          "--cred",
          "site_key=ROTATED-SECRET",
          "--json"
        ]),
        0
      ).json<{ key: string }>()
      expectExit(await run(oldKey, ["webhook", "set", "-m", "imp00000009", "--mode", "live", "--url", "https://shop.example/hook"]), 0)
      // The rollout: every process runs with the new key first, which records it.
      expectExit(await run(`${newKey},${oldKey}`, ["merchant", "list"]), 0)
      if (resealFirst) {
        const resealed = expectExit(await run(`${newKey},${oldKey}`, ["keys", "reseal", "--json"]), 0).json<{
          channels: number
          webhookSecrets: number
          unreadable: ReadonlyArray<string>
        }>()
        expect(resealed).toEqual({ keyId: "new", merchants: 1, channels: 1, webhookSecrets: 1, unreadable: [] })
      }
      // The old key dropped.
      const doctor = await run(newKey, ["doctor", "--json"])
      if (resealFirst) {
        expectExit(doctor, 0)
        const shown = expectExit(await run(newKey, ["channel", "show", "-m", "imp00000009", added.key, "--json"]), 0)
        expect(shown.stdout).toContain('"readable": true')
        expectExit(await run(newKey, ["webhook", "show", "-m", "imp00000009"]), 0)
      } else {
        const findings = expectExit(doctor, 1).json<
          Array<{ findings: ReadonlyArray<{ check: string; channels: ReadonlyArray<string> }> }>
        >()[0]!.findings
        expect(findings.filter((f) => f.check === "secrets-unreadable").flatMap((f) => f.channels)).toEqual([added.key])
        expect(findings.filter((f) => f.check === "secrets-unreadable")).toHaveLength(2)
        const stuck = expectExit(await run(newKey, ["keys", "reseal", "--json"]), 1)
        expect(stuck.stdout).toContain(`imp00000009 channel ${added.key}`)
        expect(stuck.stdout + stuck.stderr).not.toContain("ROTATED-SECRET")
      }
    }
  })
})
