/**
 * What a new user's walkthrough of the console found, each kept fixed: rotating an API key asks
 * first; a channel's key shows in the table and its edit dialog; the channel forms take the tax
 * type; a pending delivery says who sends it; an empty sign-in says which field is missing; a test
 * card does not offer a shared-MID channel it already has; "Add a live module" is titled as the
 * action; Korean names the MID and credential fields and the pay methods.
 */
import { AxeBuilder } from "@axe-core/playwright"
import { expect, type Page, test } from "@playwright/test"
import { requireChromium, signIn } from "./support/browser.ts"
import { callApi, type Running, startPaymux } from "./support/paymux.ts"

requireChromium()

let paymux: Running
test.beforeAll(async () => {
  paymux = await startPaymux({ merchant: "imp10000008" })
})
test.afterAll(async () => paymux?.stop())

/** Calls the API as the CLI's key, beside the page. */
const api = (method: string, path: string, body?: unknown) => callApi(paymux, method, path, body)

const seriousViolations = async (page: Page) =>
  (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`)

/** The JSON bodies of the requests the page sends with `method` to a URL `path` matches. */
const bodiesOf = (page: Page, method: string, path: RegExp): Array<Record<string, unknown>> => {
  const bodies: Array<Record<string, unknown>> = []
  page.on("request", (request) => {
    if (request.method() === method && path.test(new URL(request.url()).pathname)) bodies.push(request.postDataJSON())
  })
  return bodies
}

// Walkthrough: "Rotate" replaced the secret at the first click; a slip took a server offline.
test("rotating an API key asks first, saying the old secret and its tokens stop working at once", async ({ page }) => {
  const other = await api("POST", "/api-keys", { name: "production server" })
  const id: string = other.key.id
  const rotations = bodiesOf(page, "POST", /\/api-keys\/[^/]+\/rotate$/)
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Other settings" }).click()
  await page.getByRole("button", { name: `Rotate ${id}` }).click()
  const confirm = page.getByRole("dialog", { name: `Rotate the key ${id}?` })
  await expect(confirm).toContainText("The old secret and every access token issued for it stop working at once")
  await confirm.getByRole("button", { name: "Cancel" }).click()
  await expect(confirm).toBeHidden()
  await expect(page.locator("[data-secret]")).toHaveCount(0)
  await page.waitForLoadState("networkidle")
  expect(rotations).toEqual([])
  // The old secret still works until the rotation is confirmed.
  const exchange = (secret: string) => page.request.post(`${paymux.url}/auth/token`, { data: { apiKey: id, apiSecret: secret } })
  expect((await exchange(other.secret)).status()).toBe(200)
  await page.getByRole("button", { name: `Rotate ${id}` }).click()
  await confirm.getByRole("button", { name: "Rotate" }).click()
  const secret = page.locator("[data-secret]")
  await expect(secret).toHaveCount(1)
  expect(rotations).toHaveLength(1)
  expect((await exchange(other.secret)).status()).toBe(401)
  expect((await exchange((await secret.textContent()) ?? "")).status()).toBe(200)
  await page.getByRole("button", { name: "I have saved it" }).click()
})

// Walkthrough: the console never showed a channel's key, which newer SDKs select by.
test("a channel's key shows under its name in the table and, read-only, in its edit dialog, also at 375 px", async ({ page }) => {
  const channel = await api("POST", "/channels", {
    mode: "test",
    pg: "kcp",
    mid: "K00001",
    paymentType: "window.general",
    payMethods: ["card"],
    credentials: { site_key: "key-K00001" },
    name: "Keyed"
  })
  await page.setViewportSize({ width: 375, height: 800 })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  const row = page.locator(`tr[data-channel="${channel.key}"]`)
  await expect(row.getByRole("rowheader")).toContainText("Keyed")
  await expect(row.locator("th code")).toHaveText(channel.key)
  expect(await row.locator("th code").evaluate((el) => getComputedStyle(el).fontFamily)).toContain("monospace")
  const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }))
  expect(width.page, `#/channels is ${width.page} px wide at ${width.viewport} px`).toBeLessThanOrEqual(width.viewport)
  expect(await seriousViolations(page), "the channels table").toEqual([])
  await row.getByRole("button", { name: "Edit Keyed" }).click()
  const dialog = page.getByRole("dialog", { name: "Edit channel" })
  const key = dialog.getByRole("textbox", { name: "Channel key" })
  await expect(key).toHaveValue(channel.key)
  await expect(key).toHaveAttribute("readonly", "")
  await expect(dialog.getByRole("button", { name: "Copy" })).toBeVisible()
  // Selectable: focusing it selects the whole key, to copy by hand.
  await key.focus()
  expect(await key.evaluate((el: HTMLInputElement) => el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? 0))).toBe(channel.key)
  const box = await dialog.boundingBox()
  expect([box!.x >= 0, box!.x + box!.width <= 375]).toEqual([true, true])
  expect(await seriousViolations(page), "the edit dialog").toEqual([])
  await page.keyboard.press("Escape")
  await expect(dialog).toBeHidden()
})

