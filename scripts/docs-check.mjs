#!/usr/bin/env node
// `npm run docs:check`: the code in the docs, checked against the packages as published.
//
// Packs every package, installs the tarballs into a scratch project outside the repository (no
// @paymux/source condition, nothing borrowed from the repo's node_modules), then:
//   - type-checks every ts/typescript block of README.md, docs/*.md and packages/*/README.md under
//     NodeNext, Node16 and bundler resolution, and runs each one (js/javascript/mjs blocks are run);
//   - runs the sh/bash blocks of docs/getting-started.md, docs/cli.md and docs/http.md in order, one
//     shell per document, in a scratch folder with the installed `paymux` on PATH;
//   - where a block is followed directly by an untagged, text or output block, compares what the
//     code printed with it.
// A marker on the line before a block (or as its first line, as a comment) changes that:
//   <!-- docs-check: fragment -->  not a whole program: neither type-checked nor run
//   <!-- docs-check: no-run -->    type-checked only (servers, code that needs a remote service)
//   <!-- docs-check: skip -->      a shell block that is not for a scratch folder (clone, npm ci)
// Usage: node scripts/docs-check.mjs [--keep] [path.md ...]
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import { builtinModules } from "node:module"
import path from "node:path"
import { blocksOf } from "./lib/markdown.mjs"
import { makeConsumer, packAll, root, sh } from "./lib/scratch.mjs"

const args = process.argv.slice(2)
const keep = args.includes("--keep")
const only = args.filter((a) => a.endsWith(".md"))
const shellDocs = ["docs/getting-started.md", "docs/cli.md", "docs/http.md"]
const tsLangs = new Set(["ts", "typescript"])
const jsLangs = new Set(["js", "javascript", "mjs"])
const shLangs = new Set(["sh", "bash", "shell"])
// Commands that act on a clone of the repository (or would run this check again), never on a scratch folder.
const repoCommands = /\b(git clone|npm ci|npm test|npm start|npm run|\.ci\/run)\b/

