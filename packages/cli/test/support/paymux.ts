/** Runs the built `paymux` binary as a child process, as a user would. */
import { execFileSync, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url))

export interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** stdout parsed as JSON (throws with the raw output when it is not). */
  json<A = any>(): A
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>
  readonly input?: string
  readonly cwd?: string
  /** Flags for node itself, before the script (`--import`). */
  readonly nodeArgs?: ReadonlyArray<string>
}

/** Every output produced in this test file, for the "secrets never printed" checks. */
export const transcript: Array<string> = []

// The tests set the store explicitly; the caller's environment must not leak in.
const baseEnv = (): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("PAYMUX_")) env[k] = v
  }
  return env
}

export const paymux = (args: ReadonlyArray<string>, options: RunOptions = {}): Promise<Run> =>
  new Promise((resolve, reject) => {
    const env = { ...baseEnv(), ...options.env }
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k]
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], {
      env: env as NodeJS.ProcessEnv,
      cwd: options.cwd ?? tempDir(),
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")))
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")))
    child.on("error", reject)
    child.on("close", (code) => {
      transcript.push(stdout, stderr)
      resolve({
        code,
        stdout,
        stderr,
        json: () => {
          try {
            return JSON.parse(stdout)
          } catch {
            throw new Error(`stdout of \`paymux ${args.join(" ")}\` is not JSON (exit ${code}):\n${stdout}\n--- stderr ---\n${stderr}`)
          }
        }
      })
    })
    child.stdin.end(options.input ?? "")
  })

let dir: string | undefined
export const tempDir = (): string => (dir ??= mkdtempSync(join(tmpdir(), "paymux-cli-test-")))

/** Fails with the full output when the exit code is not the expected one. */
export const expectExit = (run: Run, code: number): Run => {
  if (run.code !== code) {
    throw new Error(`expected exit ${code}, got ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`)
  }
  return run
}

/**
 * Creates the SQLite database `db` with one merchant, as an operator does before `serve` or
 * `webhook dispatch` (they refuse a file that does not exist); returns `db`.
 */
export const createDatabase = (db: string, env: Record<string, string> = {}): string => {
  execFileSync(process.execPath, [bin, "--db", db, "merchant", "create", "--name", "Shop"], {
    env: { ...baseEnv(), ...env },
    cwd: tempDir(),
    stdio: "ignore"
  })
  return db
}

/**
 * Starts `paymux --db DB serve --port 0 --json` with `flags` (and `env` added to this process's
 * environment) and resolves once it prints where it listens. The caller stops the child (SIGINT
 * for a graceful stop).
 */
export const startServe = async (
  db: string,
  flags: ReadonlyArray<string> = [],
  env: Record<string, string> = {}
): Promise<{ readonly url: string; readonly child: ReturnType<typeof spawn> }> => {
  const child = spawn(process.execPath, [bin, "--db", db, "serve", "--port", "0", "--json", ...flags], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let out = ""
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString("utf8")
      try {
        resolve(JSON.parse(out).url)
      } catch {
        /* not complete yet */
      }
    })
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)))
  })
  return { url, child }
}
