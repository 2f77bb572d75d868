import { describe, expect, it } from "@effect/vitest"
import { type Merchant, WebhookSettings } from "@paymux/domain"
import { Result } from "effect"

const empty = WebhookSettings.empty("imp00000001" as Merchant.Merchant["code"])
const ep = (id: string) => id as WebhookSettings.EndpointId
const ok = <A, E>(r: Result.Result<A, E>): A => Result.getOrThrow(r)
const failure = <A, E>(r: Result.Result<A, E>): E => {
  if (Result.isSuccess(r)) throw new Error("expected a failure")
  return r.failure
}

describe("WebhookSettings: content type per mode", () => {
  it("setting form on test leaves live as it was (the audit's run changed both)", () => {
    const s = WebhookSettings.setContentType(empty, "test", "form")
    expect(s.test.contentType).toBe("form")
    expect(s.live.contentType).toBe("json")
    expect(WebhookSettings.mimeType(s.test.contentType)).toBe("application/x-www-form-urlencoded")
    expect(WebhookSettings.mimeType(s.live.contentType)).toBe("application/json")
  })
})

describe("WebhookSettings: the single-URL path", () => {
  it("the first URL adds an endpoint, the next one changes it in place (same id), clearing removes it", () => {
    const one = ok(WebhookSettings.setUrl(empty, "test", "https://a.example/hook", ep("ep_a")))
    expect(one.test.endpoints).toEqual([{ id: "ep_a", url: "https://a.example/hook" }])
    const moved = ok(WebhookSettings.setUrl(one, "test", "https://b.example/hook", ep("ep_unused")))
    expect(moved.test.endpoints).toEqual([{ id: "ep_a", url: "https://b.example/hook" }])
    expect(WebhookSettings.urlOf(moved, "test")).toBe("https://b.example/hook")
    expect(ok(WebhookSettings.setUrl(moved, "test", undefined, ep("ep_x"))).test.endpoints).toEqual([])
  })

  it("a mode with several endpoints has no single URL to set", () => {
    const one = ok(WebhookSettings.setUrl(empty, "live", "https://a.example/hook", ep("ep_a")))
    const two = ok(WebhookSettings.addEndpoint(one, "live", { id: "ep_b", url: "https://b.example/hook" }))
    expect(failure(WebhookSettings.setUrl(two, "live", "https://c.example/hook", ep("ep_c"))).rule).toMatch(/several endpoints/)
  })

  it("nor one to clear: clearing would remove endpoints the caller may not have seen (console probe: a stale page)", () => {
    const one = ok(WebhookSettings.setUrl(empty, "live", "https://a.example/hook", ep("ep_a")))
    const two = ok(WebhookSettings.addEndpoint(one, "live", { id: "ep_b", url: "https://b.example/hook" }))
    expect(failure(WebhookSettings.setUrl(two, "live", undefined, ep("ep_c"))).rule).toMatch(/several endpoints/)
  })
})

