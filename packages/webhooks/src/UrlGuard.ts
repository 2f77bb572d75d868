/**
 * SSRF guard for webhook URLs. Live mode needs https and a host whose every resolved address is
 * public unicast; test mode also allows http and loopback so local receivers work. The dispatcher
 * connects to the address the guard approved, so a second DNS answer cannot swap it.
 *
 * @since 0.1.0
 */
import { lookup } from "node:dns/promises"
import { Effect, Schema } from "effect"
import { classify, type SpecialRange } from "./internal/ipRange.ts"

/**
 * Live endpoints are held to the strict rules; test endpoints may be local.
 *
 * @since 0.1.0
 * @category models
 */
export type Mode = "live" | "test"

/**
 * Resolves a host name to its addresses (the shape of `dns.promises.lookup(host, { all: true })`).
 *
 * @since 0.1.0
 * @category models
 */
export type Resolver = (hostname: string) => Promise<ReadonlyArray<{ readonly address: string; readonly family: number }>>

/**
 * The default resolver: `node:dns` lookup, every address.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true })

/**
 * A URL the guard approved, with the address to connect to.
 *
 * @since 0.1.0
 * @category models
 */
export interface Approved {
  readonly url: URL
  readonly address: string
  readonly family: 4 | 6
}

/**
 * The guard refused a URL; `reason` says why in words safe to show the merchant.
 *
 * @since 0.1.0
 * @category errors
 */
export class UrlRefused extends Schema.TaggedError<UrlRefused>()("UrlRefused", {
  url: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `refused webhook URL ${this.url}: ${this.reason}`
  }
}

/**
 * Classifies a literal IP address: `undefined` for public unicast, else the special range it is in.
 *
 * @since 0.1.0
 * @category guards
 */
export const classifyAddress = (address: string): SpecialRange | "invalid" | undefined => classify(address)

/**
 * Whether an address may be connected to in the given mode.
 *
 * @since 0.1.0
 * @category guards
 */
export const isAllowedAddress = (address: string, mode: Mode): boolean => {
  const range = classify(address)
  return range === undefined || (mode === "test" && range === "loopback")
}

const refuse = (url: string, reason: string): Effect.Effect<never, UrlRefused> =>
  Effect.fail(new UrlRefused({ url, reason }))

/**
 * Checks a URL and resolves its host. Fails with `UrlRefused` when any rule is broken.
 *
 * @since 0.1.0
 * @category guards
 */
export const check = (
  input: string,
  options: { readonly mode: Mode; readonly resolver?: Resolver }
): Effect.Effect<Approved, UrlRefused> =>
  Effect.gen(function*() {
    let url: URL
    try {
      url = new URL(input)
    } catch {
      return yield* refuse(input, "not a valid URL")
    }
    const shown = url.origin + url.pathname
    if (url.protocol !== "https:" && !(options.mode === "test" && url.protocol === "http:")) {
      return yield* refuse(shown, options.mode === "live" ? "live endpoints must use https" : "only http(s) is allowed")
    }
    if (url.username !== "" || url.password !== "") return yield* refuse(shown, "credentials in the URL are not allowed")
    const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname
    const literal = classify(host)
    let addresses: ReadonlyArray<{ readonly address: string; readonly family: number }>
    if (literal !== "invalid") {
      addresses = [{ address: host, family: host.includes(":") ? 6 : 4 }]
    } else {
      const resolver = options.resolver ?? systemResolver
      addresses = yield* Effect.tryPromise({
        try: () => resolver(host),
        catch: () => new UrlRefused({ url: shown, reason: `host ${host} does not resolve` })
      })
      if (addresses.length === 0) return yield* refuse(shown, `host ${host} does not resolve`)
    }
    for (const { address } of addresses) {
      const range = classify(address)
      if (range === "invalid") return yield* refuse(shown, `host resolved to a non-address`)
      if (!isAllowedAddress(address, options.mode)) {
        return yield* refuse(shown, `host resolves to a ${range} address (${address})`)
      }
    }
    const chosen = addresses[0]!
    return { url, address: chosen.address, family: chosen.address.includes(":") ? 6 : 4 }
  })
