// Regression (ops probe): a load balancer had nothing to check; /health answered 404.
import { ChangeFeed, StoreError } from "@paymux/store"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { body, memoryWith, serving } from "./fixture.ts"

describe("GET /health", () => {
  const healthy = serving()
  it("answers 200 { status: ok } without a credential", async () => {
    const response = await fetch(`${healthy.f.url}/health`)
    expect([response.status, await body(response)]).toEqual([200, { status: "ok" }])
  })

  const down = serving({
    storeLayer: memoryWith(ChangeFeed.ChangeFeed, (feed) => ({
      ...feed,
      cursor: Effect.fail(StoreError.unavailable("the database does not answer"))
    }))
  })
  it("answers 503 store-unavailable when the store does not answer", async () => {
    const response = await fetch(`${down.f.url}/health`)
    expect([response.status, (await body(response)).code]).toEqual([503, "store-unavailable"])
  })
})
