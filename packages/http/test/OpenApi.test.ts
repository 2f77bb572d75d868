import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PageLimit } from "@paymux/domain"
import { OpenApi } from "effect/http-api"
import { Api } from "../src/Api.ts"
import { body, type Fixture, start } from "./fixture.ts"

let f: Fixture
let doc: any
beforeAll(async () => {
  f = await start()
  doc = await body(await fetch(`${f.url}/openapi.json`))
})
afterAll(() => f.close())

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
const jsonTypes = new Set(["string", "number", "integer", "boolean", "object", "array", "null"])

const resolvePointer = (root: any, ref: string): unknown => {
  expect(ref.startsWith("#/")).toBe(true)
  let node = root
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~")
    if (node === null || typeof node !== "object" || !(key in node)) return undefined
    node = node[key]
  }
  return node
}

const walk = (node: unknown, visit: (value: Record<string, unknown>, path: string) => void, path = "#"): void => {
  if (Array.isArray(node)) node.forEach((v, i) => walk(v, visit, `${path}/${i}`))
  else if (node !== null && typeof node === "object") {
    visit(node as Record<string, unknown>, path)
    for (const [k, v] of Object.entries(node)) walk(v, visit, `${path}/${k}`)
  }
}

/** Structural JSON Schema (2020-12) checks: types, composition keywords and nested schemas. */
const checkSchema = (schema: unknown, where: string): void => {
  if (typeof schema === "boolean") return
  expect(schema !== null && typeof schema === "object" && !Array.isArray(schema), `${where} is a schema object`).toBe(true)
  const s = schema as Record<string, any>
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type]
    for (const t of types) expect(jsonTypes.has(t), `${where}.type ${t}`).toBe(true)
  }
  for (const k of ["allOf", "anyOf", "oneOf", "prefixItems"]) {
    if (s[k] !== undefined) {
      expect(Array.isArray(s[k]) && s[k].length > 0, `${where}.${k}`).toBe(true)
      s[k].forEach((sub: unknown, i: number) => checkSchema(sub, `${where}.${k}[${i}]`))
    }
  }
  for (const k of ["items", "not", "additionalProperties", "propertyNames", "contains"])
    if (s[k] !== undefined) checkSchema(s[k], `${where}.${k}`)
  for (const k of ["properties", "patternProperties", "$defs"]) {
    if (s[k] !== undefined) for (const [name, sub] of Object.entries(s[k])) checkSchema(sub, `${where}.${k}.${name}`)
  }
  if (s.required !== undefined) expect(Array.isArray(s.required) && s.required.every((r: unknown) => typeof r === "string")).toBe(true)
  if (s.enum !== undefined) expect(Array.isArray(s.enum)).toBe(true)
  if (s.pattern !== undefined) expect(() => new RegExp(s.pattern, "u")).not.toThrow()
}

