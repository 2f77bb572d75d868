/**
 * A real server on 127.0.0.1 over a store the test can also seed directly.
 */
import { AdminContext, ApiKeys, Merchants, ResolverCache } from "@paymux/admin"
import { Memory } from "@paymux/store"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { afterAll, beforeAll } from "vitest"
import { NodeBridge, PaymuxHttp } from "../src/index.ts"

/** A merchant in the fixture's store and the API key it calls with. */
export interface Tenant {
  readonly merchant: string
  readonly keyId: string
  readonly secret: string
  readonly bearer: string
}

export interface Fixture extends Tenant {
  readonly url: string
  readonly run: <A, E>(effect: Effect.Effect<A, E, any>) => Promise<A>
  /** Another merchant, with a key of its own, in the same store. */
  readonly addMerchant: (name: string) => Promise<Tenant>
  readonly api: PaymuxHttp.PaymuxHandler
  readonly close: () => Promise<void>
}

/** A fresh memory store with one of its services changed (a failing or a gated method). */
export const memoryWith = <I, S>(tag: Context.Key<I, S>, change: (service: S) => S): Layer.Layer<PaymuxHttp.StoreServices> =>
  Layer.effectContext(
    Effect.sync(() => {
      const context = Memory.make()
      return Context.add(context, tag, change(Context.get(context as Context.Context<I>, tag)))
    })
  ) as Layer.Layer<PaymuxHttp.StoreServices>

let counter = 10_000_000

export const start = async (
  options: {
    readonly trustedProxies?: ReadonlyArray<string>
    readonly storeLayer?: Layer.Layer<PaymuxHttp.StoreServices, any>
    readonly authCacheTtlMillis?: number
    readonly idempotencyMaxBytes?: number
    readonly maxBodyBytes?: number
    readonly docs?: PaymuxHttp.Options["docs"]
  } = {}
): Promise<Fixture> => {
  // The store is built once and shared by the handler and the seeding below.
  const scope = Effect.runSync(Scope.make())
  const context =
    options.storeLayer === undefined ? Memory.make() : await Effect.runPromise(Layer.buildWithScope(options.storeLayer, scope))
  const shared = Layer.succeedContext(context)
  const seedLayer = Layer.merge(shared, ResolverCache.layer())
  const run = <A, E>(effect: Effect.Effect<A, E, any>): Promise<A> =>
    Effect.runPromise(effect.pipe(AdminContext.withActor({ kind: "system", id: "test" }), Effect.provide(seedLayer)) as Effect.Effect<A, E>)
  const addMerchant = async (name: string, code?: string): Promise<Tenant> => {
    const merchant = (await run(Merchants.create({ name, code }))).code
    const issued = await run(ApiKeys.issue({ merchant, name: "test key" }))
    const secret = Redacted.value(issued.secret)
    return { merchant, keyId: issued.key.id, secret, bearer: `Bearer ${issued.key.id}.${secret}` }
  }
  const tenant = await addMerchant("Test shop", `imp${counter++}`)
  const api = PaymuxHttp.makeHandler({
    layer: shared,
    trustedProxies: options.trustedProxies ?? [],
    ...(options.authCacheTtlMillis === undefined ? {} : { authCacheTtlMillis: options.authCacheTtlMillis }),
    ...(options.idempotencyMaxBytes === undefined ? {} : { idempotencyMaxBytes: options.idempotencyMaxBytes }),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    ...(options.docs === undefined ? {} : { docs: options.docs })
  })
  const listening = await NodeBridge.listen(api.handler, { port: 0 })
  return {
    ...tenant,
    url: listening.url,
    run,
    addMerchant,
    api,
    close: async () => {
      await listening.close()
      await api.dispose()
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }
}

export const body = async (response: Response): Promise<any> => {
  const text = await response.text()
  return text === "" ? undefined : JSON.parse(text)
}

/** A request to the fixture's server, with its bearer unless `auth` says otherwise. */
export interface CallInit {
  readonly method?: string
  readonly body?: unknown
  readonly headers?: Record<string, string>
  readonly auth?: string
}

export type Client = (path: string, init?: CallInit) => Promise<Response>

export const client =
  (f: Fixture): Client =>
  (path, init = {}) =>
    fetch(`${f.url}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: {
        authorization: init.auth ?? f.bearer,
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...init.headers
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
    })

/** A server started before the suite's tests and closed after them. */
export const serving = (options: Parameters<typeof start>[0] = {}): { f: Fixture; call: Client } => {
  const state = {} as { f: Fixture; call: Client }
  beforeAll(async () => {
    state.f = await start(options)
    state.call = client(state.f)
  })
  afterAll(() => state.f.close())
  return state
}
