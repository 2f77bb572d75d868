import { defineConfig } from "@playwright/test"

// Debian's Chromium, never a downloaded browser (`playwright install` cannot reach its host here).
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"

export default defineConfig({
  testDir: "test/e2e",
  testMatch: "*.e2e.ts",
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    headless: true,
    actionTimeout: 10_000,
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync"
      ]
    },
    viewport: { width: 1280, height: 900 }
  }
})
