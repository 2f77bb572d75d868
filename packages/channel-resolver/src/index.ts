/**
 * @since 0.1.0
 */
export * as ChannelIndex from "./ChannelIndex.ts"

/**
 * @since 0.1.0
 */
export * as ChannelResolver from "./ChannelResolver.ts"

/**
 * @since 0.1.0
 */
export * as PgSelector from "./PgSelector.ts"

/**
 * @since 0.1.0
 */
export * as Resolution from "./Resolution.ts"

/**
 * @since 0.1.0
 */
export * as ResolutionError from "./ResolutionError.ts"
