import { defineConfig } from "vitest/config"

// Resolve sibling @paymux packages to their TypeScript sources so tests never run stale builds.
export default defineConfig({
  resolve: { conditions: ["@paymux/source"] },
  ssr: { resolve: { conditions: ["@paymux/source"] } },
  // Property tests run hundreds of cases; 30 s leaves room for a 2-core machine shared with other
  // jobs (the slowest took about 3 s under a load average of 20 once its oracle was built once).
  test: { include: ["test/**/*.test.ts"], testTimeout: 30_000 }
})
