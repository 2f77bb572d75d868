/**
 * The web console's built files, read once when the handler is made and answered from memory.
 * The directory is immutable build output, so reading it at start is simpler and safer than
 * reading per request: a request can only ever name a file that was found in the walk (regular
 * files, no dotfiles, no symbolic links), whatever its path spells, so there is no traversal to
 * get wrong at request time.
 */
import { createHash } from "node:crypto"
import { type Dirent, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs"
import { extname, join } from "node:path"
import type { Outgoing } from "./serving.ts"
import type { Incoming } from "./request.ts"
import { pathOf } from "./request.ts"

/** Why a directory cannot be served (the public `PaymuxHttp.ConsoleError` carries it). */
export interface LoadFailure {
  readonly reason: "NotFound" | "NoIndex" | "TooLarge" | "Unreadable"
  readonly message: string
}

/** Bounds on what is read into memory at start: a Vite build of the console is well under 1 MiB. */
export const limits = { fileBytes: 16 * 1024 * 1024, totalBytes: 64 * 1024 * 1024, files: 4096, depth: 16 } as const

/**
 * The policy of every console response: scripts, styles, fonts, images and API calls from this
 * origin only; nothing inline, no framing, no plugins. `/docs` keeps its own (no such header).
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join("; ")

/** Vite puts content-hashed files under `assets/` (files from `public/` land at the root). */
const isHashed = (path: string): boolean => path.startsWith("assets/")

const cacheControl = { hashed: "public, max-age=31536000, immutable", other: "no-cache" } as const

const textTypes: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".map": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".txt": "text/plain",
  ".xml": "application/xml"
}

const binaryTypes: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".wasm": "application/wasm"
}

/** The `Content-Type` of a file name; unknown extensions are opaque bytes (and `nosniff` keeps them so). */
export const contentTypeOf = (path: string): string => {
  const ext = extname(path).toLowerCase()
  const text = textTypes[ext]
  if (text !== undefined) return `${text}; charset=utf-8`
  return binaryTypes[ext] ?? "application/octet-stream"
}

interface Asset {
  readonly body: Uint8Array
  readonly headers: Readonly<Record<string, string>>
  readonly etag: string
}

/** The loaded directory: `answer` gives the console's response to a GET or HEAD, if the path names a file. */
export interface ConsoleAssets {
  readonly directory: string
  /** Relative paths with `/` separators, e.g. `index.html`, `assets/app-abc123.js`. */
  readonly paths: ReadonlyArray<string>
  readonly answer: (incoming: Incoming) => Outgoing | undefined
}

const assetOf = (path: string, body: Uint8Array): Asset => {
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`
  return {
    body,
    etag,
    headers: {
      "content-type": contentTypeOf(path),
      "cache-control": isHashed(path) ? cacheControl.hashed : cacheControl.other,
      etag,
      "content-security-policy": contentSecurityPolicy,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY"
    }
  }
}

/**
 * The file a request path names, as a key of the loaded files, or `undefined`. Each segment is
 * percent-decoded on its own; a segment that decodes to a separator, a backslash or NUL, that is
 * empty, or that starts with a dot (`.`, `..`, dotfiles) names nothing.
 */
export const keyOf = (path: string): string | undefined => {
  if (path === "/") return "index.html"
  if (path[0] !== "/") return undefined
  const segments = path.slice(1).split("/")
  const decoded: Array<string> = []
  for (const raw of segments) {
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return undefined
    }
    if (segment === "" || segment.startsWith(".") || /[/\\\0]/.test(segment)) return undefined
    decoded.push(segment)
  }
  return decoded.join("/")
}

// The client's validators match when one of them is the file's ETag (weak comparison, as
// RFC 9110 asks for If-None-Match) or `*`.
const matches = (ifNoneMatch: string, etag: string): boolean =>
  ifNoneMatch.split(",").some((candidate) => {
    const tag = candidate.trim()
    return tag === "*" || (tag.startsWith("W/") ? tag.slice(2) : tag) === etag
  })

const serveAsset = (asset: Asset, incoming: Incoming): Outgoing => {
  const ifNoneMatch = incoming.headers["if-none-match"]
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, asset.etag)) {
    const { "content-type": _, ...headers } = asset.headers
    return { status: 304, headers, body: undefined }
  }
  if (incoming.method === "HEAD") {
    return { status: 200, headers: { ...asset.headers, "content-length": String(asset.body.byteLength) }, body: undefined }
  }
  return { status: 200, headers: { ...asset.headers }, body: asset.body }
}

const fail = (reason: LoadFailure["reason"], message: string): { readonly failure: LoadFailure } => ({ failure: { reason, message } })

/**
 * Walks `directory` and reads its files: regular files only (symbolic links are not followed, so
 * none can lead outside), dotfiles and dot-directories skipped, sizes bounded by `limits`.
 */
export const load = (directory: string): { readonly assets: ConsoleAssets } | { readonly failure: LoadFailure } => {
  let root: string
  try {
    root = realpathSync(directory)
    if (!statSync(root).isDirectory()) return fail("NotFound", `the console directory ${directory} is not a directory`)
  } catch {
    return fail("NotFound", `the console directory ${directory} does not exist`)
  }
  const files = new Map<string, Asset>()
  let total = 0
  const walk = (dir: string, prefix: string, depth: number): LoadFailure | undefined => {
    if (depth > limits.depth)
      return { reason: "TooLarge", message: `the console directory ${directory} nests deeper than ${limits.depth} levels` }
    let entries: Array<Dirent>
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch (e) {
      return { reason: "Unreadable", message: `cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith(".") || /[\\\0]/.test(entry.name)) continue
      const full = join(dir, entry.name)
      const key = prefix + entry.name
      if (entry.isDirectory()) {
        const failed = walk(full, `${key}/`, depth + 1)
        if (failed !== undefined) return failed
        continue
      }
      if (!entry.isFile()) continue
      try {
        // lstat again right before reading: the entry must still be a regular file of bounded size.
        const stat = lstatSync(full)
        if (!stat.isFile()) continue
        if (stat.size > limits.fileBytes) {
          return { reason: "TooLarge", message: `${key} in the console directory is larger than ${limits.fileBytes} bytes` }
        }
        total += stat.size
        if (total > limits.totalBytes || files.size >= limits.files) {
          return {
            reason: "TooLarge",
            message: `the console directory ${directory} holds more than ${limits.totalBytes} bytes or ${limits.files} files`
          }
        }
        files.set(key, assetOf(key, readFileSync(full)))
      } catch (e) {
        return {
          reason: "Unreadable",
          message: `cannot read ${key} in the console directory: ${(e as NodeJS.ErrnoException).code ?? String(e)}`
        }
      }
    }
    return undefined
  }
  const failed = walk(root, "", 0)
  if (failed !== undefined) return { failure: failed }
  if (!files.has("index.html")) return fail("NoIndex", `the console directory ${directory} has no index.html (is the console built?)`)
  return {
    assets: {
      directory: root,
      paths: [...files.keys()],
      answer: (incoming) => {
        if (incoming.method !== "GET" && incoming.method !== "HEAD") return undefined
        const key = keyOf(pathOf(incoming.url))
        const asset = key === undefined ? undefined : files.get(key)
        return asset === undefined ? undefined : serveAsset(asset, incoming)
      }
    }
  }
}
