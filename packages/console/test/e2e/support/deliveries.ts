/**
 * Emits a notification and delivers it once, in a separate process on the same SQLite file that
 * `paymux serve` is using, as the host application's payment flow and delivery worker would.
 * `paymux serve` runs no delivery worker, so this is how a delivery reaches the log.
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

// Asynchronous: the receiver answering the delivery runs in the test's own process.
const run = promisify(execFile)

export const emitAndDeliver = (options: {
  readonly db: string
  readonly env: Record<string, string>
  readonly merchant: string
  readonly eventType: string
}): Promise<unknown> => {
  const script = `
    const { Paymux, Webhooks } = await import("@paymux/admin")
    const { SqliteStore } = await import("@paymux/store-sqlite")
    const { KeyProvider } = await import("@paymux/store")
    const { Layer } = await import("effect")
    const store = SqliteStore.layer({ filename: ${JSON.stringify(options.db)} }).pipe(Layer.provideMerge(KeyProvider.layerConfig()))
    const p = await Paymux.make({ store: Layer.merge(store, Layer.succeed(Webhooks.PrivateTargets, "allow")) })
    await p.webhooks.emit({ merchant: ${JSON.stringify(options.merchant)}, mode: "test", eventType: ${JSON.stringify(options.eventType)}, payload: JSON.stringify({ imp_uid: "imp_000000000001", status: "paid" }) })
    await p.webhooks.deliverDue()
    await p.close()`
  return run(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, ...options.env },
    // Resolves @paymux/* and effect as the workspace links them.
    cwd: fileURLToPath(new URL("../../..", import.meta.url))
  })
}