// Walkthrough: the API and CLI take a tax type; the channel forms had none.
test("the channel forms take the tax type: sent on add, sent on edit only when changed, and an unsaved edit", async ({ page }) => {
  const added = bodiesOf(page, "POST", /\/channels$/)
  const edits = bodiesOf(page, "PATCH", /\/channels\/[^/]+$/)
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("button", { name: "Add a channel" }).click()
  const dialog = page.getByRole("dialog", { name: "Add a channel" })
  const taxType = dialog.getByRole("combobox", { name: "Tax type" })
  await expect(taxType).toHaveValue("taxable")
  await expect(taxType.getByRole("option")).toHaveText(["Taxable", "Tax-free"])
  await dialog.getByRole("combobox", { name: /^PG/ }).selectOption("kcp")
  await dialog.getByLabel("card", { exact: true }).check()
  await dialog.getByLabel("Channel name").fill("Books")
  await dialog.getByLabel("Site code").fill("T00002")
  await dialog.getByLabel("Site key").fill("key-T00002")
  await taxType.selectOption("tax-free")
  await dialog.getByRole("button", { name: "Add channel" }).click()
  await expect(dialog).toBeHidden()
  expect(added.map((body) => body.taxType)).toEqual(["tax-free"])
  const stored = (await api("GET", "/channels")).find((c: { name: string }) => c.name === "Books")
  expect(stored.taxType).toBe("tax-free")

  // An edit of the name alone leaves the tax type out; an edit of the tax type sends it.
  const edit = page.getByRole("dialog", { name: "Edit channel" })
  await page.getByRole("button", { name: "Edit Books" }).click()
  await expect(edit.getByRole("combobox", { name: "Tax type" })).toHaveValue("tax-free")
  await edit.getByLabel("Channel name").fill("Books and more")
  await edit.getByRole("button", { name: "Save" }).click()
  await expect(edit).toBeHidden()
  await page.getByRole("button", { name: "Edit Books and more" }).click()
  await edit.getByRole("combobox", { name: "Tax type" }).selectOption("taxable")
  // A changed tax type alone is an unsaved edit: leaving the part asks first.
  const asked: Array<string> = []
  page.once("dialog", (question) => {
    asked.push(question.message())
    void question.dismiss()
  })
  // (The dialog is modal: the browser's Back or a typed URL is how the part would be left.)
  await page.evaluate(() => {
    location.hash = "#/settings"
  })
  await expect.poll(() => asked).toEqual(["Changes on this page are not saved and will be lost. Leave without saving them?"])
  await expect(page).toHaveURL(/#\/channels$/)
  await edit.getByRole("button", { name: "Save" }).click()
  await expect(edit).toBeHidden()
  expect(edits.map((body) => ("taxType" in body ? body.taxType : "left out"))).toEqual(["left out", "taxable"])
  expect((await api("GET", `/channels/${stored.key}`)).taxType).toBe("taxable")
})

// Walkthrough: with no dispatcher running, deliveries read "pending · 0 attempts" for good.
test("a pending delivery says the delivery worker sends it; with none pending there is no note", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Webhooks" }).click()
  await expect(page.getByText("No deliveries yet.")).toBeVisible()
  const note = page.locator(".delivery-log").getByText(/sent by the delivery worker/)
  await expect(note).toHaveCount(0)
  await api("POST", "/webhooks/test/endpoints", { url: "http://127.0.0.1:9/pending" })
  await api("POST", "/webhooks/test/notifications", {
    type: "Transaction.Paid",
    data: { storeId: "store-1", paymentId: "pay-0001", transactionId: "tx-0001" }
  })
  await page.reload()
  await expect(page.locator("ul.deliveries > li").first()).toContainText("pending · 0 attempts")
  await expect(note).toHaveText(
    "Pending deliveries are sent by the delivery worker (paymux webhook dispatch), not by paymux serve: they wait here until it runs."
  )
  await expect(note.locator("code")).toHaveText(["paymux webhook dispatch", "paymux serve"])
})

