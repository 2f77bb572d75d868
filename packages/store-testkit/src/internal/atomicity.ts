/**
 * The unit of work: a failure, defect or interruption in the middle of a transaction leaves
 * nothing behind (rows, audit entries, outbox deliveries, sealed secrets); success commits all.
 */
import { AuditLog, Repositories, Transaction } from "@paymux/store"
import { Outbox } from "@paymux/store"
import { Deferred, Effect, Exit, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import { type Harness, notDeclared } from "./harness.ts"

const m = F.merchantCode(1)
const fresh = F.merchantCode(2)

/** Writes to every kind of row the store keeps. */
const writeEverything = Effect.gen(function* () {
  const merchants = yield* Repositories.MerchantRepository
  const merchant = yield* merchants.get(m)
  yield* merchants.update({ ...merchant, name: "Changed in the transaction" })
  yield* merchants.create(F.merchant(fresh))
  const channel = yield* (yield* Repositories.ChannelRepository).create(F.channel(m, F.channelKey(1)))
  yield* (yield* Repositories.SubMerchantRepository).create(F.subMerchant(m, "T01", [channel.key]))
  yield* (yield* Repositories.ChannelGroupRepository).create(F.group(m, F.groupId(1), [{ channel: channel.key, weight: 100 }]))
  const webhooks = yield* Repositories.WebhookSettingsRepository
  yield* webhooks.put(yield* webhooks.get(m))
  yield* webhooks.putSecrets(m, "test", [Redacted.make("whsec_dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IQ==")])
  const whitelists = yield* Repositories.WhitelistRepository
  yield* whitelists.put({ ...(yield* whitelists.get(m)), rules: ["10.0.0.0/8"] })
  yield* webhooks.recordHealth({ merchant: m, mode: "live", endpointId: "ep_failing" }, { ok: false, now: 1_000 })
  yield* webhooks.disableEndpoint({ merchant: m, mode: "live", endpointId: "ep_disabled" }, 1_000)
  yield* (yield* Repositories.ApiKeyRepository).create(F.apiKey(m, F.apiKeyId(1)))
  yield* (yield* AuditLog.AuditLog).append(F.auditEntry(m, 1))
  yield* (yield* Outbox.Outbox).enqueue(F.newDelivery(m, 1), 1_000)
})

/**
 * Asserts the store holds only the seeded merchant, unchanged; then that the unique key and slot
 * of the channel `writeEverything` creates were freed with it (it creates that channel again).
 */
const nothingBehind = Effect.gen(function* () {
  const merchants = yield* Repositories.MerchantRepository
  expect(yield* merchants.get(m)).toEqual(F.merchant(m))
  yield* F.expectStoreError(merchants.get(fresh), "NotFound", "MerchantRepository.get")
  expect(yield* (yield* Repositories.ChannelRepository).list(m)).toEqual([])
  expect(yield* (yield* Repositories.SubMerchantRepository).list(m)).toEqual([])
  expect(yield* (yield* Repositories.ChannelGroupRepository).list(m)).toEqual([])
  expect((yield* (yield* Repositories.WebhookSettingsRepository).get(m)).version).toBe(0)
  expect(yield* (yield* Repositories.WebhookSettingsRepository).getSecrets(m, "test")).toEqual([])
  expect(yield* (yield* Repositories.WebhookSettingsRepository).getHealth(m), "WebhookSettingsRepository.getHealth").toEqual([])
  expect((yield* (yield* Repositories.WhitelistRepository).get(m)).version).toBe(0)
  expect(yield* (yield* Repositories.ApiKeyRepository).list(m)).toEqual([])
  expect(yield* (yield* AuditLog.AuditLog).list(m)).toEqual([])
  expect(yield* (yield* Outbox.Outbox).history({})).toEqual([])
  expect(yield* (yield* Outbox.Outbox).claim({ workerId: "w", now: 10_000, leaseMillis: 1_000, limit: 10 })).toEqual([])
  // Mutation probe 2026-12: a store that rolled back the channel but not its slot passed.
  const again = yield* Effect.exit((yield* Repositories.ChannelRepository).create(F.channel(m, F.channelKey(1))))
  expect(Exit.isSuccess(again) ? undefined : F.failureOf(again), "ChannelRepository.create of the rolled-back channel").toBeUndefined()
})

const seeded = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
    return yield* self
  })

