/** An immutable index of one merchant's channels, built once when they load or change. @since 0.1.0 */
export * as ChannelIndex from "./ChannelIndex.ts"

/** Resolution across merchants, and the Effect API. @since 0.1.0 */
export * as ChannelResolver from "./ChannelResolver.ts"

/** The `pg` string of `request_pay`. @since 0.1.0 */
export * as PgSelector from "./PgSelector.ts"

/** What `request_pay` asks for and what resolution answers. @since 0.1.0 */
export * as Resolution from "./Resolution.ts"

/** Why `request_pay` found no channel. @since 0.1.0 */
export * as ResolutionError from "./ResolutionError.ts"
