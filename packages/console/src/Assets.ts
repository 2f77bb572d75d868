/**
 * Where the built console page lives. The page itself is private build output (Vite writes it
 * to `dist/page`); this module only tells a server where to find it.
 *
 * @since 0.1.0
 */
import { fileURLToPath } from "node:url"

/**
 * The absolute path of the directory holding `index.html` and `assets/`. The same relative path
 * works from `src/` (sources) and from `dist/` (the published build), both one level below the
 * package root.
 *
 * @since 0.1.0
 * @category constants
 */
export const assetsDirectory: string = fileURLToPath(new URL("../dist/page", import.meta.url))
