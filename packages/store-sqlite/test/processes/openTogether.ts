/**
 * One OS process of the "open one new file together" test: for each round, waits for the
 * round's start time, opens that round's (not yet created) database through the whole store,
 * writes one merchant of its own, and closes it. Prints one line of JSON: the rounds that failed
 * and why. Just before each open it leaves a file `ready-<worker>-<round>` in <dir>.
 *
 * argv: <dir> <worker index> <rounds> <first start, epoch ms> <round spacing, ms> <busy timeout, ms>
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { KeyProvider, Repositories } from "@paymux/store"
import { Effect } from "effect"
import { SqliteStore } from "../../src/index.ts"

const [dir, index, rounds, start, spacing, busyTimeout] = process.argv.slice(2)
const keys = KeyProvider.layerStatic({ keys: [{ id: "k1", key: new Uint8Array(32).fill(1) }], pepper: new Uint8Array(32).fill(2) })
const code = `imp${String(Number(index)).padStart(8, "0")}`

const round = (r: number) =>
  Effect.gen(function* () {
    const merchants = yield* Repositories.MerchantRepository
    yield* merchants.create({ code, name: `Worker ${index}`, policy: "fallback", defaultChannels: {}, createdAt: 1, version: 0 } as never)
  }).pipe(
    Effect.provide(SqliteStore.layer({ filename: join(dir!, `round-${r}.db`), keyProvider: keys, busyTimeoutMillis: Number(busyTimeout) }))
  )

const failures: Array<{ round: number; error: string }> = []
for (let r = 0; r < Number(rounds); r++) {
  const at = Number(start) + r * Number(spacing)
  if (at - Date.now() > 20) await new Promise((resolve) => setTimeout(resolve, at - Date.now() - 20))
  // The last stretch spins: timers are too coarse to line the processes up within a millisecond.
  while (Date.now() < at) {}
  writeFileSync(join(dir!, `ready-${index}-${r}`), "")
  const exit = await Effect.runPromiseExit(round(r))
  if (exit._tag === "Failure") failures.push({ round: r, error: String(exit.cause).slice(0, 300) })
}
process.stdout.write(JSON.stringify({ index: Number(index), failures }) + "\n")
