/**
 * What reaches the terminal or the pipe: complete `--json` through a slow pipe, a quiet end when
 * the reader goes away, parse errors in the requested format and without secrets, escaped control
 * characters, dates that always render, and the exit codes docs/cli.md promises (finding L4).
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import Database from "better-sqlite3"
import { PageLimit } from "@paymux/domain"
import type * as Command from "effect/cli/Command"
import * as Cli from "../src/Cli.ts"
import * as Output from "../src/Output.ts"
import { bin, expectExit, paymux, tempDir, transcript } from "./support/paymux.ts"
import { keyEnv, seedChannels } from "./support/seed.ts"

const dir = join(tempDir(), "output")
mkdirSync(dir, { recursive: true })
const big = join(dir, "big.db")
const env = keyEnv()
const bigMerchant = "imp00000011"
const db = join(dir, "small.db")
const m = "imp00000012"
const run = (args: ReadonlyArray<string>, input?: string) =>
  paymux(["--db", db, ...args], { env, ...(input === undefined ? {} : { input }) })

/** `sh -c script` with the built binary as $P; stdout/stderr of the shell. */
const shell = (script: string) =>
  execFileSync("sh", ["-c", script], { env: { ...process.env, ...env, P: `${process.execPath} ${bin}` }, cwd: dir, encoding: "utf8" })

beforeAll(() => {
  // ~1.3 MB of `channel list --json`: far more than a pipe buffer (64 KiB).
  seedChannels({ db: big, env, merchant: bigMerchant, channels: 2_000, nameLength: 100 })
}, 120_000)

describe("paymux output through pipes (M1, EPIPE)", () => {
  it("writes a >1 MB --json list completely through a slow pipe, every time", () => {
    const sizes: Array<number> = []
    for (let i = 0; i < 3; i++) {
      // The reader sleeps first, so the writer must wait for it: an exit before stdout drained
      // would cut the document at a multiple of the pipe buffer.
      shell(`$P --db big.db channel list -m ${bigMerchant} --json | (sleep 0.5; cat) > out.json; echo $? > rc`)
      const text = readFileSync(join(dir, "out.json"), "utf8")
      sizes.push(text.length)
      expect(text.length).toBeGreaterThan(1_000_000)
      expect(JSON.parse(text)).toHaveLength(2_000)
    }
    expect(new Set(sizes).size).toBe(1)
  })

  it("ends quietly (exit 0, nothing on stderr) when the reader closes early", () => {
    shell(`{ $P --db big.db channel list -m ${bigMerchant} --json 2> epipe.err; echo $? > epipe.rc; } | head -c 300 > /dev/null`)
    expect(readFileSync(join(dir, "epipe.err"), "utf8")).toBe("")
    expect(readFileSync(join(dir, "epipe.rc"), "utf8").trim()).toBe("0")
  })
})

