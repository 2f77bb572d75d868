/** The shared store. @since 0.1.0 */
export * as PostgresStore from "./PostgresStore.ts"
