/**
 * Tenancy (regression of the cross-tenant probe; its one leak was an API key id of another merchant
 * answered in other words than a missing one). Merchant A, with its API key or its access token,
 * must learn nothing of merchant B and change nothing of it. Every operation of the OpenAPI
 * document is walked: each id it takes (in its path, query, `Tier` header or body) is given B's id
 * and then a well-formed id that exists nowhere, and the two answers must be the same, byte for
 * byte, once the id is replaced by a placeholder. B's data and audit trail, read with B's own key,
 * must stay as they were.
 */
import { OpenApi } from "effect/http-api"
import { beforeAll, describe, expect, it } from "vitest"
import { Api } from "../src/Api.ts"
import { body, serving, type Tenant } from "./fixture.ts"

type Kind = "merchant" | "tier" | "channel" | "group" | "delivery" | "endpoint" | "apiKey" | "auditEntry"
type Ids = Readonly<Record<Kind, string>>

/** The id each path parameter takes. */
const pathIds: Record<string, Kind> = {
  merchant: "merchant",
  tier: "tier",
  channelKey: "channel",
  id: "group",
  deliveryId: "delivery",
  endpointId: "endpoint",
  keyId: "apiKey"
}
/** Path parameters that name nothing of a merchant's, with the value they are given. */
const pathValues: Record<string, string> = { mode: "test", code: "kcp" }
/** Query parameters that take an id, by operation; every other query parameter is named in `notIds`. */
const queryIds: Record<string, Record<string, Kind>> = {
  "GET /merchants/{merchant}/audit": { after: "auditEntry" },
  "GET /merchants/{merchant}/webhooks/deliveries": { after: "delivery" },
  "POST /merchants/{merchant}/webhooks/{mode}/test": { endpoint: "endpoint" }
}
/** The header that takes an id (sent only when it is the id under test). */
const headerIds: Record<string, Kind> = { Tier: "tier" }
/** Query and header parameters that take no id; they are left out. */
const notIds = new Set(["limit", "action", "mode", "version", "format", "url", "Idempotency-Key"])

