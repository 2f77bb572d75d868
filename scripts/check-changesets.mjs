#!/usr/bin/env node
// A package that bundles other @paymux packages (the CLI, the console page) ships their code, and
// changesets releases a package only for its own dependencies, not what it bundles: a changeset
// that releases a bundled package must release the bundle too, or the change never reaches
// `paymux` or the page. What a package bundles is what its source imports. Run by `npm test`;
// each failure names the changeset and the line to add.
import fs from "node:fs"
import path from "node:path"
import { root, workspaces } from "./lib/scratch.mjs"

const packages = new Map(workspaces().map((pkg) => [pkg.name, pkg]))
const sources = (dir) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true })
        .filter((f) => /\.tsx?$/.test(f))
        .map((f) => fs.readFileSync(path.join(dir, f), "utf8"))
    : []
const importedBy = (pkg) =>
  new Set(
    [...sources(path.join(pkg.dir, "src")), ...sources(path.join(pkg.dir, "app", "src"))].flatMap((text) =>
      [...text.matchAll(/from "(@paymux\/[a-z-]+)/g)].map((m) => m[1])
    )
  )
// Bundled: imported from its source while only a devDependency (a dependency is released with
// it). A change deeper down that alters what a bundle imports comes with a changeset of the
// package it imports, which then names the bundle.
const bundles = [...packages.values()]
  .map((pkg) => {
    const dev = new Set(Object.keys(pkg.devDependencies ?? {}))
    return { name: pkg.name, bundled: new Set([...importedBy(pkg)].filter((name) => dev.has(name) && name !== pkg.name)) }
  })
  .filter((b) => b.bundled.size > 0)

const problems = []
const dir = path.join(root, ".changeset")
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md")) {
  const front = /^---\n([\s\S]*?)\n---/.exec(fs.readFileSync(path.join(dir, file), "utf8"))?.[1] ?? ""
  const named = new Set([...front.matchAll(/^"(@paymux\/[a-z-]+)":/gm)].map((m) => m[1]))
  for (const { name, bundled } of bundles) {
    const releases = [...named].filter((n) => bundled.has(n))
    if (releases.length > 0 && !named.has(name)) {
      problems.push(`.changeset/${file}: releases ${releases.join(", ")}, which ${name} bundles: add "${name}": patch`)
    }
  }
}
for (const p of problems) console.error(p)
if (problems.length > 0) {
  console.error(`\n${problems.length} changeset(s) leave out a bundle (see the header of scripts/check-changesets.mjs)`)
  process.exit(1)
}
console.log(
  `changesets: ${fs.readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md").length} checked; ${bundles.map((b) => `${b.name} bundles ${b.bundled.size}`).join(", ")}`
)
