import { defineConfig } from "vitest/config"

// Unit tests only; the browser tests under test/e2e run with Playwright.
export default defineConfig({
  resolve: { conditions: ["@paymux/source"] },
  ssr: { resolve: { conditions: ["@paymux/source"] } },
  test: { include: ["test/*.test.ts"] }
})
