/**
 * The browser tests need Debian's Chromium. Without it a developer machine skips them loudly
 * (as the PostgreSQL suites do); on CI a missing browser fails the run.
 */
import { existsSync } from "node:fs"
import { expect, type Locator, type Page, test } from "@playwright/test"
import { chromiumPath } from "../../../playwright.config.ts"

export const requireChromium = (): void => {
  const missing = !existsSync(chromiumPath)
  // Anything but empty, "false" or "0" is a CI run, as the store suites read it.
  const ci = process.env["CI"]
  if (missing && ci !== undefined && !["", "false", "0"].includes(ci))
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

/** Every part of the console: its path and the heading of its first section. */
export const parts = [
  ["channels", "Channels"],
  ["test", "Test cards per PG"],
  ["live", "Live modules"],
  ["try", "Resolve a request_pay"],
  ["webhooks", "Notification URLs"],
  ["settings", "Security whitelist"]
] as const

/**
 * Adds Naver Pay's test channel from its test card ("Edit information": its test MID comes from
 * the PG) and returns the card.
 */
export const addNaverTestChannel = async (page: Page, clientSecret: string): Promise<Locator> => {
  await page.getByLabel("Find a PG").fill("naverpay")
  const naver = page.locator('article[data-pg="naverpay"]')
  await naver.getByRole("button", { name: "Edit information" }).click()
  const dialog = page.getByRole("dialog")
  await dialog.getByLabel("naverpay", { exact: true }).check()
  await dialog.getByLabel("Partner ID").fill("np_partner_test")
  await dialog.getByLabel("Client ID").fill("np-client")
  await dialog.getByLabel("Client secret").fill(clientSecret)
  await dialog.getByLabel("Chain ID").fill("np-chain")
  await dialog.getByRole("button", { name: "Add channel" }).click()
  await expect(dialog).toBeHidden()
  await expect(naver.getByText("1 test channel", { exact: true })).toBeVisible()
  return naver
}
