/**
 * The change feed of the in-memory store. One process holds the store, so the feed only serves
 * caches built over the same store object. A change is logged when its transaction commits, as
 * the SQL stores' rows become visible then: logged at publish, a reader could see it before the
 * data, reload the old data, move past the change and stay stale; and a rolled-back change showed.
 */
import { Effect } from "effect"
import { type Change, type ChangeFeedShape, retainedChanges } from "../../ChangeFeed.ts"
import type { MemoryStore } from "./store.ts"

export const makeChangeFeed = (store: MemoryStore): ChangeFeedShape => {
  // The log holds changes last - log.length + 1 .. last.
  const log: Array<Change> = []
  let last = 0
  return {
    publish: (change) =>
      store.afterCommit(() => {
        log.push({ topic: change.topic, key: change.key })
        last++
        if (log.length > retainedChanges) log.splice(0, log.length - retainedChanges)
      }),
    cursor: Effect.sync(() => last),
    since: (cursor) =>
      Effect.sync(() => {
        const first = last - log.length + 1
        if (cursor > last || cursor + 1 < first) return { cursor: last, changes: [], complete: false }
        return { cursor: last, changes: log.slice(cursor + 1 - first), complete: true }
      }),
    listen: undefined
  }
}