const docFiles = () => {
  const list = [
    "README.md",
    ...fs
      .readdirSync(path.join(root, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`)
  ]
  for (const dir of fs.readdirSync(path.join(root, "packages")))
    if (fs.existsSync(path.join(root, "packages", dir, "README.md"))) list.push(`packages/${dir}/README.md`)
  return only.length > 0 ? list.filter((f) => only.includes(f)) : list
}

const failures = []
const fail = (block, what, detail) => {
  failures.push(
    `${block.doc}:${block.line} (${block.lang} block): ${what}${detail ? `\n    ${detail.trim().split("\n").slice(0, 12).join("\n    ")}` : ""}`
  )
}
const sameOutput = (actual, expected) => {
  const norm = (s) =>
    s
      .split("\n")
      .map((l) => l.trimEnd())
      .join("\n")
      .trim()
  return norm(actual) === norm(expected)
}

const blocks = docFiles().flatMap(blocksOf)
const code = blocks.filter((b) => (tsLangs.has(b.lang) || jsLangs.has(b.lang)) && b.marker !== "fragment")
const shell = blocks.filter((b) => shLangs.has(b.lang) && shellDocs.includes(b.doc))
console.log(
  `docs-check: ${code.length} code blocks and ${shell.length} shell blocks in ${new Set(blocks.map((b) => b.doc)).size} files (${blocks.filter((b) => b.marker === "fragment").length} marked as fragments)`
)

console.log("docs-check: building and packing")
sh("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] })
const stage = fs.mkdtempSync(path.join((await import("node:os")).tmpdir(), "paymux-tarballs-"))
const tarballs = packAll(stage)
// vitest 4.1 for the testkit examples: it runs on Node 20, and installing it beside the testkit
// proves its peer range needs no overrides there.
const project = makeConsumer("docs-check", tarballs, { "@types/node": "^20.19.0", "fast-check": "^4.11.0", vitest: "~4.1.12" })
console.log(`docs-check: scratch project ${project}`)

// Type-check, once per resolution mode.
const blockDir = path.join(project, "blocks")
fs.mkdirSync(blockDir)
const fileOf = new Map()
for (const b of code) {
  // Blocks that import vitest are test files: vitest runs them.
  b.vitest = /from "vitest"|@paymux\/store-testkit/.test(b.code)
  const name = `${b.doc.replace(/[^\w]+/g, "_")}_L${b.line}${b.vitest ? ".test" : ""}.${tsLangs.has(b.lang) ? "ts" : "mjs"}`
  b.file = path.join(blockDir, name)
  fs.writeFileSync(b.file, `${b.code}\n`)
  fileOf.set(`blocks/${name}`, b)
}
const base = {
  target: "ES2022",
  lib: ["ES2023", "DOM"],
  types: ["node"],
  // A strict consumer's settings: the packages' declarations and the docs' code hold under them.
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  skipLibCheck: false,
  moduleDetection: "force",
  allowImportingTsExtensions: true
}
const modes = {
  nodenext: { module: "NodeNext", moduleResolution: "NodeNext" },
  node16: { module: "Node16", moduleResolution: "Node16" },
  bundler: { module: "Preserve", moduleResolution: "Bundler" }
}
const tsc = path.join(root, "node_modules/typescript/bin/tsc")
for (const [mode, options] of Object.entries(modes)) {
  fs.writeFileSync(
    path.join(project, `tsconfig.${mode}.json`),
    JSON.stringify({ compilerOptions: { ...base, ...options }, include: ["blocks/*.ts"] }, null, 2)
  )
  const r = spawnSync(process.execPath, [tsc, "-p", `tsconfig.${mode}.json`, "--pretty", "false"], { cwd: project, encoding: "utf8" })
  const byBlock = new Map()
  for (const line of r.stdout.split("\n")) {
    const m = /^(blocks\/[^(]+)\((\d+),(\d+)\): (error .*)$/.exec(line)
    if (m && fileOf.has(m[1])) {
      const b = fileOf.get(m[1])
      byBlock.set(b, [...(byBlock.get(b) ?? []), `line ${b.line + Number(m[2])}: ${m[4]}`])
    } else if (line.trim() !== "" && !line.startsWith(" ")) console.log(`  tsc (${mode}): ${line}`)
  }
  for (const [b, errors] of byBlock) {
    const text = errors.join("\n")
    if (b.typeErrors === text) b.modes.push(mode)
    else if (b.typeErrors === undefined) Object.assign(b, { typeErrors: text, modes: [mode] })
    else fail(b, `does not type-check (${mode})`, text)
  }
}
for (const b of code) if (b.typeErrors !== undefined) fail(b, `does not type-check (${b.modes.join(", ")}); not run`, b.typeErrors)

// Every value a package exports at run time must be a value in its .d.ts too (a rolled-up .d.ts
// once kept only the type of 48 names that are both, e.g. `Cidr.InvalidCidr`).
const entries = tarballs.flatMap((t) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(project, "node_modules", t.name, "package.json"), "utf8"))
  return Object.keys(manifest.exports ?? { ".": null })
    .filter((k) => !k.includes("*") && k !== "./package.json")
    .map((k) => (k === "." ? t.name : `${t.name}/${k.slice(2)}`))
})
const listing = spawnSync(
  process.execPath,
  [
    "--input-type=module",
    "-e",
    `const out = {}
// esbuild bundles \`export * as Ns\` as an object of getters
const isNamespace = (v) => typeof v === "object" && v !== null && Object.values(Object.getOwnPropertyDescriptors(v)).every((d) => d.get)
for (const entry of ${JSON.stringify(entries)}) {
  try {
    const m = await import(entry)
    out[entry] = Object.keys(m).map((k) => isNamespace(m[k]) ? [k, Object.keys(m[k])] : [k, null])
  } catch (e) { out[entry] = String(e) }
}
console.log(JSON.stringify(out))`
  ],
  { cwd: project, encoding: "utf8" }
)
const exportsBlock = { doc: "package exports", line: 0, lang: "probe" }
if (listing.status !== 0) fail(exportsBlock, "could not list the exports at run time", listing.stderr)
else {
  const lines = []
  for (const [i, [entry, names]] of Object.entries(JSON.parse(listing.stdout)).entries()) {
    if (typeof names === "string") {
      fail(exportsBlock, `${entry} does not import in Node`, names)
      continue
    }
    lines.push(`import * as m${i} from "${entry}"`)
    for (const [name, inner] of names)
      for (const key of inner ?? [null]) lines.push(`void m${i}.${name}${key === null ? "" : `.${key}`} // ${entry}`)
  }
  fs.writeFileSync(path.join(project, "exports-probe.ts"), `${lines.join("\n")}\n`)
  fs.writeFileSync(
    path.join(project, "tsconfig.exports.json"),
    JSON.stringify({ compilerOptions: { ...base, ...modes.nodenext }, files: ["exports-probe.ts"] })
  )
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.exports.json", "--pretty", "false"], { cwd: project, encoding: "utf8" })
  const missing = r.stdout.split("\n").filter((l) => l.startsWith("exports-probe.ts"))
  const probeLines = lines
  const named = missing.map((l) => {
    const at = /\((\d+),/.exec(l)
    return `${(probeLines[Number(at?.[1]) - 1] ?? "").replace(/^void m\d+\./, "")}: ${l.replace(/^[^:]*: /, "")}`
  })
  if (named.length > 0) fail(exportsBlock, `${named.length} run-time value(s) missing from the .d.ts`, named.join("\n"))
  else
    console.log(
      `docs-check: all ${lines.filter((l) => l.startsWith("void")).length} run-time exports of ${entries.length} entries are values in the .d.ts`
    )
}

// A package's declarations, from the `types` of its exports through their relative imports, may
// name only what installing it brings: itself, its dependencies and peers, and Node's modules (the
// CLI's once imported @paymux/admin, which it bundles and does not depend on: a consumer checking
// library files got TS2307, or with skipLibCheck an `any`).
const declarationsBlock = { doc: "package declarations", line: 0, lang: "probe" }
const packageOf = (specifier) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/")
const typesOf = (target) =>
  typeof target === "string" ? (target.endsWith(".d.ts") ? [target] : []) : Object.values(target ?? {}).flatMap(typesOf)
for (const t of tarballs) {
  const dir = path.join(project, "node_modules", t.name)
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))
  const allowed = new Set([t.name, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})])
  const stray = new Set()
  const seen = new Set()
  const visit = (file) => {
    if (seen.has(file) || !fs.existsSync(file)) return
    seen.add(file)
    for (const m of fs.readFileSync(file, "utf8").matchAll(/(?:from\s+|import\(\s*)["']([^"']+)["']/g)) {
      const specifier = m[1]
      if (specifier.startsWith(".")) visit(path.resolve(path.dirname(file), specifier.replace(/\.(d\.)?[cm]?[jt]s$/, "") + ".d.ts"))
      else if (!specifier.startsWith("node:") && !builtinModules.includes(packageOf(specifier)) && !allowed.has(packageOf(specifier)))
        stray.add(`${packageOf(specifier)} (${path.relative(dir, file)})`)
    }
  }
  for (const types of typesOf(manifest.exports)) visit(path.join(dir, types))
  if (stray.size > 0) fail(declarationsBlock, `${t.name}'s declarations import packages it does not depend on`, [...stray].join("\n"))
}