// Walkthrough: "Sign in" with empty fields did nothing visible.
test("signing in with an empty field says which one is missing and goes to it", async ({ page }) => {
  const tokens = bodiesOf(page, "POST", /\/auth\/token$/)
  await page.goto(paymux.url)
  await page.getByRole("button", { name: "Sign in" }).click()
  await expect(page.getByRole("alert")).toHaveText("Enter the API key id: it is required to sign in.")
  await expect(page.getByLabel("API key id")).toBeFocused()
  await expect(page.getByLabel("API key id")).toHaveAttribute("aria-invalid", "true")
  await page.getByLabel("API key id").fill(paymux.keyId)
  await expect(page.getByRole("alert")).toHaveCount(0)
  await page.getByRole("button", { name: "Sign in" }).click()
  await expect(page.getByRole("alert")).toHaveText("Enter the API secret: it is required to sign in.")
  await expect(page.getByLabel("API secret")).toBeFocused()
  expect(tokens).toEqual([])
  expect(await seriousViolations(page), "the sign-in form saying what is missing").toEqual([])
  await page.getByLabel("API secret").fill(paymux.secret)
  await page.getByRole("button", { name: "Sign in" }).click()
  await expect(page.getByRole("navigation")).toBeVisible()
})

// Walkthrough: a card kept offering the shared-MID channel it already had, and the click failed with 409.
test("a test card that has its shared-MID channel offers to edit it instead of adding it again", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Integration test" }).click()
  await page.getByLabel("Find a PG").fill("kcp")
  const card = page.locator('article[data-pg="kcp"]')
  await card.getByRole("button", { name: "Add a test channel with the shared MID" }).click()
  await expect(card.getByText(/^\d+ test channels?$/)).toBeVisible()
  await expect(card.getByRole("button", { name: "Add a test channel with the shared MID" })).toHaveCount(0)
  await expect(card.getByRole("alert")).toHaveCount(0)
  await card.getByRole("button", { name: "Edit the test channel with the shared MID" }).click()
  const dialog = page.getByRole("dialog", { name: "Test information: NHN KCP" })
  const shared = (await api("GET", "/channels?mode=test")).find((c: { credentialSource: string }) => c.credentialSource === "shared-test")
  await expect(dialog.getByRole("textbox", { name: "Channel key" })).toHaveValue(shared.key)
  await page.keyboard.press("Escape")
})

// Walkthrough: "Add a live module" opened a dialog titled "Live information".
test("each live dialog is titled as the action that opened it", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByRole("link", { name: "Live integration" }).click()
  await page.getByRole("button", { name: "Add a live module" }).click()
  const adding = page.getByRole("dialog", { name: "Add a live module" })
  await expect(adding.getByRole("heading", { name: "Add a live module" })).toBeVisible()
  await adding.getByRole("combobox", { name: /^PG/ }).selectOption("kcp")
  await adding.getByLabel("card", { exact: true }).check()
  await adding.getByLabel("Channel name").fill("KCP live one")
  await adding.getByLabel("Site code").fill("L00001")
  await adding.getByLabel("Site key").fill("live-site-key")
  await adding.getByRole("button", { name: "Add channel" }).click()
  await expect(adding).toBeHidden()
  const card = page.locator('article[data-module="kcp|window.general"]')
  await card.getByRole("button", { name: "Add another MID" }).click()
  await expect(page.getByRole("dialog", { name: "Add another MID: NHN KCP Payment window (general)" })).toBeVisible()
  await page.keyboard.press("Escape")
  await card.getByRole("button", { name: "Edit information of KCP live one" }).click()
  await expect(page.getByRole("dialog", { name: "Edit information of KCP live one" })).toBeVisible()
  await page.keyboard.press("Escape")
  await expect(page.getByRole("dialog")).toHaveCount(0)
})

