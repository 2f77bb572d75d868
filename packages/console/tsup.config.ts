import { defineConfig } from "tsup"

// Only the tiny Node entry; the page is built by `vite build` into dist/page.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  sourcemap: true,
  clean: false
})
