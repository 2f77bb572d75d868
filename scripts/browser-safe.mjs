#!/usr/bin/env node
// The packages the web console imports must run in a browser: bundles each one's src/index.ts
// for the browser with esbuild (its dependencies included, as the console's build would) and
// fails on any import of a Node builtin (`node:crypto`, `fs`, ...), naming each one and the file
// that imports it. A probe that imports `node:crypto` must be caught first, so a check that has
// stopped seeing builtins cannot pass. Run by `npm test`.
import { builtinModules } from "node:module"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { build } from "esbuild"

const root = new URL("..", import.meta.url).pathname
const packages = ["whitelist", "domain"]
const builtins = new Set(builtinModules.filter((name) => !name.startsWith("_")))
const isBuiltin = (path) => path.startsWith("node:") || builtins.has(path) || builtins.has(path.split("/")[0])

/** The Node builtins the browser bundle of `entry` would import, as `builtin (from file)`. */
const nodeImports = async (entry) => {
  const found = []
  await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    logLevel: "silent",
    conditions: ["@paymux/source"],
    plugins: [
      {
        name: "find-node-builtins",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (!isBuiltin(args.path)) return undefined
            found.push(`${args.path} (from ${relative(root, args.importer)})`)
            return { path: args.path, external: true }
          })
        }
      }
    ]
  })
  return [...new Set(found)]
}

const probeDir = mkdtempSync(join(tmpdir(), "paymux-browser-safe-"))
const probe = join(probeDir, "probe.ts")
writeFileSync(probe, 'import { createHash } from "node:crypto"\nexport const h = createHash\n')
const caught = await nodeImports(probe).finally(() => rmSync(probeDir, { recursive: true, force: true }))
if (caught.length === 0) {
  console.error("browser-safe: the probe importing node:crypto was not caught; the check itself is broken")
  process.exit(1)
}

let failed = false
for (const name of packages) {
  const entry = join(root, "packages", name, "src", "index.ts")
  const imports = await nodeImports(entry)
  if (imports.length === 0) {
    console.log(`browser-safe: @paymux/${name} bundles for the browser with no Node builtin`)
  } else {
    failed = true
    console.error(`browser-safe: @paymux/${name} imports Node builtins, which the web console cannot load:`)
    for (const line of imports) console.error(`  ${line}`)
  }
}
process.exit(failed ? 1 : 0)
