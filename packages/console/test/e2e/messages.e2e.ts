/**
 * What a fourth console probe found, each kept fixed: a refusal gives a way forward and says what
 * happened in plain words. An edit refused because the channel was changed elsewhere reloads it,
 * keeps what was typed and saves on the second try; a whitelist longer than the server stores is
 * counted in the page; a failed request_pay try is a problem, not a miss; copying where the
 * browser has no clipboard says to copy by hand.
 */
import { expect, test } from "@playwright/test"
import { requireChromium, signIn } from "./support/browser.ts"
import { addTestChannel, callApi, type Running, startPaymux } from "./support/paymux.ts"

requireChromium()

let paymux: Running
test.beforeAll(async () => {
  paymux = await startPaymux({ merchant: "imp10000007" })
})
test.afterAll(async () => paymux?.stop())

/** Calls the API as the CLI's key, beside the page. */
const api = (method: string, path: string, body?: unknown) => callApi(paymux, method, path, body)

// Regression (console probe): the edit was refused as "changed since it was read" at every save,
// and closing the dialog was the only way out, losing what was typed.
test("an edit refused as changed elsewhere reloads the channel, keeps what was typed on top of it, and saves again", async ({ page }) => {
  const channel = await addTestChannel(paymux, "C00001", "Conflict A")
  await api("PATCH", `/channels/${channel.key}`, { credentials: { group_id: "group-first" }, version: channel.version })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("button", { name: "Edit Conflict A" }).click()
  const dialog = page.getByRole("dialog", { name: "Edit channel" })
  await expect(dialog.getByLabel("Batch group ID")).toHaveValue("group-first")
  // Another tab renames it, takes another pay method and changes a plain credential.
  const stored = await api("GET", `/channels/${channel.key}`)
  await api("PATCH", `/channels/${channel.key}`, {
    name: "Renamed elsewhere",
    payMethods: ["card", "vbank"],
    credentials: { group_id: "group-elsewhere" },
    version: stored.version
  })
  // The page renames it too and types a secret.
  const secret = "kcp-site-key-typed-0001"
  await dialog.getByLabel("Channel name").fill("Mine")
  await dialog.getByLabel("Site key").fill(secret)
  await dialog.getByRole("button", { name: "Save" }).click()
  const note = dialog.getByRole("alert")
  await expect(note).toContainText("Conflict A was changed elsewhere while you were editing it (it is now named Renamed elsewhere)")
  await expect(note).toContainText("Save again to apply your changes to the stored version.")
  // What was typed stays; what the merchant left alone shows as stored now.
  await expect(dialog.getByLabel("Channel name")).toHaveValue("Mine")
  await expect(dialog.getByLabel("Site key")).toHaveValue(secret)
  await expect(dialog.getByLabel("vbank", { exact: true })).toBeChecked()
  await expect(dialog.getByLabel("Batch group ID")).toHaveValue("group-elsewhere")
  await dialog.getByRole("button", { name: "Save" }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByRole("button", { name: "Edit Mine" })).toBeVisible()
  const saved = await api("GET", `/channels/${channel.key}`)
  expect([saved.name, saved.payMethods, saved.credentials.group_id, saved.version]).toEqual([
    "Mine",
    ["card", "vbank"],
    "group-elsewhere",
    stored.version + 2
  ])
  // The secret was sent (it is stored, masked) and never shows in the page.
  expect(saved.credentials.site_key).not.toBe(secret)
  expect(await page.content()).not.toContain(secret)
})

test("an edit refused for a MID another channel has keeps the API's words and does not claim a change elsewhere", async ({ page }) => {
  await addTestChannel(paymux, "C00010", "Taken MID")
  await addTestChannel(paymux, "C00011", "Wants MID")
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("button", { name: "Edit Wants MID" }).click()
  const dialog = page.getByRole("dialog", { name: "Edit channel" })
  await dialog.getByLabel("Site code").fill("C00010")
  await dialog.getByRole("button", { name: "Save" }).click()
  const note = dialog.getByRole("alert")
  await expect(note).toContainText("already has this test kcp channel with MID C00010")
  await expect(note).not.toContainText("changed elsewhere")
  await expect(dialog.getByLabel("Site code")).toHaveValue("C00010")
  await page.keyboard.press("Escape")
})

