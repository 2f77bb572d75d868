/**
 * What a second console probe found, each kept fixed: changes made elsewhere are not overwritten
 * (the whitelist, a webhook's content type, a sub-merchant) and a conflict reloads; a late answer
 * stays with its own dialog and a secret on its way counts as one on screen; a part recovers from
 * a 401 or an outage; a refused row action shows at its row; keyboard focus never drops to
 * <body>; long names wrap; the channel table stays light. From a third probe: nothing can be
 * typed into the whitelist while its save is on its way (the answer replaced it), and a webhook
 * settings change refused as out of date reloads the mode. From a fourth: after an outage, one
 * Try again reloads every section of the part that failed.
 */
import { AxeBuilder } from "@axe-core/playwright"
import { expect, type Page, type Route, test } from "@playwright/test"
import { requireChromium, signIn } from "./support/browser.ts"
import { addTestChannel, callApi, type Running, startPaymux } from "./support/paymux.ts"

requireChromium()

let paymux: Running
test.beforeAll(async () => {
  paymux = await startPaymux({ merchant: "imp10000005" })
})
test.afterAll(async () => paymux?.stop())

/** Calls the API as the CLI's key, beside the page. */
const api = (method: string, path: string, body?: unknown) => callApi(paymux, method, path, body)

let mids = 0
const addChannel = (name: string) => addTestChannel(paymux, `R${String(++mids).padStart(5, "0")}`, name)

/**
 * Holds the page's requests that `matches` until `release` is called: a slow server, without
 * waiting for a clock. `held` resolves once the first one is being held.
 */
const hold = async (page: Page, url: string | RegExp, method: string) => {
  let release!: () => void
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  let onHeld!: () => void
  const held = new Promise<void>((resolve) => {
    onHeld = resolve
  })
  await page.route(url, async (route: Route) => {
    if (route.request().method() !== method) return route.fallback()
    onHeld()
    await released
    await route.continue()
  })
  return { held, release }
}

/** Every browser dialog (confirm, beforeunload) the page raises, dismissed. */
const questions = (page: Page): Array<string> => {
  const asked: Array<string> = []
  page.on("dialog", (dialog) => {
    asked.push(dialog.message())
    void dialog.dismiss()
  })
  return asked
}

test("a whitelist changed elsewhere is not overwritten: the save is refused, the list reloaded, what was typed kept in view", async ({
  page
}) => {
  await api("PUT", "/whitelist", { rules: ["127.0.0.1/32"] })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  await expect(page.getByLabel("Rule 1", { exact: true })).toHaveValue("127.0.0.1/32")
  await api("POST", "/whitelist/add", { rules: ["203.0.113.0/24"] })
  await page.getByRole("button", { name: "Add a rule" }).click()
  await page.getByLabel("Rule 2", { exact: true }).fill("198.51.100.0/24")
  await page.getByRole("button", { name: "Save", exact: true }).click()
  await expect(page.getByRole("alert")).toContainText("This page has reloaded what is stored now: make your change again.")
  await expect(page.getByLabel("Rule 2", { exact: true })).toHaveValue("203.0.113.0/24")
  await expect(page.locator(".unsaved")).toContainText("198.51.100.0/24")
  expect((await api("GET", "/whitelist")).rules).toEqual(["127.0.0.1/32", "203.0.113.0/24"])
  // Made again on the list as stored, it saves.
  await page.getByRole("button", { name: "Add a rule" }).click()
  await page.getByLabel("Rule 3", { exact: true }).fill("198.51.100.0/24")
  await page.getByRole("button", { name: "Save", exact: true }).click()
  await expect(page.getByText("Whitelist saved.")).toBeVisible()
  await expect(page.locator(".unsaved")).toHaveCount(0)
  expect((await api("GET", "/whitelist")).rules).toEqual(["127.0.0.1/32", "198.51.100.0/24", "203.0.113.0/24"])
  // Removing a rule leaves focus on the rule now in its place.
  await page.getByRole("button", { name: "Remove rule 2" }).click()
  await expect(page.getByLabel("Rule 2", { exact: true })).toBeFocused()
  await api("PUT", "/whitelist", { rules: [] })
})

