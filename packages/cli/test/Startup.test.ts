/**
 * What a command loads, read from the built binary as it runs: the commands that need no store
 * must not load a database driver, the store or the admin use cases (docs/cli.md), which
 * are most of the start-up cost of `paymux --help` (`npm run bench:startup`).
 */
import { randomBytes } from "node:crypto"
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { expectExit, paymux, tempDir } from "./support/paymux.ts"

const recorder = fileURLToPath(new URL("./support/recordLoads.mjs", import.meta.url))

/** The source files of every module `paymux args` loaded, through the build's source maps. */
const loadedSources = async (args: ReadonlyArray<string>, exitCode: number): Promise<ReadonlyArray<string>> => {
  const file = join(tempDir(), "loads.txt")
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

describe("what a command loads", () => {
  it("the commands that need no store load neither a database driver, the store nor the admin use cases", async () => {
    const body = join(tempDir(), "startup-body.json")
    writeFileSync(body, '{"type":"Transaction.Paid"}')
    const secret = `whsec_${randomBytes(32).toString("base64")}`
    const stateless: ReadonlyArray<readonly [ReadonlyArray<string>, number]> = [
      [["--help"], 0],
      [["audit", "list", "--help"], 0],
      [["pg", "list"], 0],
      [["pg", "show", "kcp"], 0],
      [["whitelist", "normalize", "10.0.0.0/8"], 0],
      [["whitelist", "check", "--cidr", "10.0.0.0/8", "10.1.2.3"], 0],
      [["webhook", "sign", "--secret", secret, "--id", "msg_1", "--timestamp", "1700000000", body], 0]
    ]
    for (const [args, code] of stateless) {
      const sources = await loadedSources(args, code)
      expect(sources.length, args.join(" ")).toBeGreaterThan(0)
      expect(
        sources.filter((s) => storeSide.test(s)),
        args.join(" ")
      ).toEqual([])
    }
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
