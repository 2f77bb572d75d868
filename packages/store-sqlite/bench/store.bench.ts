/**
 * npm run bench -w @paymux/store-sqlite
 *
 * 1. The SQLite write path against its anchor, in the same run: channel creates/s through the
 *    store beside raw better-sqlite3 running the same statements (sequence upsert + insert in a
 *    `BEGIN IMMEDIATE` transaction, WAL file, the store's pragmas) and sealing the same envelope.
 *    Passes alternate store and anchor; the ratio is the median of the per-pass ratios
 *    (target >= 0.8x).
 * 2. The first load of a merchant's 1,000 channels in a cold process (a child process opens the
 *    store and times its first `list`, CPU and wall; median of 5 processes; target < 15 ms),
 *    beside its anchor: a cold child reading the same rows with raw better-sqlite3 and parsing
 *    their JSON column, without checking them. A third child reads them the same raw way and
 *    checks each with `PaymentChannel.decode`, as the store does: the cost of the check alone.
 * 3. The shared StoreBench table (memory and SQLite), for the outbox and warm-load figures.
 */
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { PaymentChannel } from "@paymux/domain"
import { KeyProvider, Memory, Repositories, SecretBox } from "@paymux/store"
import { StoreBench, StoreFixtures } from "@paymux/store-testkit"
import Database from "better-sqlite3"
import { Effect, Layer, ManagedRuntime, Redacted, Result } from "effect"
import { SqliteStore } from "../src/index.ts"

const median = (xs: ReadonlyArray<number>): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

// Fixed keys for this run, handed to the child processes so they open the same database.
const keyText = process.env["BENCH_KEY"] ?? randomBytes(32).toString("base64")
const pepperText = process.env["BENCH_PEPPER"] ?? randomBytes(32).toString("base64")
const keys = KeyProvider.layerStatic({ keys: [{ id: "bench", key: Redacted.make(keyText) }], pepper: Redacted.make(pepperText) })
const storeLayer = (filename: string) => SqliteStore.layer({ filename, keyProvider: keys })

/** Child mode: open the store over an existing file and time the first 1,000-channel load. */
const firstLoadChild = async (filename: string): Promise<void> => {
  const runtime = ManagedRuntime.make(storeLayer(filename))
  const millis: { millis: number; cpuMillis: number } = await runtime.runPromise(
    Effect.gen(function* () {
      const channels = yield* Repositories.ChannelRepository
      const cpuStart = process.cpuUsage()
      const start = performance.now()
      const list = yield* channels.list(StoreFixtures.merchantCode(1))
      const elapsed = performance.now() - start
      const cpu = process.cpuUsage(cpuStart)
      if (list.length !== 1000) return yield* Effect.die(new Error(`loaded ${list.length} channels, not 1,000`))
      return { millis: elapsed, cpuMillis: (cpu.user + cpu.system) / 1000 }
    })
  )
  await runtime.dispose()
  process.stdout.write(JSON.stringify(millis))
}

/** Child mode, the anchor of the first load: the same rows read with raw better-sqlite3. */
const firstLoadRawChild = (filename: string): void => {
  const db = new Database(filename, { readonly: true })
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const rows = db.prepare("SELECT * FROM paymux_channels WHERE merchant = ? ORDER BY sequence").all(StoreFixtures.merchantCode(1)) as Array<
    Record<string, unknown>
  >
  const payMethods = rows.map((row) => JSON.parse(String(row["pay_methods"])) as unknown)
  const elapsed = performance.now() - start
  const cpu = process.cpuUsage(cpuStart)
  db.close()
  if (payMethods.length !== 1000) throw new Error(`read ${payMethods.length} rows, not 1,000`)
  process.stdout.write(JSON.stringify({ millis: elapsed, cpuMillis: (cpu.user + cpu.system) / 1000 }))
}

/**
 * Child mode: the raw read plus the check every stored channel gets (`PaymentChannel.decode`, the
 * domain's schema), without the store around it. The row-to-channel mapping restates the store's.
 */
