/**
 * The storage benchmark every adapter runs, so adapters are compared on the same work in the
 * same run: channel creates/s, loading a merchant's 1,000 channels, and outbox claim+complete/s
 * (a claim, then a delivered attempt recorded with its completion) with several workers sharing
 * one outbox (counting double claims).
 *
 * @since 0.1.0
 */
import { performance } from "node:perf_hooks"
import { Repositories, type Store } from "@paymux/store"
import { Outbox } from "@paymux/store"
import { Effect, type Layer } from "effect"
import { attempt as fixtureAttempt, channel as fixtureChannel, merchant, merchantCode as code } from "./StoreFixtures.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Figures {
  readonly createsPerSecond: number
  /** Median of 30 loads of 1,000 channels, after the first. */
  readonly loadMillis: number
  /** The first load, when every envelope is opened and every row decoded. */
  readonly firstLoadMillis: number
  readonly claimCompletePerSecond: number
  readonly delivered: number
  readonly doubleClaims: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly creates?: number
  readonly deliveries?: number
  readonly workers?: number
}

const median = (xs: Array<number>): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * Runs the three measurements against an empty store.
 *
 * @since 0.1.0
 * @category benchmarks
 */
export const measure = (options: Options = {}): Effect.Effect<Figures, unknown, Store.Services> =>
  Effect.gen(function* () {
    const creates = options.creates ?? 3000
    const deliveries = options.deliveries ?? 5000
    const workers = options.workers ?? 4
    const merchants = yield* Repositories.MerchantRepository
    const channels = yield* Repositories.ChannelRepository
    const outbox = yield* Outbox.Outbox
    for (const m of [1, 2, 3]) yield* merchants.create(merchant(m))
    // Warm-up, so the JIT has compiled the store's paths before anything is timed.
    for (let i = 0; i < 1000; i++) yield* channels.create(fixtureChannel(3, 20_000 + i))
    for (let i = 0; i < 10; i++) yield* channels.list(code(3))

    // Channels are built before timing so the domain's validation is not counted as store time;
    // each create is its own transaction, as the console makes them.
    const input = Array.from({ length: creates }, (_, i) => fixtureChannel(2, 10_000 + i))
    let start = performance.now()
    for (const c of input) yield* channels.create(c)
    const createsPerSecond = creates / ((performance.now() - start) / 1000)

    for (let i = 0; i < 1000; i++) yield* channels.create(fixtureChannel(1, i))
    start = performance.now()
    yield* channels.list(code(1))
    const firstLoadMillis = performance.now() - start
    const loads: Array<number> = []
    for (let i = 0; i < 30; i++) {
      start = performance.now()
      const list = yield* channels.list(code(1))
      loads.push(performance.now() - start)
      if (list.length !== 1000) return yield* Effect.fail(new Error(`loaded ${list.length} channels, not 1,000`))
    }

    yield* Effect.forEach(
      Array.from({ length: deliveries }, (_, i) => i),
      (i) =>
        outbox.enqueue({ mode: "live", url: "https://hooks.example.com/paymux", eventType: "Transaction.Paid", payload: `{"n":${i}}` }, 1),
      {
        concurrency: 16,
        discard: true
      }
    )
    const worker = (workerId: string) =>
      Effect.gen(function* () {
        const mine: Array<string> = []
        while (true) {
          const batch = yield* outbox.claim({ workerId, now: 2, leaseMillis: 60_000, limit: 10 })
          if (batch.length === 0) return mine
          for (const d of batch) {
            yield* outbox.recordAttempt(fixtureAttempt(d.id, workerId, 1, "delivered"), { now: 3, next: { _tag: "Complete" } })
            mine.push(d.id)
          }
        }
      })
    start = performance.now()
    const done = (yield* Effect.all(
      Array.from({ length: workers }, (_, i) => worker(`w${i}`)),
      { concurrency: "unbounded" }
    )).flat()
    const claimCompletePerSecond = done.length / ((performance.now() - start) / 1000)
    return {
      createsPerSecond,
      loadMillis: median(loads),
      firstLoadMillis,
      claimCompletePerSecond,
      delivered: done.length,
      doubleClaims: done.length - new Set(done).size
    }
  })

/**
 * One line of the comparison table.
 *
 * @since 0.1.0
 * @category benchmarks
 */
export const format = (name: string, f: Figures, workers = 4): string =>
  `| ${name} | ${f.createsPerSecond.toFixed(0)} | ${f.loadMillis.toFixed(2)} (first ${f.firstLoadMillis.toFixed(0)}) | ${f.claimCompletePerSecond.toFixed(
    0
  )} (${workers} workers, ${f.delivered} delivered, ${f.doubleClaims} double claims) |`

/**
 * Measures each store in turn (each layer must build an empty store) and prints a table.
 *
 * @since 0.1.0
 * @category benchmarks
 */
export const compare = async (
  stores: ReadonlyArray<{ readonly name: string; readonly layer: Layer.Layer<Store.Services, unknown> }>,
  options: Options = {}
): Promise<ReadonlyMap<string, Figures>> => {
  const results = new Map<string, Figures>()
  console.log("| store | channel creates/s | 1,000-channel load ms (median of 30) | outbox claim+complete/s |")
  console.log("|---|---:|---:|---:|")
  for (const { layer, name } of stores) {
    const figures = await Effect.runPromise(Effect.provide(measure(options), layer) as Effect.Effect<Figures, unknown>)
    results.set(name, figures)
    console.log(format(name, figures, options.workers ?? 4))
  }
  return results
}