// Regression (console probe): rules typed while a save was on its way were replaced by its answer,
// then "Whitelist saved." was shown. Nothing can be typed meanwhile now.
test("while a whitelist save is on its way the rules are read-only, so nothing typed is lost", async ({ page }) => {
  await api("PUT", "/whitelist", { rules: ["127.0.0.1/32"] })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  const rules = page.locator("ol.rules input")
  await expect(rules).toHaveCount(1)
  await page.getByRole("button", { name: "Add a rule" }).click()
  await page.getByLabel("Rule 2", { exact: true }).fill("198.51.100.0/24")
  const slow = await hold(page, /\/whitelist$/, "PUT")
  await page.getByRole("button", { name: "Save", exact: true }).click()
  await slow.held
  const rule = page.getByLabel("Rule 2", { exact: true })
  await expect(rule).not.toBeEditable()
  await rule.focus()
  await page.keyboard.press("End")
  await page.keyboard.type("9")
  await expect(rule).toHaveValue("198.51.100.0/24")
  const deny = page.getByLabel("Deny every address when the list is empty")
  await deny.focus()
  await page.keyboard.press("Space")
  await expect(deny).not.toBeChecked()
  await page.getByRole("button", { name: "Add a rule" }).focus()
  await page.keyboard.press("Enter")
  await page.getByRole("button", { name: "Remove rule 1" }).focus()
  await page.keyboard.press("Enter")
  await expect(rules).toHaveCount(2)
  slow.release()
  await expect(page.getByText("Whitelist saved.")).toBeVisible()
  await expect(rule).toBeEditable()
  // What the page shows is what is stored.
  const stored = await api("GET", "/whitelist")
  expect([stored.rules, stored.denyByDefault]).toEqual([["127.0.0.1/32", "198.51.100.0/24"], false])
  expect(await rules.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toEqual(stored.rules)
  await api("PUT", "/whitelist", { rules: [] })
})

// Regression (console probe): the refusal showed, but the mode kept showing one endpoint and its URL field.
test("a webhook settings change refused as out of date reloads the mode, the refusal kept in view", async ({ page }) => {
  const first = "http://127.0.0.1:9/first-tab"
  await api("PUT", "/webhooks/test", { url: first })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Webhooks" }).click()
  const testMode = page.getByRole("region", { name: "Test mode" })
  const url = testMode.getByRole("textbox", { name: "Test webhook URL" })
  await expect(url).toHaveValue(first)
  // Another tab adds an endpoint: the mode has no single URL any more.
  await api("POST", "/webhooks/test/endpoints", { url: "http://127.0.0.1:9/other-tab" })
  await url.fill("http://127.0.0.1:9/changed")
  await testMode.getByRole("button", { name: "Save" }).click()
  await expect(testMode.getByRole("alert")).toContainText("a mode with several endpoints has no single URL")
  await expect(testMode.locator("table.endpoints tbody tr")).toHaveCount(2)
  await expect(url).toHaveCount(0)
  await expect(testMode.getByRole("alert")).toBeVisible()
  const stored = await api("GET", "/webhooks")
  expect(stored.test.endpoints.map((e: { url: string }) => e.url)).toEqual([first, "http://127.0.0.1:9/other-tab"])
  for (const endpoint of stored.test.endpoints) await api("DELETE", `/webhooks/test/endpoints/${endpoint.id}`)
})

test("changing a webhook URL sends only the URL: a content type changed elsewhere stays", async ({ page }) => {
  await api("PUT", "/webhooks/test", { url: "http://127.0.0.1:9/first", contentType: "json" })
  const sent: Array<Record<string, unknown>> = []
  page.on("request", (request) => {
    if (request.method() === "PUT" && request.url().endsWith("/webhooks/test")) sent.push(request.postDataJSON())
  })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Webhooks" }).click()
  const testMode = page.getByRole("region", { name: "Test mode" })
  const url = testMode.getByRole("textbox", { name: "Test webhook URL" })
  await expect(url).toHaveValue("http://127.0.0.1:9/first")
  await api("PUT", "/webhooks/test", { contentType: "form" })
  await url.fill("http://127.0.0.1:9/second")
  await testMode.getByRole("button", { name: "Save" }).click()
  await expect(testMode.getByRole("combobox", { name: "Test content type" })).toHaveValue("form")
  expect(sent).toEqual([{ url: "http://127.0.0.1:9/second" }])
  const stored = await api("GET", "/webhooks")
  expect([stored.test.contentType, stored.test.endpoints[0].url]).toEqual(["form", "http://127.0.0.1:9/second"])
  await api("PUT", "/webhooks/test", { url: null, contentType: "json" })
})

test("a save answering after its dialog was closed does not close the dialog opened since", async ({ page }) => {
  await addChannel("Slow A")
  await addChannel("Slow B")
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  const slow = await hold(page, /\/channels\/[^/]+$/, "PATCH")
  await page.getByRole("button", { name: "Edit Slow A" }).click()
  const dialog = page.getByRole("dialog", { name: "Edit channel" })
  await dialog.getByLabel("Channel name").fill("Slow A renamed")
  await dialog.getByRole("button", { name: "Save" }).click()
  await slow.held
  await page.keyboard.press("Escape")
  await expect(dialog).toBeHidden()
  await page.getByRole("button", { name: "Edit Slow B" }).click()
  await dialog.getByLabel("Channel name").fill("Slow B typed")
  slow.release()
  // A's answer arrived (the table reloaded with it); B's dialog and what was typed in it stay.
  await expect(page.getByRole("button", { name: "Edit Slow A renamed" })).toHaveCount(1)
  await expect(dialog.getByLabel("Channel name")).toHaveValue("Slow B typed")
  await page.keyboard.press("Escape")
})

test("an API key on its way counts as a secret on screen: leaving asks first, and the secret arrives", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  await expect(page.locator("table.keys tbody tr", { hasText: paymux.keyId })).toHaveCount(1)
  const asked = questions(page)
  const slow = await hold(page, /\/api-keys$/, "POST")
  await page.getByLabel("Name", { exact: true }).fill("on its way")
  await page.getByRole("button", { name: "Issue key" }).click()
  await slow.held
  await page.getByRole("link", { name: "Payment integration" }).click()
  await expect.poll(() => asked.length).toBe(1)
  expect(asked[0]).toContain("A secret shown once is still on screen")
  await expect(page).toHaveURL(/#\/settings$/)
  slow.release()
  await expect(page.locator("[data-secret]")).toHaveCount(1)
  await page.getByRole("button", { name: "I have saved it" }).click()
})

// Regression (console probe): a billion days failed to encode in the page and read as "the server's
// answer could not be read"; the field had no bound though keys live at most ten years.
test("an expiry beyond a key's ten years is refused in the page, before anything is sent", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  await expect(page.locator("table.keys tbody tr", { hasText: paymux.keyId })).toHaveCount(1)
  const posts: Array<string> = []
  page.on("request", (r) => void (r.method() === "POST" && r.url().endsWith("/api-keys") ? posts.push(r.url()) : undefined))
  await page.getByLabel("Name", { exact: true }).fill("too long")
  const days = page.getByLabel("Expires in (days, optional)")
  await days.fill("1000000000")
  await page.getByRole("button", { name: "Issue key" }).click()
  expect(await days.evaluate((input: HTMLInputElement) => input.validity.rangeOverflow)).toBe(true)
  await expect(page.locator("[data-secret]")).toHaveCount(0)
  expect(posts).toEqual([])
})

