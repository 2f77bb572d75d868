/**
 * The change feed of the in-memory store. One process holds the store, so the feed only serves
 * caches built over the same store object. A change is logged when published, not when its
 * transaction commits: a rolled-back change still shows up, which costs a reader one needless
 * cache drop and nothing else.
 */
import { Effect } from "effect"
import { type Change, type ChangeFeedShape, retainedChanges } from "../../ChangeFeed.ts"

export const makeChangeFeed = (): ChangeFeedShape => {
  // The log holds changes last - log.length + 1 .. last.
  const log: Array<Change> = []
  let last = 0
  return {
    publish: (change) =>
      Effect.sync(() => {
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
