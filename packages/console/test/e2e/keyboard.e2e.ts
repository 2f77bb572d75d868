/**
 * What a third console probe found for keyboard users, each kept fixed: after an action, focus stays
 * on the control pressed (a button waits while its call is on its way instead of being disabled,
 * which dropped focus to <body>), or, when the action took the control away, goes to the control
 * now in its place in its row or else to its section's heading; and every row action names its
 * channel. Each step is a keyboard press; the check is `document.activeElement`.
 */
import { expect, type Locator, type Page, test } from "@playwright/test"
import { requireChromium, signIn } from "./support/browser.ts"
import { addTestChannel, callApi, type Running, startPaymux } from "./support/paymux.ts"

requireChromium()

let paymux: Running
test.beforeAll(async () => {
  paymux = await startPaymux({ merchant: "imp10000006" })
})
test.afterAll(async () => paymux?.stop())

/** Calls the API as the CLI's key, beside the page. */
const api = (method: string, path: string, body?: unknown) => callApi(paymux, method, path, body)

let mids = 0
const addChannel = (name: string) => addTestChannel(paymux, `K${String(++mids).padStart(5, "0")}`, name)

/** Focuses the control and presses Enter, as a keyboard user does. */
const press = async (control: Locator): Promise<void> => {
  await control.focus()
  await control.page().keyboard.press("Enter")
}

/** Confirms the open confirmation dialog by keyboard: from its close button, Tab to the action, Enter. */
const confirmByKeyboard = async (page: Page, title: string, action: string): Promise<void> => {
  const dialog = page.getByRole("dialog", { name: title })
  await expect(dialog.getByRole("button", { name: "Close" })).toBeFocused()
  await page.keyboard.press("Tab")
  await expect(dialog.getByRole("button", { name: action, exact: true })).toBeFocused()
  await page.keyboard.press("Enter")
  await expect(dialog).toBeHidden()
}

test("every channel row action names its channel", async ({ page }) => {
  const channel = await addChannel("Named row")
  await api("POST", "/sub-merchants", { tier: "N01", name: "Named tier" })
  await api("PUT", `/sub-merchants/N01/channels/${channel.key}`)
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  const row = page.locator(`tr[data-channel="${channel.key}"]`)
  const names = async () => row.getByRole("button").evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label")))
  await expect(row.getByRole("button")).toHaveCount(4)
  expect(await names()).toEqual(["Edit Named row", "Disable Named row", "Set default to Named row", "Remove Named row"])
  await row.getByRole("button", { name: "Disable Named row" }).click()
  await expect(row.getByRole("button", { name: "Enable Named row" })).toBeVisible()
  // In a sub-merchant's view the row unassigns instead, and says which channel too.
  await page.getByLabel("Show channels of").selectOption("N01")
  await expect(row.getByRole("button", { name: "Unassign Named row" })).toBeVisible()
  await api("DELETE", "/sub-merchants/N01")
  await api("DELETE", `/channels/${channel.key}`)
})

test("channel actions keep focus: on the button pressed, else on the control now in its place or the heading", async ({ page }) => {
  const channel = await addChannel("Kbd one")
  await api("POST", "/sub-merchants", { tier: "K01", name: "Keyboard tier" })
  await api("POST", "/sub-merchants", { tier: "K02", name: "Goes away" })
  // K02 has it already: K01 is the last sub-merchant left to assign it to.
  await api("PUT", `/sub-merchants/K02/channels/${channel.key}`)
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  const row = page.locator(`tr[data-channel="${channel.key}"]`)

  await press(row.getByRole("button", { name: "Disable Kbd one" }))
  await expect(row).toContainText("Disabled")
  await expect(row.getByRole("button", { name: "Enable Kbd one" })).toBeFocused()
  await page.keyboard.press("Enter")
  await expect(row.getByRole("button", { name: "Disable Kbd one" })).toBeFocused()
  await expect(row).toContainText("Enabled")

  // Set default goes away once it is done: focus goes to the control now in its place.
  await press(row.getByRole("button", { name: "Set default to Kbd one" }))
  await expect(row.getByText("default", { exact: true })).toBeVisible()
  await expect(row.getByRole("button", { name: "Choose a sub-merchant for Kbd one" })).toBeFocused()

  // Assigned to the last sub-merchant left, the Assign control goes away too.
  await page.keyboard.press("Enter")
  await row.getByLabel("Assign Kbd one to a sub-merchant").selectOption("K01")
  await page.keyboard.press("Tab")
  await page.keyboard.press("Enter")
  await expect(row.getByRole("button", { name: "Remove Kbd one" })).toBeFocused()
  expect((await api("GET", "/sub-merchants")).find((s: { tier: string }) => s.tier === "K01").channels).toEqual([channel.key])

  // A deleted sub-merchant takes its row away: focus goes to the list's heading.
  await press(page.getByRole("button", { name: "Delete K02" }))
  await confirmByKeyboard(page, "Delete the sub-merchant Goes away (K02)?", "Delete")
  await expect(page.getByLabel("Name of K02")).toHaveCount(0)
  await expect(page.getByRole("heading", { name: "Sub-merchants" })).toBeFocused()
  await api("DELETE", "/sub-merchants/K01")
})

