/**
 * Test-only front until `paymux serve` serves the page: the built files with the CSP the real
 * server sends, everything else passed to the API.
 */
import { readFileSync } from "node:fs"
import { createServer, request } from "node:http"
import { extname, join, normalize } from "node:path"

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml"
}

export const csp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

export const serveStatic = (directory: string, api: string): Promise<{ readonly url: string; readonly close: () => Promise<void> }> => {
  const target = new URL(api)
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!
    const file = path === "/" ? "index.html" : path.startsWith("/assets/") ? normalize(path.slice(1)) : undefined
    if (req.method === "GET" && file !== undefined && !file.startsWith("..")) {
      try {
        const body = readFileSync(join(directory, file))
        res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "content-security-policy": csp })
        res.end(body)
      } catch {
        res.writeHead(404).end()
      }
      return
    }
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on("error", () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(() => done()))
      })
    })
  )
}
