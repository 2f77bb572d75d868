import { defineConfig } from "tsup"

// The CLI bundles effect, the @paymux packages and @effect/sql-pg so that one copy of effect runs
// everything and `paymux --help` starts fast (see docs/cli.md). Native and plain dependencies
// (better-sqlite3, ipaddr.js) stay external. Store adapters load through dynamic imports, so the
// stateless commands never load a database driver.
export default defineConfig({
  entry: ["src/bin.ts", "src/index.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: { entry: "src/index.ts" },
  sourcemap: true,
  clean: true,
  splitting: true,
  noExternal: ["effect", /^effect\//, /^@paymux\//, "@effect/sql-pg", /^@effect\/sql-pg\//],
  // Dependencies of the bundled packages that must load from node_modules (a native addon).
  external: ["better-sqlite3", "ipaddr.js"],
  // Harmless on index.js; makes dist/bin.js executable as `paymux`.
  banner: { js: "#!/usr/bin/env node" },
  esbuildOptions(options) {
    // Bundle the sibling packages from their TypeScript sources, as the tests resolve them.
    options.conditions = ["@paymux/source", "import", "node"]
  }
})
