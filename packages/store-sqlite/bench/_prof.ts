import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { randomBytes } from "node:crypto"
import { KeyProvider, Repositories } from "@paymux/store"
import { StoreFixtures } from "@paymux/store-testkit"
import { Effect, ManagedRuntime, Redacted } from "effect"
import { SqliteStore } from "../src/index.ts"
const keys = KeyProvider.layerStatic({
  keys: [{ id: "bench", key: Redacted.make(randomBytes(32).toString("base64")) }],
  pepper: Redacted.make(randomBytes(32).toString("base64"))
})
const runtime = ManagedRuntime.make(SqliteStore.layer({ filename: join(mkdtempSync(join(tmpdir(), "p-")), "s.db"), keyProvider: keys }))
await runtime.runPromise(Effect.flatMap(Repositories.MerchantRepository, (m) => m.create(StoreFixtures.merchant(2))))
let next = 0
for (let pass = 0; pass < 12; pass++) {
  const batch = Array.from({ length: 1000 }, () => StoreFixtures.channel(2, next++))
  const s = performance.now()
  await runtime.runPromise(
    Effect.gen(function* () {
      const ch = yield* Repositories.ChannelRepository
      for (const c of batch) yield* ch.create(c)
    })
  )
  console.log((1000 / ((performance.now() - s) / 1000)).toFixed(0), "/s")
}
await runtime.dispose()
