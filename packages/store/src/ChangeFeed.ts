/**
 * The change feed port: how processes sharing one store tell each other that something they may
 * have cached (an API key, a whitelist, a merchant's channel index) changed. A writer publishes a
 * change inside the transaction that made it, so it becomes visible exactly when the data does;
 * readers poll for changes after a cursor. Changes are numbered in commit order (publishers take
 * turns on one counter row), so a reader never skips one that commits late. Only the latest
 * `retainedChanges` are kept: a reader further behind is told to drop everything it holds.
 *
 * @since 0.1.0
 */
import { Context, type Effect, type Scope } from "effect"
import type * as StoreError from "./StoreError.ts"

/**
 * What a change concerns: one API key (by key id), one merchant's whitelist, or one merchant's
 * channel resolution (channels, tiers, groups, policy, default channel).
 *
 * @since 0.1.0
 * @category models
 */
export type Topic = "api-key" | "whitelist" | "resolver"

/**
 * @since 0.1.0
 * @category models
 */
export interface Change {
  readonly topic: Topic
  /** The key id for `api-key`, the merchant code otherwise. */
  readonly key: string
}

/**
 * What `since` found.
 *
 * @since 0.1.0
 * @category models
 */
export interface Batch {
  /** Where the next `since` starts. */
  readonly cursor: number
  /** The changes after the given cursor, oldest first. */
  readonly changes: ReadonlyArray<Change>
  /** `false` when some changes after the given cursor are no longer kept: drop everything cached. */
  readonly complete: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ChangeFeedShape {
  /** Records a change; joins the ambient transaction, so it is seen when that commits. */
  readonly publish: (change: Change) => Effect.Effect<void, StoreError.StoreError>
  /** The cursor now: changes published later come after it. */
  readonly cursor: Effect.Effect<number, StoreError.StoreError>
  /** The changes published after `cursor`. */
  readonly since: (cursor: number) => Effect.Effect<Batch, StoreError.StoreError>
  /**
   * Where the store can push (PostgreSQL `LISTEN/NOTIFY`): subscribes for the scope and returns
   * an effect that waits for the next sign that another process published (it fails when the
   * subscription is lost). `undefined` where the store can only be polled (SQLite, memory).
   */
  readonly listen: Effect.Effect<Effect.Effect<void, StoreError.StoreError>, StoreError.StoreError, Scope.Scope> | undefined
}

/**
 * The change feed port.
 *
 * @since 0.1.0
 * @category services
 */
export class ChangeFeed extends Context.Service<ChangeFeed, ChangeFeedShape>()("@paymux/store/ChangeFeed") {}

/**
 * How many of the latest changes a store keeps.
 *
 * @since 0.1.0
 * @category constants
 */
export const retainedChanges = 10_000
