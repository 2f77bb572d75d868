/**
 * What the HTTP layer reads and writes around the HttpApi, added to the generated OpenAPI
 * document so that a generated client knows it: the `Tier` header of authenticated calls, the
 * `Idempotency-Key` header of authenticated POSTs with the `Idempotent-Replayed` header of a
 * replayed answer, and 413 and 415 only on the methods whose bodies are read (`bodyMethods`; the
 * problem schemas come from `RequestErrors`, which declares them for every operation).
 */
import { Identifiers } from "@paymux/domain"
import * as Idempotency from "../Idempotency.ts"
import { bodyMethods } from "./problemResponse.ts"

type Json = Record<string, any>

const tier: Json = {
  name: "Tier",
  in: "header",
  required: false,
  description: `Act for this sub-merchant (tier) of the merchant: ${Identifiers.tierCodeRule}. Only the tier's channels are visible.`,
  schema: { type: "string" }
}

const idempotencyKey: Json = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Makes a retry safe: the same key with the same request within 24 hours returns the stored answer (`Idempotent-Replayed: true`); with another request, 422 `idempotency-key-reused`; while the first runs, 409 `idempotency-key-in-use`; an answer that showed a secret once, 409 `idempotency-secret-not-replayable`.",
  schema: { type: "string", minLength: 1, maxLength: Idempotency.maxKeyLength }
}

const replayed: Json = {
  description: "`true` on an answer replayed for an `Idempotency-Key`",
  schema: { type: "string", enum: ["true"] }
}

/** The OpenAPI `Transform` of the API (see `Api`). */
export const addTransport = (spec: Json): Json => {
  for (const operations of Object.values<Json>(spec["paths"] ?? {})) {
    for (const [method, operation] of Object.entries<Json>(operations)) {
      const authenticated = Array.isArray(operation["security"]) && operation["security"].length > 0
      const parameters: Array<Json> = [...(operation["parameters"] ?? [])]
      if (authenticated) parameters.push(tier)
      if (authenticated && method === "post") {
        parameters.push(idempotencyKey)
        for (const [status, response] of Object.entries<Json>(operation["responses"] ?? {})) {
          if (status.startsWith("2")) response["headers"] = { ...response["headers"], "Idempotent-Replayed": replayed }
        }
      }
      if (parameters.length > 0) operation["parameters"] = parameters
      if (!bodyMethods.has(method.toUpperCase())) {
        delete operation["responses"]?.["413"]
        delete operation["responses"]?.["415"]
      }
    }
  }
  return spec
}
