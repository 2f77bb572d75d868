/**
 * Fills a SQLite database with one merchant and many channels (each with a sealed credential)
 * through the admin facade in one process: a thousand CLI runs would take minutes. The keys come
 * from `env` (PAYMUX_MASTER_KEYS, PAYMUX_PEPPER), which the measured or tested CLI runs reuse.
 */
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { fileURLToPath } from "node:url"

/** Fresh master key and pepper in the form the CLI reads from the environment. */
export const keyEnv = (): Record<string, string> => ({
  PAYMUX_MASTER_KEYS: `seed:${randomBytes(32).toString("base64")}`,
  PAYMUX_PEPPER: randomBytes(32).toString("base64")
})

export const seedChannels = (options: {
  readonly db: string
  readonly env: Record<string, string>
  readonly merchant: string
  readonly channels: number
  /** Channel names this long make a large `channel list --json` quickly. */
  readonly nameLength?: number
}): void => {
  const script = `
    const { Paymux } = await import("@paymux/admin")
    const { SqliteStore } = await import("@paymux/store-sqlite")
    const { KeyProvider } = await import("@paymux/store")
    const { Layer } = await import("effect")
    const p = await Paymux.make({ store: SqliteStore.layer({ filename: ${JSON.stringify(options.db)} }).pipe(Layer.provideMerge(KeyProvider.layerConfig())) })
    await p.merchants.create({ name: "Seeded", code: ${JSON.stringify(options.merchant)} })
    for (let i = 0; i < ${options.channels}; i++) {
      const mid = "B" + String(i).padStart(5, "0")
      await p.channels.add({ merchant: ${JSON.stringify(options.merchant)}, mode: "test", pg: "kcp", mid,
        name: (mid + "-").padEnd(${options.nameLength ?? 0}, "n"),
        paymentType: "window.general", payMethods: ["card"], credentials: { site_key: "k" + i } })
    }
    await p.close()`
  execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "inherit", "inherit"],
    // Resolves @paymux/* and effect from this package, as the workspace links them.
    cwd: fileURLToPath(new URL("../..", import.meta.url))
  })
}
