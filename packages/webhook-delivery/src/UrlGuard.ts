/**
 * SSRF guard for webhook URLs. A URL must be `https` (test endpoints may also use `http`) and
 * carry no credentials; the address the request connects to must be public unicast. Loopback and
 * private networks are reachable only when the operator says so (`privateTargets`), because a
 * merchant's URL must never reach the sender's own network. The dispatcher checks the addresses a
 * host name resolves to at connect time, in the socket's own lookup, so a second DNS answer
 * cannot swap a checked address for another.
 *
 * @since 0.1.0
 */
import { lookup } from "node:dns/promises"
import { isIP } from "node:net"
import { Effect, Result, Schema } from "effect"
import ipaddr from "ipaddr.js"

/**
 * Live endpoints are held to the strict scheme rule (https only); test endpoints may use http.
 *
 * @since 0.1.0
 * @category models
 */
export type Mode = "live" | "test"

/**
 * Which non-public targets the operator allows:
 * - `refuse` (the default): public unicast addresses only.
 * - `test-mode`: test endpoints may also be loopback (a receiver on the operator's own machine);
 *   the default of the CLI acting locally.
 * - `allow`: every endpoint may also be loopback or on a private network (RFC 1918, `fc00::/7`);
 *   what `paymux serve --allow-private-webhooks` turns on for the whole server.
 *
 * Link-local (cloud metadata), multicast, reserved and the other special ranges are refused in
 * every case.
 *
 * @since 0.1.0
 * @category models
 */
export type PrivateTargets = "refuse" | "test-mode" | "allow"

/**
 * Resolves a host name to its addresses (the shape of `dns.promises.lookup(host, { all: true })`).
 *
 * @since 0.1.0
 * @category models
 */
export type Resolver = (hostname: string) => Promise<ReadonlyArray<{ readonly address: string; readonly family: number }>>

/**
 * What the guard needs to judge a URL.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly mode: Mode
  /** Default `refuse`. */
  readonly privateTargets?: PrivateTargets | undefined
  /** Default `systemResolver`. */
  readonly resolver?: Resolver | undefined
}

/**
 * The default resolver: `node:dns` lookup, every address.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true })

/**
 * The guard refused a URL; `reason` says why in words safe to show the merchant (the URL is shown
 * without credentials, query or fragment).
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
 * What an address is, for the guard: `public` unicast, `loopback`, `private` (RFC 1918,
 * `fc00::/7`, and IPv6 unicast outside global unicast `2000::/3`, range `outsideGlobalUnicast`:
 * space the IETF reserves, which only a local route could reach) or `special` (everything else).
 * `range` is the ipaddr.js range name of the address judged, which for an IPv6 form that carries
 * an IPv4 address is that IPv4 address.
 *
 * @since 0.1.0
 * @category models
 */
export interface Classification {
  readonly kind: "public" | "loopback" | "private" | "special"
  readonly range: string
}

const ofIPv4 = (address: ipaddr.IPv4): Classification => {
  const range = address.range()
  return {
    kind: range === "unicast" ? "public" : range === "loopback" ? "loopback" : range === "private" ? "private" : "special",
    range
  }
}

// IPv6 prefixes whose last 32 bits are an IPv4 destination: IPv4-mapped (::ffff:0:0/96),
// IPv4-translated (::ffff:0:0:0/96, RFC 6145) and the well-known NAT64 prefix (64:ff9b::/96).
const carriesIPv4 = [
  ipaddr.IPv6.parseCIDR("::ffff:0:0/96"),
  ipaddr.IPv6.parseCIDR("::ffff:0:0:0/96"),
  ipaddr.IPv6.parseCIDR("64:ff9b::/96")
] as const
// The deprecated IPv4-compatible form (::a.b.c.d, RFC 4291 2.5.5.1), which ipaddr.js calls unicast.
const ipv4Compatible = ipaddr.IPv6.parseCIDR("::/96")
// Global unicast (RFC 4291 2.4, IANA's IPv6 address space registry). ipaddr.js calls every address
// it has no other name for unicast, including `4000::/2`, `e000::/4` and the rest of the space
// the IETF reserves: no public host is there.
const globalUnicast = ipaddr.IPv6.parseCIDR("2000::/3")
// Cloud instance-metadata services on IPv6 inside fc00::/7, which `allow` would otherwise admit as
// private: AWS's IMDS (fd00:ec2::254). The IPv4 ones (169.254.169.254, 100.100.100.200) are
// link-local or shared address space, refused already.
const cloudMetadata = [ipaddr.IPv6.parseCIDR("fd00:ec2::254/128")] as const

const lastIPv4 = (address: ipaddr.IPv6): ipaddr.IPv4 => {
  const bytes = address.toByteArray()
  return new ipaddr.IPv4(bytes.slice(12))
}

/**
 * Classifies a literal IP address (`node:net` syntax; an IPv6 zone id is ignored), or `undefined`
 * when the text is not one.
 *
 * @since 0.1.0
 * @category guards
 */
