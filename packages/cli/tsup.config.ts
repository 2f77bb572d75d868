import { defineConfig } from "tsup"

// The CLI bundles effect, the @paymux packages and @effect/sql-pg so that one copy of effect runs
// everything and `paymux --help` starts fast (see docs/cli.md); they are devDependencies, so an
// install does not fetch them a second time. better-sqlite3 (a native addon) stays external and
// is the one runtime dependency. Store adapters load through dynamic imports, so the stateless
// commands never load a database driver.
export default defineConfig({
  entry: ["src/bin.ts", "src/index.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  // Less source for V8 to compile on every start (about a tenth of `--help`'s CPU, see
  // `npm run bench:startup`); the maps still point at the sources.
  minify: true,
  clean: true,
  splitting: true,
  noExternal: ["effect", /^effect\//, /^@paymux\//, "@effect/sql-pg", /^@effect\/sql-pg\//],
  external: ["better-sqlite3"],
  // Harmless on index.js; makes dist/bin.js executable as `paymux`.
  banner: { js: "#!/usr/bin/env node" },
  esbuildOptions(options) {
    // Bundle the sibling packages from their TypeScript sources, as the tests resolve them.
    options.conditions = ["@paymux/source", "import", "node"]
    // Maps point at the sources without copying them (the copies were most of the tarball).
    options.sourcesContent = false
  },
  esbuildPlugins: [{
    // effect/http-api's barrel reaches the Swagger UI bundle (1.9 MB) through a dynamic import;
    // `paymux serve` offers Scalar only, so that import resolves to a stub that says so.
    name: "paymux-no-swagger-ui",
    setup(build) {
      build.onResolve({ filter: /[\\/]internal[\\/]httpApiSwagger\.js$/ }, () => ({ path: "swagger-ui", namespace: "paymux-stub" }))
      build.onLoad({ filter: /.*/, namespace: "paymux-stub" }, () => ({
        contents: "throw new Error(\"the Swagger UI is not bundled with paymux; serve --docs offers Scalar\")",
        loader: "js"
      }))
    }
  }]
})
