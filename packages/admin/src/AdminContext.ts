/**
 * What every use case reads from its context: who is acting (for the audit trail) and the PG
 * catalog in force. Both have defaults, so a host app provides them only to change them.
 *
 * @since 0.1.0
 */
import { PgCatalog } from "@paymux/domain"
import { Context, Effect } from "effect"

/**
 * Who performs a change: recorded in every audit entry.
 *
 * @since 0.1.0
 * @category models
 */
export interface ActorInfo {
  readonly kind: "system" | "cli" | "api-key" | "user"
  readonly id: string
}

/**
 * @since 0.1.0
 * @category services
 */
export const Actor: Context.Reference<ActorInfo> = Context.Reference<ActorInfo>("@paymux/admin/Actor", {
  defaultValue: () => ({ kind: "system", id: "system" })
})

/**
 * The PG catalog the use cases check channels against; `PgCatalog.builtIn` unless a host app
 * extends it.
 *
 * @since 0.1.0
 * @category services
 */
export const Catalog: Context.Reference<PgCatalog.PgCatalog> = Context.Reference<PgCatalog.PgCatalog>("@paymux/admin/Catalog", {
  defaultValue: () => PgCatalog.builtIn
})

/**
 * Runs an effect as the given actor.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withActor =
  (actor: ActorInfo) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.provideService(self, Actor, actor)
