// Regression (surface-parity probe, F2): errors.md promises one stable `code` on every surface,
// but a resolve miss printed only `reason: "ChannelNotFound"`, and a value the CLI refuses itself
// (an address that is not one, `--limit 0`) ended as `tag: "BadInput"` without the `invalid-input`
// the facade and the core give the same value.
import { join } from "node:path"
import { ErrorCatalog } from "@paymux/admin"
import { beforeAll, describe, expect, it } from "vitest"
import { expectExit, paymux, tempDir } from "./support/paymux.ts"

const db = join(tempDir(), "codes.db")
const M = "imp30000007"
const run = (args: ReadonlyArray<string>) => paymux(["--db", db, "--json", ...args])

beforeAll(async () => {
  expectExit(await run(["merchant", "create", "--name", "Codes", "--code", M]), 0)
  expectExit(await run(["submerchant", "create", "-m", M, "--tier", "T01"]), 0)
  expectExit(await run(["channel", "add", "-m", M, "--mode", "test", "--pg", "kcp", "--type", "window.general", "--methods", "card"]), 0)
})

describe("a resolve miss carries the error table's code", () => {
  it("no matching channel is channel-not-found, an unknown tier unknown-tier (exit 1 from the table); reason stays", async () => {
    const miss = expectExit(
      await run(["resolve", "-m", M, "--mode", "test", "--pg", "kcp", "--pay-method", "phone", "--type", "window.subscription"]),
      ErrorCatalog.entry("channel-not-found").exitCode
    ).json()
    expect(miss).toMatchObject({ resolved: false, code: "channel-not-found", reason: "ChannelNotFound" })
    expect(miss.rejected).toHaveLength(1)
    const tier = expectExit(await run(["resolve", "-m", M, "--tier", "ZZZ"]), ErrorCatalog.entry("unknown-tier").exitCode).json()
    expect(tier).toMatchObject({ resolved: false, code: "unknown-tier", reason: "UnknownTier", rejected: [] })
  })
})

describe("a value the CLI refuses itself is invalid-input, as the core refuses it (exit 2)", () => {
  const invalid = async (args: ReadonlyArray<string>, field: string) => {
    const error = expectExit(await run(args), 2).json().error
    expect(error, args.join(" ")).toMatchObject({ tag: "BadInput", code: "invalid-input", exitCode: 2, details: { field } })
  }

  it("an address that is not one, a limit out of range or not a number, a time that is not one, a malformed member", async () => {
    await invalid(["whitelist", "check", "-m", M, "0177.0.0.1"], "ip")
    await invalid(["whitelist", "check", "--cidr", "10.0.0.0/8", "0177.0.0.1"], "ip")
    await invalid(["webhook", "history", "-m", M, "--limit", "0"], "limit")
    await invalid(["webhook", "history", "-m", M, "--limit", "501"], "limit")
    await invalid(["webhook", "history", "-m", M, "--limit", "ten"], "limit")
    await invalid(["webhook", "resend-failed", "-m", M, "--since", "1d", "--limit", "0"], "limit")
    await invalid(["webhook", "resend-failed", "-m", M, "--since", "yesterday"], "since")
    await invalid(["channel", "list", "-m", M, "--mode", "bogus"], "mode")
    await invalid(["group", "create", "-m", M, "--name", "G", "--mode", "test", "--member", "channel-key-x=half"], "member")
    expect(ErrorCatalog.entry("invalid-input").exitCode).toBe(2)
  })

  it("a command line of the wrong shape keeps no code: a missing flag, one given twice, nothing to change", async () => {
    for (const args of [
      ["webhook", "history"],
      ["webhook", "history", "-m", M, "--limit", "1", "--limit", "2"],
      ["webhook", "set", "-m", M, "--mode", "test"],
      ["whitelist", "check", "10.0.0.1"]
    ]) {
      const error = expectExit(await run(args), 2).json().error
      expect(error, args.join(" ")).toMatchObject({ tag: "BadInput", exitCode: 2 })
      expect(error.code, args.join(" ")).toBeUndefined()
    }
  })
})
