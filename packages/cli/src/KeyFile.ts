/**
 * The master key and pepper that protect secrets at rest. In order:
 *
 * 1. `PAYMUX_MASTER_KEYS` and `PAYMUX_PEPPER` from the environment (the store's `KeyProvider`
 *    format: `id:base64key,...`, current first) for every store;
 * 2. for `--db :memory:`, a key that lives as long as the process;
 * 3. for a SQLite file, a key file beside it (`<db>.key`, mode 0600), created only together with
 *    a new database (no file yet, an empty one, or a SQLite database without tables; atomically,
 *    so concurrent first starts agree on one key), in the same `KEY=value` format, so it can be
 *    moved into the environment as is;
 * 4. otherwise (PostgreSQL without the environment, or an existing SQLite database whose key
 *    file is gone), a provider without keys: the store refuses it with `KeyMismatch` when the
 *    database was sealed with keys, and on a database that never was, commands that touch no
 *    secret still work and the others name the variables to set.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { closeSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs"
import { dirname } from "node:path"
import { KeyProvider, StoreError } from "@paymux/store"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as CliFailure from "./CliFailure.ts"

/**
 * Where the keys came from, for `paymux` to mention once when it creates a key file.
 *
 * @since 0.1.0
 * @category models
 */
export type Source =
  | { readonly _tag: "Environment" }
  | { readonly _tag: "Ephemeral" }
  | { readonly _tag: "KeyFile"; readonly path: string; readonly created: boolean }
  | { readonly _tag: "Missing" }

/**
 * The key file of a SQLite database file.
 *
 * @since 0.1.0
 * @category getters
 */
export const pathFor = (dbPath: string): string => `${dbPath}.key`

/** The two settings a key file holds; other lines are ignored. */
const settings: ReadonlyArray<string> = ["PAYMUX_MASTER_KEYS", "PAYMUX_PEPPER"]

/**
 * The `KEY=value` lines of a key file, and each of the two settings given on more than one line
 * (with its line numbers, from 1): a repeated setting is refused rather than one of its values
 * guessed. Only those two names are ever reported: the text before a `=` of another line may be a
 * key pasted on its own (`id:base64…=`).
 */
const parseEnvFile = (
  text: string
): {
  readonly values: Record<string, string>
  readonly repeated: ReadonlyArray<{ readonly name: string; readonly lines: ReadonlyArray<number> }>
} => {
  const values: Record<string, string> = {}
  const linesOf = new Map<string, Array<number>>()
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim()
    if (trimmed === "" || trimmed.startsWith("#")) return
    const eq = trimmed.indexOf("=")
    if (eq <= 0) return
    const name = trimmed.slice(0, eq).trim()
    values[name] = trimmed.slice(eq + 1).trim()
    linesOf.set(name, [...(linesOf.get(name) ?? []), index + 1])
  })
  const repeated = [...linesOf]
    .filter(([name, lines]) => settings.includes(name) && lines.length > 1)
    .map(([name, lines]) => ({ name, lines }))
  return { values, repeated }
}

/** `[3, 5, 9]` as "lines 3, 5 and 9". */
const lineList = (lines: ReadonlyArray<number>): string => `lines ${lines.slice(0, -1).join(", ")} and ${lines.at(-1)}`

const fromText = (keys: string, pepper: string) =>
  Effect.flatMap(KeyProvider.parseKeys(keys), (parsed) => KeyProvider.make({ keys: parsed, pepper }))

const badKeys = (where: string) => (error: StoreError.StoreError) =>
  CliFailure.badInput(
    `the keys in ${where} are not usable: ${error.message}`,
    "PAYMUX_MASTER_KEYS is id:base64key[,id:base64key...] of 32 random bytes each (openssl rand -base64 32); PAYMUX_PEPPER is base64 of at least 32 bytes"
  )

const keyFileText = (dbPath: string, keys: string, pepper: string): string =>
  [
    `# Paymux keys for ${dbPath}: they encrypt the PG credentials and webhook secrets stored in it.`,
    "# Keep this file private (mode 0600) and back it up with the database: without it the",
    "# stored secrets cannot be opened. To use the environment instead, export both lines.",
    `PAYMUX_MASTER_KEYS=${keys}`,
    `PAYMUX_PEPPER=${pepper}`,
    ""
  ].join("\n")

/**
 * Publishes a new key file all at once: written and fsynced under a private temporary name,
 * then hard-linked to `path`, which fails when `path` exists (unlike rename, which would replace
 * it). Concurrent first starts therefore agree: one link wins, the others read the winner's
 * complete file. Returns whether this call created it.
 */
