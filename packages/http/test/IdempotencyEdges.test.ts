/**
 * Edges of the request body limit and of `Idempotency-Key` that the mutation probe found
 * undefended: each test pins one boundary or rule of packages/http and admin's `Idempotency`.
 * Requests go to the web-standard handler directly (the body limit's own reader) or to the
 * fixture's real server on 127.0.0.1.
 */
import { Idempotency } from "@paymux/admin"
import { IdempotencyRecords, Memory, StoreError } from "@paymux/store"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { PaymuxHttp } from "../src/index.ts"
import { body, memoryWith, serving } from "./fixture.ts"

const limit = 256
const chunkSize = 64

/** A JSON body padded with trailing spaces (still valid JSON) to exactly `size` bytes. */
const padded = (value: unknown, size: number): Uint8Array => {
  const json = JSON.stringify(value)
  if (json.length > size) throw new Error(`${json} is longer than ${size} bytes`)
  return new TextEncoder().encode(json + " ".repeat(size - json.length))
}

/** A stream of `bytes` in chunks of `chunkSize`, counting what it handed out and whether it was cancelled. */
const streamOf = (bytes: Uint8Array | "endless") => {
  const state = { yielded: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>(
    {
      pull: (controller) => {
        if (bytes === "endless") {
          // A safety net so that a regression fails the byte count instead of hanging the test.
          if (state.yielded >= 16 * 1024 * 1024) return controller.close()
          state.yielded += chunkSize
          return controller.enqueue(new Uint8Array(chunkSize).fill(0x20))
        }
        if (state.yielded >= bytes.byteLength) return controller.close()
        const chunk = bytes.slice(state.yielded, state.yielded + chunkSize)
        state.yielded += chunk.byteLength
        controller.enqueue(chunk)
      },
      cancel: () => {
        state.cancelled = true
      }
    },
    { highWaterMark: 0 }
  )
  return { stream, state }
}

describe("the request body limit of the web handler (maxBodyBytes)", () => {
  const server = serving({ maxBodyBytes: limit })
  const check = () => `http://127.0.0.1/merchants/${server.f.merchant}/whitelist/check`
  const post = (payload: Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    server.f.api.handler(
      new Request(check(), {
        method: "POST",
        headers: { authorization: server.f.bearer, "content-type": "application/json", ...headers },
        body: payload,
        duplex: "half"
      } as RequestInit),
      { remoteAddress: "127.0.0.1" }
    )

  // Regression: a declared Content-Length of exactly maxBodyBytes is not over the limit (mutation probe: `>` → `>=`).
  it("accepts a body of exactly maxBodyBytes with a declared Content-Length; one byte more is 413", async () => {
    const exact = await post(padded({ ip: "192.0.2.1" }, limit), { "content-length": String(limit) })
    expect(exact.status).toBe(200)
    expect(await body(exact)).toMatchObject({ ip: "192.0.2.1" })
    const over = await post(padded({ ip: "192.0.2.1" }, limit + 1), { "content-length": String(limit + 1) })
    expect(over.status).toBe(413)
    expect((await body(over)).code).toBe("body-too-large")
  })

  // Regression: a streamed body (no Content-Length) of exactly maxBodyBytes is read whole and served,
  // at the reader and at the handler's own size check (mutation probe: `size > limit` → `>=`).
  it("accepts a body of exactly maxBodyBytes streamed without Content-Length; one byte more is 413", async () => {
    const exact = streamOf(padded({ ip: "192.0.2.1" }, limit))
    const accepted = await post(exact.stream)
    expect(accepted.status).toBe(200)
    expect(await body(accepted)).toMatchObject({ ip: "192.0.2.1" })
    expect(exact.state.yielded).toBe(limit)
    const over = await post(streamOf(padded({ ip: "192.0.2.1" }, limit + 1)).stream)
    expect(over.status).toBe(413)
    expect((await body(over)).code).toBe("body-too-large")
  })

  // Regression: a body without Content-Length is cut off as soon as it passes the limit, not
  // buffered whole and refused afterwards (mutation probe: the in-stream `size > limit` check).
  it("stops reading a streamed body once it passes the limit: 413 after at most limit + one chunk", async () => {
    const big = streamOf(padded({ ip: "192.0.2.1" }, limit * 64))
    const response = await post(big.stream)
    expect(response.status).toBe(413)
    expect((await body(response)).code).toBe("body-too-large")
    expect(big.state.yielded).toBeLessThanOrEqual(limit + chunkSize)
    expect(big.state.cancelled).toBe(true)
  })

  // Regression: a body that never ends is answered 413 once past the limit (mutation probe).
  it("answers a never-ending streamed body with 413 and cancels the stream", async () => {
    const endless = streamOf("endless")
    const response = await post(endless.stream)
    expect(response.status).toBe(413)
    expect(endless.state.yielded).toBeLessThanOrEqual(limit + chunkSize)
    expect(endless.state.cancelled).toBe(true)
  })
})

describe("Idempotency-Key edges over a real server", () => {
  const server = serving()
  const call = (path: string, init?: Parameters<typeof server.call>[1]) => server.call(path, init)
  const m = () => `/merchants/${server.f.merchant}`

  // Regression: an Idempotency-Key is 1-255 characters; 255 is accepted, 256 is 400 (mutation probe: `> 255` → `> 256`).
  it("accepts a 255-character Idempotency-Key and refuses a 256-character one with 400", async () => {
    const longest = await call(`${m()}/sub-merchants`, { body: { tier: "L01" }, headers: { "idempotency-key": "k".repeat(255) } })
    expect(longest.status).toBe(201)
    const tooLong = await call(`${m()}/sub-merchants`, { body: { tier: "L02" }, headers: { "idempotency-key": "k".repeat(256) } })
    expect(tooLong.status).toBe(400)
    expect(await body(tooLong)).toMatchObject({ code: "invalid-idempotency-key", field: "Idempotency-Key" })
    // The refused call did not run.
    const tiers = await body(await call(`${m()}/sub-merchants`))
    expect(tiers.map((t: { tier: string }) => t.tier)).not.toContain("L02")
  })

  // Regression (mutation probe): an empty Idempotency-Key is refused like a too-long one, not used as a key.
  it("refuses an empty Idempotency-Key with 400, and the call does not run", async () => {
    const empty = await call(`${m()}/sub-merchants`, { body: { tier: "E01" }, headers: { "idempotency-key": "" } })
    expect(empty.status).toBe(400)
    expect(await body(empty)).toMatchObject({ code: "invalid-idempotency-key", field: "Idempotency-Key" })
    const tiers = await body(await call(`${m()}/sub-merchants`))
    expect(tiers.map((t: { tier: string }) => t.tier)).not.toContain("E01")
  })

  // Regression (mutation probe): a record is scoped to the tier, so one key and body sent for two
  // tiers runs each call; the second tier is not answered with the first tier's response.
  it("runs the same key and body for another tier instead of replaying the first tier's answer", async () => {
    const channel = async (pg: string, credentials: Record<string, string>) =>
      (
        await body(
          await call(`${m()}/channels`, {
            body: { mode: "test", pg, mid: `${pg}-tier`, paymentType: "window.general", payMethods: ["card"], credentials }
          })
        )
      ).key as string
    const kcp = await channel("kcp", { site_key: "k" })
    const nice = await channel("nice_v2", { merchant_key: "k", cancel_password: "1" })
    for (const [tier, key] of [
      ["TA1", kcp],
      ["TB1", nice]
    ] as const) {
      expect((await call(`${m()}/sub-merchants`, { body: { tier } })).status).toBe(201)
      expect((await call(`${m()}/sub-merchants/${tier}/channels/${key}`, { method: "PUT" })).status).toBe(200)
    }
    const resolve = (tier: string) =>
      call(`${m()}/resolve`, { body: { mode: "test", payMethod: "card" }, headers: { "idempotency-key": "idem-tiers", tier } })
    const first = await resolve("TA1")
    expect([first.status, (await body(first)).channel.key]).toEqual([200, kcp])
    const other = await resolve("TB1")
    expect(other.headers.get("idempotent-replayed")).toBeNull()
    expect([other.status, (await body(other)).channel.key]).toEqual([200, nice])
    // Within one tier the key still replays.
    const again = await resolve("TA1")
    expect(again.headers.get("idempotent-replayed")).toBe("true")
    expect((await body(again)).channel.key).toBe(kcp)
  })

  // Regression (security probe): the query string is part of the request a replay must repeat.
  // `…/resend?url=A` then `…/resend?url=B` under one key replayed A's answer and queued nothing for B.
  it("answers the same key and body with another query string 422 idempotency-key-reused, not the first answer", async () => {
    const headers = { "idempotency-key": "idem-query" }
    const first = await call(`${m()}/whitelist/check?probe=a`, { body: { ip: "192.0.2.1" }, headers })
    expect(first.status).toBe(200)
    const replayed = await call(`${m()}/whitelist/check?probe=a`, { body: { ip: "192.0.2.1" }, headers })
    expect(replayed.headers.get("idempotent-replayed")).toBe("true")
    const other = await call(`${m()}/whitelist/check?probe=b`, { body: { ip: "192.0.2.1" }, headers })
    expect(other.status).toBe(422)
    expect(other.headers.get("idempotent-replayed")).toBeNull()
    expect(await body(other)).toMatchObject({ code: "idempotency-key-reused" })
    const none = await call(`${m()}/whitelist/check`, { body: { ip: "192.0.2.1" }, headers })
    expect(none.status).toBe(422)
  })

  // Regression: a 4xx answer is not stored under its key: once the precondition is fixed, the same
  // key and body run again. (The HTTP face of the rule; a failed call never reaches admin's
  // isStorable, which the `admin's Idempotency.begin` tests below pin.)
  it("does not store a 4xx: after fixing the precondition the same key and body run again", async () => {
    const added = await body(
      await call(`${m()}/channels`, { body: { mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] } })
    )
    expect((await call(`${m()}/channels/${added.key}/disable`, { body: {} })).status).toBe(200)
    const headers = { "idempotency-key": "idem-after-422" }
    const refused = await call(`${m()}/channels/${added.key}/default`, { body: {}, headers })
    expect(refused.status).toBe(422)
    expect((await body(refused)).rule).toBe("default-disabled")
    expect((await call(`${m()}/channels/${added.key}/enable`, { body: {} })).status).toBe(200)
    const retried = await call(`${m()}/channels/${added.key}/default`, { body: {}, headers })
    expect(retried.status).toBe(200)
    expect(retried.headers.get("idempotent-replayed")).toBeNull()
    expect((await body(retried)).defaultChannels.test).toBe(added.key)
  })
})

describe("Idempotency-Key: a response over the per-merchant byte budget is not stored", () => {
  const server = serving({ idempotencyMaxBytes: 1_000 })
  const call = (path: string, init?: Parameters<typeof server.call>[1]) => server.call(path, init)
  const m = () => `/merchants/${server.f.merchant}`

  // Regression: a response larger than idempotencyMaxBytes is abandoned, not stored at the cost of
  // the merchant's other records (mutation probe: the `bytes > maxBytes` abandon).
  it("keeps replaying a small stored response after a response larger than the budget", async () => {
    const small = { body: { tier: "S01" }, headers: { "idempotency-key": "idem-small" } }
    expect((await call(`${m()}/sub-merchants`, small)).status).toBe(201)
    expect((await call(`${m()}/sub-merchants`, small)).headers.get("idempotent-replayed")).toBe("true")
    // 60 rules that do not merge into fewer: the response lists them all, over 1,000 bytes.
    const rules = Array.from({ length: 60 }, (_, i) => `10.${2 * i}.0.0/16`)
    const large = { body: { rules: [...rules, "127.0.0.1/32"] }, headers: { "idempotency-key": "idem-large" } }
    const first = await call(`${m()}/whitelist/add`, large)
    expect(first.status).toBe(200)
    expect((await first.arrayBuffer()).byteLength).toBeGreaterThan(1_000)
    // Too large to keep: its key runs again.
    const again = await call(`${m()}/whitelist/add`, large)
    expect(again.status).toBe(200)
    expect(again.headers.get("idempotent-replayed")).toBeNull()
    const replay = await call(`${m()}/sub-merchants`, small)
    expect(replay.status).toBe(201)
    expect(replay.headers.get("idempotent-replayed")).toBe("true")
  })
})

// Review of the store's checks: Infinity (no budget) was refused by the store on every request,
// and a fractional time-to-live made every request fail instead of the handler's construction.
describe("Idempotency-Key options", () => {
  const server = serving({ idempotencyMaxBytes: Number.POSITIVE_INFINITY })
  const m = () => `/merchants/${server.f.merchant}`

  it("an unlimited byte budget stores and replays", async () => {
    const create = { body: { tier: "S02" }, headers: { "idempotency-key": "idem-unlimited" } }
    expect((await server.call(`${m()}/sub-merchants`, create)).status).toBe(201)
    expect((await server.call(`${m()}/sub-merchants`, create)).headers.get("idempotent-replayed")).toBe("true")
  })

  it("a time-to-live or budget no store can keep is refused when the handler is made", () => {
    for (const idempotencyTtlMillis of [1.5, 0, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => PaymuxHttp.makeHandler({ layer: Memory.layer(), idempotencyTtlMillis })).toThrow(/idempotencyTtlMillis/)
    }
    for (const idempotencyMaxBytes of [-1, Number.NaN]) {
      expect(() => PaymuxHttp.makeHandler({ layer: Memory.layer(), idempotencyMaxBytes })).toThrow(/idempotencyMaxBytes/)
    }
  })
})

describe("Idempotency-Key while the first request is still running", () => {
  // The store's `complete` waits for the test: the first request stays running until released.
  const deferred = () => {
    let resolve = (): void => undefined
    const promise = new Promise<void>((r) => {
      resolve = r
    })
    return { promise, resolve }
  }
  const gate = { entered: deferred(), release: deferred() }
  const storeLayer = memoryWith(IdempotencyRecords.IdempotencyRecords, (records) => ({
    ...records,
    complete: (input) =>
      Effect.andThen(
        Effect.promise(() => {
          gate.entered.resolve()
          return gate.release.promise
        }),
        records.complete(input)
      )
  }))
  const server = serving({ storeLayer })

  // Regression: the same key and body while the first call runs is 409 idempotency-key-in-use,
  // not a replay of a response that does not exist yet (mutation probe: the `Running` → InFlight rule).
  it("answers a second call with the same key and body 409 idempotency-key-in-use, then replays once done", async () => {
    const path = `/merchants/${server.f.merchant}/sub-merchants`
    const init = { body: { tier: "R10" }, headers: { "idempotency-key": "idem-running" } }
    const first = server.call(path, init)
    await gate.entered.promise
    const second = await server.call(path, init)
    expect(second.status).toBe(409)
    expect(await body(second)).toMatchObject({ code: "idempotency-key-in-use" })
    expect(second.headers.get("idempotent-replayed")).toBeNull()
    gate.release.resolve()
    expect((await first).status).toBe(201)
    const third = await server.call(path, init)
    expect(third.status).toBe(201)
    expect(third.headers.get("idempotent-replayed")).toBe("true")
  })
})

describe("Idempotency-Key: a call and its record commit together", () => {
  // The store refuses the first record of a completed call, as a process killed right after the
  // call's changes committed would never write it.
  let failures = 1
  const storeLayer = memoryWith(IdempotencyRecords.IdempotencyRecords, (records) => ({
    ...records,
    complete: (input) =>
      input.outcome !== undefined && failures-- > 0
        ? Effect.fail(StoreError.unavailable("the record could not be written"))
        : records.complete(input)
  }))
  const server = serving({ storeLayer })

  // Regression (ops probe): the changes committed without their record, so a retry ran the call
  // again over them (a notification went out twice under two webhook-ids).
  it("a call whose record cannot be written is undone, and its retry runs it once", async () => {
    const path = `/merchants/${server.f.merchant}/sub-merchants`
    const init = { body: { tier: "A10" }, headers: { "idempotency-key": "idem-atomic" } }
    const first = await server.call(path, init)
    expect([first.status, (await body(first)).code]).toEqual([503, "store-unavailable"])
    const tiers = async () => (await body(await server.call(path))).map((t: { tier: string }) => t.tier)
    expect(await tiers()).not.toContain("A10")
    const retry = await server.call(path, init)
    expect(retry.status).toBe(201)
    expect((await tiers()).filter((t: string) => t === "A10")).toHaveLength(1)
    const replay = await server.call(path, init)
    expect([replay.status, replay.headers.get("idempotent-replayed")]).toEqual([201, "true"])
  })
})

describe("Idempotency-Key: a call whose hold was taken over", () => {
  // Just before the first call's record is written, a retry in a process whose clock is past the
  // first call's lease (skewed clocks, or a call that ran longer than the lease) takes the key over.
  const storeLayer = memoryWith(IdempotencyRecords.IdempotencyRecords, (records) => ({
    ...records,
    complete: (input) =>
      Effect.andThen(
        records.begin({
          id: input.id,
          merchant: input.merchant,
          bodyHash: "the retry's",
          now: input.leaseUntil,
          expiresAt: input.leaseUntil + 86_400_000,
          leaseUntil: input.leaseUntil + 60_000
        }),
        records.complete(input)
      )
  }))
  const server = serving({ storeLayer })

  // Regression (time probe): the record's write found the key taken over and did nothing, so the
  // call's changes committed and the retry ran the call again (a second notification, under
  // another webhook-id). The call is now undone.
  it("is undone: its changes do not commit, and it answers 409", async () => {
    const path = `/merchants/${server.f.merchant}/sub-merchants`
    const first = await server.call(path, { body: { tier: "T10" }, headers: { "idempotency-key": "idem-taken-over" } })
    expect(first.status).toBe(409)
    expect((await body(first)).detail).toContain("a retry took the key over")
    const tiers = (await body(await server.call(path))).map((t: { tier: string }) => t.tier)
    expect(tiers).not.toContain("T10")
  })
})

describe("admin's Idempotency.begin", () => {
  const records = Layer.succeedContext(Memory.make())
  const begin = (key: string, now = 1_000) =>
    Idempotency.begin({ scope: "scope", key, merchant: "imp1", body: new TextEncoder().encode("{}"), now })
  const response = (status: number): Idempotency.StoredResponse => ({
    status,
    headers: [["content-type", "application/json"]],
    body: new TextEncoder().encode("{}")
  })
  const run = <A, E>(effect: Effect.Effect<A, E, IdempotencyRecords.IdempotencyRecords>) =>
    Effect.runPromise(Effect.provide(effect, records))

  // Regression: a second begin with the same key and body before the first completes is InFlight (mutation probe).
  it("is InFlight for the same key and body while the first has not completed", async () => {
    const first = await run(begin("running"))
    expect(first._tag).toBe("New")
    expect((await run(begin("running")))._tag).toBe("InFlight")
  })

  // Regression: only 2xx outcomes are stored; a 4xx completes nothing and the key starts anew (mutation probe).
  it.each([400, 404, 409, 422])("does not store a %i: the next begin is New again", async (status) => {
    const first = await run(begin(`failed-${status}`))
    if (first._tag !== "New") throw new Error(`expected New, got ${first._tag}`)
    await run(first.complete(response(status)))
    expect((await run(begin(`failed-${status}`)))._tag).toBe("New")
  })

  // Regression (security probe): a query that differs, or a query moved into the body, is a mismatch.
  it("is a Mismatch for the same key and body with another query string", async () => {
    const withQuery = (key: string, query: string | undefined, text = "{}") =>
      Idempotency.begin({ scope: "scope", key, merchant: "imp1", query, body: new TextEncoder().encode(text), now: 1_000 })
    const first = await run(withQuery("query", "url=https://a.example/"))
    if (first._tag !== "New") throw new Error(`expected New, got ${first._tag}`)
    await run(first.complete(response(202)))
    expect((await run(withQuery("query", "url=https://a.example/")))._tag).toBe("Replay")
    expect((await run(withQuery("query", "url=https://b.example/")))._tag).toBe("Mismatch")
    expect((await run(withQuery("query", undefined)))._tag).toBe("Mismatch")
    const moved = await run(withQuery("moved", "a", "b"))
    if (moved._tag !== "New") throw new Error(`expected New, got ${moved._tag}`)
    await run(moved.complete(response(200)))
    expect((await run(withQuery("moved", "", "ab")))._tag).toBe("Mismatch")
  })

  // Regression (mutation probe): the budget is inclusive. A response of exactly `maxBytes` is kept;
  // one byte over is not kept, and does not push out the merchant's older records either.
  it("keeps a response of exactly maxBytes and drops one a byte over, leaving older records alone", async () => {
    // A record counts its body, its header names and values, and a fixed overhead.
    const ofSize = (bytes: number): Idempotency.StoredResponse => {
      const fixed = Idempotency.recordOverhead + "content-type".length + "application/json".length
      return { ...response(201), body: new TextEncoder().encode(" ".repeat(bytes - fixed)) }
    }
    const maxBytes = 1_000
    const beginIn = (merchant: string, key: string) =>
      Idempotency.begin({ scope: "scope", key, merchant, body: new TextEncoder().encode("{}"), now: 1_000, options: { maxBytes } })
    const completed = async (merchant: string, key: string, outcome: Idempotency.StoredResponse) => {
      const first = await run(beginIn(merchant, key))
      if (first._tag !== "New") throw new Error(`expected New, got ${first._tag}`)
      await run(first.complete(outcome))
    }
    expect([Idempotency.sizeOf(ofSize(maxBytes)), Idempotency.sizeOf(ofSize(maxBytes + 1))]).toEqual([maxBytes, maxBytes + 1])
    await completed("imp-budget-exact", "exact", ofSize(maxBytes))
    expect((await run(beginIn("imp-budget-exact", "exact")))._tag).toBe("Replay")
    await completed("imp-budget-over", "older", response(201))
    await completed("imp-budget-over", "over", ofSize(maxBytes + 1))
    expect((await run(beginIn("imp-budget-over", "over")))._tag).toBe("New")
    expect((await run(beginIn("imp-budget-over", "older")))._tag).toBe("Replay")
  })

  it("stores a 2xx: the next begin replays it", async () => {
    const first = await run(begin("succeeded"))
    if (first._tag !== "New") throw new Error(`expected New, got ${first._tag}`)
    await run(first.complete(response(201)))
    const again = await run(begin("succeeded"))
    expect(again._tag).toBe("Replay")
  })
})