const firstLoadCheckedChild = (filename: string): void => {
  const db = new Database(filename, { readonly: true })
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const rows = db.prepare("SELECT * FROM paymux_channels WHERE merchant = ? ORDER BY sequence").all(StoreFixtures.merchantCode(1)) as Array<
    Record<string, unknown>
  >
  const checked = rows.map((row) =>
    PaymentChannel.decode({
      key: row["channel_key"],
      merchant: row["merchant"],
      mode: row["mode"],
      pg: row["pg"],
      mid: row["mid"],
      name: row["name"],
      purpose: row["purpose"],
      paymentType: row["payment_type"],
      payMethods: JSON.parse(String(row["pay_methods"])) as unknown,
      taxType: row["tax_type"],
      credentialSource: row["credential_source"],
      credentials: {},
      readable: true,
      enabled: row["enabled"] === 1,
      sequence: row["sequence"],
      createdAt: row["created_at"],
      version: row["version"]
    })
  )
  const elapsed = performance.now() - start
  const cpu = process.cpuUsage(cpuStart)
  db.close()
  if (checked.filter(Result.isSuccess).length !== 1000) throw new Error("not 1,000 valid channels")
  process.stdout.write(JSON.stringify({ millis: elapsed, cpuMillis: (cpu.user + cpu.system) / 1000 }))
}

/** The anchor: the store's two statements over raw better-sqlite3, with the same envelope. */
const rawWriter = (filename: string, master: KeyProvider.MasterKey) => {
  const db = new Database(filename, { timeout: 5000 })
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  db.pragma("foreign_keys = ON")
  const begin = db.prepare("BEGIN IMMEDIATE")
  const commit = db.prepare("COMMIT")
  const nextSequence = db.prepare(`INSERT INTO paymux_channel_sequences (merchant, last_sequence)
    SELECT code, 1 FROM paymux_merchants WHERE code = ?
    ON CONFLICT (merchant) DO UPDATE SET last_sequence = paymux_channel_sequences.last_sequence + 1
    RETURNING last_sequence`)
  const insert = db.prepare(`INSERT INTO paymux_channels (channel_key, merchant, mode, pg, mid, name, purpose, payment_type,
    pay_methods, tax_type, credential_source, credentials, enabled, sequence, created_at, version)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (merchant, mode, pg, mid, payment_type) DO NOTHING RETURNING channel_key`)
  db.prepare(`INSERT INTO paymux_merchants (code, name, policy, default_test, default_live, created_at, version)
    VALUES (?, 'Merchant', 'fallback', NULL, NULL, 0, 0)`).run(StoreFixtures.merchantCode(2))
  const create = (c: ReturnType<typeof StoreFixtures.channel>) => {
    const plain: Record<string, string> = {}
    for (const [name, value] of Object.entries(c.credentials)) plain[name] = Redacted.value(value)
    const sealed = SecretBox.sealWith(master, JSON.stringify(plain), SecretBox.channelAad(c.merchant, c.key))
    begin.run()
    const sequence = (nextSequence.get(c.merchant) as { last_sequence: number }).last_sequence
    // As the store does: a taken slot inserts nothing, and the returned key says whether it did.
    const inserted = insert.get(
      c.key,
      c.merchant,
      c.mode,
      c.pg,
      c.mid,
      c.name,
      c.purpose,
      c.paymentType,
      JSON.stringify(c.payMethods),
      c.taxType,
      c.credentialSource,
      sealed,
      c.enabled ? 1 : 0,
      sequence,
      c.createdAt,
      c.version
    )
    if (inserted === undefined) throw new Error(`slot of ${c.key} taken`)
    commit.run()
  }
  return { create, close: () => db.close() }
}

