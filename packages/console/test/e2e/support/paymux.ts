/**
 * A real `paymux serve` on a temp SQLite file for one browser test file, with a merchant and an
 * API key made by the CLI beforehand, as a merchant's operator would.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect } from "@playwright/test"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { assetsDirectory } from "../../../src/index.ts"

const bin = fileURLToPath(new URL("../../../../cli/dist/bin.js", import.meta.url))

export interface Running {
  /** Where the browser opens the console. */
  readonly url: string
  readonly merchant: string
  readonly keyId: string
  readonly secret: string
  readonly db: string
  readonly env: Record<string, string>
  readonly stop: () => Promise<void>
}

const run = promisify(execFile)

/** Calls the merchant's API with the CLI's key, beside the page; an error answer fails the test. */
export const callApi = async (paymux: Running, method: string, path: string, body?: unknown): Promise<any> => {
  const response = await fetch(`${paymux.url}/merchants/${paymux.merchant}${path}`, {
    method,
    headers: { authorization: `Bearer ${paymux.keyId}.${paymux.secret}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  expect(response.ok, `${method} ${path}: ${text}`).toBe(true)
  return text === "" ? undefined : JSON.parse(text)
}

/** Adds a KCP test channel of its own MID (one channel per PG may use the shared test MID). */
export const addTestChannel = (paymux: Running, mid: string, name: string): Promise<any> =>
  callApi(paymux, "POST", "/channels", {
    mode: "test",
    pg: "kcp",
    mid,
    paymentType: "window.general",
    payMethods: ["card"],
    credentials: { site_key: `key-${mid}` },
    name
  })

export const cli = async (db: string, env: Record<string, string>, args: ReadonlyArray<string>): Promise<string> =>
  (await run(process.execPath, [bin, "--db", db, ...args], { env: { ...process.env, ...env } })).stdout

/**
 * Starts `paymux serve`, which serves the console at `/` from `@paymux/console`'s
 * `assetsDirectory` (this package's build) and the API beside it.
 */
export const startPaymux = async (
  options: { readonly merchant?: string; readonly allowPrivateWebhooks?: boolean } = {}
): Promise<Running> => {
  if (!existsSync(bin)) throw new Error(`build the CLI first: ${bin} is missing (npx turbo run build --filter=@paymux/cli)`)
  if (!existsSync(join(assetsDirectory, "index.html"))) throw new Error(`build the console first: ${assetsDirectory} is missing`)
  const dir = mkdtempSync(join(tmpdir(), "paymux-console-"))
  const db = join(dir, "paymux.db")
  const env = {
    PAYMUX_MASTER_KEYS: `console:${randomBytes(32).toString("base64")}`,
    PAYMUX_PEPPER: randomBytes(32).toString("base64")
  }
  const merchant = options.merchant ?? "imp10000001"
  await cli(db, env, ["merchant", "create", "--name", "Console shop", "--code", merchant])
  const issued = JSON.parse(await cli(db, env, ["apikey", "issue", "-m", merchant, "--name", "console", "--json"]))
  const serve = [
    "serve",
    "--port",
    "0",
    "--json",
    "--docs",
    "none",
    ...(options.allowPrivateWebhooks === false ? [] : ["--allow-private-webhooks"])
  ]
  const child = spawn(process.execPath, [bin, "--db", db, ...serve], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"]
  })
  const served = await listening(child)
  if (served.console === undefined) throw new Error("paymux serve did not serve the console")
  return {
    url: served.url,
    merchant,
    keyId: issued.id,
    secret: issued.secret,
    db,
    env,
    stop: async () => {
      child.kill("SIGINT")
      await new Promise((resolve) => child.once("exit", resolve))
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

const listening = (child: ChildProcess): Promise<{ readonly url: string; readonly console?: string }> =>
  new Promise((resolve, reject) => {
    let out = ""
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString("utf8")
      try {
        resolve(JSON.parse(out))
      } catch {
        /* not complete yet */
      }
    })
    child.once("exit", (code) => reject(new Error(`paymux serve exited ${code}: ${out}`)))
  })
