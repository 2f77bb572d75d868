/**
 * The services the admin use cases run on.
 *
 * @since 0.1.0
 */
import type { Store } from "@paymux/store"
import type { ResolverCache } from "./ResolverCache.ts"

/**
 * The store services every use case may touch, plus the resolver cache.
 *
 * @since 0.1.0
 * @category models
 */
export type AdminServices = Store.Services | ResolverCache