export const atomicity = (h: Harness): void =>
  void describe("atomicity", () => {
    const rollsBack = (name: string, ending: Effect.Effect<never, unknown>) =>
      it(
        `${name} after writing to every table leaves nothing behind`,
        () =>
          h.freshPromise(
            seeded(
              Effect.gen(function* () {
                const tx = yield* Transaction.Transaction
                const exit = yield* Effect.exit(tx.withTransaction(Effect.andThen(writeEverything, ending)))
                expect(Exit.isFailure(exit)).toBe(true)
                yield* nothingBehind
              })
            )
          ),
        h.timeout
      )

    rollsBack("a failure", Effect.fail("injected failure"))
    rollsBack("a defect", Effect.die(new Error("injected defect")))
    rollsBack("an interruption", Effect.interrupt)

    it(
      "a failing inner transaction (nesting joins) rolls back the outer one too",
      () =>
        h.freshPromise(
          seeded(
            Effect.gen(function* () {
              const tx = yield* Transaction.Transaction
              const exit = yield* Effect.exit(
                tx.withTransaction(Effect.andThen(tx.withTransaction(writeEverything), tx.withTransaction(Effect.fail("inner failure"))))
              )
              expect(Exit.isFailure(exit)).toBe(true)
              yield* nothingBehind
            })
          )
        ),
      h.timeout
    )

    // Differential probe 2026-12: on PostgreSQL a caught Conflict left the transaction refusing
    // every later statement (Unavailable, and again on every retry), and the whitelist's own
    // "exists already?" check ran in that broken transaction.
    it(
      "an operation that fails inside a transaction, once caught, leaves the transaction usable and takes nothing with it",
      () =>
        h.freshPromise(
          seeded(
            Effect.gen(function* () {
              const tx = yield* Transaction.Transaction
              const merchants = yield* Repositories.MerchantRepository
              const channels = yield* Repositories.ChannelRepository
              const whitelists = yield* Repositories.WhitelistRepository
              const unsaved = yield* whitelists.get(m)
              yield* whitelists.put({ ...unsaved, rules: ["10.0.0.0/8"] })
              const outbox = yield* Outbox.Outbox
              const queued = { ...F.newDelivery(m, 1), id: "delivery-once" }
              yield* outbox.enqueue(queued, 0)
              const first = yield* tx.withTransaction(
                Effect.gen(function* () {
                  yield* F.expectStoreError(merchants.create(F.merchant(m)), "Conflict", "MerchantRepository.create (a duplicate)")
                  yield* F.expectStoreError(outbox.enqueue(queued, 0), "Conflict", "Outbox.enqueue (a duplicate id)")
                  yield* F.expectStoreError(
                    whitelists.put({ ...unsaved, rules: ["192.0.2.0/24"] }),
                    "Conflict",
                    "WhitelistRepository.put (stale)"
                  )
                  const first = yield* channels.create(F.channel(m, F.channelKey(1)))
                  yield* F.expectStoreError(
                    channels.create(F.channel(m, F.channelKey(2), { mid: first.mid })),
                    "Conflict",
                    "ChannelRepository.create (a taken slot)"
                  )
                  yield* merchants.create(F.merchant(fresh))
                  return first
                })
              )
              expect((yield* merchants.list()).map((x) => x.code)).toEqual([m, fresh])
              expect((yield* whitelists.get(m)).rules, "WhitelistRepository.get: the stale put changed nothing").toEqual(["10.0.0.0/8"])
              expect(yield* outbox.history({}), "Outbox.history: the duplicate added nothing").toHaveLength(1)
              // The refused create's sequence went with it: the next channel is second, not third.
              const next = yield* channels.create(F.channel(m, F.channelKey(3)))
              expect([first.sequence, next.sequence], "ChannelRepository.create: sequences").toEqual([1, 2])
            })
          )
        ),
      h.timeout
    )

    it(
      "a successful transaction commits every write together",
      () =>
        h.freshPromise(
          seeded(
            Effect.gen(function* () {
              const tx = yield* Transaction.Transaction
              yield* tx.withTransaction(tx.withTransaction(writeEverything))
              expect((yield* (yield* Repositories.MerchantRepository).get(m)).name).toBe("Changed in the transaction")
              expect(yield* (yield* Repositories.ChannelRepository).list(m)).toHaveLength(1)
              expect(yield* (yield* AuditLog.AuditLog).list(m)).toHaveLength(1)
              expect(yield* (yield* Outbox.Outbox).history({ merchant: m })).toHaveLength(1)
              expect(yield* (yield* Repositories.WebhookSettingsRepository).getSecrets(m, "test")).toHaveLength(1)
              expect(
                (yield* (yield* Repositories.WebhookSettingsRepository).getHealth(m)).map((x) => [x.endpointId, x.disabledAt]).sort(),
                "WebhookSettingsRepository.getHealth"
              ).toEqual([
                ["ep_disabled", 1_000],
                ["ep_failing", null]
              ])
            })
          )
        ),
      h.timeout
    )

    it(
      "a uniqueness violation in the middle of a transaction rolls back the writes before it",
      () =>
        h.freshPromise(
          seeded(
            Effect.gen(function* () {
              const tx = yield* Transaction.Transaction
              const channels = yield* Repositories.ChannelRepository
              yield* F.expectStoreError(
                tx.withTransaction(
                  Effect.gen(function* () {
                    yield* (yield* AuditLog.AuditLog).append(F.auditEntry(m, 1))
                    yield* (yield* Outbox.Outbox).enqueue(F.newDelivery(m, 1), 1_000)
                    yield* channels.create(F.channel(m, F.channelKey(1)))
                    yield* channels.create(F.channel(m, F.channelKey(1), { mid: F.channel(m, F.channelKey(2)).mid }))
                  })
                ),
                "Conflict",
                "Transaction.withTransaction"
              )
              yield* nothingBehind
            })
          )
        ),
      h.timeout
    )

    // An adapter that undoes a transaction by restoring a snapshot, without holding other writers
    // off while the transaction is open, loses writes made beside it.
    it(
      "a transaction rolls back while another fiber writes outside it: only the transaction's own writes are undone",
      () =>
        h.freshPromise(
          seeded(
            Effect.gen(function* () {
              const tx = yield* Transaction.Transaction
              const channels = yield* Repositories.ChannelRepository
              const log = yield* AuditLog.AuditLog
              const opened = yield* Deferred.make<void>()
              const outsideDone = yield* Deferred.make<void>()
              const rolledBack = tx.withTransaction(
                Effect.gen(function* () {
                  yield* channels.create(F.channel(m, F.channelKey(1)))
                  yield* log.append(F.auditEntry(m, 1))
                  yield* Deferred.succeed(opened, undefined)
                  // Stays open until the outside write lands, or for 200 ms where writers take turns.
                  yield* Effect.raceFirst(Deferred.await(outsideDone), Effect.sleep(200))
                  return yield* Effect.fail("roll back")
                })
              )
              const outside = Effect.gen(function* () {
                yield* Deferred.await(opened)
                yield* channels.create(F.channel(m, F.channelKey(2)))
                yield* log.append(F.auditEntry(m, 2))
                yield* Deferred.succeed(outsideDone, undefined)
              })
              const [exit] = yield* Effect.all([Effect.exit(rolledBack), outside], { concurrency: "unbounded" })
              expect(Exit.isFailure(exit), "Transaction.withTransaction: the failing unit of work fails").toBe(true)
              expect(
                (yield* channels.list(m)).map((c) => c.key),
                "ChannelRepository.list: the outside write survives the rollback"
              ).toEqual([F.channelKey(2)])
              expect(
                (yield* log.list(m)).map((e) => e.id),
                "AuditLog.list: the outside entry survives the rollback"
              ).toEqual([F.auditEntry(m, 2).id])
            })
          )
        ),
      h.timeout
    )

    const faults = h.capabilities.faultInjection
    if (faults !== undefined) {
      it(
        "[faultInjection] a driver failure inside a transaction is Unavailable (retryable) and leaves nothing behind",
        () =>
          h.freshPromise(
            seeded(
              Effect.gen(function* () {
                const tx = yield* Transaction.Transaction
                const exit = yield* Effect.exit(
                  tx.withTransaction(
                    Effect.gen(function* () {
                      yield* (yield* AuditLog.AuditLog).append(F.auditEntry(m, 1))
                      yield* faults.failNextWrite
                      yield* (yield* Repositories.ChannelRepository).create(F.channel(m, F.channelKey(1)))
                    })
                  )
                )
                expect(Exit.isFailure(exit)).toBe(true)
                const error = Exit.isFailure(exit) ? F.failureOf(exit) : undefined
                expect(error).toMatchObject({ _tag: "StoreError", reason: { _tag: "Unavailable" } })
                expect((error as { retryable: boolean }).retryable).toBe(true)
                yield* nothingBehind
              })
            )
          ),
        h.timeout
      )

      it(
        "[faultInjection] a driver failure outside a transaction is Unavailable and the write is not applied",
        () =>
          h.freshPromise(
            seeded(
              Effect.gen(function* () {
                yield* faults.failNextWrite
                yield* F.expectStoreError(
                  (yield* Repositories.ChannelRepository).create(F.channel(m, F.channelKey(1))),
                  "Unavailable",
                  "ChannelRepository.create"
                )
                expect(yield* (yield* Repositories.ChannelRepository).list(m)).toEqual([])
                expect((yield* (yield* Repositories.ChannelRepository).create(F.channel(m, F.channelKey(1)))).key).toBe(F.channelKey(1))
              })
            )
          ),
        h.timeout
      )
    } else {
      notDeclared(
        "faultInjection",
        "driver failures (a connection dropped mid-write) are NOT injected, so their Unavailable reason and rollback are NOT checked"
      )
    }
  })
