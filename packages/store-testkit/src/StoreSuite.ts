/**
 * The conformance suite every Paymux storage adapter runs, the in-memory one included.
 *
 * @since 0.1.0
 */
import { KeyProvider, type Outbox, SqlStore } from "@paymux/store"
import { type Context, Effect, Layer, type Scope } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { describe, expect, it } from "vitest"
import { atomicity } from "./internal/atomicity.ts"
import { concurrency } from "./internal/concurrency.ts"
import { edges } from "./internal/edges.ts"
import { makeHarness, type StoreServices as Services } from "./internal/harness.ts"
import { isolation } from "./internal/isolation.ts"
import { merchantRemoval } from "./internal/merchantRemoval.ts"
import { outbox } from "./internal/outbox.ts"
import { removal } from "./internal/removal.ts"
import { roundTrip } from "./internal/roundTrip.ts"
import { sharedState } from "./internal/sharedState.ts"
import { starts } from "./internal/starts.ts"
import { keys, secrets } from "./internal/secrets.ts"
import { uniqueness } from "./internal/uniqueness.ts"
import { webhooks } from "./internal/webhooks.ts"

/**
 * What an adapter's layer must provide: every repository, the audit log, the unit of work, the
 * webhook outbox, and the key provider its secrets are sealed with (the suite hashes API secrets
 * with it and checks the stored hash).
 *
 * @since 0.1.0
 * @category models
 */
export type StoreServices = Services

/**
 * What an adapter can do beyond the ports. Each capability enables tests; one left out is
 * reported as a skipped test named `[<capability>: not declared] ...` that says what goes
 * unchecked, never as a pass and never silently.
 * `R` is whatever extra services the adapter's layer provides for them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Capabilities<R = never> {
  /**
   * Everything the store holds at rest, as text (e.g. every row of every table, or the database
   * file's bytes). Enables the secrets-at-rest check.
   */
  readonly rawDump?: Effect.Effect<string, unknown, StoreServices | R> | undefined
  /**
   * A second `Outbox` over its own connection to the same store (scoped). Enables the check
   * that claimers on different connections never claim one row twice.
   */
  readonly crossConnectionClaim?: Effect.Effect<Outbox.OutboxShape, unknown, StoreServices | R | Scope.Scope> | undefined
  /**
   * `failNextWrite` makes the next statement fail as the driver does when the connection drops.
   * Enables the checks that such failures are `Unavailable` (retryable) and roll back.
   */
  readonly faultInjection?: { readonly failNextWrite: Effect.Effect<void, unknown, StoreServices | R> } | undefined
  /**
   * `count` layers over ONE new, not yet created location (a file path or schema nobody opened),
   * each its own store with its own connections, as separate processes would open it. Enables
   * the check that stores started at the same moment all start (the first creates and migrates
   * the location, the others wait for it) and then share one store.
   */
  readonly concurrentStarts?: ((count: number) => ReadonlyArray<Layer.Layer<StoreServices, unknown>>) | undefined
  /**
   * The same stored data opened as a second store with other keys (scoped). Enables the checks
   * that a store refuses keys that did not seal it (`KeyMismatch`, nothing written) and accepts a
   * rotation. SQL adapters pass `sqlReopen`.
   */
  readonly reopen?:
    | ((
        keys: KeyProvider.KeyProvider["Service"]
      ) => Effect.Effect<Context.Context<StoreServices>, unknown, StoreServices | R | Scope.Scope>)
    | undefined
  /** Tuning, not a capability: runs per property (default 20). */
  readonly numRuns?: number | undefined
  /** Tuning, not a capability: per-test timeout in milliseconds (default 30 000). */
  readonly timeout?: number | undefined
  /** Tuning, not a capability: run only these areas (while an adapter is being written). */
  readonly only?: ReadonlyArray<Area> | undefined
}

const areas = {
  roundTrip,
  concurrency,
  atomicity,
  isolation,
  uniqueness,
  removal,
  merchantRemoval,
  outbox,
  webhooks,
  secrets,
  keys,
  starts,
  sharedState,
  edges
} as const

/**
 * The areas of the suite, in the order they run.
 *
 * @since 0.1.0
 * @category models
 */
export type Area = keyof typeof areas

/**
 * Registers the whole suite with vitest under `describe(name)`. `makeLayer` is called once per
 * test and once per property run, and must give an empty store each time.
 *
 * @since 0.1.0
 * @category suites
 */
export const suite = <R = never, E = unknown>(
  name: string,
  makeLayer: () => Layer.Layer<StoreServices | R, E>,
  capabilities: Capabilities<R> = {}
): void =>
  void describe(`${name}: storage conformance`, () => {
    const h = makeHarness(name, makeLayer as () => Layer.Layer<any, unknown>, capabilities, {
      numRuns: capabilities.numRuns ?? 20,
      timeout: capabilities.timeout ?? 30_000
    })
    for (const [area, register] of Object.entries(areas)) {
      if (capabilities.only === undefined || capabilities.only.includes(area as Area)) register(h)
    }
  })

/**
 * For an adapter whose suites need a database server: the connection string in the environment
 * variable `variable`, or undefined after registering what stands in for the suite `name`.
 * Without the variable the suite is skipped loudly (a warning line and one test reported as
 * skipped, never as passed); on CI (`CI=true`) a missing database is a broken pipeline, so a test
 * that fails stands in instead.
 *
 * ```ts
 * const url = StoreSuite.requireDatabase("MY_TEST_DB_URL", "my adapter")
 * if (url !== undefined) StoreSuite.suite("my adapter", () => MyStore.layer({ url }))
 * ```
 *
 * @since 0.1.0
 * @category suites
 */
export const requireDatabase = (variable: string, name: string): string | undefined => {
  const url = process.env[variable]
  if (url !== undefined && url !== "") return url
  describe(`${name} (${variable} not set)`, () => {
    // CI systems set CI to "true" or "1": anything but empty, "false" or "0" is a CI run, as the
    // console's browser tests read it.
    const ci = process.env["CI"]
    if (ci !== undefined && !["", "false", "0"].includes(ci)) {
      it(`needs ${variable} on CI`, () => {
        expect.fail(`${variable} must be set on CI: ${name} must run there`)
      })
      return
    }
    console.warn(`\n!!! SKIPPED: ${name}: ${variable} is not set !!!\n`)
    it.skip(`runs when ${variable} is set`, () => {})
  })
  return undefined
}

/**
 * `reopen` for adapters built on `SqlStore`: a second `SqlStore.layer` over the test's
 * `SqlClient`, with the given keys.
 *
 * @since 0.1.0
 * @category capabilities
 */
export const sqlReopen = (
  keys: KeyProvider.KeyProvider["Service"]
): Effect.Effect<Context.Context<StoreServices>, unknown, SqlClient.SqlClient | Scope.Scope> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    // fresh: the test's own store was built from the same layer value, and must not be reused.
    return yield* Layer.build(
      Layer.fresh(SqlStore.layer).pipe(
        Layer.provideMerge(Layer.succeed(KeyProvider.KeyProvider, keys)),
        Layer.provide(Layer.succeed(SqlClient.SqlClient, sql))
      )
    )
  })
