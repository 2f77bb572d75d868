/**
 * Concurrent first starts: stores opened at the same moment on one new location (a file or
 * schema that does not exist yet) all start, migrate once, and share one store.
 */
import { Repositories } from "@paymux/store"
import { Cause, Context, Effect, Exit, Layer, type Scope } from "effect"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import { type Harness, notDeclared } from "./harness.ts"

const stores = 4
const rounds = 5

export const starts = (h: Harness): void =>
  void describe("concurrent starts", () => {
    const open = h.capabilities.concurrentStarts
    if (open === undefined) {
      notDeclared("concurrentStarts", "stores started together on one new location are NOT checked")
      return
    }
    it(
      `[concurrentStarts] ${stores} stores started at once on one new location, ${rounds} times: all start and share one store`,
      async () => {
        for (let round = 0; round < rounds; round++) {
          await Effect.runPromise(
            Effect.scoped(
              Effect.gen(function* (): Effect.fn.Return<void, unknown, Scope.Scope> {
                const exits = yield* Effect.forEach(open(stores), (layer) => Effect.exit(Layer.build(layer)), { concurrency: "unbounded" })
                const failed = exits.flatMap((exit, i) =>
                  Exit.isFailure(exit) ? [`store ${i + 1}: ${Cause.pretty(exit.cause).slice(0, 500)}`] : []
                )
                expect(failed, `Layer.build of ${stores} stores on one new location (round ${round + 1})`).toEqual([])
                const merchantsOf = exits.map((exit) =>
                  Context.get(
                    (exit as Exit.Success<Context.Context<Repositories.MerchantRepository>>).value,
                    Repositories.MerchantRepository
                  )
                )
                yield* Effect.forEach(merchantsOf, (merchants, i) => merchants.create(F.merchant(F.merchantCode(i + 1))), {
                  concurrency: "unbounded",
                  discard: true
                })
                for (const [i, merchants] of merchantsOf.entries()) {
                  const listed = yield* merchants.list()
                  expect(
                    listed.map((m) => m.code),
                    `MerchantRepository.list through store ${i + 1} (round ${round + 1})`
                  ).toEqual(Array.from({ length: stores }, (_, j) => F.merchantCode(j + 1)))
                }
              })
            )
          )
        }
      },
      h.timeout * 2
    )
  })
