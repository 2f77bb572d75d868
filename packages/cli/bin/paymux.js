#!/usr/bin/env node
// The `paymux` bin. It is committed (dist/ is built) so that `npm ci` links the bin before the
// first build; until then it says how to build instead of failing with a module-not-found trace.
import { existsSync } from "node:fs"

const entry = new URL("../dist/bin.js", import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write("error: paymux is not built yet\nhint: run `npm start` or `npm run build` in the repository first\n")
  process.exit(1)
}
await import(entry.href)
