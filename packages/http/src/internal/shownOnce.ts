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

/** Whether a success of the endpoint can carry a secret shown once. */
export const showsSecretOnce = (endpoint: HttpApiEndpoint.Top): boolean => [...endpoint.success].some((schema) => holds(schema.ast))
