/**
 * What `paymux serve` checks and says before it serves: a bad flag or a port in use ends it before
 * the store is opened, so no database or key file is left behind; a store with no merchant, and
 * `--allow-private-webhooks`, get one line on stderr. And that `--max-connections` reaches the server.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { once } from "node:events"
import { connect, createServer, type Server } from "node:net"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bin, expectExit, paymux, tempDir } from "./support/paymux.ts"

let taken: Server
let takenPort = 0

beforeAll(async () => {
  taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve))
  takenPort = (taken.address() as { port: number }).port
})
afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())))

let folders = 0
const emptyFolder = (): string => {
  const folder = join(tempDir(), `serve-startup-${++folders}`)
  mkdirSync(folder)
  return folder
}

/** Starts `serve --port 0` and resolves once it listens, with its URL, its stderr so far and a stop. */
const startServe = async (db: string, flags: ReadonlyArray<string> = []) => {
  const child: ChildProcess = spawn(process.execPath, [bin, "--db", db, "serve", "--port", "0", "--no-console", ...flags], {
    cwd: emptyFolder(),
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")))
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString("utf8")
      if (stdout.includes("Ctrl-C stops it.")) resolve()
    })
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${stdout}\n${stderr}`)))
  })
  const exited = new Promise((resolve) => child.on("exit", resolve))
  return {
    url: /listening on (\S+)/.exec(stdout)![1]!,
    stop: async (): Promise<string> => {
      child.kill("SIGINT")
      await exited
      return stderr
    }
  }
}

/** Starts `serve --port 0` and resolves with its stderr once it listens, then stops it. */
const startupNotes = async (db: string, flags: ReadonlyArray<string> = []): Promise<string> => (await startServe(db, flags)).stop()

describe("paymux serve checks its flags before it opens the store", () => {
  const refused: ReadonlyArray<readonly [string, () => ReadonlyArray<string>, () => string]> = [
    ["a port out of range", () => ["--port", "99999"], () => "--port must be between 0 and 65535, got 99999"],
    [
      "a console directory that does not exist",
      () => ["--port", "0", "--console-dir", "/nope"],
      () => "the console directory /nope does not exist"
    ],
    ["a --trusted-proxy that is no CIDR", () => ["--port", "0", "--trusted-proxy", "bogus"], () => 'Invalid CIDR "bogus"'],
    ["a --max-connections under 1", () => ["--port", "0", "--max-connections", "0"], () => "--max-connections must be 1 or more, got 0"],
    ["a port in use", () => ["--port", String(takenPort)], () => `cannot listen on 127.0.0.1:${takenPort}: EADDRINUSE`]
  ]
  for (const [what, flags, message] of refused) {
    it(`${what}: exit 2, and no database or key file, with --db or without`, async () => {
      const folder = emptyFolder()
      const named = expectExit(await paymux(["--db", join(folder, "x.db"), "serve", ...flags()], { cwd: folder }), 2)
      expect(named.stderr).toContain(message())
      expect(named.stderr).not.toContain("key file")
      const unnamed = expectExit(await paymux(["serve", ...flags()], { cwd: folder }), 2)
      expect(unnamed.stderr).toContain(message())
      expect(readdirSync(folder)).toEqual([])
    })
  }

  it("a wrong --db still fails before the server is announced (exit 3)", async () => {
    const folder = emptyFolder()
    const r = expectExit(await paymux(["--db", folder, "serve", "--port", "0"], { cwd: folder }), 3)
    expect(r.stderr).toContain("is a directory")
    expect(r.stdout).not.toContain("listening")
  })
})

describe("paymux serve's notes on stderr", () => {
  it("a database with no merchant gets a note naming paymux merchant create; one with a merchant none", async () => {
    // An empty file, as `touch` leaves: serve makes it a database (a missing file it refuses).
    const db = join(emptyFolder(), "empty.db")
    writeFileSync(db, "")
    const empty = await startupNotes(db)
    expect(empty.split("\n")).toContain(
      `note: the database ${db} has no merchant, so no API key can sign in: create one with paymux merchant create (or check --db)`
    )
    expectExit(await paymux(["--db", db, "merchant", "create", "--name", "Shop"]), 0)
    expect(await startupNotes(db)).not.toContain("no merchant")
  })

  it("--allow-private-webhooks warns in one line; without it there is no warning", async () => {
    const db = join(emptyFolder(), "shop.db")
    expectExit(await paymux(["--db", db, "merchant", "create", "--name", "Shop"]), 0)
    const allowed = (await startupNotes(db, ["--allow-private-webhooks"])).split("\n").filter((l) => l.startsWith("warning:"))
    expect(allowed).toEqual(["warning: --allow-private-webhooks: merchants' webhook URLs may reach loopback and private network addresses"])
    expect(await startupNotes(db)).not.toContain("warning:")
  })
})

/** `GET /health` on a new connection: the status line, or "closed" when the server closes it unanswered. */
const health = (url: string): Promise<string> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url)
    const socket = connect(Number(port), hostname, () => socket.write("GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"))
    let text = ""
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")))
    socket.on("error", () => undefined)
    socket.on("close", () => resolve(text === "" ? "closed" : text.slice(0, text.indexOf("\r\n"))))
  })

// Regression (limits probe 2): nothing bounded the connections, so 20k idle ones from one client
// used up the server's file descriptors and every new client, /health too, was reset.
describe("paymux serve --max-connections", () => {
  it("closes a connection past the bound unanswered, and answers again once one ends", async () => {
    const db = join(emptyFolder(), "shop.db")
    expectExit(await paymux(["--db", db, "merchant", "create", "--name", "Shop"]), 0)
    const server = await startServe(db, ["--max-connections", "1"])
    const { hostname, port } = new URL(server.url)
    const idle = connect(Number(port), hostname)
    try {
      // The idle connection is the server's only one once it answers on it.
      idle.write("GET /health HTTP/1.1\r\nhost: x\r\n\r\n")
      await once(idle, "data")
      expect(await health(server.url)).toBe("closed")
      idle.destroy()
      await expect.poll(() => health(server.url)).toBe("HTTP/1.1 200 OK")
    } finally {
      idle.destroy()
      await server.stop()
    }
  })
})
