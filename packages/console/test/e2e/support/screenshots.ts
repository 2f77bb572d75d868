/**
 * Screenshots of each part for docs/console.md, under deterministic names. They are written only
 * with `PAYMUX_WRITE_DOCS=1` (as docs/errors.md is regenerated), so a test run leaves the tree
 * clean; without it the screenshot is still taken, masks included.
 */
import { fileURLToPath } from "node:url"
import type { Locator, Page } from "@playwright/test"

const directory = fileURLToPath(new URL("../../../../../docs/console/", import.meta.url))
const write = process.env.PAYMUX_WRITE_DOCS === "1"

/**
 * Takes the part's screenshot; `mask` paints over what must not be shown (a one-time secret);
 * `fullPage` for a part taller than the window.
 */
export const shoot = (
  page: Page,
  name: string,
  mask: ReadonlyArray<Locator> = [],
  options: { readonly fullPage?: boolean } = {}
): Promise<Buffer> =>
  page.screenshot({
    ...(write ? { path: `${directory}${name}.png` } : {}),
    mask: [...mask],
    animations: "disabled",
    fullPage: options.fullPage ?? false
  })
