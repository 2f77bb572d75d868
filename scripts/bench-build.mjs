#!/usr/bin/env node
// `npm run bench:build`: a clean build (no dist, turbo's cache bypassed) and a no-change rebuild,
// printed beside `node -e 0` and the load average measured in the same run, because a shared
// 2-core machine makes seconds mean little on their own. Targets on an idle machine: clean build
// at most 20 s, no-change rebuild at most 3 s.
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { root } from "./lib/scratch.mjs"

const time = (command, args) => {
  const started = process.hrtime.bigint()
  const r = spawnSync(command, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] })
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${r.status}`)
  return Number(process.hrtime.bigint() - started) / 1e9
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const anchor = () => median(Array.from({ length: 5 }, () => time(process.execPath, ["-e", "0"])))

const load = () => os.loadavg()[0].toFixed(1)
const before = { anchor: anchor(), load: load() }
for (const dir of fs.readdirSync(path.join(root, "packages")))
  fs.rmSync(path.join(root, "packages", dir, "dist"), { recursive: true, force: true })
// `npm run build` with turbo's cache bypassed: the JavaScript (turbo), then the declarations.
const clean =
  time("npx", ["turbo", "run", "build", "--force", "--output-logs=errors-only"]) + time(process.execPath, ["scripts/build-types.mjs"])
const rebuild = time("npm", ["run", "build"])
const after = { anchor: anchor(), load: load() }

const row = (name, seconds, target) =>
  console.log(
    `${name.padEnd(22)} ${seconds.toFixed(2).padStart(8)} s   ${(seconds / before.anchor).toFixed(0).padStart(6)} x node -e 0   target ${target}`
  )
console.log(`cores ${os.cpus().length}, load average ${before.load} before, ${after.load} after`)
console.log(`${"node -e 0 (median of 5)".padEnd(22)} ${before.anchor.toFixed(3).padStart(8)} s before, ${after.anchor.toFixed(3)} s after`)
row("clean build", clean, "<= 20 s idle")
row("no-change rebuild", rebuild, "<= 3 s idle")
