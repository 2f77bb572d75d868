import react from "@vitejs/plugin-react"
import { defineConfig, type Plugin } from "vite"

/**
 * Fails the build when a Node built-in reaches the page. Vite replaces one with an empty
 * browser stub and only warns; the sibling packages' Node-only modules (node:crypto in the store,
 * node:http in the bridge) must be dropped by tree-shaking, and this makes sure they are.
 */
const noNodeModules = (): Plugin => ({
  name: "paymux:no-node-modules",
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== "chunk") continue
      const leaked = Object.keys(chunk.modules).filter((id) => id.includes("__vite-browser-external") || id.startsWith("node:"))
      if (leaked.length > 0) this.error(`Node modules reached the page bundle ${chunk.fileName}: ${leaked.join(", ")}`)
    }
  }
})

// The page is built from the TypeScript sources of its sibling packages (the condition the tests
// use too), so it never bundles a stale `dist`.
export default defineConfig({
  root: "app",
  base: "./",
  plugins: [react(), noNodeModules()],
  resolve: { conditions: ["@paymux/source", "browser", "module", "import", "default"] },
  logLevel: "warn",
  build: {
    outDir: "../dist/page",
    emptyOutDir: true,
    // Everything is a file: the served Content-Security-Policy allows no inline script or style.
    assetsInlineLimit: 0,
    // The budget that matters (250 KB gzip of initial JavaScript) is checked by test/Budget.test.ts.
    chunkSizeWarningLimit: 800
  }
})
