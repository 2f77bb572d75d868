/**
 * What a command loads, read from the built binary as it runs: the commands that need no store
 * must not load a database driver, the store or the admin use cases (docs/cli.md), which
 * are most of the start-up cost of `paymux --help` (`npm run bench:startup`).
 *
 * Every leaf command of the tree (`Cli.command`, walked by support/commandTree.ts) must be in
 * exactly one of `stateless` and `needsStore` below; a new command fails the first test until it
 * is. A command that reads no store goes in `stateless` with the arguments of a run that does its
 * work, and that run must load nothing of the store. Every leaf's `--help` is checked too, which
 * catches a command module that imports the store or `@paymux/admin` eagerly.
 */
import { createHmac, randomBytes } from "node:crypto"
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { leafPaths } from "./support/commandTree.ts"
import { expectExit, paymux, tempDir } from "./support/paymux.ts"

const recorder = fileURLToPath(new URL("./support/recordLoads.mjs", import.meta.url))

let recordings = 0

/** The source files of every module `paymux args` loaded, through the build's source maps. */
const loadedSources = async (args: ReadonlyArray<string>, exitCode: number): Promise<ReadonlyArray<string>> => {
  const file = join(tempDir(), `loads-${++recordings}.txt`)
  rmSync(file, { force: true })
  expectExit(await paymux(args, { nodeArgs: ["--import", recorder], env: { PAYMUX_LOADS_FILE: file } }), exitCode)
  const sources: Array<string> = []
  for (const url of readFileSync(file, "utf8").trim().split("\n")) {
    const path = fileURLToPath(url)
    if (!existsSync(`${path}.map`)) {
      sources.push(path)
      continue
    }
    const map = JSON.parse(readFileSync(`${path}.map`, "utf8")) as { readonly sources: ReadonlyArray<string> }
    for (const source of map.sources) sources.push(resolve(dirname(path), source))
  }
  return sources
}

const storeSide =
  /[\\/]packages[\\/](admin|store|store-sqlite|store-postgres|http|webhook-delivery|channel-resolver)[\\/]src[\\/]|better-sqlite3/

const body = join(tempDir(), "startup-body.json")
writeFileSync(body, '{"type":"Transaction.Paid"}')
const secretBytes = randomBytes(32)
const secret = `whsec_${secretBytes.toString("base64")}`
const signature = `v1,${createHmac("sha256", secretBytes).update('msg_1.1700000000.{"type":"Transaction.Paid"}').digest("base64")}`

type Runs = ReadonlyArray<readonly [args: ReadonlyArray<string>, exitCode: number]>

/** The commands that read no store, each with runs that do its work. */
const stateless: Readonly<Record<string, Runs>> = {
  "pg list": [[["pg", "list"], 0]],
  "pg show": [[["pg", "show", "kcp"], 0]],
  "whitelist normalize": [[["whitelist", "normalize", "10.0.0.0/8"], 0]],
  // With -m it reads the merchant's list from the store; --cidr needs none.
  "whitelist check": [[["whitelist", "check", "--cidr", "10.0.0.0/8", "10.1.2.3"], 0]],
  "webhook sign": [[["webhook", "sign", "--secret", secret, "--id", "msg_1", "--timestamp", "1700000000", body], 0]],
  "webhook verify": [
    [
      [
        "webhook",
        "verify",
        "--secret",
        secret,
        "--now",
        "1700000000",
        ...["id=msg_1", "timestamp=1700000000", `signature=${signature}`].flatMap((h) => ["--header", `webhook-${h}`]),
        body
      ],
      0
    ]
  ]
}

