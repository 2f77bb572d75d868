import { defineConfig } from "vitest/config"

// Resolve sibling @paymux packages to their TypeScript sources so tests never run stale builds.
// The e2e tests run the built binary (dist/bin.js); globalSetup fails early when it is missing.
export default defineConfig({
  resolve: { conditions: ["@paymux/source"] },
  ssr: { resolve: { conditions: ["@paymux/source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