describe("WebhookSettings: endpoints with event filters", () => {
  const two = ok(
    WebhookSettings.addEndpoint(ok(WebhookSettings.setUrl(empty, "test", "https://all.example/", ep("ep_all"))), "test", {
      id: "ep_paid",
      url: "https://paid.example/",
      events: ["Transaction.Paid"]
    })
  )

  it("an endpoint without a filter receives every event; a filtered one only its types", () => {
    expect(WebhookSettings.endpointsFor(two, "test", "Transaction.Paid").map((e) => e.id)).toEqual(["ep_all", "ep_paid"])
    expect(WebhookSettings.endpointsFor(two, "test", "Transaction.Cancelled").map((e) => e.id)).toEqual(["ep_all"])
    expect(WebhookSettings.endpointsFor(two, "live", "Transaction.Paid")).toEqual([])
  })

  it("filters, URLs and ids are checked: duplicates, bad types, http in live, unknown ids", () => {
    expect(failure(WebhookSettings.addEndpoint(two, "test", { id: "ep_x", url: "https://all.example/" })).rule).toMatch(/each URL once/)
    expect(failure(WebhookSettings.addEndpoint(two, "test", { id: "ep_all", url: "https://z.example/" })).rule).toMatch(/distinct/)
    expect(failure(WebhookSettings.addEndpoint(two, "test", { id: "ep_x", url: "https://z.example/", events: [] })).rule).toMatch(
      /1 to 50 distinct/
    )
    expect(failure(WebhookSettings.addEndpoint(two, "test", { id: "ep_x", url: "https://z.example/", events: ["paid now"] })).field).toBe(
      "test.endpoints.2.events.0"
    )
    expect(failure(WebhookSettings.addEndpoint(two, "test", { id: "x", url: "https://z.example/" })).rule).toMatch(/ep_/)
    expect(failure(WebhookSettings.addEndpoint(empty, "live", { id: "ep_x", url: "http://z.example/" })).rule).toMatch(/https/)
    expect(failure(WebhookSettings.removeEndpoint(two, "test", "ep_nope")).rule).toMatch(/no test endpoint/)
    expect(failure(WebhookSettings.updateEndpoint(two, "live", "ep_all", { url: "https://q.example/" })).rule).toMatch(/no live endpoint/)
  })

  it("updates keep the id; events: null drops the filter", () => {
    const widened = ok(WebhookSettings.updateEndpoint(two, "test", "ep_paid", { events: null, url: "https://paid2.example/" }))
    expect(widened.test.endpoints[1]).toEqual({ id: "ep_paid", url: "https://paid2.example/" })
    const removed = ok(WebhookSettings.removeEndpoint(two, "test", "ep_all"))
    expect(removed.test.endpoints.map((e) => e.id)).toEqual(["ep_paid"])
  })

  it("changing only an endpoint's URL keeps its event filter exactly, and an endpoint without one gets none", () => {
    const moved = ok(WebhookSettings.updateEndpoint(two, "test", "ep_paid", { url: "https://paid2.example/" }))
    expect(moved.test.endpoints[1]).toEqual({ id: "ep_paid", url: "https://paid2.example/", events: ["Transaction.Paid"] })
    expect(WebhookSettings.endpointsFor(moved, "test", "Transaction.Cancelled").map((e) => e.id)).toEqual(["ep_all"])
    const movedAll = ok(WebhookSettings.updateEndpoint(two, "test", "ep_all", { url: "https://all2.example/" }))
    expect(movedAll.test.endpoints[0]).toStrictEqual({ id: "ep_all", url: "https://all2.example/" })
  })

  it("a mode holds at most 10 endpoints", () => {
    let s = empty
    for (let i = 0; i < 10; i++) s = ok(WebhookSettings.addEndpoint(s, "test", { id: `ep_${i}`, url: `https://h${i}.example/` }))
    expect(failure(WebhookSettings.addEndpoint(s, "test", { id: "ep_10", url: "https://h10.example/" })).rule).toMatch(/at most 10/)
  })
})

describe("WebhookSettings: per-request notice URLs", () => {
  it("follow the endpoint URL rules of the mode and name the bad index", () => {
    expect(ok(WebhookSettings.decodeNoticeUrls("test", ["http://127.0.0.1:9/a", "https://b.example/"]))).toHaveLength(2)
    const live = failure(WebhookSettings.decodeNoticeUrls("live", ["https://ok.example/", "http://plain.example/"]))
    expect(live.field).toBe("noticeUrls.1")
    expect(live.rule).toMatch(/https/)
    expect(failure(WebhookSettings.decodeNoticeUrls("test", ["https://a.example/#frag"])).rule).toMatch(/fragment/)
    expect(failure(WebhookSettings.decodeNoticeUrls("test", [])).rule).toMatch(/1 to 10/)
  })
})
