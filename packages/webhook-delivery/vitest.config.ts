import { defineConfig } from "vitest/config"

// Resolve sibling @paymux packages to their TypeScript sources so tests never run stale builds.
// Real receivers and property runs share a busy machine in CI: a generous per-test limit.
export default defineConfig({
  resolve: { conditions: ["@paymux/source"] },
  ssr: { resolve: { conditions: ["@paymux/source"] } },
  test: { include: ["test/**/*.test.ts"], testTimeout: 30_000 }
})
