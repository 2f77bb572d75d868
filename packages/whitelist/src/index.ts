/** A single CIDR block. @since 0.1.0 */
export * as Cidr from "./Cidr.ts"

/** Whole rule lists. @since 0.1.0 */
export * as CidrList from "./CidrList.ts"

/** The client address behind reverse proxies, from the socket address and `X-Forwarded-For`. @since 0.1.0 */
export * as ClientIp from "./ClientIp.ts"

/** The compiled whitelist. @since 0.1.0 */
export * as Whitelist from "./Whitelist.ts"