test("closing the sign-in-again dialog with a secret unsaved asks first; staying keeps the dialog and the secret", async ({ page }) => {
  const session = await api("POST", "/api-keys", { name: "ends soon" })
  await signIn(page, paymux.url, session.key.id, session.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  // Waits for the part's keys, as the tests around it do. Without this wait, "Name" could be filled
  // before the part showed (another form has a "Name"), and one CI run found no "Issue key".
  await expect(page.locator("table.keys tbody tr", { hasText: session.key.id })).toHaveCount(1)
  await page.getByLabel("Name", { exact: true }).fill("shown once")
  await page.getByRole("button", { name: "Issue key" }).click()
  await expect(page.locator("[data-secret]")).toHaveCount(1)
  // The list has reloaded with the new key: no call is on its way when the session ends.
  await expect(page.locator("table.keys tbody tr", { hasText: "shown once" })).toHaveCount(1)
  await api("DELETE", `/api-keys/${session.key.id}`)
  await page.getByRole("button", { name: "Save", exact: true }).click()
  const again = page.getByRole("dialog", { name: "Sign in to the Paymux console" })
  await expect(again).toBeVisible()
  const asked = questions(page)
  await page.keyboard.press("Escape")
  await expect.poll(() => asked.length).toBe(1)
  await expect(again).toBeVisible()
  await expect(page.locator("[data-secret]")).toHaveCount(1)
  await again.getByRole("button", { name: "Close" }).click()
  await expect.poll(() => asked.length).toBe(2)
  await expect(again).toBeVisible()
})

test("a part whose load a 401 ended loads once signed in again", async ({ page }) => {
  const session = await api("POST", "/api-keys", { name: "rotated" })
  await signIn(page, paymux.url, session.key.id, session.secret)
  // Loaded first: the session ends between two parts, not in the middle of this one's load.
  await expect(page.getByRole("heading", { level: 2, name: "Channels" })).toBeVisible()
  const rotated = await api("POST", `/api-keys/${session.key.id}/rotate`)
  await page.getByRole("link", { name: "Webhooks" }).click()
  const again = page.getByRole("dialog", { name: "Sign in to the Paymux console" })
  await again.getByLabel("API secret").fill(rotated.secret)
  await again.getByRole("button", { name: "Sign in" }).click()
  await expect(again).toBeHidden()
  await expect(page.getByRole("heading", { level: 2, name: "Notification URLs" })).toBeVisible()
})

test("a part the server did not answer offers Try again", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await expect(page.getByRole("heading", { level: 2, name: "Channels" })).toBeVisible()
  // An outage: the load fails to reach the server, then the server is back.
  await page.route("**/merchants/*/webhooks", (route) => route.abort("connectionrefused"), { times: 1 })
  await page.getByRole("link", { name: "Webhooks" }).click()
  await expect(page.getByRole("alert")).toContainText("the server could not be reached")
  await page.getByRole("button", { name: "Try again" }).click()
  await expect(page.getByRole("heading", { level: 2, name: "Notification URLs" })).toBeVisible()
})

