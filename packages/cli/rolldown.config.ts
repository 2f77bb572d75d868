import { defineConfig } from "rolldown"

// The CLI bundles effect, the @paymux packages and @effect/sql-pg so that one copy of effect runs
// everything and `paymux --help` starts fast (see docs/cli.md); they are devDependencies, so an
// install does not fetch them a second time. better-sqlite3 (a native addon) stays external; it
// and @paymux/console (the page `serve` serves) are the runtime dependencies. Store adapters and
// the admin use cases load through dynamic imports, so the stateless commands never load a
// database driver.
//
// Rolldown rather than tsup (esbuild), which the other packages use: esbuild puts a module shared
// by the start-up code and a lazily imported chunk into the start-up chunk whole, with every part
// any chunk uses. Behind `import("@paymux/admin")` that was most of effect's Schema, compiled on
// every `--help`. Rolldown's start-up chunks cost about a fifth less CPU per command (`npm run
// bench:startup`, docs/cli.md), though a module start-up shares with a lazy chunk still carries
// every part any chunk uses. It also drops the Swagger UI bundle (1.9 MB) that effect/http-api's barrel reaches through an unused dynamic import (`paymux serve`
// offers Scalar), which esbuild kept.
export default defineConfig({
  input: { bin: "src/bin.ts", index: "src/index.ts" },
  platform: "node",
  // The oldest Node the package supports (`engines`).
  transform: { target: "node20" },
  external: ["better-sqlite3"],
  // Bundle the sibling packages from their TypeScript sources, as the tests resolve them.
  resolve: { conditionNames: ["@paymux/source", "import", "node"] },
  output: {
    dir: "dist",
    format: "esm",
    cleanDir: true,
    // Less source for V8 to compile on every start; the maps still point at the sources.
    minify: true,
    sourcemap: true,
    // Maps point at the sources without copying them (the copies were most of the tarball).
    sourcemapExcludeSources: true,
    // dist/bin.js runs as a script (the published bin is bin/paymux.js, which imports it).
    banner: (chunk) => (chunk.isEntry && chunk.name === "bin" ? "#!/usr/bin/env node" : "")
  }
})
