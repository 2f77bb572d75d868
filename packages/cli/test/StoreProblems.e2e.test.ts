/**
 * What the CLI says about a `--db` an operator got wrong, or that went wrong under it (operations
 * probe): a missing SQLite file for `serve` and `webhook dispatch`, a PostgreSQL password in the
 * process list, a database in a folder SQLite cannot write to, and a damaged file for `doctor`.
 */
import { spawn } from "node:child_process"
import { chmodSync, chownSync, closeSync, copyFileSync, mkdirSync, openSync, readdirSync, statSync, writeSync } from "node:fs"
import { dirname, join } from "node:path"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import { bin, expectExit, paymux, tempDir } from "./support/paymux.ts"

let folders = 0
const emptyFolder = (): string => {
  const folder = join(tempDir(), `store-problems-${++folders}`)
  mkdirSync(folder)
  return folder
}

/** A folder holding a database with one merchant. */
const databaseWithMerchant = async (): Promise<string> => {
  const db = join(emptyFolder(), "paymux.db")
  expectExit(await paymux(["--db", db, "merchant", "create", "--name", "Shop", "--code", "imp40000001"]), 0)
  return db
}

describe("serve and webhook dispatch refuse a SQLite file that does not exist", () => {
  for (const [command, args] of [
    ["serve", ["serve", "--port", "0", "--no-console"]],
    ["webhook dispatch --once", ["webhook", "dispatch", "--once"]],
    ["webhook dispatch", ["webhook", "dispatch"]]
  ] as const) {
    it(`${command}: exit 3 naming the path, and nothing created`, async () => {
      const folder = emptyFolder()
      const db = join(folder, "paymux.db")
      const r = expectExit(await paymux(["--db", db, ...args], { cwd: folder }), 3)
      expect(r.stderr).toContain(`no database at ${db}`)
      expect(r.stderr).toContain("paymux merchant create")
      expect(r.stdout).not.toContain("listening")
      expect(readdirSync(folder)).toEqual([])
      // PAYMUX_DB too: the mount an operator forgot.
      expectExit(await paymux(args, { cwd: folder, env: { PAYMUX_DB: db } }), 3)
      expect(readdirSync(folder)).toEqual([])
    })
  }
})

describe("a PostgreSQL password in --db", () => {
  const warning =
    "warning: --db holds a PostgreSQL password, which other users of this machine can read in the process list (ps); set PAYMUX_DB instead"
  // Nothing listens on port 9 (discard): the command fails, after the warning.
  const url = "postgres://paymux:Hunter2Secret@127.0.0.1:9/paymux"

  it("gets one warning on stderr, and the password and the URL are printed nowhere", async () => {
    const r = await paymux(["--db", url, "merchant", "list"])
    expect(r.stderr.split("\n").filter((l) => l.startsWith("warning:"))).toEqual([warning])
    expect(r.stdout + r.stderr).not.toContain("Hunter2Secret")
    expect(r.stdout + r.stderr).not.toContain(url)
  })

  it("gets none from PAYMUX_DB, or from a URL without a password", async () => {
    expect((await paymux(["merchant", "list"], { env: { PAYMUX_DB: url } })).stderr).not.toContain("warning:")
    expect((await paymux(["--db", "postgres://paymux@127.0.0.1:9/paymux", "merchant", "list"])).stderr).not.toContain("warning:")
  })
})

// chmod does not stop root: as root, the CLI runs as nobody (uid 65534), who owns the database
// but not the folder.
const asRoot = process.getuid?.() === 0
const nobody = 65534

/**
 * As nobody, the CLI must reach its own files: a checkout under a folder closed to others (`mktemp
 * -d` makes it 0700) gets search permission for others on each such ancestor while the test runs.
 * Returns how to put the modes back.
 */
const openPathTo = (file: string): (() => void) => {
  const changed: Array<readonly [string, number]> = []
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777
    if ((mode & 0o001) === 0) {
      changed.push([dir, mode])
      chmodSync(dir, mode | 0o001)
    }
  }
  return () => {
    for (const [dir, mode] of changed) chmodSync(dir, mode)
  }
}

/** Runs the CLI as a user who cannot write to `folder` (this one, or nobody when tests run as root). */
const runWithoutWriteAccess = (args: ReadonlyArray<string>, folder: string) =>
  new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: folder,
      stdio: ["ignore", "ignore", "pipe"],
      ...(asRoot ? { uid: nobody, gid: nobody } : {})
    })
    let stderr = ""
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stderr }))
  })

describe("a database in a folder SQLite cannot write to", () => {
  it("says the folder is not writable, not that the path is wrong (exit 3)", async () => {
    const db = await databaseWithMerchant()
    const folder = join(db, "..")
    const restore = asRoot ? openPathTo(bin) : () => {}
    if (asRoot) {
      chmodSync(tempDir(), 0o711)
      for (const f of readdirSync(folder)) chownSync(join(folder, f), nobody, nobody)
    }
    chmodSync(folder, 0o555)
    try {
      for (const args of [["doctor"], ["merchant", "list"]]) {
        const r = await runWithoutWriteAccess(["--db", db, ...args], folder)
        expect(r.code, r.stderr).toBe(3)
        expect(r.stderr).toContain(`--db ${db} is there, but SQLite cannot open it`)
        expect(r.stderr).toContain(`its folder ${folder} is not writable (a read-only filesystem, or permissions)`)
        expect(r.stderr).not.toContain("give the path of a SQLite database file")
      }
    } finally {
      chmodSync(folder, 0o755)
      restore()
    }
  })
})

describe("paymux doctor on a damaged SQLite file", () => {
  it("reports what PRAGMA quick_check finds (exit 1), where it said ok", async () => {
    const db = await databaseWithMerchant()
    expectExit(await paymux(["--db", db, "doctor"]), 0)
    const damaged = join(emptyFolder(), "paymux.db")
    copyFileSync(db, damaged)
    copyFileSync(`${db}.key`, `${damaged}.key`)
    // The audit log's root page, which doctor's own checks never read: its cell count (bytes 3-4
    // of the page header) set to 0, while the table's indexes still count its rows.
    const file = new Database(damaged, { readonly: true })
    const pageSize = file.pragma("page_size", { simple: true }) as number
    const root = (file.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'paymux_audit_log'").get() as { rootpage: number }).rootpage
    file.close()
    const fd = openSync(damaged, "r+")
    writeSync(fd, Buffer.from([0, 0]), 0, 2, (root - 1) * pageSize + 3)
    closeSync(fd)

    const text = expectExit(await paymux(["--db", damaged, "doctor"]), 1)
    expect(text.stderr).toContain(`error: the database ${damaged} is damaged (PRAGMA quick_check)`)
    expect(text.stderr).toContain(`on page ${root}`)
    expect(text.stderr).toContain("wrong # of entries in index")
    expect(text.stderr).toContain("restore a good backup")
    const json = expectExit(await paymux(["--db", damaged, "doctor", "--json"]), 1).json()
    expect(json.error).toMatchObject({ tag: "DatabaseDamaged", exitCode: 1 })
    expect(json.error.details.quickCheck.join("\n")).toContain("wrong # of entries in index")
  })
})