export const createExclusive = (path: string, text: string): boolean => {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`
  const fd = openSync(temp, "wx", 0o600)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } catch (e) {
    // A full disk left an empty temporary file beside the database.
    closeSync(fd)
    unlinkSync(temp)
    throw e
  }
  closeSync(fd)
  try {
    linkSync(temp, path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false
    throw e
  } finally {
    unlinkSync(temp)
  }
  // The new directory entry survives a crash only once the directory is synced.
  try {
    const dir = openSync(dirname(path), "r")
    try {
      fsyncSync(dir)
    } finally {
      closeSync(dir)
    }
  } catch {
    // Some file systems refuse to sync a directory; the file itself is synced.
  }
  return true
}

const readKeyFile = (path: string): Effect.Effect<KeyProvider.KeyProvider["Service"], CliFailure.CliFailure> =>
  Effect.gen(function* () {
    const cannotRead = (why: string) =>
      CliFailure.badInput(`cannot read the key file ${path}: ${why}`, "it must be a regular file this user can read (chmod 600)")
    const failedRead = (e: unknown) => cannotRead((e as NodeJS.ErrnoException).code ?? String(e))
    const stat = yield* Effect.try({ try: () => statSync(path), catch: failedRead })
    // Not a FIFO or a device: reading one blocks the process, past SIGTERM.
    if (!stat.isFile()) return yield* Effect.fail(cannotRead("not a regular file"))
    const mode = stat.mode & 0o777
    if ((mode & 0o077) !== 0) {
      // Keys readable by others are refused, as ssh refuses a world-readable private key.
      return yield* Effect.fail(
        CliFailure.badInput(`the key file ${path} is readable by other users (mode ${mode.toString(8)})`, `chmod 600 ${path}`)
      )
    }
    const text = yield* Effect.try({ try: () => readFileSync(path, "utf8"), catch: failedRead })
    const { repeated, values } = parseEnvFile(text)
    if (repeated.length > 0) {
      // Names and line numbers only: the values are the keys.
      return yield* Effect.fail(
        CliFailure.badInput(
          `the key file ${path} sets ${repeated.map((r) => `${r.name} more than once (${lineList(r.lines)})`).join("; ")}`,
          "keep one line per setting, the one this database was created with (restore the key file from a backup if unsure)"
        )
      )
    }
    const keys = values.PAYMUX_MASTER_KEYS
    const pepper = values.PAYMUX_PEPPER
    if (keys === undefined || pepper === undefined) {
      return yield* Effect.fail(
        CliFailure.badInput(
          `the key file ${path} lacks PAYMUX_MASTER_KEYS or PAYMUX_PEPPER`,
          "restore it from a backup; without it stored secrets cannot be opened"
        )
      )
    }
    return yield* Effect.mapError(fromText(keys, pepper), badKeys(path))
  })

const missing = (detail: string): KeyProvider.KeyProvider["Service"] => {
  const fail = Effect.fail(StoreError.misconfigured("PAYMUX_MASTER_KEYS", detail))
  return KeyProvider.KeyProvider.of({ current: fail, byId: () => fail, pepper: fail })
}

/**
 * Reads the key file; creates one only together with a new database (`isNew`: no file at `dbPath`
 * yet, an empty one, or a SQLite database without tables, as `Store.checkSqliteFile` found it).
 * An existing database without its key file gets no keys: the store then refuses it with
 * `KeyMismatch`, naming the key it was sealed with, instead of sealing with a new one.
 */
const keyFile = (
  dbPath: string,
  isNew: boolean
): Effect.Effect<{ provider: KeyProvider.KeyProvider["Service"]; source: Source }, CliFailure.CliFailure> =>
  Effect.gen(function* () {
    const path = pathFor(dbPath)
    // The database was looked at first (`isNew`): a first start creates the key file before the
    // database, so a database seen then has its key file visible by the next line, unless it is lost.
    if (existsSync(path)) return { provider: yield* readKeyFile(path), source: { _tag: "KeyFile", path, created: false } as Source }
    if (!isNew) {
      return {
        provider: missing(
          `the key file ${path} of the existing database ${dbPath} is missing: restore it from a backup, or set PAYMUX_MASTER_KEYS and PAYMUX_PEPPER`
        ),
        source: { _tag: "Missing" } as Source
      }
    }
    // A key id unique to this key, so keys from different files are never confused.
    const keys = `local-${randomBytes(6).toString("hex")}:${Redacted.value(KeyProvider.generateKey())}`
    const pepper = Redacted.value(KeyProvider.generateKey())
    const created = yield* Effect.try({
      try: () => createExclusive(path, keyFileText(dbPath, keys, pepper)),
      catch: (e) =>
        CliFailure.storeUnavailable(
          `cannot create the key file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
          "check that the database directory exists and is writable, or set PAYMUX_MASTER_KEYS and PAYMUX_PEPPER"
        )
    })
    return { provider: yield* readKeyFile(path), source: { _tag: "KeyFile", path, created } as Source }
  })

/**
 * The key provider for a store target, and where its keys came from.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (
  target:
    | { readonly kind: "sqlite-file"; readonly path: string; readonly isNew: boolean }
    | { readonly kind: "memory" }
    | { readonly kind: "postgres" }
): Effect.Effect<{ readonly provider: KeyProvider.KeyProvider["Service"]; readonly source: Source }, CliFailure.CliFailure> =>
  Effect.gen(function* () {
    const keys = process.env.PAYMUX_MASTER_KEYS
    const pepper = process.env.PAYMUX_PEPPER
    if (keys !== undefined && keys !== "") {
      if (pepper === undefined || pepper === "") {
        return yield* Effect.fail(
          CliFailure.badInput(
            "PAYMUX_MASTER_KEYS is set but PAYMUX_PEPPER is not",
            "set both, or neither to use the key file beside a SQLite database"
          )
        )
      }
      const provider = yield* Effect.mapError(fromText(keys, pepper), badKeys("PAYMUX_MASTER_KEYS/PAYMUX_PEPPER"))
      return { provider, source: { _tag: "Environment" } as Source }
    }
    switch (target.kind) {
      case "memory":
        return { provider: KeyProvider.makeEphemeral(), source: { _tag: "Ephemeral" } as Source }
      case "sqlite-file":
        return yield* keyFile(target.path, target.isNew)
      case "postgres":
        return {
          provider: missing("no master key: set PAYMUX_MASTER_KEYS and PAYMUX_PEPPER to store or read secrets in PostgreSQL"),
          source: { _tag: "Missing" } as Source
        }
    }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (provider: KeyProvider.KeyProvider["Service"]): Layer.Layer<KeyProvider.KeyProvider> =>
  Layer.succeed(KeyProvider.KeyProvider, provider)
