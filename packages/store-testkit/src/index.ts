/**
 * `@paymux/store-testkit`: the conformance suite for Paymux storage adapters.
 *
 * ```ts
 * import { StoreSuite } from "@paymux/store-testkit"
 * import { Memory } from "@paymux/store"
 * StoreSuite.suite("memory", () => Memory.layer(), { rawDump: Memory.MemoryInspector.use((i) => i.dump) })
 * ```
 *
 * API (all in the `StoreSuite` namespace):
 *
 * - `suite<R, E>(name, makeLayer: () => Layer<StoreServices | R, E>, capabilities?: Capabilities<R>): void`
 *   registers `describe("<name>: storage conformance")` with vitest. `makeLayer` is called once
 *   per test and once per property run and must return an EMPTY store each time (a fresh
 *   `:memory:` database, a truncated schema, ...).
 * - `StoreServices`: what the layer provides: `MerchantRepository`, `SubMerchantRepository`,
 *   `ChannelRepository`, `ChannelGroupRepository`, `WebhookSettingsRepository`,
 *   `WhitelistRepository`, `ApiKeyRepository`, `AuditLog`, `Transaction`, the webhooks `Outbox`
 *   and the `KeyProvider` the adapter seals secrets with.
 * - `Capabilities<R>` (all optional; an undeclared one is reported by a SKIPPED test named
 *   `[<capability>: not declared] <what goes unchecked>`, never as a pass, never silently):
 *   - `rawDump: Effect<string, unknown, StoreServices | R>`: everything held at rest, as text;
 *     enables the secrets-at-rest check.
 *   - `concurrentWriters: boolean`: several transactions may be open at once; racing
 *     transactions must end in one commit and one whole rollback. Without it, transactions
 *     must serialise.
 *   - `crossConnectionClaim: Effect<OutboxShape, unknown, StoreServices | R | Scope>`: a second
 *     outbox on its own connection; claimers on both never claim a row twice.
 *   - `faultInjection: { failNextWrite: Effect<void, unknown, StoreServices | R> }`: the next
 *     statement fails like a dropped connection; it must surface as `Unavailable` and roll back.
 *   - `concurrentStarts: (count) => ReadonlyArray<Layer<StoreServices>>`: `count` stores over
 *     one new, not yet created location; started at once, all must start and share one store.
 *   - tuning: `numRuns` (fast-check runs per property, default 20), `timeout` (ms per test,
 *     default 30 000), `only` (a list of `Area`s to run).
 *
 * - `requireDatabase(variable, name): string | undefined`: the connection string from the
 *   environment; without it, one test stands in for the suite, skipped loudly, or failing when
 *   `CI=true`.
 *
 * `StoreBench.compare([{ name, layer }, ...])` runs the same storage benchmark (channel creates/s,
 * a 1,000-channel load, outbox claim+complete/s with 4 workers) against each store and prints a
 * table, so an adapter is measured beside the built-in ones in one run.
 *
 * Areas: round trip (domain arbitraries), optimistic concurrency (stale version, 50 racing
 * editors), atomicity (failure, defect, interruption, nested, faults), tenant isolation,
 * uniqueness and `StoreError` reasons, outbox semantics, secrets at rest.
 *
 * @since 0.1.0
 */
export * as StoreBench from "./StoreBench.ts"
export * as StoreFixtures from "./StoreFixtures.ts"
export * as StoreSuite from "./StoreSuite.ts"
