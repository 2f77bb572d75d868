/**
 * What every group of conformance tests receives: a way to run an effect against a fresh store,
 * the declared capabilities, and the tuning knobs.
 */
import type { KeyProvider, Outbox, Store } from "@paymux/store"
import { type Context, Effect, type Layer, type Scope } from "effect"
import { it } from "vitest"

export type StoreServices = Store.Services

/** Capabilities with the adapter's extra services erased: the groups only run them. */
export interface ErasedCapabilities {
  readonly rawDump?: Effect.Effect<string, unknown, any> | undefined
  readonly crossConnectionClaim?: Effect.Effect<Outbox.OutboxShape, unknown, any> | undefined
  readonly faultInjection?: { readonly failNextWrite: Effect.Effect<void, unknown, any> } | undefined
  readonly concurrentStarts?: ((count: number) => ReadonlyArray<Layer.Layer<any, unknown>>) | undefined
  readonly reopen?: ((keys: KeyProvider.KeyProvider["Service"]) => Effect.Effect<Context.Context<StoreServices>, unknown, any>) | undefined
}

export interface Harness {
  readonly adapter: string
  readonly capabilities: ErasedCapabilities
  readonly numRuns: number
  readonly timeout: number
  /** Runs an effect against a fresh, empty store (the layer is built for this run only). */
  readonly fresh: <A, E>(self: Effect.Effect<A, E, StoreServices | Scope.Scope | any>) => Effect.Effect<A, unknown>
  /** The same as a promise, for fast-check properties. */
  readonly freshPromise: <A, E>(self: Effect.Effect<A, E, StoreServices | Scope.Scope | any>) => Promise<A>
}

export const makeHarness = (
  adapter: string,
  makeLayer: () => Layer.Layer<any, unknown, never>,
  capabilities: ErasedCapabilities,
  options: { readonly numRuns: number; readonly timeout: number }
): Harness => {
  const fresh = <A, E>(self: Effect.Effect<A, E, any>): Effect.Effect<A, unknown> =>
    Effect.scoped(self).pipe(Effect.provide(makeLayer())) as Effect.Effect<A, unknown>
  return {
    adapter,
    capabilities,
    numRuns: options.numRuns,
    timeout: options.timeout,
    fresh,
    freshPromise: (self) => Effect.runPromise(fresh(self))
  }
}

/**
 * Stands in for the tests an undeclared capability would enable: reported as skipped (never as
 * passed), with what goes unchecked in its name.
 */
export const notDeclared = (capability: string, unchecked: string): void =>
  it.skip(`[${capability}: not declared] ${unchecked}; declare ${capability} to run these tests`, () => {})
