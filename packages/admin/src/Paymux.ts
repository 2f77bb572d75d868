/**
 * The Promise facade for teams that don't use Effect: the same operations as the Effect API
 * (which stays the source of truth), with failures thrown as `PaymuxError` subclasses.
 *
 * ```ts
 * const paymux = await Paymux.make({ store: SqliteStore.layer({ filename: "paymux.db" }) })
 * const merchant = await paymux.merchants.create({ name: "Shop" })
 * ```
 *
 * @since 0.1.0
 */
import type { DomainError, PaymentChannel, PgCatalog, WebhookSettings } from "@paymux/domain"
import type { StoreError } from "@paymux/store"
import type { Dispatcher, UrlGuard } from "@paymux/webhook-delivery"
import type { Cidr } from "@paymux/whitelist"
import { Effect, type Layer, ManagedRuntime } from "effect"
import * as Layer_ from "effect/Layer"
import { Actor, type ActorInfo, Catalog } from "./AdminContext.ts"
import type { AdminError } from "./AdminError.ts"
import type { AdminServices } from "./AdminServices.ts"
import * as Access from "./Access.ts"
import * as AccessCache from "./AccessCache.ts"
import * as ApiKeys from "./ApiKeys.ts"
import * as Audit from "./Audit.ts"
import * as CacheSync from "./CacheSync.ts"
import * as ChannelGroups from "./ChannelGroups.ts"
import * as Channels from "./Channels.ts"
import * as Doctor from "./Doctor.ts"
import * as MasterKeys from "./MasterKeys.ts"
import * as Merchants from "./Merchants.ts"
import { ConfigurationError, unwrap } from "./PaymuxError.ts"
import * as Resolve from "./Resolve.ts"
import * as ResolverCache from "./ResolverCache.ts"
import * as WebhookEndpoints from "./WebhookEndpoints.ts"
import * as WebhookSecrets from "./WebhookSecrets.ts"
import * as Webhooks from "./Webhooks.ts"
import * as Whitelists from "./Whitelists.ts"

// Re-exported so the facade's declaration can name the types its operations return, and the
// errors their Effects declare.
export type { Cidr, Dispatcher, DomainError, PaymentChannel, StoreError, WebhookSettings }

type UseCase = (...args: Array<any>) => Effect.Effect<any, AdminError, AdminServices>
type Promised<F> = F extends (...args: infer P) => Effect.Effect<infer A, any, any> ? (...args: P) => Promise<A> : never
type Promisified<T extends Record<string, UseCase>> = { readonly [K in keyof T]: Promised<T[K]> }

const merchantOps = {
  create: Merchants.create,
  list: Merchants.list,
  get: Merchants.get,
  setPolicy: Merchants.setPolicy,
  remove: Merchants.remove
}
const subMerchantOps = {
  create: Merchants.createSubMerchant,
  list: Merchants.listSubMerchants,
  rename: Merchants.renameSubMerchant,
  remove: Merchants.removeSubMerchant
}
const channelOps = {
  add: Channels.add,
  list: Channels.list,
  get: Channels.get,
  credentials: Channels.credentials,
  edit: Channels.edit,
  enable: Channels.enable,
  disable: Channels.disable,
  remove: Channels.remove,
  setDefault: Channels.setDefault,
  assign: Channels.assign,
  unassign: Channels.unassign,
  listForTier: Channels.listForTier
}
const groupOps = { create: ChannelGroups.create, list: ChannelGroups.list, edit: ChannelGroups.edit, remove: ChannelGroups.remove }
const webhookOps = {
  show: WebhookEndpoints.show,
  set: WebhookEndpoints.set,
  addEndpoint: WebhookEndpoints.addEndpoint,
  updateEndpoint: WebhookEndpoints.updateEndpoint,
  removeEndpoint: WebhookEndpoints.removeEndpoint,
  enableEndpoint: WebhookEndpoints.enableEndpoint,
  rotateSecret: WebhookSecrets.rotate,
  retireSecret: WebhookSecrets.retire,
  cancelSecretRotation: WebhookSecrets.cancelRotation,
  test: Webhooks.test,
  emit: Webhooks.emit,
  emitEvent: Webhooks.emitEvent,
  history: Webhooks.history,
  resend: Webhooks.resend,
  resendFailed: Webhooks.resendFailed,
  pruneDeliveries: Webhooks.pruneDeliveries,
  readiness: WebhookEndpoints.readiness,
  deliverDue: Webhooks.deliverDue
}
const whitelistOps = {
  show: Whitelists.show,
  set: Whitelists.set,
  add: Whitelists.add,
  remove: Whitelists.remove,
  check: Whitelists.check,
  setDenyByDefault: Whitelists.setDenyByDefault
}
const apiKeyOps = { issue: ApiKeys.issue, list: ApiKeys.list, rotate: ApiKeys.rotate, revoke: ApiKeys.revoke, verify: ApiKeys.verify }
const auditOps = { list: Audit.list, prune: Audit.prune }
const masterKeyOps = { reseal: MasterKeys.reseal }
const accessOps: {
  readonly authenticate: (credential: Access.Credential) => Effect.Effect<Access.Identity, AdminError, AdminServices>
  readonly admit: (identity: Access.Identity, call: Access.Call) => Effect.Effect<Access.Admission, AdminError, AdminServices>
} = { authenticate: Access.authenticate, admit: Access.admit }

