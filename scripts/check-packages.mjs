#!/usr/bin/env node
// The packaging conventions every packages/*/package.json follows (run by `npm test`); a new
// package that copies an existing one passes once it has the same shape. Each failure names the
// package and what to change.
import fs from "node:fs"
import path from "node:path"
import { root, workspaces } from "./lib/scratch.mjs"

const license = fs.readFileSync(path.join(root, "LICENSE"), "utf8")
const problems = []
for (const pkg of workspaces()) {
  const dir = path.relative(root, pkg.dir)
  const say = (ok, message) => ok || problems.push(`${dir}/package.json: ${message}`)
  const deps = pkg.dependencies ?? {}
  const peers = pkg.peerDependencies ?? {}
  say(pkg.license === "MIT", `"license": "MIT"`)
  say(pkg.repository?.directory === dir, `"repository": { "type": "git", "url": …, "directory": "${dir}" }`)
  say(
    fs.existsSync(path.join(pkg.dir, "LICENSE")) && fs.readFileSync(path.join(pkg.dir, "LICENSE"), "utf8") === license,
    `a copy of the root LICENSE in ${dir}/LICENSE`
  )
  say(pkg.files?.includes("LICENSE"), `"LICENSE" in "files"`)
  for (const [entry, target] of Object.entries(pkg.exports ?? {})) {
    if (target === null || typeof target === "string") continue
    say(
      target.types && target.default && !target.import,
      `exports["${entry}"] has "types" and "default" (not "import"), so require() works on Node 20.19+`
    )
  }
  say(
    !("effect" in deps) && /^\^4\./.test(peers.effect ?? ""),
    `effect is a peer dependency with a caret range ("^4.1.0") and a devDependency, never a dependency`
  )
  for (const driver of ["@effect/sql-pg", "better-sqlite3"])
    if (driver in deps && !pkg.bin) say(false, `${driver} is a peer dependency (the user brings their own driver)`)
  for (const [name, range] of Object.entries({ ...deps, ...peers, ...pkg.devDependencies }))
    if (name.startsWith("@paymux/"))
      say(/^\^\d+\.\d+\.\d+$/.test(range), `${name} has a caret range that changesets keeps in step ("^0.0.0"), not "${range}"`)
  // The console's build also runs Vite after tsup (its page); the CLI's bundle is Rolldown's (its
  // start-up cost, see packages/cli/rolldown.config.ts); no build runs tsc.
  say(
    /^(tsup( && vite build)?|rolldown -c)$/.test(pkg.scripts?.build ?? ""),
    `"build": "tsup" (the declarations come from scripts/build-types.mjs, one tsc --build over every tsconfig.build.json)`
  )
  say(fs.existsSync(path.join(pkg.dir, "tsconfig.build.json")), `${dir}/tsconfig.build.json (copy one from another package)`)
  // A sibling that src imports at run time is a dependency: tsup bundles a devDependency into
  // dist, a private copy whose classes (StoreError, say) fail the instanceof checks of the real
  // one. The CLI bundles everything on purpose (Rolldown), so it is exempt.
  if (pkg.scripts?.build !== "rolldown -c") {
    for (const name of runtimeImports(path.join(pkg.dir, "src")))
      if (name !== pkg.name) say(name in deps || name in peers, `${name} is imported by src at run time: list it in "dependencies"`)
  }
}
/** The `@paymux/*` packages a source tree imports as values (`import type` and type-only specifiers aside). */
function runtimeImports(dir) {
  const found = new Set()
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const file = path.join(d, entry.name)
      if (entry.isDirectory()) walk(file)
      else if (/\.tsx?$/.test(entry.name)) {
        const text = fs.readFileSync(file, "utf8")
        for (const m of text.matchAll(/^import\s+(type\s+)?([^;]*?)\s+from\s+"(@paymux\/[\w-]+)/gm)) {
          const [, typeOnly, clause, name] = m
          const names =
            /\{([^}]*)\}/
              .exec(clause)?.[1]
              ?.split(",")
              .map((n) => n.trim())
              .filter((n) => n !== "") ?? []
          const valueImport = typeOnly === undefined && (!/^\{/.test(clause.trim()) || names.some((n) => !n.startsWith("type ")))
          if (valueImport) found.add(name)
        }
        for (const m of text.matchAll(/^export\s+(?!type\b)[^;]*?from\s+"(@paymux\/[\w-]+)/gm)) found.add(m[1])
      }
    }
  }
  if (fs.existsSync(dir)) walk(dir)
  return found
}

// `npm start` runs the built CLI from the repository, so it builds the CLI and every workspace
// package the CLI loads at run time (it bundles the rest); without the console, `serve` after a
// fresh `npm start` served the API alone.
const start = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts?.start ?? ""
const cli = workspaces().find((pkg) => pkg.name === "@paymux/cli")
const names = new Set(workspaces().map((pkg) => pkg.name))
for (const name of ["@paymux/cli", ...Object.keys(cli?.dependencies ?? {}).filter((dep) => names.has(dep))])
  if (!start.includes(`--filter=${name} `))
    problems.push(`package.json: "start" builds ${name} (--filter=${name}), which paymux loads at run time`)
if (problems.length > 0) {
  for (const p of problems) console.error(p)
  process.exit(1)
}
console.log(`packages: ${workspaces().length} package.json files follow the conventions`)
