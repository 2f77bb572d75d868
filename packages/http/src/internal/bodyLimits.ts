/**
 * How many body bytes a request may carry: the server's `maxBodyBytes`, or less for an endpoint
 * annotated with `MaxBodyBytes` in Api.ts. The handler and NodeBridge ask before they read a byte
 * of the body. The endpoint is found by a router with the API router's own rules (any letter case,
 * doubled or trailing slashes, percent-encoding), so no spelling of its path escapes its limit.
 */
import { Context } from "effect"
import { FindMyWay } from "effect/http"
import { Api } from "../Api.ts"
import { routerConfig } from "./app.ts"
import { MaxBodyBytes } from "./maxBodyBytes.ts"

/** The body limit of a request to `method` and `url` (absolute or origin-form). */
export type BodyLimit = (method: string, url: string) => number

export const bodyLimits = (serverLimit: number): BodyLimit => {
  const smaller = FindMyWay.make<number>(routerConfig)
  for (const group of Object.values(Api.groups)) {
    for (const endpoint of Object.values(group.endpoints)) {
      const own = Context.get(endpoint.annotations, MaxBodyBytes)
      if (own < serverLimit) smaller.on(endpoint.method, endpoint.path, own)
    }
  }
  return (method, url) => smaller.find(method, url)?.handler ?? serverLimit
}
