#!/usr/bin/env node
// The declarations (`dist/*.d.ts`) of every package, from one `tsc --build` process: each package
// alone parses effect's and node's declarations again (about 290,000 lines), which was most of a
// clean build; one process parses them once. Packages come in dependency order (from their
// package.json), so each one resolves its siblings through their freshly written dist/*.d.ts.
// `npm run build` runs this after turbo has built the JavaScript (tsup empties dist first).
import { spawnSync } from "node:child_process"
import path from "node:path"
import { root, workspaces } from "./lib/scratch.mjs"

const packages = new Map(workspaces().map((pkg) => [pkg.name, pkg]))
const ordered = []
const visit = (pkg, trail) => {
  if (ordered.includes(pkg)) return
  if (trail.includes(pkg.name)) throw new Error(`a dependency cycle: ${[...trail, pkg.name].join(" -> ")}`)
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies })
  for (const dep of deps) if (packages.has(dep)) visit(packages.get(dep), [...trail, pkg.name])
  ordered.push(pkg)
}
for (const pkg of [...packages.values()].sort((a, b) => a.name.localeCompare(b.name))) visit(pkg, [])

const projects = ordered.map((pkg) => path.relative(root, path.join(pkg.dir, "tsconfig.build.json")))
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc")
const r = spawnSync(process.execPath, [tsc, "--build", ...projects], { cwd: root, stdio: "inherit" })
process.exit(r.status ?? 1)
