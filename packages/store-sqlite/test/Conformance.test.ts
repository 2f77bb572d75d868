import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KeyProvider, SqlStore } from "@paymux/store"
import { StoreSuite } from "@paymux/store-testkit"
import { Effect, Layer } from "effect"
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

StoreSuite.suite(
  "sqlite",
  () => {
    const client = SqliteStore.layerClient({ filename: ":memory:" })
    return Layer.provideMerge(SqlStore.layer, Layer.merge(client, KeyProvider.layerEphemeral))
  },
  {
    rawDump,
    reopen: StoreSuite.sqlReopen,
    // Stores in one process each open their own connection to a file nobody created yet.
    concurrentStarts: (count) => {
      const filename = join(mkdtempSync(join(tmpdir(), "paymux-starts-")), "new.db")
      // One set of keys for all of them, as processes sharing one key file would have.
      const keyProvider = Layer.succeed(KeyProvider.KeyProvider, KeyProvider.makeEphemeral())
      return Array.from({ length: count }, () => SqliteStore.layer({ filename, keyProvider }))
    }
  }
)