type Body = (id: (kind: Kind) => string) => unknown
/** Valid bodies for each operation that takes one (several when its ids cannot all be sent at once). */
const bodies: Record<string, ReadonlyArray<Body>> = {
  "PATCH /merchants/{merchant}": [() => ({ policy: "strict" })],
  "POST /merchants/{merchant}/sub-merchants": [() => ({ tier: "N01", name: "new" })],
  "PATCH /merchants/{merchant}/sub-merchants/{tier}": [() => ({ name: "renamed" })],
  "POST /merchants/{merchant}/channels": [() => ({ mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card"] })],
  "PATCH /merchants/{merchant}/channels/{channelKey}": [() => ({ name: "renamed" })],
  "POST /merchants/{merchant}/channel-groups": [(id) => ({ name: "g", mode: "live", members: [{ channel: id("channel"), weight: 100 }] })],
  "PATCH /merchants/{merchant}/channel-groups/{id}": [(id) => ({ name: "renamed", members: [{ channel: id("channel"), weight: 100 }] })],
  "POST /merchants/{merchant}/resolve": [
    (id) => ({ mode: "live", tier: id("tier"), channelKey: id("channel") }),
    (id) => ({ mode: "live", groupId: id("group") })
  ],
  "PUT /merchants/{merchant}/webhooks/{mode}": [() => ({ url: "https://elsewhere.example/hook" })],
  "POST /merchants/{merchant}/webhooks/{mode}/notifications": [
    () => ({ type: "Transaction.Paid", data: { storeId: "s", paymentId: "p", transactionId: "t" } })
  ],
  "POST /merchants/{merchant}/webhooks/{mode}/endpoints": [() => ({ url: "https://elsewhere.example/hook" })],
  "PATCH /merchants/{merchant}/webhooks/{mode}/endpoints/{endpointId}": [() => ({ url: "https://elsewhere.example/hook" })],
  "POST /merchants/{merchant}/webhooks/deliveries/resend-failed": [() => ({ since: 0 })],
  "PUT /merchants/{merchant}/whitelist": [() => ({ rules: ["203.0.113.0/24"], denyByDefault: true })],
  "POST /merchants/{merchant}/whitelist/add": [() => ({ rules: ["203.0.113.0/24"] })],
  "POST /merchants/{merchant}/whitelist/remove": [() => ({ rules: ["127.0.0.1/32"] })],
  "POST /merchants/{merchant}/whitelist/check": [() => ({ ip: "203.0.113.7" })],
  "POST /merchants/{merchant}/api-keys": [() => ({ name: "new" })]
}

/** Well-formed ids that no merchant has. */
const missing: Ids = {
  merchant: "imp99999999",
  tier: "Z99",
  channel: "channel-key-00000000-0000-4000-8000-000000000000",
  group: "channel-group-00000000-0000-4000-8000-000000000000",
  delivery: "00000000-0000-4000-8000-000000000000",
  endpoint: "ep_00000000000000000000",
  apiKey: "ak_zzzzzzzzzzzzzzzzzzzzzzzz",
  auditEntry: "audit_000000000000000000000000"
}

/** One place an operation takes an id. */
interface Slot {
  readonly in: "path" | "query" | "header" | "body"
  readonly name: string
  readonly kind: Kind
}

/** One request an operation can be sent as: its method, path template, body and the ids it takes. */
interface Operation {
  readonly name: string
  readonly method: string
  readonly path: string
  readonly body: Body | undefined
  readonly slots: ReadonlyArray<Slot>
}

const doc: any = OpenApi.fromApi(Api)

/** The operations of the document; an id parameter without a row in the tables above fails here, naming it. */
const operations = (): Array<Operation> =>
  Object.entries<any>(doc.paths).flatMap(([path, item]) =>
    ["get", "put", "post", "patch", "delete"]
      .filter((method) => item[method] !== undefined)
      .flatMap((method): Array<Operation> => {
        const op = item[method]
        const key = `${method.toUpperCase()} ${path}`
        const slots: Array<Slot> = []
        for (const p of op.parameters ?? []) {
          const kind = p.in === "path" ? pathIds[p.name] : p.in === "query" ? queryIds[key]?.[p.name] : headerIds[p.name]
          if (kind !== undefined) slots.push({ in: p.in, name: p.name, kind })
          else if (p.in === "path" ? pathValues[p.name] === undefined : !notIds.has(p.name))
            throw new Error(`${key}: no id kind for the ${p.in} parameter ${p.name}; add it to the tables of Tenancy.test.ts`)
        }
        if (slots.length === 0 || op.requestBody === undefined)
          return [{ name: key, method: method.toUpperCase(), path, body: undefined, slots }]
        const variants = bodies[key]
        if (variants === undefined) throw new Error(`${key}: takes a body, but Tenancy.test.ts has none for it`)
        return variants.map((make, i) => {
          const kinds: Array<Kind> = []
          // The body's ids are found by building it once and noting what it asks for.
          make((kind) => {
            kinds.push(kind)
            return ""
          })
          return {
            name: variants.length === 1 ? key : `${key} (body ${i + 1})`,
            method: method.toUpperCase(),
            path,
            body: make,
            slots: [...slots, ...kinds.map((kind) => ({ in: "body" as const, name: kind, kind }))]
          }
        })
      })
  )

const s = serving({ authCacheTtlMillis: 60_000 })
let a: Tenant
let b: Tenant
let ofA: Ids
let ofB: Ids
let accessToken: string

/** Data of every kind for a merchant, through the API with its own key; the ids to use. */
const seed = async (tenant: Tenant, tier: string): Promise<Ids> => {
  const send = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await s.call(`/merchants/${tenant.merchant}${path}`, { ...init, auth: tenant.bearer })
    expect(response.status, `seeding ${init.method ?? "POST"} ${path}`).toBeLessThan(300)
    return body(response)
  }
  await send("/sub-merchants", { body: { tier, name: "branch" } })
  const live = { mode: "live", pg: "kcp", mid: `M${tier}`, credentials: { site_key: `secret-of-${tier}` } }
  const channel = (await send("/channels", { body: { ...live, paymentType: "window.general", payMethods: ["card"] } })).key
  await send(`/sub-merchants/${tier}/channels/${channel}`, { method: "PUT" })
  await send(`/channels/${channel}/default`, { body: {} })
  const group = (await send("/channel-groups", { body: { name: "split", mode: "live", members: [{ channel, weight: 100 }] } })).id
  await send("/webhooks/test", { method: "PUT", body: { url: "https://shop.example/hook" } })
  const endpoint = (await send("/webhooks/test/endpoints", { body: { url: "https://shop.example/second" } })).endpointId
  await send("/webhooks/test/notifications", {
    body: { type: "Transaction.Paid", data: { storeId: "s", paymentId: `pay-${tier}`, transactionId: "t" } }
  })
  const [history] = await send("/webhooks/deliveries", { method: "GET" })
  const apiKey = (await send("/api-keys", { body: { name: "spare" } })).key.id
  await send("/whitelist", { method: "PUT", body: { rules: ["127.0.0.1/32", "::1/128", "198.51.100.0/24"] } })
  const [entry] = await send("/audit", { method: "GET" })
  return { merchant: tenant.merchant, tier, channel, group, delivery: history.delivery.id, endpoint, apiKey, auditEntry: entry.id }
}

/** Sends an operation with each of its ids taken from `fill` (a query or header id it leaves undefined is not sent). */
const request = (operation: Operation, auth: string, fill: (slot: Slot) => string | undefined) => {
  const query = new URLSearchParams()
  const headers: Record<string, string> = {}
  const path = operation.path.replace(
    /\{(\w+)\}/g,
    (_, name: string) => pathValues[name] ?? fill({ in: "path", name, kind: pathIds[name]! })!
  )
  for (const slot of operation.slots) {
    const value = fill(slot)
    if (value === undefined) continue
    if (slot.in === "query") query.set(slot.name, value)
    if (slot.in === "header") headers[slot.name] = value
  }
  const search = query.size === 0 ? "" : `?${query}`
  return s.call(`${path}${search}`, {
    method: operation.method,
    auth,
    headers,
    ...(operation.body === undefined ? {} : { body: operation.body((kind) => fill({ in: "body", name: kind, kind })!) })
  })
}

/** B's audit trail, read with B's key. */
const auditOfB = async (): Promise<Array<unknown>> => body(await s.call(`/merchants/${b.merchant}/audit?limit=500`, { auth: b.bearer }))

/** Every reading B can make of its own data with its own key, and its whole audit trail. */
const stateOfB = async () => {
  const reads = operations().filter((op) => op.method === "GET" && op.slots.some((slot) => slot.kind === "merchant"))
  const state: Record<string, unknown> = { audit: await auditOfB() }
  for (const op of reads) {
    state[op.name] = await (await request(op, b.bearer, (slot) => (slot.in === "path" ? ofB[slot.kind] : undefined))).text()
  }
  return state
}

beforeAll(async () => {
  a = s.f
  b = await s.f.addMerchant("Shop B")
  ofA = await seed(a, "A01")
  ofB = await seed(b, "B01")
  accessToken = (await body(await s.call("/auth/token", { body: { apiKey: a.keyId, apiSecret: a.secret } }))).accessToken
})

// Codes that mean the request itself was malformed, so no id was ever looked up.
const malformed = new Set(["invalid-input", "invalid-query", "invalid-json"])

describe.each([
  ["API key", () => a.bearer],
  ["access token", () => `Bearer ${accessToken}`]
])("merchant A with its %s", (_, credential) => {
  it("gets for every id of B the answer for an id that does not exist, and changes nothing of B", async () => {
    const before = await stateOfB()
    let audit = before.audit
    let checked = 0
    for (const operation of operations()) {
      for (const slot of operation.slots) {
        // Under B's merchant path every other id is B's too; otherwise it is A's own, and the Tier header is left out.
        const owner = slot.kind === "merchant" ? ofB : ofA
        const answer = async (id: string) => {
          const fill = (other: Slot) =>
            other.in === slot.in && other.name === slot.name ? id : other.in === "header" ? undefined : owner[other.kind]
          const response = await request(operation, credential(), fill)
          const text = await response.text()
          return { status: response.status, code: text === "" ? undefined : JSON.parse(text).code, body: text.replaceAll(id, "<id>") }
        }
        const where = `${operation.name}, ${slot.in} ${slot.name}`
        const asB = await answer(ofB[slot.kind])
        const asMissing = await answer(missing[slot.kind])
        expect.soft(asB, `${where}: B's ${slot.kind} is told apart from one that does not exist`).toEqual(asMissing)
        expect.soft(asB.status, `${where}: B's ${slot.kind} was accepted`).toBeGreaterThanOrEqual(400)
        expect.soft(malformed.has(asB.code), `${where}: refused as malformed (${asB.body}); fix its row in the tables`).toBe(false)
        if (operation.method !== "GET") {
          const now = await auditOfB()
          expect.soft(now, `${where}: wrote to B's audit trail`).toEqual(audit)
          audit = now
        }
        checked++
      }
    }
    expect(await stateOfB(), "B's data changed, and its audit trail does not say by which call").toEqual(before)
    expect(checked).toBeGreaterThan(100)
  }, 30_000)
})
