/**
 * What a usability probe of the console found, each kept fixed: the session's own key cannot be
 * rotated out from under it; each new webhook signing secret names its mode and none hides
 * another; a channel is edited the same way from every part (loaded whole, only changes sent) and
 * can be removed; a pasted secret is never cut; an expired session keeps the open form and signs
 * in again in place; a whitelist that shuts this client out is confirmed first and says how to get
 * back in; a refused test send says it was not sent; nothing scrolls sideways at 375 px; leaving
 * with a secret or an edit unsaved asks first.
 */
import { expect, type Page, test } from "@playwright/test"
import { addNaverTestChannel, parts, requireChromium, signIn } from "./support/browser.ts"
import { callApi, cli, type Running, startPaymux } from "./support/paymux.ts"

requireChromium()

let paymux: Running
test.beforeAll(async () => {
  paymux = await startPaymux({ merchant: "imp10000003" })
})
test.afterAll(async () => paymux?.stop())

/** Calls the API as the CLI's key, beside the page. */
const api = (method: string, path: string, body?: unknown) => callApi(paymux, method, path, body)

const addChannel = (payload: Record<string, unknown>) => api("POST", "/channels", payload)

/** The JSON bodies of the PATCH requests the page sends to a channel. */
const channelEdits = (page: Page): Array<Record<string, unknown>> => {
  const edits: Array<Record<string, unknown>> = []
  page.on("request", (request) => {
    if (request.method() === "PATCH" && /\/channels\/[^/]+$/.test(request.url())) edits.push(request.postDataJSON())
  })
  return edits
}

test("the session's own key can be neither rotated nor revoked from the page; a shown secret blocks issuing another", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  const own = page.locator("table.keys tbody tr", { hasText: paymux.keyId })
  await expect(own.getByRole("button", { name: `Rotate ${paymux.keyId}` })).toBeDisabled()
  await expect(own.getByRole("button", { name: `Revoke ${paymux.keyId}` })).toBeDisabled()
  await expect(own).toContainText("sign in with another key to rotate or revoke it")
  await page.getByLabel("Name", { exact: true }).fill("deploy")
  await page.getByRole("button", { name: "Issue key" }).click()
  await expect(page.locator("[data-secret]")).toHaveCount(1)
  await expect(page.getByRole("button", { name: "Issue key" })).toBeDisabled()
  await page.getByRole("button", { name: "I have saved it" }).click()
  await expect(page.getByRole("button", { name: "Issue key" })).toBeEnabled()
})

