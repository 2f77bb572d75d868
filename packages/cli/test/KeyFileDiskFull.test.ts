/**
 * Regression (storage probe): a key file that could not be written (a full disk) left an empty
 * `<db>.key.<pid>.<random>.tmp` beside the database. The temporary file is real here; only the
 * write fails, as it does on a full disk.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, expect, it, vi } from "vitest"

vi.mock("node:fs", async (original) => ({
  ...(await original<typeof import("node:fs")>()),
  writeSync: () => {
    throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })
  }
}))

const { createExclusive } = await import("../src/KeyFile.ts")
const dir = mkdtempSync(join(tmpdir(), "paymux-keyfile-full-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it("a key file the disk has no room for fails and leaves nothing beside the database", () => {
  expect(() => createExclusive(join(dir, "paymux.db.key"), "PAYMUX_MASTER_KEYS=k1:AAAA\n")).toThrow(/ENOSPC/)
  expect(readdirSync(dir)).toEqual([])
})
