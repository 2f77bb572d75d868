// One webhook dispatcher process of the chaos test: admin's delivery worker over the PostgreSQL
// store (built packages, keys from PAYMUX_MASTER_KEYS / PAYMUX_PEPPER), with the chaos test's
// short lease, timeouts and retry schedule. Plain JavaScript so it starts without a TypeScript
// loader; SIGKILL is the point, so it has no shutdown path of its own.
import { ResolverCache, Webhooks } from "@paymux/admin"
import { KeyProvider } from "@paymux/store"
import { PostgresStore } from "@paymux/store-postgres"
import { Effect, Layer } from "effect"

const [url, workerId] = process.argv.slice(2)
const settings = JSON.parse(process.env.CHAOS_DISPATCH ?? "{}")
const store = PostgresStore.layer({ url, maxConnections: 4, keyProvider: KeyProvider.layerConfig() })
const services = Layer.mergeAll(store, ResolverCache.layer())
const worker = Webhooks.runDispatcher({ workerId, ...settings }).pipe(
  Effect.provideService(Webhooks.PrivateTargets, "allow"),
  Effect.provide(services)
)
process.stdout.write("ready\n")
Effect.runFork(worker)
