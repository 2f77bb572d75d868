/**
 * The built page: its initial JavaScript within 250 KB gzip, nothing inline that a strict
 * Content-Security-Policy would block, no Node module stub in the bundle, and the Node entry
 * pointing at it. Runs after `npm run build` (turbo builds before testing).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import { assetsDirectory } from "../src/index.ts"

const budgetBytes = 250 * 1024
const html = (): string => readFileSync(join(assetsDirectory, "index.html"), "utf8")

/** The scripts the page loads before anything else: its module entry and what it preloads. */
const initialScripts = (page: string): Array<string> =>
  [...page.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+)"/g)].map((m) => m[1]!)

describe("the built console page", () => {
  it("is where assetsDirectory says", () => {
    expect(existsSync(join(assetsDirectory, "index.html"))).toBe(true)
  })

  it(`loads at most ${budgetBytes / 1024} KB of gzipped JavaScript initially`, () => {
    const scripts = initialScripts(html())
    expect(scripts.length).toBeGreaterThan(0)
    const sizes = scripts.map((src) => gzipSync(readFileSync(join(assetsDirectory, src))).length)
    const total = sizes.reduce((a, b) => a + b, 0)
    console.log(`initial JavaScript: ${(total / 1024).toFixed(1)} KB gzip in ${scripts.length} file(s) (budget ${budgetBytes / 1024} KB)`)
    expect(total).toBeLessThanOrEqual(budgetBytes)
  })

  it("has no inline script or style (the served CSP allows neither)", () => {
    const page = html()
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
    expect(page).not.toMatch(/<style/)
    expect(page).not.toMatch(/\sstyle="/)
  })

  it("bundles no browser stub of a Node module", () => {
    const assets = join(assetsDirectory, "assets")
    for (const file of readdirSync(assets).filter((f) => f.endsWith(".js"))) {
      const code = readFileSync(join(assets, file), "utf8")
      expect(code).not.toContain("__vite-browser-external")
      expect(code).not.toMatch(/from\s*["']node:/)
    }
  })
})
