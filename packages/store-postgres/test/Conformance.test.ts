import { KeyProvider, SqlStore } from "@paymux/store"
import { StoreSuite } from "@paymux/store-testkit"
import { Outbox } from "@paymux/store"
import { Context, Effect, Layer, type Scope } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { PostgresStore } from "../src/index.ts"
import { freshSchema, pgUrl, requirePg } from "./pg.ts"

if (requirePg("Conformance.test.ts")) {
  const url = pgUrl!

  const currentSchema = Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ s: string }>`SELECT current_schema() AS s`
    return rows[0]!.s
  })

  StoreSuite.suite(
    "postgres",
    () => {
      // An empty store per test: a fresh schema in the shared test database.
      const schema = freshSchema()
      const client = PostgresStore.layerClient({ url, schema, maxConnections: 4 })
      return Layer.provideMerge(SqlStore.layerWith({ relaxedOutboxCommits: true }), Layer.merge(client, KeyProvider.layerEphemeral))
    },
    {
      // Each store with its own pool on a schema nobody created yet, as separate services would.
      concurrentStarts: (count) => {
        const schema = freshSchema()
        // One set of keys for all of them, as services sharing one configuration would have.
        const keyProvider = Layer.succeed(KeyProvider.KeyProvider, KeyProvider.makeEphemeral())
        return Array.from({ length: count }, () => PostgresStore.layer({ url, schema, maxConnections: 2, keyProvider }))
      },
      reopen: StoreSuite.sqlReopen,
      rawDump: Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const tables = yield* sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables
          WHERE table_schema = current_schema()`
        let out = ""
        for (const t of tables) {
          out += JSON.stringify(yield* sql.unsafe(`SELECT * FROM "${t.table_name}"`), (_, v) => (typeof v === "bigint" ? String(v) : v))
        }
        return out
      }),
      // A second outbox over its own pool to the same schema, as a worker on another machine.
      crossConnectionClaim: Effect.gen(function* () {
        const schema = yield* currentSchema
        const keys = yield* KeyProvider.KeyProvider
        const other = yield* Layer.build(PostgresStore.layerClient({ url, schema, maxConnections: 2 }))
        // (the scope of the suite's test closes this pool)
        const services = yield* SqlStore.make({ relaxedOutboxCommits: true }).pipe(
          Effect.provideContext(other),
          Effect.provideService(KeyProvider.KeyProvider, keys)
        )
        return Context.get(services, Outbox.Outbox) as Outbox.OutboxShape
      }) as Effect.Effect<Outbox.OutboxShape, unknown, SqlClient.SqlClient | Scope.Scope | StoreSuite.StoreServices>
    }
  )
}
