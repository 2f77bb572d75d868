import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { describe, expect, it } from "vitest"
import * as CredentialInput from "../src/CredentialInput.ts"

const dir = mkdtempSync(join(tmpdir(), "paymux-cred-"))
const file = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text, { mode: 0o600 })
  return path
}
const read = (creds: ReadonlyArray<string>, path?: string) =>
  Effect.runPromiseExit(CredentialInput.read(creds, path === undefined ? Option.none() : Option.some(path)))

/** The failure's message and exit code; fails the test when reading succeeded. */
const refusal = (exit: Exit.Exit<unknown, { readonly message: string; readonly exitCode: number }>) => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a refusal, got ${JSON.stringify(exit.value)}`)
  const failure = exit.cause.reasons.find((r) => r._tag === "Fail")
  if (failure === undefined || failure._tag !== "Fail") throw new Error("expected a failure, not a defect")
  return failure.error
}

describe("CredentialInput.read", () => {
  it("a --cred of a field in the file replaces it (the documented override)", async () => {
    const exit = await read(["site_key=FROMFLAG"], file("override.cred", "site_key=FROMFILE\n"))
    expect(exit).toEqual(Exit.succeed({ site_key: "FROMFLAG" }))
  })

  // Regression (CLI probe, left alone last time): the last of two values was kept silently.
  it("refuses one field given twice by --cred, naming the field and never a value", async () => {
    const failure = refusal(await read(["site_key=SECRETONE", "other=x", "site_key=SECRETTWO"]))
    expect(failure.exitCode).toBe(2)
    expect(failure.message).toContain("site_key is given twice (--cred #1 and --cred #3)")
    expect(failure.message).not.toMatch(/SECRETONE|SECRETTWO/)
  })

  it("refuses one field given twice in a --cred-file, naming both lines and never a value", async () => {
    const path = file("twice.cred", "# KCP\nsite_key=SECRETONE\n\nsite_key=SECRETTWO\n")
    const failure = refusal(await read([], path))
    expect(failure.exitCode).toBe(2)
    expect(failure.message).toContain(`--cred-file ${path}: site_key is given twice (line 2 and line 4)`)
    expect(failure.message).not.toMatch(/SECRETONE|SECRETTWO/)
  })

  // Regression (security re-test): site_key="X" stored the quotes as part of the key.
  it("refuses a value in quotes in a --cred-file, naming the line and the field, never the value", async () => {
    for (const line of ['site_key="SECRETQ"', "site_key='SECRETQ'", 'site_key = "SECRETQ" ']) {
      const path = file("quoted.cred", `# KCP\n${line}\n`)
      const failure = refusal(await read([], path))
      expect(failure.exitCode).toBe(2)
      expect(failure.message).toContain(`--cred-file ${path} line 2: the value of site_key is in quotes`)
      expect(failure.message).not.toContain("SECRETQ")
    }
    // A quote inside a value, or only at one end, is the value's own.
    expect(await read([], file("inner.cred", 'site_key=ab"cd\nother="x\n'))).toEqual(Exit.succeed({ site_key: 'ab"cd', other: '"x' }))
  })
})

// Regression (data-lifecycle probe, F8): a secret given as --cred name=value went by without a
// word, where a password in --db gets a warning about the process list.
describe("CredentialInput.secretsOnCommandLine", () => {
  const secret = ["merchant_key", "cancel_password"]
  it("names the secret fields given as name=value, never a value", () => {
    const warning = CredentialInput.secretsOnCommandLine(["merchant_key=MK-S3CRET", "group_id=G1", "cancel_password=-"], secret)
    expect(warning).toContain("--cred merchant_key put a secret on the command line")
    expect(warning).toContain("--cred-file FILE or --cred NAME=-")
    expect(warning).not.toContain("MK-S3CRET")
    expect(warning).not.toContain("cancel_password")
    expect(warning).not.toContain("group_id")
  })
  it("says nothing for plain fields, values read from stdin, or none given", () => {
    expect(CredentialInput.secretsOnCommandLine(["group_id=G1", "merchant_key=-"], secret)).toBeUndefined()
    expect(CredentialInput.secretsOnCommandLine([], secret)).toBeUndefined()
  })
})