// Walkthrough: Korean mode left "Merchant ID (MID)" and the pay method codes in English.
test("Korean names the MID and credential fields and the pay methods, keeping each method's code beside it", async ({ page }) => {
  await api("POST", "/channels", {
    mode: "test",
    pg: "kcp",
    mid: "H00001",
    paymentType: "window.general",
    payMethods: ["card"],
    credentials: { site_key: "key-H00001" },
    name: "Hangul"
  })
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  await page.getByLabel("Language").selectOption("ko")
  await page.getByRole("button", { name: "채널 추가하기" }).click()
  const dialog = page.getByRole("dialog", { name: "채널 추가하기" })
  await dialog.getByRole("combobox", { name: /^연동 모드/ }).selectOption("live")
  await dialog.getByRole("combobox", { name: /^PG사/ }).selectOption("nice_v2")
  await expect(dialog.getByText("Merchant ID (MID)")).toHaveCount(0)
  await expect(dialog.getByLabel("상점 아이디 (MID)")).toBeVisible()
  // Left alone last session: the credential fields kept their English labels.
  await expect(dialog.getByLabel(/^상점 키/)).toBeVisible()
  await expect(dialog.getByLabel(/^취소 비밀번호/)).toBeVisible()
  await expect(dialog.getByText("Cancel password")).toHaveCount(0)
  await expect(dialog.getByRole("checkbox", { name: "신용카드 (card)" })).toBeVisible()
  await expect(dialog.getByRole("checkbox", { name: "가상계좌 (vbank)" })).toBeVisible()
  await expect(dialog.getByRole("combobox", { name: "과세 유형" }).getByRole("option")).toHaveText(["과세", "면세"])
  await page.keyboard.press("Escape")
  // The table names them too; the codes stay, as request_pay takes them.
  await expect(page.locator("tr", { hasText: "Hangul" }).getByRole("cell", { name: "신용카드 (card)" })).toBeVisible()
  await page.getByLabel("언어").selectOption("en")
})

// Left alone last session: text typed into a create form (a sub-merchant, an endpoint, an API key)
// was lost without a word when the merchant left the part.
test("a create form with typed text is an unsaved edit: leaving the part asks first", async ({ page }) => {
  await signIn(page, paymux.url, paymux.keyId, paymux.secret)
  const asked: Array<string> = []
  page.on("dialog", (question) => {
    asked.push(question.message())
    void question.dismiss()
  })
  const leaveTo = async (part: string, from: RegExp) => {
    asked.length = 0
    await page.evaluate((hash) => {
      location.hash = hash
    }, `#/${part}`)
    await expect.poll(() => asked.length).toBe(1)
    await expect(page).toHaveURL(from)
  }
  await page.goto(`${paymux.url}/#/channels`)
  await page.getByLabel("Tier code").fill("T77")
  await leaveTo("settings", /#\/channels$/)
  await page.getByLabel("Tier code").fill("")

  await page.getByRole("link", { name: "Webhooks" }).click()
  await page.getByLabel("New test endpoint URL").fill("https://shop.example/typed")
  await leaveTo("channels", /#\/webhooks$/)
  await page.getByLabel("New test endpoint URL").fill("")

  await page.getByRole("link", { name: "Other settings" }).click()
  await page.getByRole("region", { name: "API keys" }).getByLabel("Name").fill("typed, not issued")
  await leaveTo("channels", /#\/settings$/)
})
