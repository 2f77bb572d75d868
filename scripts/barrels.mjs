#!/usr/bin/env node
// Keeps every `packages/*/src/index.ts` honest: each `export * as Name from "./Name.ts"` carries a
// one-line JSDoc, the first sentence of that module's own header comment, so the index reads as a
// table of contents and cannot drift from the modules. `--check` (run by `npm test`) fails when an
// index is stale; without it the indexes are rewritten. Other exports are left as written.
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const check = process.argv.includes("--check")
const root = new URL("..", import.meta.url).pathname
const namespaceExport = /^export \* as (\w+) from "\.\/([\w/]+)\.ts"$/

/** The first sentence of a module's leading `/** ... *\/` comment, on one line. */
const summaryOf = (file) => {
  const text = readFileSync(file, "utf8")
  const match = /^\/\*\*([\s\S]*?)\*\//.exec(text)
  if (match === null) throw new Error(`${file}: no header comment to summarise`)
  const prose = match[1]
    .split("\n")
    .map((line) => line.replace(/^\s*\*\s?/, ""))
    .filter((line) => !line.startsWith("@"))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim()
  const sentence = /^(.*?[.:;])(\s|$)/.exec(prose)?.[1] ?? prose
  if (sentence === "") throw new Error(`${file}: the header comment has no sentence`)
  return sentence.replace(/[:;]$/, ".")
}

const render = (dir, source) => {
  const out = []
  const lines = source.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const match = namespaceExport.exec(line)
    if (match === null) {
      out.push(line)
      continue
    }
    // Drop the comment (one line or several) that sat right above this export, then write ours.
    while (out.length > 0 && /^\/\*\*.*\*\/$/.test(out.at(-1))) out.pop()
    if (out.length > 0 && out.at(-1).trim() === "*/") {
      while (out.length > 0 && !out.at(-1).startsWith("/**")) out.pop()
      out.pop()
    }
    out.push(`/** ${summaryOf(join(dir, `${match[2]}.ts`))} @since 0.1.0 */`, line)
  }
  return out.join("\n")
}

let stale = 0
for (const name of readdirSync(join(root, "packages"))) {
  const dir = join(root, "packages", name, "src")
  const file = join(dir, "index.ts")
  let source
  try {
    source = readFileSync(file, "utf8")
  } catch {
    continue
  }
  const next = render(dir, source)
  if (next === source) continue
  stale++
  if (check) console.error(`${file} is stale: run npm run barrels`)
  else writeFileSync(file, next)
}
if (check && stale > 0) process.exit(1)
if (!check) console.log(`barrels: ${stale} index file(s) rewritten`)