// Run.
const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs")
for (const b of code) {
  if (b.marker === "no-run" || b.typeErrors !== undefined) continue
  const command = b.vitest ? [path.join(project, "node_modules/vitest/vitest.mjs"), "run", "--root", project, b.file] : [tsx, b.file]
  const r = spawnSync(process.execPath, command, { cwd: project, encoding: "utf8", timeout: 120_000 })
  if (r.error || r.status !== 0) fail(b, r.error ? `did not finish (${r.error.code})` : `exited with ${r.status}`, r.stderr || r.stdout)
  else if (b.output !== undefined && !sameOutput(r.stdout, b.output))
    fail(b, "printed something else than the block after it shows", r.stdout)
}

// Shell blocks, one shell per document, in order.
const bin = path.join(project, "node_modules/.bin")
for (const doc of shellDocs) {
  const cwd = path.join(project, "shell", path.basename(doc, ".md"))
  fs.mkdirSync(cwd, { recursive: true })
  for (const b of shell.filter((s) => s.doc === doc)) {
    if (b.marker === "skip" || b.marker === "fragment") continue
    if (repoCommands.test(b.code)) {
      fail(
        b,
        "runs a repository command (clone, npm ci/test/start/run, .ci/run); mark it <!-- docs-check: skip --> if it is not for a scratch folder"
      )
      continue
    }
    const r = spawnSync("bash", ["-e", "-o", "pipefail", "-c", b.code], {
      cwd,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }
    })
    if (r.error || r.status !== 0)
      fail(b, r.error ? `did not finish (${r.error.code})` : `exited with ${r.status}`, `${r.stderr}\n${r.stdout}`)
    else if (b.output !== undefined && !sameOutput(r.stdout, b.output))
      fail(b, "printed something else than the block after it shows", r.stdout)
  }
}

if (!keep) {
  fs.rmSync(project, { recursive: true, force: true })
  fs.rmSync(stage, { recursive: true, force: true })
}
if (failures.length > 0) {
  console.error(`\ndocs-check: ${failures.length} problem(s)\n`)
  for (const f of failures) console.error(`- ${f}\n`)
  process.exit(1)
}
console.log(`docs-check: all ${code.length + shell.length} blocks passed`)
