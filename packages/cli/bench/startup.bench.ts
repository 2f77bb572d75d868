/**
 * Startup cost of the built `paymux` binary, as user+system CPU of a child process (median of
 * RUNS samples of BATCH runs each), beside `node -e 0` measured in the same run: the ratios are what to compare across
 * machines and runs, not the milliseconds. Run with `npm run bench:startup` (builds first).
 *
 * Targets: `--help` and `pg list` at most 2x `node -e 0`; `resolve` on a merchant with 1,000
 * channels at most 1.5x `--help` (once credentials are decrypted lazily by the store).
 *
 * A second anchor, the floor: `bench/floor.ts`, an effect/cli program with one command on the same
 * platform layer, bundled here with dist/bin.js's Rolldown configuration (minified, effect inside).
 * Its `--help` is what any effect/cli command line costs before a line of paymux loads.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { rolldown } from "rolldown"
import config from "../rolldown.config.ts"
import { keyEnv, seedChannels } from "../test/support/seed.ts"

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))
if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build -w @paymux/cli first`)
const RUNS = Number(process.env.RUNS ?? 9)
const CHANNELS = 1_000
const merchant = "imp00001000"

const dir = mkdtempSync(join(tmpdir(), "paymux-bench-"))
const db = join(dir, "bench.db")
const floorDir = join(dir, "floor")
const floorBin = join(floorDir, "floor.js")
// Bundled with dist/bin.js's own configuration, only the entry and the directory differ.
const floorBuild = await rolldown({ ...config, input: { floor: fileURLToPath(new URL("floor.ts", import.meta.url)) } })
await floorBuild.write({ ...config.output, dir: floorDir, sourcemap: false })
writeFileSync(join(floorDir, "package.json"), '{ "type": "module" }\n')
// Keys in the environment: no key file, the same keys for the seeding and the measured runs.
const keys = keyEnv()
const env: NodeJS.ProcessEnv = { ...process.env, ...keys }
delete env.PAYMUX_DB

// GNU time counts in steps of 10 ms, so one sample times BATCH runs in a row and divides.
const BATCH = 5

/** One child's user+system CPU in milliseconds: the mean of BATCH runs, as GNU time reports them. */
const cpuOf = (args: ReadonlyArray<string>): number => {
  const loop = `for i in $(seq ${BATCH}); do "$0" "$@" > /dev/null || exit 1; done`
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S", "sh", "-c", loop, process.execPath, ...args], {
    env,
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"]
  })
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed (${r.status}):\n${r.stderr}`)
  const last = r.stderr.trim().split("\n").at(-1)!
  const [user, sys] = last.split(" ").map(Number)
  return ((user! + sys!) * 1000) / BATCH
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["node -e 0", ["-e", "0"]],
  ["effect/cli floor --help", [floorBin, "--help"]],
  ["paymux --help", [bin, "--help"]],
  ["paymux pg list", [bin, "pg", "list"]],
  [
    "paymux resolve (1,000 channels)",
    [bin, "--db", db, "resolve", "-m", merchant, "--mode", "test", "--pg", `kcp.B00${CHANNELS - 1}`, "--pay-method", "card"]
  ]
]

try {
  seedChannels({ db, env: keys, merchant, channels: CHANNELS })
  const samples = new Map(cases.map(([name]) => [name, [] as Array<number>]))
  // Interleaved, so a slow spell of the machine hits every case alike.
  for (let i = 0; i < RUNS; i++) for (const [name, args] of cases) samples.get(name)!.push(cpuOf(args))
  const m = new Map([...samples].map(([name, xs]) => [name, median(xs)]))
  const node = m.get("node -e 0")!
  const help = m.get("paymux --help")!
  const floorMs = m.get("effect/cli floor --help")!
  console.log(`startup CPU (user+sys), median of ${RUNS} samples of ${BATCH} runs each`)
  for (const [name] of cases) {
    const ms = m.get(name)!
    const vsNode = (ms / node).toFixed(2)
    const extra = name.startsWith("paymux resolve")
      ? `  ${(ms / help).toFixed(2)}x --help (target <= 1.5x)`
      : name === "node -e 0" || name.startsWith("effect/cli floor")
        ? ""
        : `  (target <= 2x node; ${(ms / floorMs).toFixed(2)}x the floor)`
    console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(6)} ms  ${vsNode}x node -e 0${extra}`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
