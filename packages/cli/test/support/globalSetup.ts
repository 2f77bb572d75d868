import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** The e2e tests run the built binary: fail loudly, before any test, when it is missing. */
export default function setup(): void {
  const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url))
  if (!existsSync(bin)) {
    throw new Error(
      `dist/bin.js is missing (${bin}).\nThe CLI e2e tests run the built binary: build first with \`npm run build -w @paymux/cli\` ` +
        "(`npm test` at the root builds through turbo)."
    )
  }
}