// Regression (console probe): the save was sent and refused with the server's internal wording,
// "rules: Expected a value with a length of at most 1000 (got an array)".
test("a whitelist longer than the server stores is counted in the page and not sent", async ({ page }) => {
  // 999 addresses no two of which aggregate, and this client's own.
  const rules = [...Array.from({ length: 999 }, (_, i) => `10.0.${Math.floor(i / 125)}.${(i % 125) * 2}/32`), "127.0.0.1/32"]
  await api("PUT", "/whitelist", { rules })
  const puts: Array<string> = []
  page.on("request", (r) => void (r.method() === "PUT" && r.url().endsWith("/whitelist") ? puts.push(r.url()) : undefined))
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  await expect(page.locator("ol.rules input")).toHaveCount(1000)
  await page.getByRole("button", { name: "Add a rule" }).click()
  await page.getByLabel("Rule 1001", { exact: true }).fill("198.51.100.0/24")
  const tooMany = "Too many rules to save: the list would hold 1,001 blocks, and a whitelist holds at most 1,000."
  await expect(page.getByText(tooMany)).toBeVisible()
  const save = page.getByRole("button", { name: "Save", exact: true })
  await expect(save).toBeDisabled()
  await page.getByLabel("Rule 1001", { exact: true }).press("Enter")
  // One rule fewer, it can be saved again.
  await page.getByRole("button", { name: "Remove rule 1", exact: true }).click()
  await expect(page.getByText(tooMany)).toHaveCount(0)
  await expect(save).toBeEnabled()
  expect(puts).toEqual([])
  await api("PUT", "/whitelist", { rules: [] })
})

// Regression (console probe): an outage showed "No channel serves this request" with "the server
// could not be reached", and a miss was not announced as a hit is.
test("try request_pay: an outage is a problem, not a miss; a miss is announced as a hit is", async ({ page }) => {
  await addTestChannel(paymux, "C00020", "Try channel")
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Try request_pay" }).click()
  await page.getByLabel("pg", { exact: true }).fill("kcp.C00020")
  await page.getByLabel("Pay method").fill("phone")
  await page.route("**/merchants/*/resolve", (route) => route.abort("connectionrefused"), { times: 1 })
  await page.getByRole("button", { name: "Resolve" }).click()
  await expect(page.getByRole("alert")).toContainText("the server could not be reached")
  await expect(page.getByRole("heading", { name: "No channel serves this request" })).toHaveCount(0)
  // The server answers: the channel takes no phone payments.
  await page.getByRole("button", { name: "Resolve" }).click()
  const miss = page.getByRole("status").filter({ has: page.getByRole("heading", { name: "No channel serves this request" }) })
  await expect(miss).toBeVisible()
  await expect(miss.locator("table.rejected tbody tr")).not.toHaveCount(0)
  await expect(page.getByRole("alert")).toHaveCount(0)
  await page.getByLabel("Pay method").fill("card")
  await page.getByRole("button", { name: "Resolve" }).click()
  await expect(page.getByRole("status").getByRole("heading", { name: "Chosen: Try channel" })).toBeVisible()
})

// Regression (console probe): served over plain http under a hostname the page has no clipboard;
// Copy threw "Cannot read properties of undefined (reading 'writeText')" and showed nothing.
test("copy without a clipboard says to copy by hand, and logs nothing", async ({ page }) => {
  const errors: Array<string> = []
  page.on("pageerror", (error) => errors.push(error.message))
  const logged: Array<string> = []
  page.on("console", (message) => logged.push(message.text()))
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  await page.evaluate(() => {
    delete (Navigator.prototype as { clipboard?: Clipboard }).clipboard
  })
  expect(await page.evaluate(() => navigator.clipboard === undefined)).toBe(true)
  const byHand = "Copying is not available here: select the value and copy it by hand."
  await page.getByRole("button", { name: "Copy", exact: true }).click()
  await expect(page.getByRole("status").filter({ hasText: byHand })).toBeVisible()
  // A secret shown once, likewise; it is never written to the console.
  await page.getByLabel("Name", { exact: true }).fill("copied by hand")
  await page.getByRole("button", { name: "Issue key" }).click()
  const shown = page.locator(".secret-once")
  const secret = (await shown.locator("[data-secret]").textContent()) ?? ""
  expect(secret).not.toBe("")
  await shown.getByRole("button", { name: "Copy", exact: true }).click()
  await expect(shown.getByRole("status").filter({ hasText: byHand })).toBeVisible()
  await shown.getByRole("button", { name: "I have saved it" }).click()
  expect(errors).toEqual([])
  expect(logged.filter((text) => text.includes(secret))).toEqual([])
})
