/** Screenshots of each part for docs/console.md, under deterministic names. */
import { fileURLToPath } from "node:url"
import type { Locator, Page } from "@playwright/test"

const directory = fileURLToPath(new URL("../../../../../docs/console/", import.meta.url))

/** Saves `docs/console/<name>.png`; `mask` paints over what must not be shown (a one-time secret). */
export const shoot = (page: Page, name: string, mask: ReadonlyArray<Locator> = []): Promise<Buffer> =>
  page.screenshot({ path: `${directory}${name}.png`, mask: [...mask], animations: "disabled" })