// Regression (console probe): after an outage each section of a part showed its own Try again, and
// a click brought back only its own section.
test("after an outage one Try again reloads every section of the part that failed, and only those", async ({ page }) => {
  // What the server does not answer (an outage), by section of Other settings, and what it was asked.
  const down = new Set(["whitelist", "api-keys"])
  const asked: Array<string> = []
  await page.route(/\/merchants\/[^/]+\/(whitelist|api-keys)(\/caller)?$/, (route) => {
    const section = new URL(route.request().url()).pathname.includes("/whitelist") ? "whitelist" : "api-keys"
    if (route.request().method() !== "GET") return route.fallback()
    asked.push(section)
    return down.has(section) ? route.abort("connectionrefused") : route.fallback()
  })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  const retry = page.getByRole("button", { name: "Try again" })
  const unreachable = page.getByRole("alert").filter({ hasText: "the server could not be reached" })
  await expect(unreachable).toHaveCount(2)
  await expect(retry).toHaveCount(2)
  // The server is back: the API keys' Try again brings back the whitelist too.
  down.clear()
  await retry.last().click()
  await expect(page.getByLabel("Rule 1", { exact: true })).toBeVisible()
  await expect(page.locator("table.keys tbody tr", { hasText: paymux.keyId })).toHaveCount(1)
  await expect(unreachable).toHaveCount(0)
  // Focus as before: its button gone, the section's heading has it.
  await expect(page.getByRole("heading", { level: 2, name: "API keys" })).toBeFocused()
  // Only the API keys fail: Try again reloads them, not the whitelist, which loaded.
  down.add("api-keys")
  await page.reload()
  await expect(page.getByLabel("Rule 1", { exact: true })).toBeVisible()
  await expect(retry).toHaveCount(1)
  const whitelistLoads = asked.filter((section) => section === "whitelist").length
  down.clear()
  await retry.click()
  await expect(page.locator("table.keys tbody tr", { hasText: paymux.keyId })).toHaveCount(1)
  await expect(retry).toHaveCount(0)
  expect(asked.filter((section) => section === "whitelist")).toHaveLength(whitelistLoads)
})

