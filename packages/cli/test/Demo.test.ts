/** `paymux demo` (what `npm start` runs) completes on a fresh machine-like environment. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { expectExit, paymux, tempDir } from "./support/paymux.ts"

// The credential values DemoSteps passes in (kept in sync by hand: the test must not import the
// code under test to learn what it must not print).
const demoSecrets = [
  "demo-kcp-site-key-0001",
  "live_sk_demo_secret_0001",
  "naver-demo-client-secret-0001",
  "nice-demo-merchant-key-a",
  "nice-demo-merchant-key-b"
]

describe("paymux demo", () => {
  it("runs every step to completion and prints no secret", async () => {
    const r = expectExit(await paymux(["demo"]), 0)
    for (const step of [
      "[1/8]",
      "[8/8]",
      "test-mid-required",
      "fell back",
      "no channel:",
      "signature verified",
      "old secret refused",
      "Done in"
    ]) {
      expect(r.stdout).toContain(step)
    }
    for (const s of demoSecrets) expect(r.stdout + r.stderr).not.toContain(s)
    expect(r.stdout).not.toMatch(/whsec_[A-Za-z0-9+/]{20}/)
    expect(r.stdout).not.toMatch(/sk_[A-Za-z0-9_-]{20}/)
  })

  it("recreates --file each run, keeps it with --keep, and reports as JSON", async () => {
    const file = join(tempDir(), "demo.db")
    expectExit(await paymux(["demo", "--file", file, "--keep"]), 0)
    const second = expectExit(await paymux(["demo", "--file", file, "--keep", "--json"]), 0).json()
    expect(second).toMatchObject({ ok: true, db: file, kept: true })
    expect(second.steps).toHaveLength(8)
    expect(existsSync(file)).toBe(true)
    const channels = expectExit(await paymux(["--db", file, "channel", "list", "--merchant", second.merchant, "--json"]), 0).json()
    expect(channels.length).toBeGreaterThanOrEqual(8)
    expectExit(await paymux(["demo", "--file", file]), 0)
    expect(existsSync(file)).toBe(false)
  })

  // Regression (review): the live KCP channel used A52Q7, a KCP test code the catalog notes.
  it("gives its live channels MIDs that are nowhere in their PG's catalog entry (no test code)", async () => {
    const file = join(tempDir(), "demo-live.db")
    const demo = expectExit(await paymux(["demo", "--file", file, "--keep", "--json"]), 0).json()
    const channels = expectExit(await paymux(["--db", file, "channel", "list", "--merchant", demo.merchant, "--json"]), 0).json<
      Array<{ mode: string; pg: string; mid: string }>
    >()
    const live = channels.filter((c) => c.mode === "live")
    expect(live.map((c) => c.pg)).toContain("kcp")
    for (const channel of live) {
      const entry = JSON.stringify(expectExit(await paymux(["pg", "show", channel.pg, "--json"]), 0).json())
      expect(entry, `${channel.pg}.${channel.mid}`).not.toContain(channel.mid)
    }
  })

  // Regression (CLI probe): `demo --file` deleted whatever was at the path, a real database and
  // its key file included.
  it("takes an empty file as a new one (mktemp)", async () => {
    const empty = join(tempDir(), "empty.db")
    writeFileSync(empty, "")
    expectExit(await paymux(["demo", "--file", empty]), 0)
  })

  it("refuses a --file that is not a demo database and deletes nothing", async () => {
    const dir = tempDir()
    const real = join(dir, "shop.db")
    const made = expectExit(await paymux(["--db", real, "merchant", "create", "--name", "Real Shop", "--json"]), 0).json()
    const notes = join(dir, "notes.txt")
    writeFileSync(notes, "keep me")
    const folder = join(dir, "folder")
    mkdirSync(folder)
    for (const path of [real, notes, folder]) {
      const refused = expectExit(await paymux(["demo", "--file", path, "--json"]), 2).json()
      expect(refused.error).toMatchObject({ tag: "BadInput" })
      expect(refused.error.message).toContain("not a demo database")
    }
    // Review: with the database moved away, its key file was deleted and replaced.
    renameSync(real, `${real}.bak`)
    const keyText = readFileSync(`${real}.key`, "utf8")
    expectExit(await paymux(["demo", "--file", real]), 2)
    expect(readFileSync(`${real}.key`, "utf8")).toBe(keyText)
    renameSync(`${real}.bak`, real)
    expect(readFileSync(notes, "utf8")).toBe("keep me")
    expect(existsSync(`${real}.key`)).toBe(true)
    const merchants = expectExit(await paymux(["--db", real, "merchant", "list", "--json"]), 0).json()
    expect(merchants.map((m: { code: string }) => m.code)).toEqual([made.code])
  })
})
