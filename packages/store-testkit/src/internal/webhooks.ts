/**
 * Webhook endpoints, their health, and the outbox operations that serve "resend": per-mode
 * settings round-trip, health counts atomically and disables once, a resend to another URL, and
 * history since a time.
 */
import { Outbox, Repositories } from "@paymux/store"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import type { Harness } from "./harness.ts"

const a = F.merchantCode(1)
const b = F.merchantCode(2)

export const webhooks = (h: Harness): void => {
  describe("webhook endpoints and health", () => {
    it("per-mode content types and several endpoints with event filters round-trip", () =>
      h.freshPromise(
        Effect.gen(function* () {
          yield* (yield* Repositories.MerchantRepository).create(F.merchant(a))
          const repo = yield* Repositories.WebhookSettingsRepository
          const settings = {
            ...(yield* repo.get(a)),
            test: {
              contentType: "form" as const,
              endpoints: [
                { id: F.endpointId("ep_all"), url: F.url("https://all.example.test/hook") },
                { id: F.endpointId("ep_paid"), url: F.url("https://paid.example.test/hook"), events: ["Transaction.Paid"] }
              ]
            }
          }
          const saved = yield* repo.put(settings)
          expect(yield* repo.get(a)).toEqual(saved)
          expect(saved.live).toEqual({ contentType: "json", endpoints: [] })
        })
      ))

    it("health counts failures, a success resets them, disabling happens once, enabling forgets", () =>
      h.freshPromise(
        Effect.gen(function* () {
          const merchants = yield* Repositories.MerchantRepository
          yield* merchants.create(F.merchant(a))
          yield* merchants.create(F.merchant(b))
          const repo = yield* Repositories.WebhookSettingsRepository
          const ep = { merchant: a, mode: "live" as const, endpointId: "ep_x" }
          expect(yield* repo.getHealth(a)).toEqual([])
          yield* repo.recordHealth(ep, { ok: false, now: 1000 })
          const twice = yield* repo.recordHealth(ep, { ok: false, now: 2000 })
          expect(twice).toMatchObject({ consecutiveFailures: 2, failingSince: 1000, lastFailureAt: 2000, disabledAt: null })
          const ok = yield* repo.recordHealth(ep, { ok: true, now: 3000 })
          expect(ok).toMatchObject({ consecutiveFailures: 0, failingSince: null, lastSuccessAt: 3000, lastFailureAt: 2000 })
          yield* Effect.forEach([1, 2, 3, 4, 5], (i) => repo.recordHealth(ep, { ok: false, now: 4000 + i }), { concurrency: 5 })
          expect((yield* repo.getHealth(a))[0]).toMatchObject({ consecutiveFailures: 5, failingSince: expect.any(Number) })
          expect(yield* repo.disableEndpoint(ep, 9000)).toBe(true)
          expect(yield* repo.disableEndpoint(ep, 9500)).toBe(false)
          expect((yield* repo.getHealth(a))[0]!.disabledAt).toBe(9000)
          expect(yield* repo.getHealth(b)).toEqual([])
          yield* repo.enableEndpoint(ep)
          expect(yield* repo.getHealth(a)).toEqual([])
          yield* F.expectStoreError(repo.getHealth(F.merchantCode(9)), "NotFound", "WebhookSettingsRepository.getHealth")
        })
      ))

    it("lists a merchant's health records by mode, then by endpoint id in code-unit order", () =>
      h.freshPromise(
        Effect.gen(function* () {
          yield* (yield* Repositories.MerchantRepository).create(F.merchant(a))
          const repo = yield* Repositories.WebhookSettingsRepository
          // Recorded out of order; "ep_B" sorts before "ep_a" by code unit, after it by most collations.
          for (const [mode, endpointId] of [
            ["test", "ep_c"],
            ["live", "ep_a"],
            ["live", "ep_B"]
          ] as const) {
            yield* repo.recordHealth({ merchant: a, mode, endpointId }, { ok: false, now: 1000 })
          }
          expect((yield* repo.getHealth(a)).map((x) => `${x.mode} ${x.endpointId}`)).toEqual(["live ep_B", "live ep_a", "test ep_c"])
        })
      ))

    it("an explicit resend URL makes a fixed-URL delivery; history filters by creation time", () =>
      h.freshPromise(
        Effect.gen(function* () {
          yield* (yield* Repositories.MerchantRepository).create(F.merchant(a))
          const outbox = yield* Outbox.Outbox
          const first = yield* outbox.enqueue(
            {
              merchant: a,
              mode: "test",
              url: "https://old.example.test/",
              endpointId: "ep_test",
              eventType: "Transaction.Paid",
              payload: "{}"
            },
            1000
          )
          expect(first.endpointId).toBe("ep_test")
          const same = yield* outbox.resend(first.id, 2000)
          expect(same).toMatchObject({ endpointId: "ep_test", url: "https://old.example.test/", messageId: first.messageId })
          const moved = yield* outbox.resend(first.id, 3000, { url: "https://new.example.test/" })
          expect(moved).toMatchObject({ endpointId: null, url: "https://new.example.test/", messageId: first.messageId })
          expect((yield* outbox.get(moved.id)).delivery).toEqual(moved)
          const since = yield* outbox.history({ merchant: a, since: 2000 })
          expect(since.map((x) => x.delivery.id)).toEqual([moved.id, same.id])
        })
      ))
  })
}
