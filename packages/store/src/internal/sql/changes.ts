/**
 * The change feed over SQL. Publishing bumps one counter row and logs the change under the new
 * number: the row lock makes publishers take turns until they commit, so numbers are visible in
 * order and a reader that saw change n has seen every change before it.
 */
import { Effect } from "effect"
import { type ChangeFeedShape, retainedChanges, type Topic } from "../../ChangeFeed.ts"
import type { Env } from "./base.ts"
import { op } from "./base.ts"
import { num } from "./errors.ts"

const subject = { entity: "change feed", id: "paymux_changes" }

// Pruning runs every this many changes (it deletes a block of old rows by primary key).
const pruneEvery = 100

export const makeChangeFeed = (env: Env): ChangeFeedShape => {
  const { sql } = env
  const last = Effect.map(sql`SELECT last_seq FROM paymux_change_counter WHERE id = 1`, (rows) => num(rows[0]?.["last_seq"] ?? 0))
  return {
    publish: (change) =>
      op(
        env,
        subject,
        env.atomic(
          Effect.gen(function* () {
            const rows = yield* sql`UPDATE paymux_change_counter SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq`
            const seq = num(rows[0]?.["last_seq"])
            yield* sql`INSERT INTO paymux_changes (seq, topic, change_key) VALUES (${seq}, ${change.topic}, ${change.key})`
            if (seq % pruneEvery === 0) yield* sql`DELETE FROM paymux_changes WHERE seq <= ${seq - retainedChanges}`
          })
        )
      ),
    cursor: op(env, subject, last),
    since: (cursor) =>
      op(
        env,
        subject,
        Effect.gen(function* () {
          // The counter first: every change up to it has committed, so the rows up to it are all there
          // unless pruned.
          const upTo = yield* last
          if (cursor >= upTo) return { cursor: upTo, changes: [], complete: cursor === upTo }
          const rows = yield* sql`SELECT topic, change_key FROM paymux_changes WHERE seq > ${cursor} AND seq <= ${upTo} ORDER BY seq`
          return {
            cursor: upTo,
            changes: rows.map((r) => ({ topic: String(r["topic"]) as Topic, key: String(r["change_key"]) })),
            complete: rows.length === upTo - cursor
          }
        })
      ),
    listen: undefined
  }
}
