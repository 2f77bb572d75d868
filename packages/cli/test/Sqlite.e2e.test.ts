/** The store-backed commands on a SQLite file in a temporary directory, keys in a key file. */
import { mkdtempSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { createDatabase, expectExit, paymux, startServe, tempDir } from "./support/paymux.ts"
import { storeSuite } from "./support/storeSuite.ts"

const db = join(tempDir(), "e2e.db")

storeSuite("SQLite", async () => ({ db }))

// Regression (CLI probe): --pay-method was required, so an identity-verification channel (which
// takes no pay method) could never be resolved, nor a request for any method.
describe("paymux resolve without --pay-method", () => {
  it("resolves an identity-verification channel, and a payment channel for any method", async () => {
    const file = join(tempDir(), "certification.db")
    const M = "imp30000001"
    expectExit(await paymux(["--db", file, "merchant", "create", "--name", "Verify", "--code", M]), 0)
    const add = (args: ReadonlyArray<string>) =>
      paymux(["--db", file, "channel", "add", "--merchant", M, "--mode", "test", "--json", ...args]).then((r) => expectExit(r, 0).json())
    const certification = await add(["--pg", "danal", "--mid", "CP1", "--type", "certification", "--cred", "cp_pwd=x"])
    const payment = await add(["--pg", "kcp", "--type", "window.general", "--methods", "card"])
    const resolve = (args: ReadonlyArray<string>) =>
      paymux(["--db", file, "resolve", "--merchant", M, "--mode", "test", "--json", ...args]).then((r) => expectExit(r, 0).json())
    expect(await resolve(["--type", "certification"])).toMatchObject({ channel: { key: certification.key } })
    expect(await resolve(["--pg", "kcp"])).toMatchObject({ channel: { key: payment.key } })
  })
})

describe("paymux on SQLite: storage details", () => {
  it("keeps a 0600 key file beside the database", () => {
    expect(statSync(`${db}.key`).mode & 0o777).toBe(0o600)
  })

  it("refuses a key file readable by others (exit 2)", async () => {
    const other = join(tempDir(), "loose.db")
    expectExit(await paymux(["--db", other, "merchant", "create", "--name", "Loose"]), 0)
    const { chmodSync } = await import("node:fs")
    chmodSync(`${other}.key`, 0o644)
    const r = expectExit(await paymux(["--db", other, "merchant", "list"]), 2)
    expect(r.stderr).toContain("chmod 600")
  })

  // Upgrade probe F5: files the first builds made are 0644 and keep that mode; nothing said so.
  it("notes on stderr a database readable by other users, and stays quiet once it is 0600", async () => {
    const other = join(tempDir(), "open.db")
    expectExit(await paymux(["--db", other, "merchant", "create", "--name", "Open"]), 0)
    expect(statSync(other).mode & 0o777).toBe(0o600)
    const { chmodSync } = await import("node:fs")
    chmodSync(other, 0o644)
    const noisy = expectExit(await paymux(["--db", other, "merchant", "list", "--json"]), 0)
    expect(noisy.json()).toHaveLength(1)
    expect(noisy.stderr).toContain(`note: the database ${other} is readable by other users (mode 644)`)
    expect(noisy.stderr).toContain(`chmod 600 ${other}`)
    chmodSync(other, 0o600)
    expect(expectExit(await paymux(["--db", other, "merchant", "list"]), 0).stderr).not.toContain("readable by other users")
  })

  it("reads PAYMUX_DB, and runs on :memory:", async () => {
    const viaEnv = join(tempDir(), "env.db")
    expectExit(await paymux(["merchant", "create", "--name", "Env", "--code", "imp20000002"], { env: { PAYMUX_DB: viaEnv } }), 0)
    expect(expectExit(await paymux(["--db", viaEnv, "merchant", "list", "--json"]), 0).json()).toHaveLength(1)
    expectExit(await paymux(["--db", ":memory:", "merchant", "create", "--name", "Mem"]), 0)
    expect(expectExit(await paymux(["--db", ":memory:", "merchant", "list", "--json"]), 0).json()).toEqual([])
  })

  it("store unavailable is exit 3; an unsupported --db is exit 2", async () => {
    expectExit(await paymux(["--db", join(tempDir(), "missing-dir", "x.db"), "merchant", "list"]), 3)
    expectExit(await paymux(["--db", "mysql://root@localhost/db", "merchant", "list"]), 2)
  })

  // Regression (CLI probe): a URL without "//" became a SQLite file named after the password, which
  // every note then printed.
  it("a URL without // is refused, not taken as a file name, and its password is not printed", async () => {
    const dir = mkdtempSync(join(tempDir(), "scheme-"))
    for (const db of [
      "postgresql:postgres:SEKRETB1@127.0.0.1",
      "https:user:SEKRETC1@example.com",
      "postgres:/postgres:SEKRETB4@127.0.0.1:5432/x"
    ]) {
      const r = expectExit(await paymux(["--db", db, "merchant", "create", "--name", "X"], { cwd: dir }), 2)
      expect(r.stdout + r.stderr, db).not.toContain("SEKRET")
      expect(readdirSync(dir), db).toEqual([])
    }
  })
})

describe("paymux serve", () => {
  it("serves the OpenAPI document over the --db store and stops on SIGINT", async () => {
    const { url, child } = await startServe(createDatabase(join(tempDir(), "serve.db")))
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string }
    expect(doc.openapi).toMatch(/^3\.1/)
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve))
    child.kill("SIGINT")
    expect(await exited).toBe(130)
  })

  it("fails with exit 3 when the store cannot be opened", async () => {
    expectExit(await paymux(["--db", join(tempDir(), "nope", "x.db"), "serve", "--port", "0"]), 3)
  })
})
