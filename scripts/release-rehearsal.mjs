#!/usr/bin/env node
// `npm run release:rehearsal`: what a release would publish, tried without publishing anything.
// On a throwaway copy of the tracked files (with the built dist folders), runs `changeset version`,
// checks the versions and ranges it wrote, packs every package, installs the tarballs beside the
// user's own `effect` in a scratch project, and there checks: one copy of effect, `npx paymux
// --help`, `require()` of a package, and the Promise-facade example of docs/embedding.md.
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { blocksOf } from "./lib/markdown.mjs"
import { makeConsumer, packAll, root, sh } from "./lib/scratch.mjs"

const problems = []
const check = (ok, message) => {
  console.log(`${ok ? "ok  " : "FAIL"}  ${message}`)
  if (!ok) problems.push(message)
}

sh("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] })
const copy = fs.mkdtempSync(path.join(os.tmpdir(), "paymux-release-"))
for (const file of sh("git", ["ls-files", "-z"], { cwd: root }).split("\0").filter(Boolean)) {
  if (!fs.existsSync(path.join(root, file))) continue
  fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true })
  fs.copyFileSync(path.join(root, file), path.join(copy, file))
}
for (const dir of fs.readdirSync(path.join(root, "packages"))) {
  const dist = path.join(root, "packages", dir, "dist")
  if (fs.existsSync(dist)) fs.cpSync(dist, path.join(copy, "packages", dir, "dist"), { recursive: true })
}
fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"))
sh(process.execPath, [path.join(root, "node_modules/@changesets/cli/bin.js"), "version"], {
  cwd: copy,
  stdio: ["ignore", "inherit", "inherit"]
})
fs.unlinkSync(path.join(copy, "node_modules"))

// Versions and ranges as changesets wrote them.
const manifests = fs
  .readdirSync(path.join(copy, "packages"))
  .map((dir) => JSON.parse(fs.readFileSync(path.join(copy, "packages", dir, "package.json"), "utf8")))
const versions = new Map(manifests.map((m) => [m.name, m.version]))
for (const m of manifests) {
  check(m.version !== "0.0.0", `${m.name} is versioned ${m.version}`)
  for (const [name, range] of Object.entries({ ...m.dependencies, ...m.peerDependencies })) {
    if (name.startsWith("@paymux/"))
      check(range === `^${versions.get(name)}`, `${m.name} depends on ${name} ${range} (now ${versions.get(name)})`)
    if (name === "effect")
      check(
        m.peerDependencies?.effect?.startsWith("^") && !m.dependencies?.effect,
        `${m.name} takes effect as a caret peer dependency (${range})`
      )
  }
}

const tarballs = packAll(path.join(copy, "tarballs"), copy)
check(tarballs.length === manifests.length, `packed ${tarballs.length} packages`)
const project = makeConsumer("release", tarballs, { effect: "^4.1.0" })
const run = (command, args, options = {}) => spawnSync(command, args, { cwd: project, encoding: "utf8", timeout: 120_000, ...options })

const effects = []
const walk = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const full = path.join(dir, entry.name)
    if (entry.name === "effect" && path.basename(dir) === "node_modules") effects.push(full)
    walk(full)
  }
}
walk(path.join(project, "node_modules"))
check(effects.length === 1, `one copy of effect installed (${effects.map((e) => path.relative(project, e)).join(", ")})`)

const help = run("npx", ["--no-install", "paymux", "--help"])
check(help.status === 0 && /paymux/.test(help.stdout), `npx paymux --help exits ${help.status}`)

const required = run(process.execPath, ["-e", "const d = require('@paymux/domain'); if (!d.Identifiers) process.exit(1)"])
check(
  required.status === 0,
  `require("@paymux/domain") works${required.status === 0 ? "" : `: ${required.stderr.split("\n").find((l) => /Error/.test(l))}`}`
)

// The first whole program of the guide (no docs-check marker) that uses the Promise facade.
const facade = blocksOf("docs/embedding.md").find((b) => b.lang === "ts" && b.marker === undefined && b.code.includes("Paymux.make"))?.code
if (facade === undefined) check(false, "docs/embedding.md has a ts block with Paymux.make")
else {
  fs.writeFileSync(path.join(project, "facade.ts"), facade)
  const r = run(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "facade.ts"])
  check(
    r.status === 0,
    `the Promise-facade example of docs/embedding.md runs${r.status === 0 ? "" : `:\n${(r.stderr || r.stdout).split("\n").slice(0, 8).join("\n")}`}`
  )
}

if (!process.argv.includes("--keep")) {
  fs.rmSync(project, { recursive: true, force: true })
  fs.rmSync(copy, { recursive: true, force: true })
}
console.log(problems.length === 0 ? "release rehearsal: ok (nothing was published)" : `release rehearsal: ${problems.length} problem(s)`)
process.exit(problems.length === 0 ? 0 : 1)
