#!/usr/bin/env node
// Fails when files of a package import each other in a circle at run time (`import type` does
// not count: it is erased). Run by `npm test`; prints each circle it finds.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, normalize } from "node:path"

const root = new URL("..", import.meta.url).pathname
const filesUnder = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith(".ts") ? [path] : []
  })

// Relative imports that load code: not `import type`, and not a `{ ... }` list of types only.
const runtimeImports = (file) => {
  const text = readFileSync(file, "utf8")
  const found = []
  for (const m of text.matchAll(/^(?:import|export) (.*?) from "(\.[^"]+)"/gms)) {
    const clause = m[1].trim()
    if (clause.startsWith("type ")) continue
    const names = clause.startsWith("{")
      ? clause
          .slice(1, -1)
          .split(",")
          .map((n) => n.trim())
          .filter(Boolean)
      : []
    if (names.length > 0 && names.every((n) => n.startsWith("type "))) continue
    found.push(normalize(join(dirname(file), m[2])))
  }
  return found
}

const circles = []
for (const pkg of readdirSync(join(root, "packages"))) {
  const src = join(root, "packages", pkg, "src")
  let files
  try {
    files = filesUnder(src)
  } catch {
    continue
  }
  const graph = new Map(files.map((f) => [f, runtimeImports(f)]))
  const state = new Map()
  const visit = (file, stack) => {
    state.set(file, "open")
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") circles.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next, stack)
    }
    stack.pop()
    state.set(file, "done")
  }
  for (const file of files) if (!state.has(file)) visit(file, [])
}
for (const circle of circles) console.error(`import circle: ${circle.map((f) => f.slice(root.length)).join(" -> ")}`)
if (circles.length > 0) process.exit(1)
console.log("cycles: no run-time import circles between files")