test("API key actions keep focus: Rotate (confirmed) stays focused, I have saved it and Revoke go to the heading", async ({ page }) => {
  const other = await api("POST", "/api-keys", { name: "keyboard" })
  const id = other.key.id
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  const rotate = page.getByRole("button", { name: `Rotate ${id}` })

  await press(rotate)
  await confirmByKeyboard(page, `Rotate the key ${id}?`, "Rotate")
  await expect(page.locator("[data-secret]")).toHaveCount(1)
  // It waits while the secret is on screen, focused again once the confirmation closed.
  await expect(rotate).toBeFocused()
  await expect(rotate).toBeDisabled()

  await press(page.getByRole("button", { name: "I have saved it" }))
  await expect(page.locator("[data-secret]")).toHaveCount(0)
  await expect(page.getByRole("heading", { name: "API keys" })).toBeFocused()

  await press(page.getByRole("button", { name: `Revoke ${id}` }))
  await confirmByKeyboard(page, `Revoke the key ${id}?`, "Revoke")
  await expect(page.locator(`tr[data-key="${id}"]`)).toContainText("Revoked")
  await expect(page.getByRole("heading", { name: "API keys" })).toBeFocused()
})

test("webhook endpoint actions keep focus: Send test stays focused, a removed endpoint goes to its mode's heading", async ({ page }) => {
  const [kept, removed] = ["http://127.0.0.1:9/kept", "http://127.0.0.1:9/removed"]
  for (const url of [kept, removed]) await api("POST", "/webhooks/test/endpoints", { url })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Webhooks" }).click()
  const testMode = page.getByRole("region", { name: "Test mode" })

  const send = testMode.getByRole("button", { name: `Send test to ${kept}` })
  await press(send)
  await expect(testMode.getByRole("status")).toContainText(kept)
  await expect(send).toBeFocused()

  await press(testMode.getByRole("button", { name: `Remove ${removed}` }))
  await confirmByKeyboard(page, `Remove the endpoint ${removed}?`, "Remove")
  await expect(testMode.locator("table.endpoints tbody tr")).toHaveCount(1)
  await expect(testMode.getByRole("heading", { name: "Test mode" })).toBeFocused()
})

// Review: focus the user moved away (a click on the page's background) while a removal was on its
// way was taken back, and the page scrolled to the heading.
test("a removal does not take focus back from a user who moved it away meanwhile", async ({ page }) => {
  const url = "https://away.example/away"
  for (const endpoint of ["https://kept.example/hook", url]) await api("POST", "/webhooks/live/endpoints", { url: endpoint })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Webhooks" }).click()
  const liveMode = page.getByRole("region", { name: "Live mode" })
  let release!: () => void
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  await page.route("**/webhooks/live/endpoints/*", async (route) => {
    if (route.request().method() !== "DELETE") return route.fallback()
    await released
    await route.continue()
  })
  await press(liveMode.getByRole("button", { name: `Remove ${url}` }))
  await confirmByKeyboard(page, `Remove the endpoint ${url}?`, "Remove")
  await page.mouse.click(5, 5)
  await expect.poll(() => page.evaluate(() => document.activeElement === document.body)).toBe(true)
  release()
  await expect(liveMode.locator("table.endpoints tbody tr")).toHaveCount(1)
  await expect.poll(() => page.evaluate(() => document.activeElement === document.body)).toBe(true)
})
