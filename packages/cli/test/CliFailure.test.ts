import { ErrorCatalog, PaymuxError } from "@paymux/admin"
import { StoreError } from "@paymux/store"
import { Problem } from "@paymux/http"
import * as Effect from "effect/Effect"
import * as Runtime from "effect/Runtime"
import { describe, expect, it } from "vitest"
import * as CliFailure from "../src/CliFailure.ts"
import { paymux } from "./support/paymux.ts"

const cliOf = (error: unknown) => Effect.runPromise(CliFailure.fromError(error))

const catalogued = ErrorCatalog.codes.filter((c): c is Exclude<ErrorCatalog.Code, "internal"> => c !== "internal")

describe("one error table for the facade, HTTP and the CLI", () => {
  it("every admin failure has the same code on all three surfaces, and its status, type and exit code come from its row", async () => {
    expect(catalogued.length).toBe(ErrorCatalog.codes.length - 1)
    for (const code of catalogued) {
      const failure = ErrorCatalog.example(code)
      const entry = ErrorCatalog.entry(code)
      const facade = PaymuxError.fromFailure(failure)
      const problem = Problem.fromError(failure)
      const cli = await cliOf(failure)
      expect([facade.code, problem.code, cli.code], code).toEqual([code, code, code])
      expect([facade.status, problem.status], code).toEqual([entry.status, entry.status])
      expect(problem.type, code).toBe(ErrorCatalog.problemType(code))
      expect([facade.retryable, problem.retryable], code).toEqual([entry.retryable, entry.retryable])
      expect(cli.exitCode, code).toBe(entry.exitCode)
      expect(cli[Runtime.errorExitCode], code).toBe(entry.exitCode)
      expect(cli.message.length, code).toBeGreaterThan(0)
    }
  })

  it("anything the table does not know is its internal row, on the facade and in the CLI", async () => {
    const defect = new Error("Service not found: @paymux/store/KeyProvider")
    const cli = await cliOf(defect)
    expect(cli).toMatchObject({ code: "internal", exitCode: ErrorCatalog.entry("internal").exitCode, message: defect.message })
    const facade = PaymuxError.fromFailure(defect)
    expect(facade).toBeInstanceOf(PaymuxError.InternalError)
    expect(facade.status).toBe(ErrorCatalog.entry("internal").status)
  })

  it("errors outside the admin layer keep their own exit codes; a CliFailure stays as it is", async () => {
    expect((await cliOf({ _tag: "NoMatchingSignature", message: "no matching signature" })).exitCode).toBe(1)
    expect((await cliOf({ _tag: "InvalidSecret", message: "not a whsec_ secret" })).exitCode).toBe(2)
    expect((await cliOf({ _tag: "NoMatchingSignature", message: "x" })).code).toBeUndefined()
    const own = CliFailure.badInput("--db is empty")
    expect(await cliOf(own)).toBe(own)
  })

  it("a missing resource names the exact command that lists what exists (first-use #4)", async () => {
    expect((await cliOf(ErrorCatalog.example("not-found"))).hint).toBe("list what exists with: paymux merchant list")
  })

  it("a webhook URL refused at its place in the settings is hinted at by its flag, --url, not by the place", async () => {
    const { DomainError } = await import("@paymux/domain")
    for (const field of ["test.endpoints.0.url", "noticeUrls.0"]) {
      const hint = (await cliOf(new DomainError.InvalidInput({ field, value: '"ftp://x"', rule: "a URL" }))).hint
      expect(hint).toContain("--url")
      expect(hint).not.toContain(field)
    }
  })

  it("key configuration stays exit 2 with the key hint, the store-unusable codes exit 3", async () => {
    expect(await cliOf(ErrorCatalog.example("configuration"))).toMatchObject({ exitCode: 2, tag: "KeyConfiguration" })
    for (const code of ["store-unavailable", "schema-too-new", "store-corrupt"] as const) {
      expect((await cliOf(ErrorCatalog.example(code))).exitCode, code).toBe(3)
    }
    // Regression (ops probe): a newer schema was hinted as a mistyped --db.
    expect((await cliOf(ErrorCatalog.example("schema-too-new"))).hint).toMatch(/newer Paymux has migrated this database/)
  })

  it("the binary's JSON error carries the table's code next to the exit code", async () => {
    const run = await paymux(["--db", ":memory:", "--json", "merchant", "show", "imp00000001"])
    expect(run.code).toBe(1)
    expect(run.json().error).toMatchObject({
      tag: "NotFound",
      code: "not-found",
      exitCode: 1,
      hint: "list what exists with: paymux merchant list"
    })
  })
})

describe("a store that did not answer says why, not 'check --db' (operations probe F5, F6)", () => {
  it("a held write lock and a file this user cannot write each get their own hint; anything else the --db hint", async () => {
    const locked = await cliOf(StoreError.unavailable("LockTimeoutError: database is locked"))
    expect([locked.exitCode, locked.hint]).toEqual([3, expect.stringContaining("write lock")])
    const readonly = await cliOf(StoreError.unavailable("UnknownError: attempt to write a readonly database"))
    expect(readonly.hint).toContain("-wal and -shm")
    expect((await cliOf(StoreError.unavailable("connect ECONNREFUSED 127.0.0.1:1"))).hint).toContain("check --db")
  })

  // Regression (storage probe): a full disk, a refused password, a missing permission and a damaged
  // file all got "check --db" (or, for the damage, "a different master key").
  it("a full disk, a refused password, a missing permission, a lock timeout and a damaged file each say what to do", async () => {
    expect((await cliOf(StoreError.unavailable("UnknownError: database or disk is full"))).hint).toContain(
      "disk that holds the database is full"
    )
    // A refused password is a setting to correct (exit 2, not retryable), not a store that is away.
    const password = await cliOf(
      StoreError.misconfigured("url", 'the database server refused the user or password: password authentication failed for user "x"')
    )
    expect([password.exitCode, password.code, password.tag, password.hint]).toEqual([
      2,
      "configuration",
      "Misconfigured",
      expect.stringContaining("user or password of the postgres:// URL")
    ])
    const permission = await cliOf(
      StoreError.unavailable("AuthorizationError: PgConnection: Query failed: permission denied for schema public")
    )
    expect(permission.hint).toContain("lacks a permission")
    const lock = await cliOf(
      StoreError.unavailable("LockTimeoutError: PgConnection: Query failed: canceling statement due to lock timeout")
    )
    expect(lock.hint).toContain("write lock")
    const damaged = await cliOf(
      StoreError.corrupt("database", "the database file is damaged or is not a SQLite database (file is not a database)")
    )
    expect([damaged.exitCode, damaged.hint]).toEqual([3, expect.stringContaining("restore the database from a backup")])
    const secret = await cliOf(StoreError.corrupt("secret", "the ciphertext does not authenticate (tampered, wrong key or wrong row)"))
    expect(secret.hint).toContain("different master key")
  })
})