test("sub-merchants changed elsewhere: delete sends the version, and a refused rename reloads so the next one works", async ({ page }) => {
  await api("POST", "/sub-merchants", { tier: "T05", name: "Before" })
  await api("POST", "/sub-merchants", { tier: "T06", name: "Six" })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await expect(page.getByLabel("Name of T05")).toHaveValue("Before")
  await api("PATCH", "/sub-merchants/T05", { name: "Renamed elsewhere" })
  await page.getByRole("button", { name: "Delete T05" }).click()
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click()
  await expect(page.getByRole("alert")).toContainText("changed since it was read")
  expect((await api("GET", "/sub-merchants")).map((s: { tier: string }) => s.tier)).toContain("T05")
  // The list was reloaded: it shows T05 as stored now.
  await expect(page.getByLabel("Name of T05")).toHaveValue("Renamed elsewhere")
  await api("PATCH", "/sub-merchants/T06", { name: "Six elsewhere" })
  // Enter in the name renames; refused as changed elsewhere, the list is reloaded and the typed name kept.
  await page.getByLabel("Name of T06").fill("Six mine")
  await page.getByLabel("Name of T06").press("Enter")
  await expect(page.getByRole("alert")).toContainText("This page has reloaded what is stored now")
  await expect(page.getByLabel("Name of T06")).toHaveValue("Six mine")
  await expect(page.getByLabel("Show channels of").getByRole("option", { name: "Six elsewhere (T06)" })).toHaveCount(1)
  await page.getByLabel("Name of T06").press("Enter")
  await expect(page.getByLabel("Show channels of").getByRole("option", { name: "Six mine (T06)" })).toHaveCount(1)
  for (const tier of ["T05", "T06"]) await api("DELETE", `/sub-merchants/${tier}`)
})

test("a refused row action shows at its row, naming the channel; removing a row moves focus to the table's heading", async ({ page }) => {
  const refused = await addChannel("Default test channel")
  await api("POST", `/channels/${refused.key}/default`)
  await addChannel("Goes away")
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  const row = page.locator(`tr[data-channel="${refused.key}"]`)
  await row.getByRole("button", { name: "Disable" }).click()
  const note = page.locator(`tr[data-channel="${refused.key}"] + tr`).getByRole("alert")
  await expect(note).toContainText("Default test channel: not changed.")
  await expect(note).toContainText("make another channel the default")
  await expect(note).toBeInViewport()
  await page.getByRole("button", { name: "Remove Goes away" }).click()
  await page.getByRole("dialog", { name: "Remove the channel Goes away?" }).getByRole("button", { name: "Remove" }).click()
  await expect(page.getByRole("button", { name: "Edit Goes away" })).toHaveCount(0)
  await expect(page.getByRole("heading", { level: 2, name: "Channels" })).toBeFocused()
  await expect(page).toHaveTitle("Payment integration · Paymux")
  await page.getByRole("link", { name: "Other settings" }).click()
  await expect(page).toHaveTitle("Other settings · Paymux")
})

test("the channel table has one confirmation dialog and no sub-merchant select until a row asks for one", async ({ page }) => {
  for (let i = 0; i < 5; i++) await addChannel(`Light ${i}`)
  await api("POST", "/sub-merchants", { tier: "L01", name: "Light tier" })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  const table = page.getByRole("region", { name: /channels, oldest first$/ })
  await expect(page.getByRole("button", { name: "Edit Light 4" })).toBeVisible()
  await expect(table.locator("dialog")).toHaveCount(1)
  await expect(table.locator("select")).toHaveCount(0)
  await page.getByRole("button", { name: "Choose a sub-merchant for Light 2" }).click()
  await expect(page.getByLabel("Assign Light 2 to a sub-merchant")).toBeFocused()
  await expect(table.locator("select")).toHaveCount(1)
  await api("DELETE", "/sub-merchants/L01")
})

test("an endpoint's event editor: Escape cancels, and focus goes back to its Edit events button", async ({ page }) => {
  const url = "http://127.0.0.1:9/events"
  await api("POST", "/webhooks/live/endpoints", { url: "https://shop.example/one" })
  await api("POST", "/webhooks/test/endpoints", { url, events: ["Transaction.Paid"] })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Webhooks" }).click()
  await page.getByRole("button", { name: `Edit the events of ${url}` }).click()
  const events = page.getByRole("textbox", { name: `Event types of ${url} (comma-separated; empty: every event)` })
  await expect(events).toBeFocused()
  await events.fill("")
  await events.press("Escape")
  await expect(events).toHaveCount(0)
  await expect(page.getByRole("button", { name: `Edit the events of ${url}` })).toBeFocused()
  const stored = await api("GET", "/webhooks")
  expect(stored.test.endpoints[0].events).toEqual(["Transaction.Paid"])
  for (const mode of ["test", "live"]) await api("PUT", `/webhooks/${mode}`, { url: null })
})

