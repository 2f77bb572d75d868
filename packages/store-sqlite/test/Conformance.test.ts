import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KeyProvider, Outbox, SqlStore } from "@paymux/store"
import { StoreSuite } from "@paymux/store-testkit"
import { Context, Effect, Layer, type Scope } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { SqliteStore } from "../src/index.ts"

/** Every row of every table, as text: what an attacker with the database file would read. */
const rawDump = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`
  let out = ""
  for (const t of tables) out += JSON.stringify(yield* sql.unsafe(`SELECT * FROM "${t.name}"`)) + "\n"
  return out
})

/** A second store over the same database file on its own connection, as another process would open it. */
const crossConnectionClaim = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const [main] = yield* sql<{ file: string }>`SELECT file FROM pragma_database_list WHERE name = 'main'`
  const keys = yield* KeyProvider.KeyProvider
  // (the scope of the suite's test closes this connection)
  const other = yield* Layer.build(SqliteStore.layer({ filename: main!.file, keyProvider: Layer.succeed(KeyProvider.KeyProvider, keys) }))
  return Context.get(other, Outbox.Outbox) as Outbox.OutboxShape
}) as Effect.Effect<Outbox.OutboxShape, unknown, SqlClient.SqlClient | Scope.Scope | StoreSuite.StoreServices>

StoreSuite.suite(
  "sqlite",
  () => {
    // An empty store per test: a new database file (a file, so that a second connection can open it),
    // removed once the store has closed.
    const dir = mkdtempSync(join(tmpdir(), "paymux-conformance-"))
    const removeDir = Layer.effectDiscard(Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))))
    const client = SqliteStore.layerClient({ filename: join(dir, "store.db") })
    return Layer.provideMerge(SqlStore.layer, Layer.merge(client, KeyProvider.layerEphemeral)).pipe(Layer.provide(removeDir))
  },
  {
    rawDump,
    reopen: StoreSuite.sqlReopen,
    crossConnectionClaim,
    // Stores in one process each open their own connection to a file nobody created yet.
    concurrentStarts: (count) => {
      const filename = join(mkdtempSync(join(tmpdir(), "paymux-starts-")), "new.db")
      // One set of keys for all of them, as processes sharing one key file would have.
      const keyProvider = Layer.succeed(KeyProvider.KeyProvider, KeyProvider.makeEphemeral())
      return Array.from({ length: count }, () => SqliteStore.layer({ filename, keyProvider }))
    }
  }
)
