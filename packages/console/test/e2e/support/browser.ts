/**
 * The browser tests need Debian's Chromium. Without it a developer machine skips them loudly
 * (as the PostgreSQL suites do); on CI a missing browser fails the run.
 */
import { existsSync } from "node:fs"
import { type Page, test } from "@playwright/test"
import { chromiumPath } from "../../../playwright.config.ts"

export const requireChromium = (): void => {
  const missing = !existsSync(chromiumPath)
  if (missing && process.env.CI)
    throw new Error(`CI: no Chromium at ${chromiumPath}; .ci/run installs it with apt (apt-get install -y chromium)`)
  if (missing)
    console.log(
      `!!! SKIPPED the console's browser tests: no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`
    )
  test.skip(missing, `no Chromium at ${chromiumPath}`)
}

/** Every response body the page received, for the "a secret never comes back" checks. */
export const recordResponses = (page: Page): Array<string> => {
  const bodies: Array<string> = []
  page.on("response", (response) => {
    response.text().then(
      (text) => bodies.push(text),
      () => undefined
    )
  })
  return bodies
}

export const signIn = async (page: Page, url: string, keyId: string, secret: string): Promise<void> => {
  await page.goto(url)
  await page.getByLabel("API key id").fill(keyId)
  await page.getByLabel("API secret").fill(secret)
  await page.getByRole("button", { name: "Sign in" }).click()
  await page.getByRole("navigation").waitFor()
}
