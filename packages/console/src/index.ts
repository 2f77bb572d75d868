/**
 * The absolute path of the built console page (static files), for a server to serve at `/`.
 *
 * @since 0.1.0
 * @category constants
 */
export { assetsDirectory } from "./Assets.ts"
