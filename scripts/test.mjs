#!/usr/bin/env node
// `npm test`: every step runs even when an earlier one fails, and the end repeats what failed and
// every loud skip notice ("!!! SKIPPED", printed by suites whose database is missing), which are
// otherwise buried hundreds of lines up.
import { spawn } from "node:child_process"

const steps = [
  ["lint", "npm", ["run", "lint"]],
  ["graph", "node", ["scripts/graph.mjs", "--check"]],
  ["manifests", "node", ["scripts/check-packages.mjs"]],
  ["changesets", "node", ["scripts/check-changesets.mjs"]],
  ["barrels", "node", ["scripts/barrels.mjs", "--check"]],
  ["cycles", "node", ["scripts/cycles.mjs"]],
  ["browser", "node", ["scripts/browser-safe.mjs"]],
  ["packages", "npx", ["turbo", "run", "test", "--concurrency=1", "--continue"]],
  ["docs", "node", ["scripts/docs-check.mjs"]]
]

const run = (name, command, args) =>
  new Promise((resolve) => {
    const started = Date.now()
    const skips = []
    const child = spawn(command, args, { stdio: ["inherit", "pipe", "pipe"] })
    const scan = (stream, sink) =>
      stream.on("data", (chunk) => {
        sink.write(chunk)
        for (const line of chunk.toString().split("\n")) if (line.includes("!!! SKIPPED")) skips.push(line.trim())
      })
    scan(child.stdout, process.stdout)
    scan(child.stderr, process.stderr)
    child.on("close", (code) => resolve({ name, code, seconds: (Date.now() - started) / 1000, skips }))
  })

const results = []
for (const [name, command, args] of steps) {
  console.log(`\n=== ${name}: ${command} ${args.join(" ")}`)
  results.push(await run(name, command, args))
}

console.log("\n=== summary")
for (const r of results) console.log(`${r.code === 0 ? "ok    " : "FAILED"}  ${r.name.padEnd(9)} ${r.seconds.toFixed(1)} s`)
const skips = [...new Set(results.flatMap((r) => r.skips))]
if (skips.length > 0) {
  console.log("\nskip notices:")
  for (const line of skips) console.log(`  ${line}`)
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1)
