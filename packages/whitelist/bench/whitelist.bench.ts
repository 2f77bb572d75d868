/**
 * Lookups/s and compile time of @paymux/whitelist, node:net BlockList and ipaddr.js (a loop over
 * pre-parsed rules) on the same random mixed IPv4/IPv6 rules and the same lookups (half hits).
 *
 *   npm run bench -w @paymux/whitelist
 *
 * The slower engines scan every rule per lookup, so they get a time-boxed prefix of the lookup list
 * (the count is printed). All engines must agree on every lookup they ran, or the bench fails.
 */
import ipaddr from "ipaddr.js"
import { BlockList } from "node:net"
import { performance } from "node:perf_hooks"
import { Whitelist } from "../src/index.ts"

const LOOKUPS = 1_000_000
const SIZES = [10, 1_000, 100_000] as const
const SLOW_ENGINE_BUDGET_MS = 2_000

// Deterministic PRNG (mulberry32) so every run measures the same data.
let seed = 0x5eed
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const u32 = (): number => Math.floor(random() * 4294967296)
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1))

type Block = { readonly v6: boolean; readonly words: ReadonlyArray<number>; readonly prefix: number }

const mask = (prefix: number, k: number): number => {
  const bits = prefix - 32 * k
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0
}
const v4Text = (v: number): string => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`
const v6Parts = (w: ReadonlyArray<number>): Array<number> => w.flatMap((x) => [x >>> 16, x & 0xffff])
const v6Text = (w: ReadonlyArray<number>): string => new ipaddr.IPv6(v6Parts(w)).toRFC5952String()

const randomBlock = (): Block => {
  if (random() < 0.5) {
    const prefix = int(16, 32)
    return { v6: false, words: [(u32() & mask(prefix, 0)) >>> 0], prefix }
  }
  const prefix = int(24, 128)
  // Global unicast 2000::/3, like real client addresses.
  const w = [((u32() & 0x1fffffff) | 0x20000000) >>> 0, u32(), u32(), u32()]
  return { v6: true, words: w.map((x, k) => (x & mask(prefix, k)) >>> 0), prefix }
}
const ruleText = (b: Block): string => `${b.v6 ? v6Text(b.words) : v4Text(b.words[0]!)}/${b.prefix}`

const addressIn = (b: Block): string => {
  if (!b.v6) {
    const v = (b.words[0]! | (u32() & ~mask(b.prefix, 0))) >>> 0
    return random() < 0.1 ? `::ffff:${v4Text(v)}` : v4Text(v)
  }
  return v6Text(b.words.map((x, k) => (x | (u32() & ~mask(b.prefix, k))) >>> 0))
}
const randomAddress = (): string =>
  random() < 0.5 ? v4Text(u32()) : v6Text([((u32() & 0x1fffffff) | 0x20000000) >>> 0, u32(), u32(), u32()])

/** Times `count` lookups into `out` (1 = allowed). Each engine has its own loop so call sites stay monomorphic. */
type Run = (lookups: ReadonlyArray<string>, count: number, out: Uint8Array) => void

interface Engine {
  readonly name: string
  compile(rules: ReadonlyArray<string>): Run
}

const engines: ReadonlyArray<Engine> = [
  {
    name: "@paymux/whitelist",
    compile: (rules) => {
      const wl = Whitelist.compileSync(rules)
      return (lookups, count, out) => {
        for (let i = 0; i < count; i++) out[i] = wl.allows(lookups[i]!) ? 1 : 0
      }
    }
  },
  {
    name: "net.BlockList",
    compile: (rules) => {
      const list = new BlockList()
      for (const rule of rules) {
        const [address, prefix] = rule.split("/") as [string, string]
        list.addSubnet(address, Number(prefix), address.includes(":") ? "ipv6" : "ipv4")
      }
      return (lookups, count, out) => {
        for (let i = 0; i < count; i++) {
          const ip = lookups[i]!
          out[i] = list.check(ip, ip.includes(":") ? "ipv6" : "ipv4") ? 1 : 0
        }
      }
    }
  },
  {
    name: "ipaddr.js loop",
    compile: (rules) => {
      const v4: Array<[ipaddr.IPv4, number]> = []
      const v6: Array<[ipaddr.IPv6, number]> = []
      for (const rule of rules) {
        const parsed = ipaddr.parseCIDR(rule)
        if (parsed[0].kind() === "ipv4") v4.push(parsed as [ipaddr.IPv4, number])
        else v6.push(parsed as [ipaddr.IPv6, number])
      }
      const check = (ip: string): boolean => {
        // process() folds ::ffff:a.b.c.d to IPv4, matching the other engines' semantics.
        const address = ipaddr.process(ip)
        if (address.kind() === "ipv4") {
          for (const range of v4) if ((address as ipaddr.IPv4).match(range)) return true
        } else {
          for (const range of v6) if ((address as ipaddr.IPv6).match(range)) return true
        }
        return false
      }
      return (lookups, count, out) => {
        for (let i = 0; i < count; i++) out[i] = check(lookups[i]!) ? 1 : 0
      }
    }
  }
]

const time = (f: () => void): number => {
  const start = performance.now()
  f()
  return performance.now() - start
}

const run = (engine: Run, lookups: ReadonlyArray<string>, count: number, out: Uint8Array): number => time(() => engine(lookups, count, out))

interface Row {
  readonly size: number
  readonly engine: string
  readonly compileMs: number
  readonly lookups: number
  readonly perSecond: number
}

const rows: Array<Row> = []
for (const size of SIZES) {
  const blocks = Array.from({ length: size }, randomBlock)
  const rules = blocks.map(ruleText)
  const lookups = Array.from({ length: LOOKUPS }, () =>
    random() < 0.5 ? addressIn(blocks[Math.floor(random() * size)]!) : randomAddress()
  )
  const reference = new Uint8Array(LOOKUPS)
  for (const engine of engines) {
    let check: Run = () => undefined
    const compileMs = Math.min(...[0, 1, 2].map(() => time(() => (check = engine.compile(rules)))))
    const out = new Uint8Array(LOOKUPS)
    let count = LOOKUPS
    let ms: number
    if (engine === engines[0]) {
      run(check, lookups, LOOKUPS, reference) // warm up the JIT
      ms = Math.min(...[0, 1, 2, 3, 4].map(() => run(check, lookups, LOOKUPS, out)))
    } else {
      // Calibrate on a small prefix, then time-box so a linear scan over 100k rules ends.
      const probe = Math.min(LOOKUPS, 2_000)
      const probeMs = Math.max(run(check, lookups, probe, out), 0.01)
      count = Math.min(LOOKUPS, Math.max(probe, Math.floor((probe * SLOW_ENGINE_BUDGET_MS) / probeMs)))
      ms = run(check, lookups, count, out)
    }
    for (let i = 0; i < count; i++) {
      if (out[i] !== reference[i]) {
        throw new Error(`${engine.name} disagrees on ${lookups[i]} with ${size} rules`)
      }
    }
    rows.push({ size, engine: engine.name, compileMs, lookups: count, perSecond: (count / ms) * 1000 })
  }
  const hits = reference.reduce((n, x) => n + x, 0)
  console.log(`${size} rules: ${((hits / LOOKUPS) * 100).toFixed(1)}% of lookups are hits`)
}

const fmt = (n: number): string => n.toLocaleString("en-US", { maximumFractionDigits: 0 })
console.log("")
console.log("| rules | engine | compile ms | lookups timed | lookups/s |")
console.log("|---:|---|---:|---:|---:|")
for (const r of rows) {
  const reduced = r.lookups < LOOKUPS ? " (reduced)" : ""
  console.log(`| ${fmt(r.size)} | ${r.engine} | ${r.compileMs.toFixed(2)} | ${fmt(r.lookups)}${reduced} | ${fmt(r.perSecond)} |`)
}
const rate = (size: number, engine: string): number => rows.find((r) => r.size === size && r.engine === engine)!.perSecond
const ours = engines[0]!.name
console.log("")
for (const size of SIZES) {
  console.log(
    `${fmt(size)} rules: ours / net.BlockList = ${(rate(size, ours) / rate(size, "net.BlockList")).toFixed(1)}x, ` +
      `ours / ipaddr.js = ${(rate(size, ours) / rate(size, "ipaddr.js loop")).toFixed(1)}x`
  )
}
const flat = rate(100_000, ours) / rate(10, ours)
const compile100k = rows.find((r) => r.size === 100_000 && r.engine === ours)!.compileMs
console.log(`ours@100k / ours@10 = ${flat.toFixed(2)}x (target >= 0.7)`)
console.log(`ours / net.BlockList at 1,000 rules = ${(rate(1_000, ours) / rate(1_000, "net.BlockList")).toFixed(1)}x (target >= 40)`)
console.log(`compile 100,000 rules = ${compile100k.toFixed(1)} ms (target < 500)`)
console.log("Reduced lookup counts are time-boxed prefixes of the same 1M lookup list; all engines agreed on every lookup they ran.")
