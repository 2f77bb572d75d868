/**
 * The client address behind reverse proxies, from the socket address and `X-Forwarded-For`.
 *
 * Each proxy appends the address it received the request from, so only the right end of the
 * header is trustworthy: the chain is read right to left, starting at the socket address, and the
 * first hop that is not a trusted proxy is the client. Everything left of it may be forged.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { INVALID, parseAddress } from "./internal/address.ts"
import type { InvalidCidr } from "./internal/invalidCidr.ts"
import * as Whitelist from "./Whitelist.ts"

/**
 * Which hops to trust: proxies by address (`trustedProxies`, CIDR rules), or the `hops` nearest
 * hops counting the socket peer as the first (`hops: 1` means one proxy in front of the server).
 *
 * @since 0.1.0
 * @category models
 */
export type Options = { readonly trustedProxies: ReadonlyArray<string> } | { readonly hops: number }

/**
 * `X-Forwarded-For` as Node hands it over: one string (duplicate headers joined as `"a, b"`), an
 * array of header values (`req.headersDistinct`), or absent.
 *
 * @since 0.1.0
 * @category models
 */
export type ForwardedFor = string | ReadonlyArray<string> | undefined

/**
 * Resolves client addresses for one trust configuration.
 *
 * @since 0.1.0
 * @category models
 */
export interface Resolver {
  /**
   * The client address, as written in the chain; `undefined` when the socket address is missing
   * or the first untrusted hop is not a valid address (an empty entry, a port, "unknown"): deny.
   */
  resolve(remoteAddress: string | undefined, forwardedFor: ForwardedFor): string | undefined
}

const OWS = /^[ \t]+|[ \t]+$/g

const entries = (forwardedFor: ForwardedFor): Array<string> => {
  if (forwardedFor === undefined) return []
  const values = typeof forwardedFor === "string" ? [forwardedFor] : forwardedFor
  const out: Array<string> = []
  for (const value of values) {
    if (typeof value !== "string") continue
    for (const entry of value.split(",")) out.push(entry.replace(OWS, ""))
  }
  return out
}

const resolver = (isTrusted: (hop: string, position: number) => boolean): Resolver => ({
  resolve(remoteAddress, forwardedFor) {
    if (typeof remoteAddress !== "string" || parseAddress(remoteAddress) === INVALID) return undefined
    const chain = entries(forwardedFor)
    let hop = remoteAddress
    let position = 0
    let i = chain.length - 1
    while (isTrusted(hop, position)) {
      // Every hop was trusted: the leftmost entry was written by a trusted proxy.
      if (i < 0) return hop
      hop = chain[i--]!
      position++
      if (parseAddress(hop) === INVALID) return undefined
    }
    return hop
  }
})

const checkHops = (hops: number): number => {
  if (!Number.isSafeInteger(hops) || hops < 0) {
    throw new RangeError(`ClientIp: hops must be a non-negative integer, got ${String(hops)}`)
  }
  return hops
}

const byHops = (hops: number): Resolver => resolver((_, position) => position < hops)

const byProxies = (proxies: Whitelist.Whitelist): Resolver => resolver((hop) => proxies.allows(hop))

/**
 * Builds a resolver. Throws `InvalidCidr` for a bad proxy rule and `RangeError` for a bad `hops`.
 *
 * @example
 * ```ts
 * import { ClientIp } from "@paymux/whitelist"
 * const clientIp = ClientIp.makeSync({ trustedProxies: ["10.0.0.0/8"] })
 * clientIp.resolve("10.0.0.2", "198.51.100.7, 203.0.113.9, 10.0.0.1") // "203.0.113.9"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSync = (options: Options): Resolver =>
  "hops" in options ? byHops(checkHops(options.hops)) : byProxies(Whitelist.compileSync(options.trustedProxies))

/**
 * Builds a resolver as an Effect that fails with `InvalidCidr` for a bad proxy rule (a bad `hops`
 * is a defect).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Resolver, InvalidCidr> =>
  "hops" in options ? Effect.sync(() => byHops(checkHops(options.hops))) : Effect.map(Whitelist.compile(options.trustedProxies), byProxies)