describe("the OpenAPI document", () => {
  it("is served at /openapi.json and equals the generated one", () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(OpenApi.fromApi(Api))))
  })

  it("is OpenAPI 3.1 with info and paths", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/)
    expect(typeof doc.info.title).toBe("string")
    expect(typeof doc.info.version).toBe("string")
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20)
  })

  it("gives every operation an id and responses, and declares every path parameter", () => {
    const ids = new Set<string>()
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      expect(path.startsWith("/")).toBe(true)
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
      for (const method of methods) {
        const op = item[method]
        if (op === undefined) continue
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0)
        for (const code of Object.keys(op.responses)) expect(code).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/)
        if (op.operationId !== undefined) {
          expect(ids.has(op.operationId)).toBe(false)
          ids.add(op.operationId)
        }
        const declared = (op.parameters ?? []).filter((p: any) => p.in === "path").map((p: any) => p.name)
        expect(declared.sort()).toEqual([...templated].sort())
      }
    }
    expect(ids.size).toBeGreaterThan(30)
  })

  it("resolves every $ref", () => {
    walk(doc, (value, path) => {
      if (typeof value.$ref === "string") expect(resolvePointer(doc, value.$ref), `${path} -> ${value.$ref}`).toBeDefined()
    })
  })

  it("has valid JSON Schema objects in components.schemas and in every media type", () => {
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) checkSchema(schema, `components.schemas.${name}`)
    walk(doc.paths, (value, path) => {
      if (value.schema !== undefined && (path.includes("/content/") || path.includes("/parameters/"))) checkSchema(value.schema, path)
    })
  })

  it("declares bearer security and problem+json errors", () => {
    const schemes = Object.values<any>(doc.components.securitySchemes)
    expect(schemes.some((s) => s.type === "http" && s.scheme.toLowerCase() === "bearer")).toBe(true)
    const resolve = doc.paths["/merchants/{merchant}/resolve"].post
    expect(resolve.security.length).toBeGreaterThan(0)
    expect(Object.keys(resolve.responses["404"].content)).toContain("application/problem+json")
    expect(doc.paths["/auth/token"].post.security ?? []).toEqual([])
  })

  it("documents the issue-16 endpoints and the resolve answer's mode and warning", () => {
    const tier = doc.paths["/merchants/{merchant}/sub-merchants/{tier}"]
    expect(Object.keys(tier).filter((k) => methods.includes(k as never))).toEqual(expect.arrayContaining(["patch", "delete"]))
    const group = doc.paths["/merchants/{merchant}/channel-groups/{id}"]
    expect(Object.keys(group).filter((k) => methods.includes(k as never))).toEqual(expect.arrayContaining(["patch", "delete"]))
    expect(doc.paths["/merchants/{merchant}/doctor"].get).toBeDefined()
    const ok = doc.paths["/merchants/{merchant}/resolve"].post.responses["200"].content["application/json"].schema
    const schema = ok.$ref === undefined ? ok : resolvePointer(doc, ok.$ref)
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["mode", "warning"]))
    expect(schema.required).toContain("mode")
  })

  it("documents the catalog endpoints as public, with the credential fields of a PG", () => {
    const list = doc.paths["/pg"].get
    const one = doc.paths["/pg/{code}"].get
    expect(list.security ?? []).toEqual([])
    expect(one.security ?? []).toEqual([])
    expect(Object.keys(one.responses)).toEqual(expect.arrayContaining(["200", "404"]))
    const ok = one.responses["200"].content["application/json"].schema
    const schema = ok.$ref === undefined ? ok : resolvePointer(doc, ok.$ref)
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["code", "credentialFields", "test", "payMethods"]))
  })

  it("a listing's limit parameter states its bounds and default (PageLimit), and a limit beyond them is a 400", async () => {
    const limitOf = (path: string) =>
      (doc.paths[path].get.parameters as Array<{ name: string; schema: { description?: string } }>).find((p) => p.name === "limit")!.schema
    const bounds = PageLimit.deliveryHistory
    expect(limitOf("/merchants/{merchant}/webhooks/deliveries").description).toContain(`1 to ${bounds.max} (default ${bounds.default})`)
    expect(limitOf("/merchants/{merchant}/audit").description).toContain(`default ${PageLimit.auditEntries.default}`)
    const over = await fetch(`${f.url}/merchants/${f.merchant}/webhooks/deliveries?limit=${bounds.max + 1}`, {
      headers: { authorization: f.bearer }
    })
    expect([over.status, (await body(over)).code]).toEqual([400, "invalid-query"])
    // Regression (HTTP probe): Number() read these as 16, 100 and 10.
    const limit = (text: string) => fetch(`${f.url}/merchants/${f.merchant}/audit?limit=${text}`, { headers: { authorization: f.bearer } })
    for (const text of ["0x10", "1e2", "%20%2010", "10.0", "-1", "+5", ""]) {
      const refused = await limit(text)
      expect([text, refused.status, (await body(refused)).code]).toEqual([text, 400, "invalid-query"])
    }
    expect((await limit("16")).status).toBe(200)
    const removeAt = (text: string) =>
      fetch(`${f.url}/merchants/${f.merchant}/channel-groups/nope?version=${text}`, {
        method: "DELETE",
        headers: { authorization: f.bearer }
      })
    expect((await body(await removeAt("0x0"))).code).toBe("invalid-query")
  })

  // Regression (interop probe, F4): `limit` and `version` were `type: string` (the text the URL
  // carries), so generated clients refused `limit: 10`, and the bounds were in no schema.
  it("declares numeric query parameters as integers with the bounds the server checks", async () => {
    const numeric: Array<{ where: string; url: (value: string) => string; method: string; schema: any }> = []
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        for (const p of op.parameters ?? []) {
          if (p.in !== "query" || p.schema.type !== "integer") continue
          const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === "merchant" ? f.merchant : "nope"))
          numeric.push({
            where: `${method.toUpperCase()} ${path} ${p.name}`,
            url: (value) => `${f.url}${concrete}?${p.name}=${value}`,
            method: method.toUpperCase(),
            schema: p.schema
          })
        }
      }
    }
    expect(numeric.map((n) => n.where).sort()).toEqual([
      "DELETE /merchants/{merchant}/channel-groups/{id} version",
      "DELETE /merchants/{merchant}/channels/{channelKey} version",
      "DELETE /merchants/{merchant}/sub-merchants/{tier} version",
      "GET /merchants/{merchant}/audit limit",
      "GET /merchants/{merchant}/webhooks/deliveries limit"
    ])
    const limitOf = (path: string) => numeric.find((n) => n.where === `GET ${path} limit`)!.schema
    expect(limitOf("/merchants/{merchant}/audit")).toMatchObject({ minimum: 1, maximum: PageLimit.auditEntries.max })
    expect(limitOf("/merchants/{merchant}/webhooks/deliveries")).toMatchObject({ minimum: 1, maximum: PageLimit.deliveryHistory.max })
    const call = async ({ url, method }: (typeof numeric)[number], value: number) => {
      const answer = await fetch(url(String(value)), { method, headers: { authorization: f.bearer } })
      const problem = answer.status === 204 ? undefined : await body(answer)
      return problem?.code === "invalid-query" ? "refused" : "taken"
    }
    for (const n of numeric) {
      const { minimum, maximum } = n.schema
      expect([n.where, Number.isSafeInteger(minimum), Number.isSafeInteger(maximum)]).toEqual([n.where, true, true])
      expect([n.where, await call(n, minimum - 1), await call(n, minimum)]).toEqual([n.where, "refused", "taken"])
      expect([n.where, await call(n, maximum), await call(n, maximum + 1)]).toEqual([n.where, "taken", "refused"])
    }
  })

  // Regression (HTTP probe): 413, 415 and the Tier, Idempotency-Key and Idempotent-Replayed
  // headers were answered and read, but in no operation of the document.
  it("declares what the layer around the endpoints answers and reads, where it does", async () => {
    const operations = Object.entries<any>(doc.paths).flatMap(([path, ops]) =>
      Object.entries<any>(ops)
        .filter(([method]) => methods.includes(method))
        .map(([method, op]) => ({ path, method, op }))
    )
    const names = (op: any) => (op.parameters ?? []).map((p: { name: string }) => p.name)
    const concrete = (path: string) =>
      path.replace(/\{(\w+)\}/g, (_, name: string) => (name === "merchant" ? f.merchant : name === "mode" ? "test" : "x"))
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`
      const authenticated = (op.security ?? []).length > 0
      expect([where, names(op).includes("Tier")]).toEqual([where, authenticated])
      expect([where, names(op).includes("Idempotency-Key")]).toEqual([where, authenticated && method === "post"])
      const bodied = ["post", "put", "patch"].includes(method)
      expect([where, "413" in op.responses, "415" in op.responses]).toEqual([where, bodied, bodied])
      if (!bodied) continue
      // And the server does answer them there.
      const call = (body: string, contentType: string) =>
        fetch(`${f.url}${concrete(path)}`, {
          method: method.toUpperCase(),
          headers: { authorization: f.bearer, "content-type": contentType },
          body
        })
      expect([where, (await call("x".repeat(1024 * 1024 + 1), "application/json")).status]).toEqual([where, 413])
      expect([where, (await call("<a/>", "application/xml")).status]).toEqual([where, 415])
    }
    const created = doc.paths["/merchants/{merchant}/sub-merchants"].post.responses["201"]
    expect(Object.keys(created.headers ?? {})).toContain("Idempotent-Replayed")
    const headers = { authorization: f.bearer, "idempotency-key": "spec-replay" }
    const add = () => fetch(`${f.url}/merchants/${f.merchant}/sub-merchants`, { method: "POST", headers, body: '{"tier":"SPC"}' })
    expect((await add()).status).toBe(201)
    expect((await add()).headers.get("idempotent-replayed")).toBe("true")
  })

  it("serves the Scalar docs page", async () => {
    const page = await fetch(`${f.url}/docs`)
    expect(page.status).toBe(200)
    expect(page.headers.get("content-type")).toContain("text/html")
  })
})
