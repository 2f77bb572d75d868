/**
 * `paymux serve` and the web console: served at `/` from `--console-dir` (or `@paymux/console`
 * when installed), with its headers, beside an API that answers as before.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs"
import { request } from "node:http"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { bin, createDatabase, expectExit, paymux, startServe, tempDir } from "./support/paymux.ts"

const secret = "OUTSIDE-THE-CONSOLE-SECRET"
const indexHtml = '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head></html>'
const appJs = "document.title = 'console'"
const csp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

let dirs = 0
/** A built console: index.html and one hashed asset, with a secret file beside (outside) it. */
const consoleDir = (withIndex = true): string => {
  const root = join(tempDir(), `console-${++dirs}`)
  const site = join(root, "dist")
  mkdirSync(join(site, "assets"), { recursive: true })
  writeFileSync(join(root, "secret.txt"), secret)
  if (withIndex) writeFileSync(join(site, "index.html"), indexHtml)
  writeFileSync(join(site, "assets", "app-abc123.js"), appJs)
  return site
}

interface Raw {
  readonly status: number
  readonly headers: Record<string, string | Array<string> | undefined>
  readonly body: string
}

/** A GET whose path goes on the wire as written (`fetch` would normalise `..`). */
const raw = (base: string, path: string, headers: Record<string, string> = {}): Promise<Raw> =>
  new Promise((done, reject) => {
    const { hostname, port } = new URL(base)
    const req = request({ host: hostname, port, path, headers }, (res) => {
      let body = ""
      res.on("data", (d: Buffer) => (body += d.toString("utf8")))
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on("error", reject)
    req.end()
  })

/** Stops the server gracefully and gives what it wrote on stderr. */
const stop = (child: ChildProcess): Promise<string> => {
  let stderr = ""
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")))
  const exited = new Promise<string>((resolve) => child.on("exit", () => resolve(stderr)))
  child.kill("SIGINT")
  return exited
}

const newDb = (): string => createDatabase(join(tempDir(), `serve-${++dirs}.db`))

/** The lines of stderr about the console. */
const consoleLines = (stderr: string): Array<string> => stderr.split("\n").filter((line) => line.includes("console"))

describe("paymux serve --console-dir", () => {
  it("serves index.html and hashed assets with the console's headers, and the API as before", async () => {
    const db = newDb()
    const { child, url } = await startServe(db, ["--console-dir", consoleDir()])
    try {
      const index = await raw(url, "/")
      expect(index.status).toBe(200)
      expect(index.body).toBe(indexHtml)
      expect(index.headers).toMatchObject({
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-cache",
        "content-security-policy": csp,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY"
      })
      const etag = index.headers.etag as string
      expect((await raw(url, "/", { "if-none-match": etag })).status).toBe(304)

      const asset = await raw(url, "/assets/app-abc123.js")
      expect(asset.body).toBe(appJs)
      expect(asset.headers).toMatchObject({
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=31536000, immutable",
        "content-security-policy": csp
      })

      // The API's routes answer as before: authentication is still asked for.
      const merchants = await raw(url, "/merchants")
      expect(merchants.status).toBe(401)
      expect(merchants.headers["content-type"]).toBe("application/problem+json")
      expect(merchants.headers["content-security-policy"]).toBeUndefined()
      expect((await fetch(`${url}/openapi.json`)).status).toBe(200)
      const unknown = await raw(url, "/no-such-page")
      expect(unknown.status).toBe(404)
      expect(unknown.headers["content-type"]).toBe("application/problem+json")

      for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/assets/"]) {
        const refused = await raw(url, path)
        expect({ path, status: refused.status }).toEqual({ path, status: 404 })
        expect(refused.body).not.toContain(secret)
      }
    } finally {
      await stop(child)
    }
  })

  it("prints the console's URL beside the API's", async () => {
    const child = spawn(process.execPath, [bin, "--db", newDb(), "serve", "--port", "0", "--console-dir", consoleDir()], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString("utf8")
        if (out.includes("Ctrl-C")) resolve()
      })
      child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)))
    })
    await stop(child)
    const api = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]
    expect(out).toContain(`  console: ${api}/\n`)
  })

  // Regression (ops probe): `--docs none` announced a docs URL that answered 404.
  it("announces the docs page only when it serves one", async () => {
    for (const [flags, served] of [
      [[], true],
      [["--docs", "none"], false]
    ] as const) {
      const child = spawn(process.execPath, [bin, "--db", newDb(), "serve", "--port", "0", "--json", ...flags], {
        stdio: ["ignore", "pipe", "pipe"]
      })
      let out = ""
      const shown = await new Promise<{ url: string; docs: string | null }>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString("utf8")
          try {
            resolve(JSON.parse(out))
          } catch {
            /* not complete yet */
          }
        })
        child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)))
      })
      const page = await raw(shown.url, "/docs")
      await stop(child)
      expect([flags, shown.docs, page.status]).toEqual(served ? [flags, `${shown.url}/docs`, 200] : [flags, null, 404])
    }
  })

  it("a missing directory or one without index.html is bad input (exit 2) naming the reason", async () => {
    const missing = expectExit(
      await paymux(["--db", newDb(), "serve", "--port", "0", "--json", "--console-dir", join(tempDir(), "none")]),
      2
    )
    expect(missing.json().error).toMatchObject({ tag: "ConsoleError", exitCode: 2, details: { reason: "NotFound" } })
    const noIndex = expectExit(await paymux(["--db", newDb(), "serve", "--port", "0", "--console-dir", consoleDir(false)]), 2)
    expect(noIndex.stderr).toMatch(/error: the console directory .* has no index\.html/)
    expect(noIndex.stderr).toContain("hint: pass the console's build output")
  })

  it("--console-dir with --no-console is bad input", async () => {
    const run = expectExit(await paymux(["--db", newDb(), "serve", "--port", "0", "--no-console", "--console-dir", consoleDir()]), 2)
    expect(run.stderr).toContain("--console-dir and --no-console contradict each other")
  })
})

