/**
 * The state of one in-memory store and its unit of work. Writes are serialised by a one-permit
 * semaphore; a transaction holds the permit for its whole run and works on a copy of the state
 * (copy-on-write), which replaces the committed state only when the transaction succeeds, so a
 * failure, defect or interruption simply drops the copy. Readers outside a transaction see the
 * last committed state. Nested transactions join the outer one.
 */
import type {
  ApiKey,
  ChannelGroup,
  EndpointHealth,
  Merchant,
  PaymentChannel,
  SubMerchant,
  WebhookSettings,
  WhitelistRules
} from "@paymux/domain"
import type * as Delivery from "../../Delivery.ts"
import { Context, Effect, Result, Semaphore } from "effect"
import type { AuditEntry } from "../../AuditLog.ts"
import type { KeyProvider } from "../../KeyProvider.ts"
import { unavailable, type StoreError } from "../../StoreError.ts"

/** A channel as stored: everything but the credentials in clear, the credentials sealed. */
export interface ChannelRow {
  readonly channel: Omit<PaymentChannel.PaymentChannel, "credentials">
  readonly credentials: string
}

export interface State {
  readonly merchants: Map<string, Merchant.Merchant>
  readonly subMerchants: Map<string, SubMerchant.SubMerchant>
  readonly channels: Map<string, ChannelRow>
  /** (merchant, mode, pg, mid, payment type) to channel key. */
  readonly channelSlots: Map<string, string>
  /** The highest channel sequence ever assigned per merchant. */
  readonly sequences: Map<string, number>
  readonly groups: Map<string, ChannelGroup.ChannelGroup>
  readonly webhookSettings: Map<string, WebhookSettings.WebhookSettings>
  /** merchant + mode to sealed secrets. */
  readonly webhookSecrets: Map<string, string>
  /** Endpoint health by `merchant/mode/endpointId`. */
  readonly endpointHealth: Map<string, EndpointHealth.EndpointHealth>
  readonly whitelists: Map<string, WhitelistRules.WhitelistRules>
  readonly apiKeys: Map<string, ApiKey.ApiKey>
  readonly audit: Map<string, AuditEntry>
  readonly deliveries: Map<string, Delivery.Delivery>
  readonly attempts: Map<string, ReadonlyArray<Delivery.Attempt>>
}

const emptyState = (): State => ({
  merchants: new Map(),
  subMerchants: new Map(),
  channels: new Map(),
  channelSlots: new Map(),
  sequences: new Map(),
  groups: new Map(),
  webhookSettings: new Map(),
  webhookSecrets: new Map(),
  endpointHealth: new Map(),
  whitelists: new Map(),
  apiKeys: new Map(),
  audit: new Map(),
  deliveries: new Map(),
  attempts: new Map()
})

// Values are immutable and replaced on write, so copying the maps copies the state.
const copy = (s: State): State => ({
  merchants: new Map(s.merchants),
  subMerchants: new Map(s.subMerchants),
  channels: new Map(s.channels),
  channelSlots: new Map(s.channelSlots),
  sequences: new Map(s.sequences),
  groups: new Map(s.groups),
  webhookSettings: new Map(s.webhookSettings),
  webhookSecrets: new Map(s.webhookSecrets),
  endpointHealth: new Map(s.endpointHealth),
  whitelists: new Map(s.whitelists),
  apiKeys: new Map(s.apiKeys),
  audit: new Map(s.audit),
  deliveries: new Map(s.deliveries),
  attempts: new Map(s.attempts)
})

/** An open transaction: the copy it works on, and what it does once it commits. */
interface Open {
  readonly state: State
  readonly onCommit: Array<() => void>
}

/** The transactions open on the current fiber, by store. */
const OpenTransactions = Context.Reference<ReadonlyMap<symbol, Open>>("@paymux/store/Memory/OpenTransactions", {
  defaultValue: () => new Map()
})

export interface MemoryStore {
  readonly keys: KeyProvider["Service"]
  /** Runs `f` on the state this fiber sees (its transaction's copy, or the committed state). */
  readonly read: <A>(f: (state: State) => A) => Effect.Effect<A>
  /**
   * Runs `f` as one atomic write. `f` must check everything before it changes anything, and
   * return a failure instead of throwing.
   */
  readonly write: <A, E>(f: (state: State) => Result.Result<A, E>) => Effect.Effect<A, E | StoreError>
  readonly withTransaction: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StoreError, R>
  /** Runs `f` when the current transaction commits (never, if it fails), or now outside one. */
  readonly afterCommit: (f: () => void) => Effect.Effect<void>
  /** The committed state as JSON, exactly what is held at rest. */
  readonly dump: Effect.Effect<string>
  /** Makes the next write fail with `Unavailable`, as a dropped connection would. */
  readonly failNextWrite: Effect.Effect<void>
}

const toJson = (state: State): string =>
  JSON.stringify(Object.fromEntries(Object.entries(state).map(([name, map]) => [name, [...(map as Map<string, unknown>).entries()]])))

export const make = (keys: KeyProvider["Service"]): MemoryStore => {
  const token = Symbol("MemoryStore")
  const lock = Semaphore.makeUnsafe(1)
  let committed = emptyState()
  let faultPending = false

  const open: Effect.Effect<Open | undefined> = Effect.map(Effect.service(OpenTransactions), (txs) => txs.get(token))
  const current: Effect.Effect<State | undefined> = Effect.map(open, (tx) => tx?.state)

  const apply = <A, E>(state: State, f: (state: State) => Result.Result<A, E>): Effect.Effect<A, E | StoreError> =>
    Effect.suspend((): Effect.Effect<A, E | StoreError> => {
      if (faultPending) {
        faultPending = false
        return Effect.fail(unavailable("injected fault: the write was not applied"))
      }
      const result = f(state)
      return Result.isSuccess(result) ? Effect.succeed(result.success) : Effect.fail(result.failure)
    })

  return {
    keys,
    read: (f) => Effect.map(current, (tx) => f(tx ?? committed)),
    write: (f) => Effect.flatMap(current, (tx) => (tx !== undefined ? apply(tx, f) : lock.withPermits(1)(apply(committed, f)))),
    withTransaction: (self) =>
      Effect.flatMap(Effect.service(OpenTransactions), (txs) => {
        if (txs.has(token)) return self
        return lock.withPermits(1)(
          Effect.suspend(() => {
            const tx: Open = { state: copy(committed), onCommit: [] }
            return self.pipe(
              Effect.provideService(OpenTransactions, new Map(txs).set(token, tx)),
              Effect.tap(() =>
                Effect.sync(() => {
                  committed = tx.state
                  for (const f of tx.onCommit) f()
                })
              )
            )
          })
        )
      }),
    afterCommit: (f) =>
      Effect.flatMap(open, (tx) =>
        Effect.sync(() => {
          if (tx === undefined) f()
          else tx.onCommit.push(f)
        })
      ),
    dump: Effect.sync(() => toJson(committed)),
    failNextWrite: Effect.sync(() => {
      faultPending = true
    })
  }
}
