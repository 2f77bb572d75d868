/**
 * The admin use cases, loaded on their first call. Every store-backed handler calls them, but
 * `--help`, `pg` and the other stateless commands must not pay for loading the store, the
 * webhook engine and the resolver (docs/cli.md, `npm run bench:startup`). Each export has the
 * functions of its `@paymux/admin` namespace that return an Effect (`EffectFunctions`): they
 * return an Effect that imports the module first. Constants and synchronous functions are not
 * there, so the compiler refuses them rather than the call going wrong at run time.
 */
import type * as Admin from "@paymux/admin"
import * as Effect from "effect/Effect"

/**
 * The `@paymux/admin` module, imported on first use.
 *
 * @internal
 */
export const loadAdmin = Effect.promise(() => import("@paymux/admin"))

/** The members of module `M` that are functions returning an Effect. */
type EffectFunctions<M> = {
  readonly [F in keyof M as M[F] extends (...args: Array<any>) => Effect.Effect<unknown, unknown, unknown> ? F : never]: M[F]
}

const onFirstCall = <
  K extends
    | "ApiKeys"
    | "Audit"
    | "ChannelGroups"
    | "Channels"
    | "Doctor"
    | "MasterKeys"
    | "Merchants"
    | "Resolve"
    | "WebhookEndpoints"
    | "WebhookSecrets"
    | "Webhooks"
    | "Whitelists"
>(
  name: K
): EffectFunctions<(typeof Admin)[K]> =>
  new Proxy(
    {},
    {
      get:
        (_, fn: string) =>
        (...args: Array<unknown>) =>
          Effect.flatMap(loadAdmin, (admin) =>
            (admin[name] as unknown as Record<string, (...a: Array<unknown>) => Effect.Effect<unknown, unknown, unknown>>)[fn]!(...args)
          )
    }
  ) as EffectFunctions<(typeof Admin)[K]>

/** @internal */
export const ApiKeys = onFirstCall("ApiKeys")
/** @internal */
export const Audit = onFirstCall("Audit")
/** @internal */
export const ChannelGroups = onFirstCall("ChannelGroups")
/** @internal */
export const Channels = onFirstCall("Channels")
/** @internal */
export const Doctor = onFirstCall("Doctor")
/** @internal */
export const MasterKeys = onFirstCall("MasterKeys")
/** @internal */
export const Merchants = onFirstCall("Merchants")
/** @internal */
export const Resolve = onFirstCall("Resolve")
/** @internal */
export const WebhookEndpoints = onFirstCall("WebhookEndpoints")
/** @internal */
export const WebhookSecrets = onFirstCall("WebhookSecrets")
/** @internal */
export const Webhooks = onFirstCall("Webhooks")
/** @internal */
export const Whitelists = onFirstCall("Whitelists")
