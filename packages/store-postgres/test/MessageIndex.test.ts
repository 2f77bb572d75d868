// Migration 6: the outbox indexed by message, which resend-failed asks once per dead delivery.
import { describe, expect, it } from "@effect/vitest"
import { KeyProvider, Outbox, SqlStore } from "@paymux/store"
import { Effect } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { PostgresStore } from "../src/index.ts"
import { freshSchema, pgUrl, requirePg } from "./pg.ts"

if (requirePg("MessageIndex.test.ts")) {
  const url = pgUrl!
  const keys = KeyProvider.layerStatic({ keys: [{ id: "k1", key: new Uint8Array(32).fill(7) }], pepper: new Uint8Array(32).fill(9) })

  describe("PostgresStore: the outbox by message (migration 6)", () => {
    it.live("an outbox queued before migration 6 gets the index, and one message's history answers its deliveries", () =>
      Effect.gen(function* () {
        const schema = freshSchema()
        yield* Effect.gen(function* () {
          yield* SqlStore.migrateTo(5)
          const sql = yield* SqlClient.SqlClient
          for (const [id, merchant, message, at] of [
            ["d1", "imp00000001", "msg_1", 1],
            ["d2", "imp00000001", "msg_2", 2],
            ["d3", "imp00000002", "msg_1", 3],
            ["d4", "imp00000001", "msg_1", 4]
          ] as const) {
            yield* sql`INSERT INTO paymux_outbox (delivery_id, merchant, message_id, mode, url, event_type, content_type, payload,
              status, attempts, max_attempts, next_attempt_at, trigger_kind, created_at, updated_at) VALUES (${id}, ${merchant},
              ${message}, 'test', 'https://shop.example/hook', 'Transaction.Paid', 'application/json', '{}', 'dead', 1, 6, 1,
              'event', ${at}, ${at})`
          }
        }).pipe(Effect.provide(PostgresStore.layerClient({ url, schema })))
        yield* Effect.gen(function* () {
          const outbox = yield* Outbox.Outbox
          const ids = (filter: Outbox.HistoryFilter) => Effect.map(outbox.history(filter), (l) => l.map((h) => h.delivery.id))
          expect(yield* ids({ merchant: "imp00000001", messageId: "msg_1" })).toEqual(["d4", "d1"])
          expect(yield* ids({ merchant: "imp00000001", messageId: "msg_1", order: "oldest" })).toEqual(["d1", "d4"])
          expect(yield* ids({ merchant: "imp00000001", messageId: "msg_1", order: "oldest", after: "d1" })).toEqual(["d4"])
        }).pipe(Effect.provide(PostgresStore.layer({ url, schema, keyProvider: keys })))
        const [index] = yield* Effect.flatMap(
          Effect.service(SqlClient.SqlClient),
          (sql) => sql<{ indexdef: string }>`SELECT indexdef FROM pg_indexes
            WHERE schemaname = ${schema} AND indexname = 'paymux_outbox_by_message'`
        ).pipe(Effect.provide(PostgresStore.layerClient({ url, schema })))
        expect(index?.indexdef).toMatch(/\(merchant, message_id, seq\)$/)
      })
    )
  })
}