const main = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), "paymux-bench-"))
  try {
    const storeFile = join(dir, "store.db")
    const rawFile = join(dir, "raw.db")
    const runtime = ManagedRuntime.make(storeLayer(storeFile))
    const master = await runtime.runPromise(Effect.flatMap(KeyProvider.KeyProvider, (k) => k.current))
    await Effect.runPromise(SqliteStore.migrate({ filename: rawFile }))
    const raw = rawWriter(rawFile, master)
    const perPass = 1000
    let next = 0
    const input = () => Array.from({ length: perPass }, () => StoreFixtures.channel(2, next++))
    const timeStore = (batch: ReadonlyArray<ReturnType<typeof StoreFixtures.channel>>) =>
      runtime.runPromise(
        Effect.gen(function* () {
          const channels = yield* Repositories.ChannelRepository
          const start = performance.now()
          for (const c of batch) yield* channels.create(c)
          return batch.length / ((performance.now() - start) / 1000)
        })
      )
    const timeRaw = (batch: ReadonlyArray<ReturnType<typeof StoreFixtures.channel>>) => {
      const start = performance.now()
      for (const c of batch) raw.create(c)
      return batch.length / ((performance.now() - start) / 1000)
    }
    await runtime.runPromise(
      Effect.flatMap(Repositories.MerchantRepository, (m) =>
        Effect.forEach([1, 2], (n) => m.create(StoreFixtures.merchant(n)), { discard: true })
      )
    )
    // Warm-up of both paths, untimed.
    await timeStore(input())
    timeRaw(input())
    const stores: Array<number> = []
    const raws: Array<number> = []
    const ratios: Array<number> = []
    for (let pass = 0; pass < 9; pass++) {
      // Alternate which goes first, so neither always meets a freshly checkpointed WAL.
      const a = input()
      const b = input()
      let s: number
      let r: number
      if (pass % 2 === 0) {
        s = await timeStore(a)
        r = timeRaw(b)
      } else {
        r = timeRaw(b)
        s = await timeStore(a)
      }
      stores.push(s)
      raws.push(r)
      ratios.push(s / r)
    }
    raw.close()
    const ratio = median(ratios)
    console.log(
      `channel creates/s (median of 9 passes of ${perPass}): store ${median(stores).toFixed(0)}, raw better-sqlite3 ${median(raws).toFixed(0)}, ratio ${ratio.toFixed(2)}x (target >= 0.8x: ${ratio >= 0.8 ? "met" : "NOT MET"})`
    )

    await runtime.runPromise(
      Effect.flatMap(Repositories.ChannelRepository, (channels) =>
        Effect.forEach(
          Array.from({ length: 1000 }, (_, i) => i),
          (i) => channels.create(StoreFixtures.channel(1, 50_000 + i)),
          { discard: true }
        )
      )
    )
    await runtime.dispose()
    const firstLoad = (mode: "--first-load" | "--first-load-raw" | "--first-load-checked") => {
      const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), mode, storeFile], {
        env: { ...process.env, BENCH_KEY: keyText, BENCH_PEPPER: pepperText },
        encoding: "utf8"
      })
      return JSON.parse(out) as { millis: number; cpuMillis: number }
    }
    const loads: Array<number> = []
    const cpus: Array<number> = []
    const rawCpus: Array<number> = []
    const checkedCpus: Array<number> = []
    for (let i = 0; i < 5; i++) {
      const timing = firstLoad("--first-load")
      loads.push(timing.millis)
      cpus.push(timing.cpuMillis)
      rawCpus.push(firstLoad("--first-load-raw").cpuMillis)
      checkedCpus.push(firstLoad("--first-load-checked").cpuMillis)
    }
    // CPU time is what the load costs on an idle machine; wall time on a busy one adds waiting.
    const cpu = median(cpus)
    const rawCpu = median(rawCpus)
    const checkedCpu = median(checkedCpus)
    console.log(
      `first 1,000-channel load in a cold process (median of 5): ${cpu.toFixed(1)} ms CPU (target < 15 ms: ${cpu < 15 ? "met" : "NOT MET"}), ${median(loads).toFixed(1)} ms wall (all CPU: ${cpus.map((l) => l.toFixed(1)).join(", ")}); raw better-sqlite3 reading the same rows ${rawCpu.toFixed(1)} ms CPU, ratio ${(cpu / rawCpu).toFixed(2)}x; the raw read plus PaymentChannel.decode of each row ${checkedCpu.toFixed(1)} ms CPU, ratio ${(cpu / checkedCpu).toFixed(2)}x\n`
    )

    await StoreBench.compare([
      { name: "memory", layer: Memory.layerWithKeys.pipe(Layer.provideMerge(keys)) },
      { name: "sqlite (WAL file)", layer: storeLayer(join(dir, "bench.db")) }
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === "--first-load") await firstLoadChild(process.argv[3]!)
else if (process.argv[2] === "--first-load-raw") firstLoadRawChild(process.argv[3]!)
else if (process.argv[2] === "--first-load-checked") firstLoadCheckedChild(process.argv[3]!)
else await main()