describe("paymux parse errors and secrets (M6, L5, L8)", () => {
  beforeAll(async () => {
    expectExit(await run(["merchant", "create", "--name", "Out", "--code", m]), 0)
  })

  it("a malformed --cred names the flag, never the value, as JSON with --json", async () => {
    const args = [
      "channel",
      "add",
      "-m",
      m,
      "--mode",
      "test",
      "--pg",
      "kcp",
      "--type",
      "window.general",
      "--methods",
      "card",
      "--cred",
      "site_key:SUPERSECRET2"
    ]
    const asJson = expectExit(await run([...args, "--json"]), 2)
    expect(asJson.json().error).toMatchObject({ tag: "BadInput", exitCode: 2 })
    expect(asJson.json().error.message).toContain("--cred")
    const asText = expectExit(await run(args), 2)
    expect(asText.stderr).toContain("--cred")
    expect(asText.stdout).toBe("")
    expect(asJson.stdout + asJson.stderr + asText.stdout + asText.stderr).not.toContain("SUPERSECRET2")
  })

  it("any command-line error is one JSON document on stdout with --json (exit 2)", async () => {
    for (const args of [
      ["whitelist", "check", "--bogus", "1.1.1.1", "--json"],
      ["pg", "show", "--json"],
      ["nonsense", "--json"],
      ["webhook", "history", "-m", m, "--limit", "0", "--json"]
    ]) {
      const r = expectExit(await paymux(args), 2)
      expect(r.json().error).toMatchObject({ exitCode: 2 })
    }
  })

  // Regression (CLI probe): `paymux channel --json` printed the group's help text on stdout, exit 0.
  it("a command group without its subcommand is one JSON error naming the subcommands with --json (exit 2); help without", async () => {
    const groups: Array<{ path: ReadonlyArray<string>; subcommands: ReadonlyArray<string> }> = []
    const visit = (command: Command.Command.Any, path: ReadonlyArray<string>) => {
      const children = command.subcommands.flatMap((group) => group.commands).filter((c) => !c.unlisted)
      if (children.length > 0) groups.push({ path, subcommands: children.map((c) => c.name) })
      for (const child of children) visit(child, [...path, child.name])
    }
    visit(Cli.command, [])
    expect(groups.map((g) => g.path.join(" "))).toEqual(expect.arrayContaining(["", "channel", "merchant", "webhook", "webhook endpoint"]))
    for (const { path, subcommands } of groups) {
      const name = ["paymux", ...path].join(" ")
      const r = expectExit(await paymux([...path, "--json"]), 2)
      expect(r.stderr, name).toBe("")
      expect(r.json(), name).toEqual({
        error: {
          tag: "BadInput",
          exitCode: 2,
          message: `${name} needs a subcommand: ${subcommands.join(", ")}`,
          hint: `${name} --help lists the commands and flags`,
          details: { subcommands }
        }
      })
    }
    expect(expectExit(await paymux(["--json", "channel"]), 2).json().error.details.subcommands).toContain("default")
    // Without --json, and with --help, it is the group's help, as before.
    for (const args of [["channel"], ["channel", "--json", "--help"], []]) {
      const help = expectExit(await paymux(args), 0)
      expect(help.stdout, args.join(" ")).toContain("SUBCOMMANDS")
    }
  })

  it("reads channel secrets from --cred-file and from stdin (--cred name=-)", async () => {
    const file = join(dir, "kcp.cred")
    writeFileSync(file, "# KCP test credential\nsite_key=FILESECRET1\n", { mode: 0o600 })
    const add = (extra: ReadonlyArray<string>, input?: string) =>
      run(
        [
          "channel",
          "add",
          "-m",
          m,
          "--mode",
          "live",
          "--pg",
          "kcp",
          "--mid",
          `L${extra.length}${input === undefined ? "F" : "S"}`,
          "--type",
          "window.general",
          "--methods",
          "card",
          ...extra,
          "--json"
        ],
        input
      )
    const fromFile = expectExit(await add(["--cred-file", file]), 0).json()
    expect(fromFile.credentials.site_key).not.toContain("FILESECRET1")
    expect(Object.keys(fromFile.credentials)).toContain("site_key")
    const fromStdin = expectExit(await add(["--cred", "site_key=-"], "STDINSECRET1\n"), 0).json()
    expect(Object.keys(fromStdin.credentials)).toContain("site_key")
    const badLine = join(dir, "bad.cred")
    writeFileSync(badLine, "site_key FILESECRET2\n")
    const refused = expectExit(await add(["--cred-file", badLine]), 2)
    expect(refused.json().error.message).toContain("line 1")
    expectExit(await add(["--cred-file", join(dir, "missing.cred")]), 2)
    expectExit(await add(["--cred", "site_key=-", "--cred-file", "-"], "x"), 2)
    expect(transcript.join("\n")).not.toMatch(/FILESECRET|STDINSECRET/)
  })

  it("masks the password of a URL in error messages", async () => {
    const r = expectExit(await run(["webhook", "set", "-m", m, "--mode", "live", "--url", "https://a:SUPERSECRETPW@example.com/"]), 2)
    const j = expectExit(
      await run(["webhook", "set", "-m", m, "--mode", "live", "--url", "https://a:SUPERSECRETPW@example.com/", "--json"]),
      2
    )
    expect(r.stderr + j.stdout).not.toContain("SUPERSECRETPW")
    expect(r.stderr).toContain("***")
  })

  it("masks the user info of a URL in the spellings without // that WHATWG also reads", async () => {
    for (const url of [
      "https:a:SUPERSECRETPW@example.com/",
      "https:\\\\a:SUPERSECRETPW@example.com/",
      "https://SUPERSECRETPW@example.com/"
    ]) {
      const r = expectExit(await run(["webhook", "set", "-m", m, "--mode", "live", "--url", url]), 2)
      const j = expectExit(await run(["webhook", "set", "-m", m, "--mode", "live", "--url", url, "--json"]), 2)
      expect(r.stderr + j.stdout, url).not.toContain("SUPERSECRETPW")
      expect(r.stderr, url).toContain("***@example.com")
    }
  })

  it("maskUrlPasswords stays exported and masks every spelling", () => {
    expect(Output.maskUrlPasswords('got "https:/\\a:PW@example.com/"')).toBe('got "https:/\\a:***@example.com/"')
  })
})

