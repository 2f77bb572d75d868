/**
 * The console's static files next to the API: headers, caching, the API left as it was, and no
 * request path that reads anything but the files of the directory.
 */
import { Memory } from "@paymux/store"
import { Effect, Exit } from "effect"
import fc from "fast-check"
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from "node:fs"
import { request } from "node:http"
import { tmpdir } from "node:os"
import { isAbsolute, join, relative, resolve, sep } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { contentSecurityPolicy, limits, load } from "../src/internal/staticAssets.ts"
import { NodeBridge, PaymuxHttp } from "../src/index.ts"

const secret = "TOP-SECRET-OUTSIDE-THE-CONSOLE"
const indexHtml = '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head></html>'
const appJs = "console.log('console app')"

/** root/{outside-secret.txt, outside/secret.txt, site/...}: `site` is the console directory. */
const makeTree = (): { readonly root: string; readonly site: string } => {
  const root = mkdtempSync(join(tmpdir(), "paymux-console-"))
  const site = join(root, "site")
  writeFileSync(join(root, "outside-secret.txt"), secret)
  mkdirSync(join(root, "outside"))
  writeFileSync(join(root, "outside", "secret.txt"), secret)
  mkdirSync(join(site, "assets"), { recursive: true })
  mkdirSync(join(site, "nested"))
  mkdirSync(join(site, ".git"))
  writeFileSync(join(site, "index.html"), indexHtml)
  writeFileSync(join(site, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>")
  writeFileSync(join(site, "assets", "app-abc123.js"), appJs)
  writeFileSync(join(site, "assets", "style-x1y2z3.css"), "body{margin:0}")
  writeFileSync(join(site, "assets", ".hidden"), secret)
  writeFileSync(join(site, ".env"), secret)
  writeFileSync(join(site, ".git", "config"), secret)
  writeFileSync(join(site, "nested", "deep.txt"), "deep")
  writeFileSync(join(site, "blob.bin"), "opaque")
  // Names that are API routes: the API must still answer them.
  writeFileSync(join(site, "openapi.json"), secret)
  writeFileSync(join(site, "docs"), secret)
  symlinkSync(join(root, "outside-secret.txt"), join(site, "leak.txt"))
  symlinkSync(join(root, "outside"), join(site, "linked"))
  return { root, site }
}

interface Raw {
  readonly status: number
  readonly headers: Record<string, string | Array<string> | undefined>
  readonly body: string
}

/** A request whose path goes on the wire exactly as written (`fetch` would normalise `..`). */
const raw = (url: string, path: string, method = "GET", headers: Record<string, string> = {}): Promise<Raw> =>
  new Promise((done, reject) => {
    const { hostname, port } = new URL(url)
    const req = request({ host: hostname, port, path, method, headers }, (res) => {
      let body = ""
      res.on("data", (d: Buffer) => (body += d.toString("utf8")))
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on("error", reject)
    req.end()
  })

const securityHeaders = {
  "content-security-policy": contentSecurityPolicy,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY"
}

describe("the console served beside the API", () => {
  const tree = makeTree()
  const state = {} as { url: string; close: () => Promise<void> }
  beforeAll(async () => {
    const api = PaymuxHttp.makeHandler({ layer: Memory.layer(), console: { directory: tree.site } })
    const listening = await NodeBridge.listen(api.handler, { port: 0 })
    state.url = listening.url
    state.close = async () => {
      await listening.close()
      await api.dispose()
    }
  })
  afterAll(() => state.close())

  it("GET / answers index.html, revalidated, with the strict policy", async () => {
    const r = await raw(state.url, "/")
    expect(r.status).toBe(200)
    expect(r.body).toBe(indexHtml)
    expect(r.headers).toMatchObject({ "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", ...securityHeaders })
    expect(r.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/)
    expect(contentSecurityPolicy).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    expect((await raw(state.url, "/?tab=webhooks")).body).toBe(indexHtml)
    expect((await raw(state.url, "/index.html")).body).toBe(indexHtml)
  })

  it("hashed files under assets/ are cached for a year; others are revalidated; types follow the extension", async () => {
    const js = await raw(state.url, "/assets/app-abc123.js")
    expect(js.status).toBe(200)
    expect(js.body).toBe(appJs)
    expect(js.headers).toMatchObject({
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=31536000, immutable",
      ...securityHeaders
    })
    expect((await raw(state.url, "/assets/style-x1y2z3.css")).headers["content-type"]).toBe("text/css; charset=utf-8")
    const svg = await raw(state.url, "/favicon.svg")
    expect(svg.headers).toMatchObject({ "content-type": "image/svg+xml; charset=utf-8", "cache-control": "no-cache" })
    expect((await raw(state.url, "/blob.bin")).headers["content-type"]).toBe("application/octet-stream")
    expect((await raw(state.url, "/nested/deep.txt")).body).toBe("deep")
  })

  it("HEAD gives the headers and the length without the body", async () => {
    const r = await raw(state.url, "/assets/app-abc123.js", "HEAD")
    expect(r.status).toBe(200)
    expect(r.body).toBe("")
    expect(r.headers["content-length"]).toBe(String(Buffer.byteLength(appJs)))
    expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable")
  })

  it("If-None-Match with the ETag (strong, weak, in a list, or *) answers 304 without a body", async () => {
    const etag = (await raw(state.url, "/")).headers.etag as string
    for (const validator of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const r = await raw(state.url, "/", "GET", { "if-none-match": validator })
      expect(r.status).toBe(304)
      expect(r.body).toBe("")
      expect(r.headers).toMatchObject({ etag, "cache-control": "no-cache", ...securityHeaders })
    }
    expect((await raw(state.url, "/", "GET", { "if-none-match": '"stale"' })).status).toBe(200)
  })

  it("the API answers as before: its routes win over files of the same name, unknown routes are problems", async () => {
    const openapi = await raw(state.url, "/openapi.json")
    expect(openapi.status).toBe(200)
    expect(JSON.parse(openapi.body).openapi).toMatch(/^3\.1/)
    expect(openapi.headers["content-security-policy"]).toBeUndefined()
    const docs = await raw(state.url, "/docs")
    expect(docs.status).toBe(200)
    expect(docs.body).not.toContain(secret)
    // /docs keeps its own page (Scalar from its CDN): the console's policy would block it.
    expect(docs.headers["content-security-policy"]).toBeUndefined()
    const merchants = await raw(state.url, "/merchants")
    expect(merchants.status).toBe(401)
    expect(merchants.headers["content-type"]).toBe("application/problem+json")
    const unknown = await raw(state.url, "/no-such-route")
    expect(unknown.status).toBe(404)
    expect(unknown.headers["content-type"]).toBe("application/problem+json")
    expect(JSON.parse(unknown.body).code).toBe("route-not-found")
    // Only GET and HEAD reach the files.
    const post = await raw(state.url, "/assets/app-abc123.js", "POST")
    expect(post.status).toBe(404)
    expect(JSON.parse(post.body).code).toBe("route-not-found")
  })

  // Regression (console probe): API answers, among them those that carry a token or a secret shown
  // once, had neither header, so a shared cache could keep them and a browser could sniff them.
  it("every API answer is nosniff and no-store; the console's files keep their own caching", async () => {
    const answers = [await raw(state.url, "/openapi.json"), await raw(state.url, "/merchants"), await raw(state.url, "/no-such-route")].map(
      (r) => [r.status, r.headers["x-content-type-options"], r.headers["cache-control"]]
    )
    // A refused sign-in, and a body refused before it reaches the API (415).
    for (const contentType of ["application/json", "text/csv"]) {
      const r = await fetch(`${state.url}/auth/token`, { method: "POST", headers: { "content-type": contentType }, body: "{}" })
      answers.push([r.status, r.headers.get("x-content-type-options") ?? undefined, r.headers.get("cache-control") ?? undefined])
    }
    expect(answers.map(([status]) => status)).toEqual([200, 401, 404, 400, 415])
    for (const [status, nosniff, cache] of answers) expect([status, nosniff, cache]).toEqual([status, "nosniff", "no-store"])
    const web = PaymuxHttp.makeHandler({ layer: Memory.layer() })
    const viaWeb = await web.handler(new Request("http://localhost/merchants"))
    await web.dispose()
    expect([viaWeb.headers.get("x-content-type-options"), viaWeb.headers.get("cache-control")]).toEqual(["nosniff", "no-store"])
    expect((await raw(state.url, "/")).headers["cache-control"]).toBe("no-cache")
    expect((await raw(state.url, "/assets/app-abc123.js")).headers["cache-control"]).toBe("public, max-age=31536000, immutable")
  })

  it("refuses traversal, encoded separators, dotfiles, symbolic links and directories with the API's 404", async () => {
    const refused = [
      "/../outside-secret.txt",
      "/assets/../../outside-secret.txt",
      "/%2e%2e/outside-secret.txt",
      "/%2E%2E/%2e%2e/outside-secret.txt",
      "/.%2e/outside-secret.txt",
      "/assets%2fapp-abc123.js",
      "/assets%2F..%2F..%2Foutside-secret.txt",
      "/assets%5capp-abc123.js",
      "/..%5coutside-secret.txt",
      "/..\\outside-secret.txt",
      "/index.html%00.js",
      "/%00",
      "/%",
      "//etc/passwd",
      `/${encodeURIComponent(join(tree.root, "outside-secret.txt"))}`,
      "/.env",
      "/%2eenv",
      "/assets/.hidden",
      "/.git/config",
      "/leak.txt",
      "/linked/secret.txt",
      "/assets",
      "/assets/",
      "/nested/",
      "/./index.html"
    ]
    for (const path of refused) {
      const r = await raw(state.url, path)
      expect({ path, status: r.status, type: r.headers["content-type"] }).toEqual({ path, status: 404, type: "application/problem+json" })
      expect(r.body).not.toContain(secret)
    }
  })
})

describe("the console through the web-standard handler (Bun, Deno, fetch hosts)", () => {
  it("answers the same files and headers as a web Response", async () => {
    const api = PaymuxHttp.makeHandler({ layer: Memory.layer(), console: { directory: makeTree().site } })
    try {
      const page = await api.handler(new Request("http://localhost/"))
      expect(page.status).toBe(200)
      expect(await page.text()).toBe(indexHtml)
      expect(page.headers.get("content-security-policy")).toBe(PaymuxHttp.consoleContentSecurityPolicy)
      const etag = page.headers.get("etag")!
      const again = await api.handler(new Request("http://localhost/", { headers: { "if-none-match": etag } }))
      expect(again.status).toBe(304)
      const head = await api.handler(new Request("http://localhost/assets/app-abc123.js", { method: "HEAD" }))
      expect(head.status).toBe(200)
      expect(head.headers.get("cache-control")).toBe("public, max-age=31536000, immutable")
      expect(await head.text()).toBe("")
      const missing = await api.handler(new Request("http://localhost/assets/none.js"))
      expect(missing.status).toBe(404)
      expect(missing.headers.get("content-type")).toBe("application/problem+json")
    } finally {
      await api.dispose()
    }
  })
})

describe("loading the console directory", () => {
  it("a missing directory, a file instead of one, or no index.html is a ConsoleError naming the reason", () => {
    const dir = mkdtempSync(join(tmpdir(), "paymux-console-bad-"))
    writeFileSync(join(dir, "app.js"), "")
    const cases = [
      [join(dir, "missing"), "NotFound", /does not exist/],
      [join(dir, "app.js"), "NotFound", /is not a directory/],
      [dir, "NoIndex", /has no index\.html/]
    ] as const
    for (const [directory, reason, message] of cases) {
      let thrown: unknown
      try {
        PaymuxHttp.makeHandler({ layer: Memory.layer(), console: { directory } })
      } catch (e) {
        thrown = e
      }
      expect(thrown).toBeInstanceOf(PaymuxHttp.ConsoleError)
      expect(thrown).toMatchObject({ _tag: "ConsoleError", reason, directory })
      expect((thrown as Error).message).toMatch(message)
    }
  })

  it("a file above the size bound is refused when loading, not read", () => {
    const dir = mkdtempSync(join(tmpdir(), "paymux-console-big-"))
    writeFileSync(join(dir, "index.html"), "<!doctype html>")
    // A sparse file: its size is past the bound without writing the bytes.
    writeFileSync(join(dir, "huge.js"), "")
    truncateSync(join(dir, "huge.js"), limits.fileBytes + 1)
    const loaded = load(dir)
    expect("failure" in loaded && loaded.failure.reason).toBe("TooLarge")
  })

  it("PaymuxHttp.make fails with the ConsoleError in the error channel", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.scoped(PaymuxHttp.make({ layer: Memory.layer(), console: { directory: join(tmpdir(), "paymux-no-such-dir") } }))
    )
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("ConsoleError")
    expect(Exit.findErrorOption(exit)).toMatchObject({ value: { _tag: "ConsoleError", reason: "NotFound" } })
  })
})

describe("no request path reads outside the directory (property)", () => {
  const tree = makeTree()
  const loaded = load(tree.site)
  if (!("assets" in loaded)) throw new Error(loaded.failure.message)
  const assets = loaded.assets
  const site = assets.directory

  /**
   * The oracle, written independently of the implementation: drop the query and fragment (URL
   * syntax), decode the whole path, resolve it
   * against the directory with `path.resolve`, and allow it only if `path.relative` stays inside,
   * no component is a dotfile or a symbolic link, and it ends at a regular file.
   */
  const allowed = (path: string): string | undefined => {
    let decoded: string
    try {
      decoded = decodeURIComponent(path.split(/[?#]/)[0]!)
    } catch {
      return undefined
    }
    if (decoded.includes("\0") || decoded.includes("\\")) return undefined
    const rel = relative(site, resolve(site, `.${decoded}`))
    const target = rel === "" ? "index.html" : rel
    if (target.startsWith("..") || isAbsolute(target)) return undefined
    const parts = target.split(sep)
    if (parts.some((p) => p.startsWith("."))) return undefined
    for (let i = 1; i <= parts.length; i++) {
      try {
        const stat = lstatSync(join(site, ...parts.slice(0, i)))
        if (stat.isSymbolicLink()) return undefined
        if (i === parts.length && !stat.isFile()) return undefined
      } catch {
        return undefined
      }
    }
    return join(site, ...parts)
  }

  const segment = fc.oneof(
    fc.constantFrom(
      "..",
      ".",
      "%2e%2e",
      "%2E%2e",
      ".%2e",
      "%2e",
      "...",
      "",
      "%2f",
      "%2F",
      "%5c",
      "\\",
      "..\\..",
      "%00",
      "%",
      "%zz",
      "assets",
      "app-abc123.js",
      "%61pp-abc123.js",
      "index.html",
      "nested",
      "deep.txt",
      ".env",
      "%2eenv",
      ".hidden",
      ".git",
      "config",
      "leak.txt",
      "linked",
      "secret.txt",
      "outside",
      "outside-secret.txt",
      "site",
      "etc",
      "passwd"
    ),
    fc.string({ maxLength: 6 }),
    fc.string({ maxLength: 6 }).map(encodeURIComponent)
  )
  const requestPath = fc.array(segment, { minLength: 1, maxLength: 6 }).map((segments) => `/${segments.join("/")}`)

  it("a served path is one the oracle allows, and its body is that file's bytes", () => {
    fc.assert(
      fc.property(requestPath, fc.constantFrom("GET", "HEAD"), (path, method) => {
        const answer = assets.answer({ method, url: path, headers: {}, body: undefined })
        if (answer === undefined) return
        const file = allowed(path)
        expect(file, `served ${path}`).toBeDefined()
        if (method === "GET") expect(Buffer.from(answer.body!).equals(readFileSync(file!))).toBe(true)
        expect(Buffer.from(answer.body ?? []).toString("utf8")).not.toContain(secret)
      }),
      { numRuns: 3000 }
    )
  })

  it("every file in the directory is served at its path, percent-encoded or not", () => {
    expect([...assets.paths].sort()).toEqual(
      [
        "assets/app-abc123.js",
        "assets/style-x1y2z3.css",
        "blob.bin",
        "docs",
        "favicon.svg",
        "index.html",
        "nested/deep.txt",
        "openapi.json"
      ].sort()
    )
    fc.assert(
      fc.property(fc.constantFrom(...assets.paths), fc.boolean(), (path, encodeAll) => {
        const url = encodeAll
          ? `/${path
              .split("/")
              .map((s) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""))
              .join("/")}`
          : `/${path}`
        const answer = assets.answer({ method: "GET", url, headers: {}, body: undefined })
        expect(allowed(url)).toBe(join(site, path))
        expect(Buffer.from(answer!.body!).equals(readFileSync(join(site, path)))).toBe(true)
      })
    )
  })
})