export const classifyAddress = (text: string): Classification | undefined => {
  const zone = text.indexOf("%")
  const bare = zone === -1 ? text : text.slice(0, zone)
  const family = isIP(bare)
  if (family === 4) return ofIPv4(ipaddr.IPv4.parse(bare))
  if (family !== 6) return undefined
  // Hex form first: ipaddr.js reads any `::a.b.c.d` as IPv4-mapped, the URL serializer does not.
  const address = ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1))
  if (carriesIPv4.some((cidr) => address.match(cidr))) return ofIPv4(lastIPv4(address))
  const range = address.range()
  if (range === "unicast" && address.match(ipv4Compatible)) return { kind: "special", range: "ipv4Compatible" }
  if (range === "unicast" && !address.match(globalUnicast)) return { kind: "private", range: "outsideGlobalUnicast" }
  if (cloudMetadata.some((cidr) => address.match(cidr))) return { kind: "special", range: "cloudMetadata" }
  return {
    kind: range === "unicast" ? "public" : range === "loopback" ? "loopback" : range === "uniqueLocal" ? "private" : "special",
    range
  }
}

/**
 * Whether the policy lets a request of this mode connect to an address of this classification.
 *
 * @since 0.1.0
 * @category guards
 */
export const allows = (classification: Classification, options: Pick<Options, "mode" | "privateTargets">): boolean => {
  switch (classification.kind) {
    case "public":
      return true
    case "special":
      return false
    case "loopback":
      return options.privateTargets === "allow" || (options.privateTargets === "test-mode" && options.mode === "test")
    case "private":
      return options.privateTargets === "allow"
  }
}

const describe = (classification: Classification | undefined): string =>
  classification === undefined
    ? "a non-address"
    : classification.kind === "special"
      ? `a special-purpose address (${classification.range})`
      : `a ${classification.kind} address`

const hint = (classification: Classification | undefined, options: Options): string =>
  classification?.kind === "loopback" || classification?.kind === "private"
    ? options.privateTargets === "allow"
      ? ""
      : "; the operator has not allowed private webhook targets"
    : ""

/**
 * A URL that passed the static rules, with the host to resolve (brackets removed).
 *
 * @since 0.1.0
 * @category models
 */
export interface Checked {
  readonly url: URL
  /** The URL as shown in messages: origin and path, never credentials or the query. */
  readonly shown: string
  readonly host: string
}

/**
 * The rules that need no DNS: a URL, the scheme for the mode, no credentials, and, when the host
 * is a literal address, the address rules.
 *
 * @since 0.1.0
 * @category guards
 */
export const checkUrl = (input: string, options: Options): Result.Result<Checked, UrlRefused> => {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return Result.fail(new UrlRefused({ url: "(not a URL)", reason: "not a valid URL" }))
  }
  const shown = url.origin + url.pathname
  const refuse = (reason: string) => Result.fail(new UrlRefused({ url: shown, reason }))
  if (url.protocol !== "https:" && !(options.mode === "test" && url.protocol === "http:")) {
    return refuse(options.mode === "live" ? "live endpoints must use https" : "only http(s) is allowed")
  }
  if (url.username !== "" || url.password !== "") return refuse("credentials in the URL are not allowed")
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname
  const literal = classifyAddress(host)
  if (literal !== undefined && !allows(literal, options)) {
    return refuse(`${host} is ${describe(literal)}${hint(literal, options)}`)
  }
  return Result.succeed({ url, shown, host })
}

/**
 * The rule for what a host name resolved to: every address must be allowed (one refused address
 * refuses the host, so a resolver cannot slip one in among public ones).
 *
 * @since 0.1.0
 * @category guards
 */
export const checkAddresses = (
  checked: Checked,
  addresses: ReadonlyArray<{ readonly address: string; readonly family: number }>,
  options: Options
): Result.Result<ReadonlyArray<{ readonly address: string; readonly family: 4 | 6 }>, UrlRefused> => {
  if (addresses.length === 0) return Result.fail(new UrlRefused({ url: checked.shown, reason: `host ${checked.host} does not resolve` }))
  const out: Array<{ readonly address: string; readonly family: 4 | 6 }> = []
  for (const { address } of addresses) {
    const classification = classifyAddress(address)
    if (classification === undefined || !allows(classification, options)) {
      return Result.fail(
        new UrlRefused({
          url: checked.shown,
          reason: `host ${checked.host} resolves to ${describe(classification)} (${address})${hint(classification, options)}`
        })
      )
    }
    out.push({ address, family: address.includes(":") ? 6 : 4 })
  }
  return Result.succeed(out)
}

/**
 * Checks a URL and resolves its host now: a pre-flight for a settings screen. The dispatcher does
 * not rely on it; it checks again, at connect time, the addresses it actually connects to.
 *
 * @since 0.1.0
 * @category guards
 */
export const check = (
  input: string,
  options: Options
): Effect.Effect<
  { readonly url: URL; readonly addresses: ReadonlyArray<{ readonly address: string; readonly family: 4 | 6 }> },
  UrlRefused
> =>
  Effect.gen(function* () {
    const checked = yield* Effect.fromResult(checkUrl(input, options))
    if (classifyAddress(checked.host) !== undefined) {
      return { url: checked.url, addresses: [{ address: checked.host, family: checked.host.includes(":") ? (6 as const) : (4 as const) }] }
    }
    const resolver = options.resolver ?? systemResolver
    const resolved = yield* Effect.tryPromise({
      try: () => resolver(checked.host),
      catch: () => new UrlRefused({ url: checked.shown, reason: `host ${checked.host} does not resolve` })
    })
    const addresses = yield* Effect.fromResult(checkAddresses(checked, resolved, options))
    return { url: checked.url, addresses }
  })