// Regression (console probe, left alone last time): going to another part dropped a secret shown once.
test("while a secret shown once is unsaved, leaving the part, signing out or closing the tab asks first", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  // The part has loaded its keys (as the test above waits for) before a key is issued.
  await expect(page.locator("table.keys tbody tr", { hasText: paymux.keyId })).toHaveCount(1)
  await page.getByLabel("Name", { exact: true }).fill("leave-check")
  const issued = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/api-keys"))
  await page.getByRole("button", { name: "Issue key" }).click()
  expect((await issued).status()).toBe(201)
  const secret = page.locator("[data-secret]")
  await expect(secret).toHaveCount(1)
  const asked: Array<string> = []
  page.on("dialog", (dialog) => {
    asked.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  await page.getByRole("link", { name: "Payment integration" }).click()
  await expect.poll(() => asked.length).toBe(1)
  expect(asked[0]).toContain("confirm: A secret shown once is still on screen")
  await expect(page).toHaveURL(/#\/settings$/)
  await expect(secret).toHaveCount(1)
  await page.getByRole("button", { name: "Sign out" }).click()
  await expect.poll(() => asked.length).toBe(2)
  await expect(secret).toHaveCount(1)
  await page.close({ runBeforeUnload: true })
  await expect.poll(() => asked.length).toBe(3)
  expect(asked[2]).toMatch(/^beforeunload/)
  expect(page.isClosed()).toBe(false)
  await expect(secret).toHaveCount(1)
  // Saved: nothing asks any more.
  await page.getByRole("button", { name: "I have saved it" }).click()
  await page.getByRole("link", { name: "Payment integration" }).click()
  await expect(page).toHaveURL(/#\/channels$/)
  expect(asked).toHaveLength(3)
})

// Regression (console probe): edits typed and not saved (a channel form, a webhook URL, the
// whitelist) were lost without a word on going to another part, signing out or closing the tab.
test("while a form has unsaved edits, leaving asks first; cancelled, typed back or saved, it does not", async ({ page }) => {
  const asked: Array<string> = []
  page.on("dialog", (dialog) => {
    asked.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  const unsaved = "confirm: Changes on this page are not saved and will be lost. Leave without saving them?"
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  // A channel form typed in: going to another part (the browser's Back, a typed URL) asks.
  await page.getByRole("button", { name: "Add a channel" }).click()
  const form = page.getByRole("dialog", { name: "Add a channel" })
  await form.getByLabel("Channel name").fill("Typed, not added")
  await page.evaluate(() => {
    location.hash = "#/webhooks"
  })
  await expect.poll(() => asked.length).toBe(1)
  expect(asked[0]).toBe(unsaved)
  await expect(page).toHaveURL(/#\/channels$/)
  await expect(form.getByLabel("Channel name")).toHaveValue("Typed, not added")
  // Cancelled (the dialog closed): nothing is unsaved.
  await page.keyboard.press("Escape")
  await expect(form).toBeHidden()
  await page.getByRole("link", { name: "Webhooks" }).click()
  await expect(page).toHaveURL(/#\/webhooks$/)
  // A webhook URL typed: asks; typed back to what was loaded: does not.
  const url = page.getByRole("region", { name: "Test mode" }).getByRole("textbox", { name: "Test webhook URL" })
  await url.fill("http://127.0.0.1:9/typed")
  await page.getByRole("link", { name: "Payment integration" }).click()
  await expect.poll(() => asked.length).toBe(2)
  expect(asked[1]).toBe(unsaved)
  await expect(page).toHaveURL(/#\/webhooks$/)
  await expect(url).toHaveValue("http://127.0.0.1:9/typed")
  await url.fill("")
  await page.getByRole("link", { name: "Other settings" }).click()
  await expect(page).toHaveURL(/#\/settings$/)
  // A whitelist rule typed: signing out and closing the tab ask too, in Korean in Korean.
  const rule = page.getByLabel("Rule 1", { exact: true })
  await rule.fill("127.0.0.1/32")
  await page.getByRole("button", { name: "Sign out" }).click()
  await expect.poll(() => asked.length).toBe(3)
  expect(asked[2]).toBe(unsaved)
  await expect(rule).toHaveValue("127.0.0.1/32")
  await page.close({ runBeforeUnload: true })
  await expect.poll(() => asked.length).toBe(4)
  expect(asked[3]).toMatch(/^beforeunload/)
  expect(page.isClosed()).toBe(false)
  await page.getByLabel("Language").selectOption("ko")
  await page.evaluate(() => {
    location.hash = "#/channels"
  })
  await expect.poll(() => asked.length).toBe(5)
  expect(asked[4]).toBe("confirm: 이 페이지에서 변경한 내용이 저장되지 않았으며 사라집니다. 저장하지 않고 나가시겠습니까?")
  await page.getByLabel("언어").selectOption("en")
  await expect(page).toHaveURL(/#\/settings$/)
  // Saved: nothing asks any more.
  await page.getByRole("button", { name: "Save", exact: true }).click()
  await expect(page.getByText("Whitelist saved.")).toBeVisible()
  await page.getByRole("link", { name: "Payment integration" }).click()
  await expect(page).toHaveURL(/#\/channels$/)
  expect(asked).toHaveLength(5)
  await api("PUT", "/whitelist", { rules: [] })
})

test("each new signing secret names its mode, stays until acknowledged, and a mode's secret can be rotated (or the rotation cancelled)", async ({
  page
}) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Webhooks" }).click()
  const testMode = page.getByRole("region", { name: "Test mode" })
  const liveMode = page.getByRole("region", { name: "Live mode" })
  await testMode.getByRole("textbox", { name: "Test webhook URL" }).fill("http://127.0.0.1:9/hooks")
  await testMode.getByRole("button", { name: "Save" }).click()
  const testSecret = testMode.locator("[data-secret]")
  await expect(testMode.getByText("The new signing secret of Test mode, shown once")).toBeVisible()
  const first = await testSecret.textContent()
  // A live URL saved before the test secret was put away: both stay, each in its mode.
  await liveMode.getByRole("textbox", { name: "Live webhook URL" }).fill("https://shop.example/hooks")
  await liveMode.getByRole("button", { name: "Save" }).click()
  await expect(liveMode.getByText("The new signing secret of Live mode, shown once")).toBeVisible()
  await expect(testSecret).toHaveText(first ?? "")
  await expect(page.locator("[data-secret]")).toHaveCount(2)
  await liveMode.getByRole("button", { name: "I have saved it" }).click()
  await testMode.getByRole("button", { name: "I have saved it" }).click()
  await expect(page.locator("[data-secret]")).toHaveCount(0)
  // A lost secret: rotate (asked first), the new one shown once; then the old one retired.
  await testMode.getByRole("button", { name: "Rotate the Test signing secret" }).click()
  const rotate = page.getByRole("dialog", { name: "Rotate the Test signing secret?" })
  await rotate.getByRole("button", { name: "Cancel" }).click()
  await expect(page.locator("[data-secret]")).toHaveCount(0)
  await testMode.getByRole("button", { name: "Rotate the Test signing secret" }).click()
  await rotate.getByRole("button", { name: "Rotate signing secret" }).click()
  await expect(testSecret).toHaveCount(1)
  expect(await testSecret.textContent()).not.toBe(first)
  expect((await api("GET", "/webhooks")).activeSecrets.test).toBe(2)
  await testMode.getByRole("button", { name: "I have saved it" }).click()
  await testMode.getByRole("button", { name: "Retire the old Test signing secret" }).click()
  await page
    .getByRole("dialog", { name: "Retire the old Test signing secret?" })
    .getByRole("button", { name: "Retire the old secret" })
    .click()
  await expect(testMode.getByRole("button", { name: "Retire the old Test signing secret" })).toHaveCount(0)
  expect((await api("GET", "/webhooks")).activeSecrets.test).toBe(1)
  // A rotation whose new secret was lost: cancelled (asked first), the older one signs alone again.
  await testMode.getByRole("button", { name: "Rotate the Test signing secret" }).click()
  await rotate.getByRole("button", { name: "Rotate signing secret" }).click()
  await testMode.getByRole("button", { name: "I have saved it" }).click()
  const cancelRotation = testMode.getByRole("button", { name: "Cancel the Test signing secret rotation" })
  const cancel = page.getByRole("dialog", { name: "Cancel the Test signing secret rotation?" })
  await cancelRotation.click()
  await expect(cancel).toContainText("the new secret stops signing and the old one signs alone again")
  await cancel.getByRole("button", { name: "Keep both secrets" }).click()
  expect((await api("GET", "/webhooks")).activeSecrets.test).toBe(2)
  await cancelRotation.click()
  await cancel.getByRole("button", { name: "Cancel rotation", exact: true }).click()
  await expect(cancelRotation).toHaveCount(0)
  await expect(testMode.getByRole("button", { name: "Retire the old Test signing secret" })).toHaveCount(0)
  expect((await api("GET", "/webhooks")).activeSecrets.test).toBe(1)
  // Clearing a mode's URL removes its endpoints: asked first.
  await liveMode.getByRole("textbox", { name: "Live webhook URL" }).fill("")
  await liveMode.getByRole("button", { name: "Save" }).click()
  await page.getByRole("dialog", { name: "Remove the Live webhook URL?" }).getByRole("button", { name: "Cancel" }).click()
  expect((await api("GET", "/webhooks")).live.endpoints).toHaveLength(1)
  await liveMode.getByRole("button", { name: "Save" }).click()
  await page.getByRole("dialog", { name: "Remove the Live webhook URL?" }).getByRole("button", { name: "Remove the URL" }).click()
  await expect(liveMode.getByText("No endpoint yet")).toBeVisible()
})

test("editing a channel from the Channels page loads it whole and sends only what changed; Remove asks first", async ({ page }) => {
  await addChannel({
    mode: "live",
    pg: "kcp",
    mid: "A52Q9",
    name: "KCP live",
    paymentType: "window.general",
    payMethods: ["card"],
    credentials: { site_key: "site-key-stored" }
  })
  await addChannel({
    mode: "live",
    pg: "naverpay",
    mid: "np_partner_live",
    name: "Naver live",
    paymentType: "window.simple",
    payMethods: ["naverpay"],
    credentials: { client_id: "np-client-live", client_secret: "np-secret-stored", chain_id: "np-chain-live" }
  })
  const edits = channelEdits(page)
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  const table = page.locator("table.channels")
  await table.getByRole("button", { name: "Edit KCP live" }).click()
  const dialog = page.getByRole("dialog", { name: "Edit channel" })
  await expect(dialog.getByLabel("Site key")).toHaveAttribute("placeholder", "stored; leave empty to keep")
  await dialog.getByLabel("Channel name").fill("KCP live main")
  await dialog.getByRole("button", { name: "Save" }).click()
  await expect(dialog).toBeHidden()
  await expect(table.locator("tbody tr", { hasText: "KCP live main" })).toHaveCount(1)
  expect(Object.keys(edits.at(-1) ?? {}).sort()).toEqual(["name", "version"])
  // A stored plain value shows; the secret beside it does not.
  await table.getByRole("button", { name: "Edit Naver live" }).click()
  await expect(dialog.getByLabel("Client ID")).toHaveValue("np-client-live")
  await expect(dialog.getByLabel("Client secret")).toHaveValue("")
  await page.keyboard.press("Escape")
  expect(await page.content()).not.toContain("np-secret-stored")

  await table.getByRole("button", { name: "Remove Naver live" }).click()
  const confirm = page.getByRole("dialog", { name: "Remove the channel Naver live?" })
  await confirm.getByRole("button", { name: "Cancel" }).click()
  await expect(table.locator("tbody tr", { hasText: "Naver live" })).toHaveCount(1)
  await table.getByRole("button", { name: "Remove Naver live" }).click()
  await confirm.getByRole("button", { name: "Remove" }).click()
  await expect(table.locator("tbody tr", { hasText: "Naver live" })).toHaveCount(0)
  expect((await api("GET", "/channels")).map((c: { name: string }) => c.name)).not.toContain("Naver live")
})

test("Edit information on a PG-provided test card edits the card's channel once there is one", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Integration test" }).click()
  const naver = await addNaverTestChannel(page, "np-test-secret")
  // The second time it is the channel's edit: its MID and plain values filled, saved without a 409.
  await naver.getByRole("button", { name: "Edit information" }).click()
  const dialog = page.getByRole("dialog")
  await expect(dialog.getByLabel("Partner ID")).toHaveValue("np_partner_test")
  await expect(dialog.getByLabel("Client ID")).toHaveValue("np-client")
  await dialog.getByLabel("Channel name").fill("Naver test")
  await dialog.getByRole("button", { name: "Save" }).click()
  await expect(dialog).toBeHidden()
  await expect(naver.getByText("1 test channel", { exact: true })).toBeVisible()
  expect((await api("GET", "/channels?mode=test")).filter((c: { pg: string }) => c.pg === "naverpay")).toHaveLength(1)
  await page.getByLabel("Find a PG").fill("paypal")
  // Before any channel, a card's snippet takes a pay method the PG's catalog entry offers.
  await expect(page.locator('article[data-pg="paypal_v2"] pre')).toContainText('pay_method: "paypal"')
  await page.getByLabel("Find a PG").fill("no such pg")
  await expect(page.getByText("No PG matches “no such pg”.")).toBeVisible()
})

test("a pasted secret longer than its field allows is kept whole and refused with the limit", async ({ page }) => {
  const posts: Array<string> = []
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/channels")) posts.push(request.url())
  })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("button", { name: "Add a channel" }).click()
  const dialog = page.getByRole("dialog")
  await dialog.getByRole("combobox", { name: /^Mode/ }).selectOption("live")
  await dialog.getByRole("combobox", { name: /^PG/ }).selectOption("nice_v2")
  await dialog.getByLabel("card", { exact: true }).check()
  await dialog.getByLabel("Merchant ID (MID)").fill("nicev2m")
  await dialog.getByLabel("Merchant key").fill("merchant-key")
  await dialog.getByLabel("Cancel password").fill("14-characters!")
  await expect(dialog.getByLabel("Cancel password")).toHaveValue("14-characters!")
  await expect(dialog.getByText("Too long: 14 characters; at most 10.")).toBeVisible()
  await dialog.getByRole("button", { name: "Add channel" }).click()
  await expect(dialog.getByLabel("Cancel password")).toBeFocused()
  expect(posts).toEqual([])
  await dialog.getByLabel("Cancel password").fill("10-chars!!")
  await expect(dialog.getByText(/^Too long/)).toHaveCount(0)
})

// Regression (console probe): for a PG without a shared test credential the test form offered one
// ("leave empty to use the shared test MID") and hid the credential fields until a MID was typed.
test("a test channel of a PG without a shared test credential asks for its own MID and credentials", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("button", { name: "Add a channel" }).click()
  const dialog = page.getByRole("dialog")
  await dialog.getByRole("combobox", { name: /^Mode/ }).selectOption("test")
  await dialog.getByRole("combobox", { name: /^PG/ }).selectOption("tosspayments")
  await expect(dialog.getByText(/has no shared test credential: enter the test MID it issued you/)).toBeVisible()
  await expect(dialog.getByText("Leave empty to use the shared test MID.")).toHaveCount(0)
  await expect(dialog.locator("#cf-mid")).toHaveAttribute("required", "")
  await expect(dialog.locator("input[id^='cf-']:not(#cf-mid)").first()).toBeVisible()
  await dialog.getByRole("combobox", { name: /^PG/ }).selectOption("kcp")
  await expect(dialog.getByText("Leave empty to use the shared test MID.")).toBeVisible()
  await page.keyboard.press("Escape")
})

// Regression (console probe): after a version conflict the table kept the stale row (and its stale
// version, so Remove failed the same way) until the browser reloaded the page.
test("a save refused as changed meanwhile shows what is stored now once the dialog closes", async ({ page }) => {
  const added = await api("POST", "/channels", {
    mode: "test",
    pg: "kcp",
    paymentType: "window.general",
    payMethods: ["card"],
    name: "Before"
  })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("button", { name: "Edit Before" }).click()
  const dialog = page.getByRole("dialog")
  await dialog.getByLabel("Channel name").fill("Mine")
  await api("PATCH", `/channels/${added.key}`, { name: "Theirs" })
  await dialog.getByRole("button", { name: "Save" }).click()
  await expect(dialog.getByRole("alert")).toContainText("Before was changed elsewhere")
  await page.keyboard.press("Escape")
  await expect(page.getByRole("button", { name: "Edit Theirs" })).toBeVisible()
  await page.getByRole("button", { name: "Remove Theirs" }).click()
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click()
  await expect(page.getByRole("button", { name: "Edit Theirs" })).toHaveCount(0)
})

// Regression (console probe): after signing in, focus fell to <body>; it goes to the part's heading.
test("signing in moves focus to the heading of the part", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused()
})

test("an expired session keeps the open form and signs in again in place", async ({ page }) => {
  const issued = await api("POST", "/api-keys", { name: "expiring" })
  await signIn(page, paymux.url, issued.key.id, issued.secret)
  await page.getByRole("button", { name: "Add a channel" }).click()
  const form = page.getByRole("dialog", { name: "Add a channel" })
  await form.getByRole("combobox", { name: /^PG/ }).selectOption("kcp")
  await form.getByLabel("Channel name").fill("Typed before expiry")
  await form.getByLabel("card", { exact: true }).check()
  // The server ends the session: rotating its key ends every token issued for it (as expiry does).
  const rotated = await api("POST", `/api-keys/${issued.key.id}/rotate`)
  await form.getByRole("button", { name: "Add channel" }).click()
  const again = page.getByRole("dialog", { name: "Sign in to the Paymux console" })
  await expect(again.getByText("Your session expired or was ended: sign in again.")).toBeVisible()
  await expect(again.getByLabel("API key id")).toHaveValue(issued.key.id)
  // Where to type: the secret (console probe: focus was on ×, which signs out).
  await expect(again.getByLabel("API secret")).toBeFocused()
  await again.getByLabel("API secret").fill(rotated.secret)
  await again.getByRole("button", { name: "Sign in" }).click()
  await expect(again).toBeHidden()
  await expect(form.getByLabel("Channel name")).toHaveValue("Typed before expiry")
  await form.getByRole("button", { name: "Add channel" }).click()
  await expect(form).toBeHidden()
  await expect(page.locator("table.channels tbody tr", { hasText: "Typed before expiry" })).toHaveCount(1)
})

test("nothing scrolls sideways at 375 px on any part", async ({ page }) => {
  await api("POST", "/webhooks/test/endpoints", { url: "http://127.0.0.1:9/a-rather-long-path/for-narrow-screens/hooks" }).catch(
    () => undefined
  )
  await page.setViewportSize({ width: 375, height: 800 })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  for (const [path, heading] of parts) {
    await page.goto(`${paymux.url}/#/${path}`)
    await expect(page.getByRole("heading", { level: 2, name: heading })).toBeVisible()
    const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }))
    expect(width.page, `#/${path} is ${width.page} px wide at ${width.viewport} px`).toBeLessThanOrEqual(width.viewport)
  }
  // A dialog fits too (console probe: it was 10 px wider than a 390 px screen, cut at both edges).
  await page.goto(`${paymux.url}/#/channels`)
  await page.getByRole("button", { name: "Add a channel" }).click()
  const box = await page.getByRole("dialog").boundingBox()
  expect(box).not.toBeNull()
  expect([box!.x >= 0, box!.x + box!.width <= 375]).toEqual([true, true])
  await page.keyboard.press("Escape")
})

// Last: it shuts this client out, then lets it back in the way the page tells.
// Regression (left alone last session): the log showed the newest 20 deliveries and no way to older ones.
test("the delivery log shows the newest 20 and loads older ones a page at a time", async ({ page }) => {
  for (let i = 0; i < 21; i++) {
    await api("POST", "/webhooks/test/notifications", {
      type: "Transaction.Paid",
      data: { storeId: "store-1", paymentId: `payment-${i}`, transactionId: `tx-${i}` },
      noticeUrls: ["http://127.0.0.1:9/hooks"]
    })
  }
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Webhooks" }).click()
  const log = page.locator("ul.deliveries > li")
  await expect(log).toHaveCount(20)
  const pages: Array<string> = []
  page.on("request", (request) => {
    if (request.url().includes("/webhooks/deliveries")) pages.push(new URL(request.url()).search)
  })
  await page.getByRole("button", { name: "Show 20 older deliveries" }).click()
  await expect(log).toHaveCount(21)
  await expect(page.getByRole("button", { name: "Show 20 older deliveries" })).toHaveCount(0)
  expect(pages).toEqual([expect.stringMatching(/^\?limit=20&after=[0-9a-f-]+$/)])
})

test("a whitelist that shuts this client out is confirmed first, and the refusal says how to get back in", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  await page.getByLabel("Rule 1", { exact: true }).fill("10.0.0.0/8")
  await page.getByRole("button", { name: "Save" }).click()
  const confirm = page.getByRole("dialog", { name: "Save a whitelist that shuts you out?" })
  await expect(confirm).toContainText(`paymux whitelist add -m ${paymux.merchant} 127.0.0.1`)
  await confirm.getByRole("button", { name: "Cancel" }).click()
  expect((await api("GET", "/whitelist")).rules).toEqual([])
  await page.getByRole("button", { name: "Save" }).click()
  await confirm.getByRole("button", { name: "Save and lock me out" }).click()
  await page.getByRole("link", { name: "Payment integration" }).click()
  const refusal = page.getByRole("alert").first()
  await expect(refusal).toContainText("127.0.0.1 is not on the merchant's security whitelist")
  await expect(refusal).toContainText(`paymux whitelist add -m ${paymux.merchant} 127.0.0.1`)
  // Signed out, the page does not know the merchant and says what goes there (it printed MERCHANT).
  const fresh = await page.context().browser()!.newContext()
  const signedOut = await fresh.newPage()
  await signedOut.goto(paymux.url)
  await signedOut.getByLabel("API key id").fill(paymux.keyId)
  await signedOut.getByLabel("API secret").fill(paymux.secret)
  await signedOut.getByRole("button", { name: "Sign in" }).click()
  await expect(signedOut.getByRole("alert").first()).toContainText("paymux whitelist add -m <your merchant code> 127.0.0.1")
  await fresh.close()
  // The way back the page gave, run as the operator would.
  await cli(paymux.db, paymux.env, ["whitelist", "add", "-m", paymux.merchant, "127.0.0.1"])
  await expect(async () => {
    await page.reload()
    await expect(page.getByRole("heading", { level: 2, name: "Channels" })).toBeVisible({ timeout: 1000 })
  }).toPass({ timeout: 10_000 })
})

test.describe("without private webhook targets allowed", () => {
  let strict: Running
  test.beforeAll(async () => {
    strict = await startPaymux({ merchant: "imp10000004", allowPrivateWebhooks: false })
  })
  test.afterAll(async () => strict?.stop())

  test("a test send the URL guard refuses says it was not sent, with no receiver's answer", async ({ page }) => {
    await signIn(page, strict.url, strict.keyId, strict.secret)
    await page.getByRole("link", { name: "Webhooks" }).click()
    const testMode = page.getByRole("region", { name: "Test mode" })
    await testMode.getByRole("textbox", { name: "Test webhook URL" }).fill("http://127.0.0.1:9/hooks")
    await testMode.getByRole("button", { name: "Save" }).click()
    await testMode.getByRole("button", { name: "I have saved it" }).click()
    await testMode.getByRole("button", { name: "Send test to http://127.0.0.1:9/hooks" }).click()
    const result = testMode.getByRole("status")
    await expect(result).toContainText("Not sent: refused webhook URL http://127.0.0.1:9/hooks")
    await expect(result).not.toContainText("Receiver answered")
    await expect(result).not.toContainText("The receiver said")
  })
})