describe("paymux serve without --console-dir", () => {
  it("--no-console serves the API only, quietly", async () => {
    const { child, url } = await startServe(newDb(), ["--no-console"])
    const root = await raw(url, "/")
    const stderr = await stop(child)
    expect(root.status).toBe(404)
    expect(root.headers["content-type"]).toBe("application/problem+json")
    expect(consoleLines(stderr)).toEqual([])
  })

  // @paymux/console is resolved from the CLI's own location, as `paymux serve` does.
  const installed = existsSync(fileURLToPath(new URL("../../../node_modules/@paymux/console/package.json", import.meta.url)))

  it(`serves @paymux/console when installed, else the API only with one line saying so (installed here: ${installed})`, async () => {
    const { child, url } = await startServe(newDb())
    const root = await raw(url, "/")
    const stderr = await stop(child)
    if (installed) {
      expect(root.status).toBe(200)
      expect(root.headers["content-security-policy"]).toBe(csp)
      expect(consoleLines(stderr)).toEqual([])
    } else {
      expect(root.status).toBe(404)
      expect(consoleLines(stderr)).toEqual(["note: @paymux/console is not installed; serving the API only"])
    }
  })
})

/**
 * The built CLI copied beside a stand-in `@paymux/console` (exporting `assetsDirectory`), as an
 * install would lay them out: node resolves the package from the CLI's own location.
 */
const installWithConsole = (assetsDirectory: string): string => {
  const root = join(tempDir(), `install-${++dirs}`)
  cpSync(dirname(bin), join(root, "cli", "dist"), { recursive: true })
  const pkg = join(root, "node_modules", "@paymux", "console")
  mkdirSync(pkg, { recursive: true })
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "@paymux/console", type: "module", exports: "./index.js" }))
  writeFileSync(join(pkg, "index.js"), `export const assetsDirectory = ${JSON.stringify(assetsDirectory)}\n`)
  // The CLI's one runtime dependency, from this repository's install.
  symlinkSync(
    fileURLToPath(new URL("../../../node_modules/better-sqlite3", import.meta.url)),
    join(root, "node_modules", "better-sqlite3"),
    "dir"
  )
  return join(root, "cli", "dist", "bin.js")
}

interface Shown {
  readonly url: string
  readonly console: string | null
}

/** Starts `serve --json` from another binary and resolves with what it printed once it listens. */
const serveFrom = async (binary: string): Promise<{ readonly shown: Shown; readonly child: ChildProcess }> => {
  const child = spawn(process.execPath, [binary, "--db", newDb(), "serve", "--port", "0", "--json"], { stdio: ["ignore", "pipe", "pipe"] })
  let out = ""
  const shown = await new Promise<Shown>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8")
      if (out.trimEnd().endsWith("}")) resolve(JSON.parse(out))
    })
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)))
  })
  return { shown, child }
}

describe("paymux serve with @paymux/console installed", () => {
  it("serves the package's assetsDirectory at / by default", async () => {
    const { child, shown } = await serveFrom(installWithConsole(consoleDir()))
    const root = await raw(shown.url, "/")
    const stderr = await stop(child)
    expect(shown.console).toBe(`${shown.url}/`)
    expect(root.status).toBe(200)
    expect(root.body).toBe(indexHtml)
    expect(root.headers["content-security-policy"]).toBe(csp)
    expect(consoleLines(stderr)).toEqual([])
  })

  it("a package whose build is missing costs the console, not the API: one line says why", async () => {
    const { child, shown } = await serveFrom(installWithConsole(consoleDir(false)))
    const openapi = await fetch(`${shown.url}/openapi.json`)
    const stderr = await stop(child)
    expect(shown.console).toBeNull()
    expect(openapi.status).toBe(200)
    expect(consoleLines(stderr)).toEqual([
      expect.stringMatching(/^note: the console is not served: the console directory .* has no index\.html .*; serving the API only$/)
    ])
  })
})