/** The commands that open the store (through `withStore`, `readStore` or their own adapter). */
const needsStore: ReadonlySet<string> = new Set([
  ...["merchant create", "merchant list", "merchant show", "merchant policy", "merchant remove"],
  ...["submerchant create", "submerchant list", "submerchant rename", "submerchant delete"],
  ...["channel add", "channel list", "channel show", "channel edit", "channel enable", "channel disable", "channel remove"],
  ...["channel assign", "channel unassign", "channel default"],
  ...["group create", "group list", "group edit", "group delete"],
  ...["resolve", "doctor", "audit list", "audit prune"],
  ...["webhook set", "webhook show", "webhook test", "webhook history", "webhook resend", "webhook resend-failed"],
  ...["webhook dispatch", "webhook prune", "webhook rotate-secret", "webhook retire-secret", "webhook cancel-rotation"],
  ...["webhook endpoint add", "webhook endpoint update", "webhook endpoint remove", "webhook endpoint enable"],
  ...["whitelist set", "whitelist add", "whitelist remove", "whitelist show"],
  ...["apikey issue", "apikey list", "apikey rotate", "apikey revoke", "apikey verify"],
  ...["keys reseal", "migrate", "serve", "demo"]
])

const leaves = leafPaths.map((path) => path.join(" "))

/** The store-side packages `paymux args` loaded modules of (none is the point). */
const storePackages = async (args: ReadonlyArray<string>, exitCode: number): Promise<ReadonlyArray<string>> => {
  const sources = await loadedSources(args, exitCode)
  expect(sources.length, args.join(" ")).toBeGreaterThan(0)
  const packages = new Set<string>()
  for (const source of sources) {
    const match = storeSide.exec(source)
    if (match !== null) packages.add(match[1] ?? "better-sqlite3")
  }
  return [...packages].sort()
}

describe("what a command loads", () => {
  it("every command is listed as stateless or as needing a store", () => {
    const listed = [...Object.keys(stateless), ...needsStore]
    expect(
      leaves.filter((leaf) => !listed.includes(leaf)),
      "commands in neither `stateless` nor `needsStore` (Startup.test.ts)"
    ).toEqual([])
    expect(
      listed.filter((path) => !leaves.includes(path)),
      "listed paths that are no command"
    ).toEqual([])
    expect(Object.keys(stateless).filter((path) => needsStore.has(path))).toEqual([])
  })

  it("the commands that need no store load neither a database driver, the store nor the admin use cases", async () => {
    const found: Record<string, ReadonlyArray<string>> = {}
    for (const [path, runs] of Object.entries({ "paymux --help": [[["--help"], 0]] as Runs, ...stateless })) {
      for (const [args, code] of runs) {
        const loaded = await storePackages(args, code)
        if (loaded.length > 0) found[path] = [...new Set([...(found[path] ?? []), ...loaded])]
      }
    }
    expect(found, "the store-side packages each stateless command loaded").toEqual({})
  })

  it("no command's --help loads them", { timeout: 180_000 }, async () => {
    const found: Record<string, ReadonlyArray<string>> = {}
    // A few at a time: each is a process start.
    const pending = [...leafPaths]
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let path = pending.shift(); path !== undefined; path = pending.shift()) {
          const loaded = await storePackages([...path, "--help"], 0)
          if (loaded.length > 0) found[path.join(" ")] = loaded
        }
      })
    )
    expect(found, "the store-side packages each command's --help loaded").toEqual({})
  })

  it("only the pg commands load the PG catalog", async () => {
    const catalog = /[\\/]packages[\\/]domain[\\/]src[\\/](PgCatalog|internal[\\/]catalogData)\.ts$/
    expect((await loadedSources(["--help"], 0)).filter((s) => catalog.test(s))).toEqual([])
    expect((await loadedSources(["whitelist", "normalize", "10.0.0.0/8"], 0)).filter((s) => catalog.test(s))).toEqual([])
    // The recorder does see it where it is needed.
    expect((await loadedSources(["pg", "list"], 0)).filter((s) => catalog.test(s)).length).toBe(2)
  })

  it("a store-backed command does load them (the recorder sees what a command loads)", async () => {
    const sources = await loadedSources(["--db", ":memory:", "merchant", "list"], 0)
    for (const pkg of ["admin", "store", "store-sqlite"]) {
      expect(
        sources.some((s) => s.includes(join("packages", pkg, "src"))),
        pkg
      ).toBe(true)
    }
  })
})