test("long names wrap: a confirmation keeps its buttons in view, and nothing scrolls sideways at 375 px", async ({ page }) => {
  const long = "x".repeat(100)
  await addChannel(long)
  await api("POST", "/sub-merchants", { tier: "N01", name: "Gangnam flagship store - online orders" })
  const url = "https://hooks.example-shop.co.kr/paymux/webhooks/test/7f3c2a9e4b1d4c8f9a6e2b7d5c3f1a0e"
  // JSON: a form-encoded mode takes no V2 notification.
  await api("PUT", "/webhooks/test", { url, contentType: "json" })
  await api("POST", "/webhooks/test/notifications", {
    type: "Transaction.Paid",
    data: { storeId: "store-1", paymentId: "p1", transactionId: "tx-1" }
  })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("button", { name: `Remove ${long}` }).click()
  const confirm = page.getByRole("dialog", { name: `Remove the channel ${long}?` })
  await expect(confirm.getByRole("button", { name: "Remove" })).toBeInViewport()
  await confirm.getByRole("button", { name: "Cancel" }).click()
  await page.setViewportSize({ width: 375, height: 800 })
  for (const [path, heading] of [
    ["channels", "Channels"],
    ["webhooks", "Notification URLs"]
  ] as const) {
    await page.goto(`${paymux.url}/#/${path}`)
    await expect(page.getByRole("heading", { level: 2, name: heading })).toBeVisible()
    if (path === "webhooks") await expect(page.locator(".deliveries li", { hasText: url })).toHaveCount(1)
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width, `#/${path} is ${width} px wide at 375 px`).toBeLessThanOrEqual(375)
  }
})

test("axe: a long test MID's snippet can be scrolled by keyboard, and Settings names each region once", async ({ page }) => {
  await api("POST", "/channels", {
    mode: "test",
    pg: "tosspayments",
    mid: "tosspayments_test_mid_0000001",
    paymentType: "window.general",
    payMethods: ["card"],
    credentials: { client_key: "test_ck_abc", secret_key: "fake-secret" }
  })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Integration test" }).click()
  await page.getByLabel("Find a PG").fill("tosspayments")
  await expect(page.locator('article[data-pg="tosspayments"] pre')).toContainText("tosspayments_test_mid_0000001")
  const rules = ["scrollable-region-focusable", "landmark-unique"]
  expect((await new AxeBuilder({ page }).withRules(rules).analyze()).violations.map((v) => v.id)).toEqual([])
  await page.getByRole("link", { name: "Other settings" }).click()
  await expect(page.locator("table.keys tbody tr").first()).toBeVisible()
  expect((await new AxeBuilder({ page }).withRules(rules).analyze()).violations.map((v) => v.id)).toEqual([])
})

// Regression (review): once a channel was assigned to the last sub-merchant left for it, its row
// kept an empty "Assign to" select and a dead Assign button.
test("assigning a channel to the last sub-merchant left for it puts the Assign control away", async ({ page }) => {
  await api("POST", "/sub-merchants", { tier: "T07", name: "Only one" })
  const channel = await addChannel("Assigned once")
  // Other tests' sub-merchants already have it: T07 is the last one left for it.
  for (const { tier } of await api("GET", "/sub-merchants")) {
    if (tier !== "T07") await api("PUT", `/sub-merchants/${tier}/channels/${channel.key}`)
  }
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("button", { name: "Choose a sub-merchant for Assigned once" }).click()
  await page.getByLabel("Assign Assigned once to a sub-merchant").selectOption("T07")
  await page.getByRole("button", { name: "Assign Assigned once to the chosen sub-merchant" }).click()
  await expect
    .poll(async () => (await api("GET", "/sub-merchants")).find((s: { tier: string }) => s.tier === "T07").channels)
    .toEqual([channel.key])
  await expect(page.getByLabel("Assign Assigned once to a sub-merchant")).toHaveCount(0)
  await expect(page.getByRole("button", { name: "Choose a sub-merchant for Assigned once" })).toHaveCount(0)
  await api("DELETE", "/sub-merchants/T07")
  await api("DELETE", `/channels/${channel.key}`)
})