describe("paymux text output is safe and total (M4, M5)", () => {
  it("refuses an expiry no date can hold, and renders one read from older data (M4)", async () => {
    const far = expectExit(await run(["apikey", "issue", "-m", m, "--name", "far", "--expires", "99999999d"]), 2)
    // Refused by the flag's own parser (a time no date can hold), before the admin's check.
    expect(far.stderr).toContain('--expires "99999999d" is not a time')
    expectExit(await run(["apikey", "issue", "-m", m, "--name", "far", "--expires", "30d"]), 0)
    expect(expectExit(await run(["apikey", "list", "-m", m]), 0).stdout).toContain("far")
    // Rows written before the bound still render rather than crash the whole view.
    expect(Output.time(8_641_796_391_544_565)).toBe("8641796391544565 (not a representable date)")
    expect(Output.time(0)).toBe("1970-01-01T00:00:00Z")
  })

  // Regression (review): `apikey issue --expires 5h` did not say when the key expires.
  it("apikey issue prints the expiry it set, in text and JSON", async () => {
    // Its own merchant: another test counts the keys of `m`.
    const owner = expectExit(await run(["merchant", "create", "--name", "Expiry", "--json"]), 0).json<{ code: string }>().code
    const before = Date.now()
    const text = expectExit(await run(["apikey", "issue", "-m", owner, "--name", "five-hours", "--expires", "5h"]), 0).stdout
    const shown = /^expires: (\S+)$/m.exec(text)?.[1]
    expect(shown, text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    const at = Date.parse(shown!)
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 5 * 3_600_000)
    expect(at).toBeLessThanOrEqual(Date.now() + 5 * 3_600_000)
    const json = expectExit(await run(["apikey", "issue", "-m", owner, "--name", "five-hours", "--expires", "5h", "--json"]), 0).json()
    expect(json.expiresAt).toBeGreaterThanOrEqual(before + 5 * 3_600_000)
    expect(json.expiresAt).toBeLessThanOrEqual(Date.now() + 5 * 3_600_000)
    expect(expectExit(await run(["apikey", "issue", "-m", owner, "--name", "no-expiry"]), 0).stdout).toContain("\nexpires: never\n")
  })

  it("never writes a stored string's control characters raw to the terminal", async () => {
    const url = "http://127.0.0.1:18500/ok\r\nlive URL:        https://evil.example/\u001b[2K\u001b[31mRED"
    const set = await run(["webhook", "set", "-m", m, "--mode", "test", "--url", url])
    // Refusing such a URL on input is fine too; storing it must not reach the terminal raw.
    expect([0, 2]).toContain(set.code)
    const show = expectExit(await run(["webhook", "show", "-m", m]), 0)
    for (const r of [set, show]) {
      expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/)
    }
    if (set.code === 0) expect(show.stdout).toContain("\\x1b[31mRED")
  })

  // Regression (CLI probe): a newline inside a quoted value printed a line of its own, so input
  // could forge an "error:" line, or a header line in `webhook sign`'s output.
  // Regression (CLI probe): some refusals echoed a 100,000-character value whole.
  it("a failure quotes at most 2,000 characters of a long value", async () => {
    const long = "x".repeat(100_000)
    for (const args of [["pg", "show", long], ["webhook", "resend", "-m", m, long], [long]]) {
      const r = expectExit(await run(args), 2)
      expect(r.stderr.length, args[0]).toBeLessThan(2 * 2_100)
      expect(r.stderr, args[0]).toContain("more characters)")
    }
  })

  it("a newline in a value an error quotes stays on the error's line", async () => {
    const r = expectExit(await run(["merchant", "create", "--name", "q", "--policy", "x\nerror: FAKE"]), 2)
    expect(r.stderr.split("\n").filter((l) => l.startsWith("error:"))).toHaveLength(1)
    expect(r.stderr).not.toMatch(/^error: FAKE/m)
    expect(r.stderr).toMatch(/^ {2}error: FAKE/m)
    // Review: the messages that do run over lines keep them (the fix above had put them on one).
    const typo = expectExit(await run(["merchnt"]), 2)
    expect(typo.stderr).toMatch(/^ +Did you mean this\?$/m)
    expect(typo.stderr).toMatch(/^ +merchant$/m)
    const body = join(dir, "sign-body.json")
    writeFileSync(body, "{}")
    const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`
    const sign = expectExit(await run(["webhook", "sign", "--secret", secret, "--id", "a\nwebhook-signature: v1,forged", body]), 2)
    expect(sign.stdout + sign.stderr).not.toMatch(/^webhook-signature: v1,forged/m)
  })
})

describe("paymux exit codes (L4)", () => {
  it("list commands of an unknown merchant are not found (exit 1)", async () => {
    for (const list of [
      ["apikey", "list"],
      ["group", "list"],
      ["webhook", "history"],
      ["submerchant", "list"]
    ]) {
      expectExit(await run([...list, "-m", "imp99999999"]), 1)
    }
  })

  it("refuses a negative --expires, a zero or negative --limit, a huge --concurrency and a malformed delivery id (exit 2)", async () => {
    const negative = expectExit(await run(["apikey", "issue", "-m", m, "--expires", "-5h"]), 2)
    expect(negative.stdout).toBe("")
    expectExit(await run(["apikey", "issue", "-m", m, "--expires=-5h"]), 2)
    expectExit(await run(["webhook", "history", "-m", m, "--limit", "-1"]), 2)
    expectExit(await run(["webhook", "history", "-m", m, "--limit", "0"]), 2)
    // The bound is the admin's (PageLimit), the same as the HTTP API's: the CLI once took up to 1000.
    const over = expectExit(await run(["webhook", "history", "-m", m, "--limit", String(PageLimit.deliveryHistory.max + 1)]), 2)
    expect(over.stderr).toContain(`between 1 and ${PageLimit.deliveryHistory.max}`)
    expectExit(await run(["webhook", "dispatch", "--once", "--concurrency", "10000000"]), 2)
    expectExit(await run(["webhook", "resend", "-m", m, "nope"]), 2)
    const keys = expectExit(await run(["apikey", "list", "-m", m, "--json"]), 0).json<Array<{ name: string }>>()
    expect(keys.map((k) => k.name)).toEqual(["far"])
  })

  it("a --db that is a directory or another program's file fails (exit 3) and leaves nothing behind", async () => {
    const place = join(dir, "stray")
    mkdirSync(join(place, "folder"), { recursive: true })
    writeFileSync(join(place, "notes.txt"), "not a database\n")
    expectExit(await paymux(["--db", join(place, "folder"), "merchant", "list"]), 3)
    expectExit(await paymux(["--db", join(place, "notes.txt"), "merchant", "list"]), 3)
    expectExit(await paymux(["--db", join(place, "absent", "x.db"), "merchant", "list"]), 3)
    expect(readdirSync(place).sort()).toEqual(["folder", "notes.txt"])
    expect(readdirSync(join(place, "folder"))).toEqual([])
  })

  // Regression (CLI probe): another program's SQLite database was migrated into, even by a
  // command that only reads, and then held no key file, so it could never store a secret.
  it("another program's SQLite database is refused (exit 3) and left as it was", async () => {
    const place = join(dir, "foreign")
    mkdirSync(place, { recursive: true })
    const file = join(place, "app.db")
    const app = new Database(file)
    app.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'a')")
    app.close()
    for (const args of [
      ["merchant", "list"],
      ["merchant", "create", "--name", "X"]
    ]) {
      const r = expectExit(await paymux(["--db", file, ...args], { env }), 3)
      expect(r.stderr).toContain("another program's SQLite database")
    }
    const after = new Database(file, { readonly: true })
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: "users" }])
    after.close()
    expect(readdirSync(place)).toEqual(["app.db"])
  })

  it("a command that only reads refuses a database file that does not exist (a mistyped --db) and creates nothing", async () => {
    const place = join(dir, "typo")
    mkdirSync(place, { recursive: true })
    for (const args of [["merchant", "list"], ["whitelist", "show", "-m", "imp12345678"], ["doctor"]]) {
      const r = expectExit(await paymux(["--db", join(place, "paymx.db"), ...args], { env }), 3)
      expect(r.stderr).toContain(`no database at ${join(place, "paymx.db")}`)
    }
    expect(readdirSync(place)).toEqual([])
    // A command that changes something creates it.
    expectExit(await paymux(["--db", join(place, "paymux.db"), "merchant", "create", "--name", "Shop"], { env }), 0)
    expectExit(await paymux(["--db", join(place, "paymux.db"), "merchant", "list"], { env }), 0)
  })

  it("serve --trusted-proxy with host bits set is a CIDR error (exit 2)", async () => {
    const r = expectExit(await paymux(["--db", join(dir, "serve.db"), "serve", "--port", "0", "--trusted-proxy", "1.1.1.1/24"], { env }), 2)
    expect(r.stderr).not.toContain("cannot listen")
    expect(r.stderr).toContain("1.1.1.0/24")
  })

  it("offers no --wizard (paymux reads no interactive input): help does not list it and the flag is refused (exit 2)", async () => {
    expect(expectExit(await paymux(["merchant", "create", "--help"]), 0).stdout).not.toContain("--wizard")
    expect(expectExit(await paymux(["merchant", "create", "--wizard"]), 2).stderr).toContain("Unrecognized flag: --wizard")
  })

  it("serve on a --host that is not an address of this machine says so, not to pick another port", async () => {
    const r = expectExit(await paymux(["--db", join(dir, "serve.db"), "serve", "--port", "0", "--host", "notahost.invalid"], { env }), 2)
    expect(r.stderr).toContain("cannot listen on notahost.invalid:0")
    expect(r.stderr).toContain("--host is not an address of this machine")
  })
})
