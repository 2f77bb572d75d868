/**
 * Secrets a response shows once (a new API secret, a new signing secret). The response models
 * mark those fields, and the guard reads the marks from an endpoint's success schemas, so an
 * `Idempotency-Key` record never keeps such a response, whichever endpoint returns it.
 */
import type { Schema, SchemaAST } from "effect"
import type { HttpApiEndpoint } from "effect/http-api"

const key = "@paymux/http/shownOnce"

/** Marks a response field as a secret shown once. */
export const shownOnce = (schema: Schema.String) => schema.annotate({ [key]: true })

// Response models are structs, arrays and unions of them; suspended and declared schemas (domain
// classes) hold no secret and are not looked into.
const holds = (ast: SchemaAST.AST): boolean => {
  if (ast.annotations?.[key] === true) return true
  switch (ast._tag) {
    case "Objects":
      return ast.propertySignatures.some((property) => holds(property.type))
    case "Arrays":
      return ast.elements.some(holds) || ast.rest.some(holds)
    case "Union":
      return ast.types.some(holds)
    default:
      return false
  }
}

// Whether a response body (as JSON) holds a marked field, walked beside its schema: an optional
// secret the response left out does not count.
const carries = (ast: SchemaAST.AST, value: unknown): boolean => {
  if (ast.annotations?.[key] === true) return value !== undefined
  switch (ast._tag) {
    case "Objects":
      return (
        typeof value === "object" &&
        value !== null &&
        ast.propertySignatures.some(
          (property) => Object.hasOwn(value, property.name) && carries(property.type, (value as any)[property.name])
        )
      )
    case "Arrays":
      return Array.isArray(value) && value.some((item) => [...ast.elements, ...ast.rest].some((element) => carries(element, item)))
    case "Union":
      return ast.types.some((member) => carries(member, value))
    default:
      return false
  }
}

/**
 * Whether this success of the endpoint shows a secret once. Only an endpoint whose success can
 * carry one has its body read; a body that is not JSON counts as carrying one.
 */
export const showsSecretIn = (endpoint: HttpApiEndpoint.Top, body: Uint8Array): boolean => {
  const schemas = [...endpoint.success].filter((schema) => holds(schema.ast))
  if (schemas.length === 0) return false
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(body).toString("utf8"))
  } catch {
    return true
  }
  return schemas.some((schema) => carries(schema.ast, value))
}
