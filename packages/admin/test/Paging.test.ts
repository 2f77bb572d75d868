// Regression (scale probe, finding 4): the delivery history and the audit trail could be read only
// up to their newest page of at most 500 rows. Both now take `after`, the last id of the page before.
import { describe, expect, it } from "@effect/vitest"
import { Audit, Merchants, ResolverCache, WebhookEndpoints, Webhooks, Whitelists } from "@paymux/admin"
import { Memory, StoreError } from "@paymux/store"
import { Effect, Layer } from "effect"

const layer = () => Layer.merge(Memory.layer(), ResolverCache.layer())

/** A merchant with `count` queued deliveries; their ids newest first. */
const merchantWithDeliveries = (count: number) =>
  Effect.gen(function* () {
    const merchant = yield* Merchants.create({ name: "Paged Shop" })
    yield* WebhookEndpoints.set({ merchant: merchant.code, mode: "test", url: "https://hooks.example.com/paymux" })
    const ids: Array<string> = []
    for (let i = 0; i < count; i++) {
      const [d] = yield* Webhooks.emit({ merchant: merchant.code, mode: "test", eventType: "Transaction.Paid", payload: `{"n":${i}}` })
      ids.unshift(d!.id)
    }
    return { code: merchant.code, ids }
  })

/** Reads every page of `read`, each after the last id of the one before; 50 pages at most. */
const allPages = <A, R>(
  read: (after: string | undefined) => Effect.Effect<ReadonlyArray<A>, unknown, R>,
  idOf: (a: A) => string,
  limit: number
) =>
  Effect.gen(function* () {
    const seen: Array<string> = []
    let after: string | undefined
    for (let pages = 0; pages < 50; pages++) {
      const page = yield* read(after)
      expect(page.length).toBeLessThanOrEqual(limit)
      seen.push(...page.map(idOf))
      if (page.length < limit) return seen
      after = idOf(page[page.length - 1]!)
    }
    return expect.fail(`paging by ${limit} never ended (is after ignored?); read ${seen.length} rows`)
  })

const expectNotFound = <A, E>(effect: Effect.Effect<A, E, any>, id: string) =>
  Effect.map(Effect.flip(effect), (error) => {
    expect(error).toBeInstanceOf(StoreError.StoreError)
    expect((error as StoreError.StoreError).reason).toMatchObject({ _tag: "NotFound", id })
  })

describe("Webhooks.history: paging", () => {
  it.effect("pages of any size read every delivery exactly once, newest first", () =>
    Effect.gen(function* () {
      const { code, ids } = yield* merchantWithDeliveries(7)
      yield* merchantWithDeliveries(2) // another merchant's, queued after ours
      for (const limit of [1, 2, 3, 6, 7, 8]) {
        const read = (after: string | undefined) => Webhooks.history(code, { limit, after })
        expect(yield* allPages(read, (h) => h.delivery.id, limit), `pages of ${limit}`).toEqual(ids)
      }
      expect((yield* Webhooks.history(code, { after: ids[6]! })).length).toBe(0)
    }).pipe(Effect.provide(layer()))
  )

  it.effect("a cursor that is not one of the merchant's deliveries is NotFound, never an empty page", () =>
    Effect.gen(function* () {
      const { code } = yield* merchantWithDeliveries(2)
      const theirs = yield* merchantWithDeliveries(1)
      yield* expectNotFound(Webhooks.history(code, { after: "no-such-delivery" }), "no-such-delivery")
      yield* expectNotFound(Webhooks.history(code, { after: theirs.ids[0]! }), theirs.ids[0]!)
    }).pipe(Effect.provide(layer()))
  )
})

/** A merchant with an audit trail of `merchant.create` and then `count` whitelist additions. */
const merchantWithTrail = (count: number) =>
  Effect.gen(function* () {
    const merchant = yield* Merchants.create({ name: "Audited Shop" })
    for (let i = 0; i < count; i++) yield* Whitelists.add(merchant.code, [`10.0.0.${i}/32`])
    return merchant.code
  })

describe("Audit.list: paging", () => {
  it.effect("pages of any size read every entry exactly once, newest first, with and without the action filter", () =>
    Effect.gen(function* () {
      const code = yield* merchantWithTrail(6)
      yield* merchantWithTrail(2)
      const whole = (yield* Audit.list(code, { limit: 500 })).map((e) => e.id)
      expect(whole).toHaveLength(7)
      const added = (yield* Audit.list(code, { limit: 500, action: "whitelist.add" })).map((e) => e.id)
      expect(added).toEqual(whole.slice(0, 6))
      for (const limit of [1, 2, 3, 7, 8]) {
        expect(
          yield* allPages(
            (after) => Audit.list(code, { limit, after }),
            (e) => e.id,
            limit
          ),
          `pages of ${limit}`
        ).toEqual(whole)
        const read = (after: string | undefined) => Audit.list(code, { limit, after, action: "whitelist.add" })
        expect(yield* allPages(read, (e) => e.id, limit), `whitelist.add, pages of ${limit}`).toEqual(added)
      }
    }).pipe(Effect.provide(layer()))
  )

  it.effect("a cursor that is not one of the merchant's entries is NotFound, never an empty page", () =>
    Effect.gen(function* () {
      const code = yield* merchantWithTrail(1)
      const [theirs] = yield* Audit.list(yield* merchantWithTrail(1))
      yield* expectNotFound(Audit.list(code, { after: "no-such-entry" }), "no-such-entry")
      yield* expectNotFound(Audit.list(code, { after: theirs!.id }), theirs!.id)
    }).pipe(Effect.provide(layer()))
  )
})
