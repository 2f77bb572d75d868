/**
 * The change feed of the in-memory store. One process holds the store, so the feed only serves
 * caches built over the same store object. A change is logged when its transaction commits, as
 * the SQL stores' rows become visible then: logged at publish, a reader could see it before the
 * data, reload the old data, move past the change and stay stale; and a rolled-back change showed.
 */
import { Effect } from "effect"
import { type Change, type ChangeFeedShape, retainedChanges } from "../../ChangeFeed.ts"
import type { MemoryStore } from "./store.ts"

/** The feed, and what a merchant's removal needs of it. */
export interface MemoryChangeFeed extends ChangeFeedShape {
  /** How many logged changes `matches`. */
  readonly count: (matches: (change: Change) => boolean) => number
  /**
   * Deletes the logged changes that `matches`; a reader from before one of them then gets an
   * incomplete batch, as from the SQL stores.
   */
  readonly forget: (matches: (change: Change) => boolean) => void
}

export const makeChangeFeed = (store: MemoryStore): MemoryChangeFeed => {
  // The latest changes by number, oldest first; numbers a removal deleted are missing.
  let log: Array<{ readonly seq: number; readonly change: Change }> = []
  let last = 0
  return {
    publish: (change) =>
      store.afterCommit(() => {
        last++
        log.push({ seq: last, change: { topic: change.topic, key: change.key } })
        const oldest = last - retainedChanges
        while (log.length > 0 && log[0]!.seq <= oldest) log.shift()
      }),
    cursor: Effect.sync(() => last),
    since: (cursor) =>
      Effect.sync(() => {
        let from = log.length
        while (from > 0 && log[from - 1]!.seq > cursor) from--
        // Those kept, as the SQL stores answer; the batch is complete when none is missing.
        const changes = log.slice(from).map((e) => e.change)
        return { cursor: last, changes, complete: cursor <= last && changes.length === last - cursor }
      }),
    listen: undefined,
    count: (matches) => log.filter((e) => matches(e.change)).length,
    forget: (matches) => {
      log = log.filter((e) => !matches(e.change))
    }
  }
}
