import { defineConfig } from "vitest/config"

// Resolve sibling @paymux packages to their TypeScript sources so tests never run stale builds.
export default defineConfig({
  resolve: { conditions: ["@paymux/source"] },
  ssr: { resolve: { conditions: ["@paymux/source"] } },
  test: { include: ["test/**/*.test.ts"] }
})