/**
 * @since 0.1.0
 * @category models
 */
export interface Paymux {
  readonly merchants: Promisified<typeof merchantOps>
  readonly subMerchants: Promisified<typeof subMerchantOps>
  readonly channels: Promisified<typeof channelOps>
  readonly groups: Promisified<typeof groupOps>
  readonly resolve: Promised<typeof Resolve.resolve>
  /** The merchant's readiness checks (see `Doctor`). */
  readonly doctor: Promised<typeof Doctor.check>
  readonly webhooks: Promisified<typeof webhookOps>
  readonly whitelist: Promisified<typeof whitelistOps>
  readonly apiKeys: Promisified<typeof apiKeyOps>
  readonly audit: Promisified<typeof auditOps>
  /** Re-sealing stored secrets under the current master key (a rotation's middle step). */
  readonly masterKeys: Promisified<typeof masterKeyOps>
  /** Key authentication and whitelist admission, cached like the HTTP server does. */
  readonly access: Promisified<typeof accessOps>
  /**
   * Closes the store (database connections, pools) once the calls still running have finished;
   * a call made after `close` is refused with a `ConfigurationError`. Calling it again is harmless.
   */
  readonly close: () => Promise<void>
}

/**
 * The store services a facade needs: any adapter's layer provides them.
 *
 * @since 0.1.0
 * @category models
 */
export type StoreLayer = Layer.Layer<Exclude<AdminServices, ResolverCache.ResolverCache>, unknown>

/**
 * Builds the facade over a store layer (memory, SQLite, PostgreSQL). Fails, as a rejected
 * promise, when the store cannot be opened.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = async (options: {
  readonly store: StoreLayer
  readonly catalog?: PgCatalog.PgCatalog | undefined
  readonly actor?: ActorInfo | undefined
  /** Which loopback or private webhook targets are allowed (default `refuse`); see `Webhooks.PrivateTargets`. */
  readonly privateTargets?: UrlGuard.PrivateTargets | undefined
}): Promise<Paymux> => {
  const caches = Layer_.mergeAll(ResolverCache.layer(), AccessCache.layer())
  // Changes other processes make to the same store reach this facade's caches (CacheSync).
  const runtime = ManagedRuntime.make(Layer_.provideMerge(CacheSync.layer(), Layer_.mergeAll(options.store, caches)))
  await runtime.runPromiseExit(Effect.void).then(unwrap)
  const withContext = <A>(effect: Effect.Effect<A, AdminError, AdminServices>) => {
    let e = effect
    if (options.catalog !== undefined) e = Effect.provideService(e, Catalog, options.catalog)
    if (options.actor !== undefined) e = Effect.provideService(e, Actor, options.actor)
    if (options.privateTargets !== undefined) e = Effect.provideService(e, Webhooks.PrivateTargets, options.privateTargets)
    return e
  }
  // `close` lets the calls still running finish (they were interrupted, each rolled back and its
  // caller told "internal error"); a call made once `close` was called is refused.
  const running = new Set<Promise<unknown>>()
  let closing: Promise<void> | undefined
  const closed = () => new ConfigurationError("this Paymux instance was closed: calls after close() are refused (make a new one)")
  const run = <F extends UseCase>(f: F): Promised<F> =>
    ((...args: Array<unknown>) => {
      if (closing !== undefined) return Promise.reject(closed())
      // Suspended, so a call with input a use case cannot even read (null, say) rejects like any
      // failure instead of throwing where it is called.
      const call = runtime.runPromiseExit(withContext(Effect.suspend(() => f(...args)))).then(unwrap)
      running.add(call)
      const settled = () => void running.delete(call)
      call.then(settled, settled)
      return call
    }) as Promised<F>
  const all = <T extends Record<string, UseCase>>(ops: T): Promisified<T> =>
    Object.fromEntries(Object.entries(ops).map(([name, f]) => [name, run(f)])) as Promisified<T>
  return {
    merchants: all(merchantOps),
    subMerchants: all(subMerchantOps),
    channels: all(channelOps),
    groups: all(groupOps),
    resolve: run(Resolve.resolve),
    doctor: run(Doctor.check),
    webhooks: all(webhookOps),
    whitelist: all(whitelistOps),
    apiKeys: all(apiKeyOps),
    audit: all(auditOps),
    masterKeys: all(masterKeyOps),
    access: all(accessOps),
    close: () => (closing ??= Promise.allSettled(running).then(() => runtime.dispose()))
  }
}
