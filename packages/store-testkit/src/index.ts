/** The storage benchmark every adapter runs, so adapters are compared on the same work in the same run. @since 0.1.0 */
export * as StoreBench from "./StoreBench.ts"
/** Valid, recognisable domain values built from small numbers, for an adapter's own tests and benchmarks (the conformance suite draws its values from `@paymux/domain/testing`). @since 0.1.0 */
export * as StoreFixtures from "./StoreFixtures.ts"
/** The conformance suite every Paymux storage adapter runs, the in-memory one included. @since 0.1.0 */
export * as StoreSuite from "./StoreSuite.ts"
