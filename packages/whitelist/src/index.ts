/**
 * @since 0.1.0
 */
export * as Cidr from "./Cidr.ts"

/**
 * @since 0.1.0
 */
export * as CidrList from "./CidrList.ts"

/**
 * @since 0.1.0
 */
export * as ClientIp from "./ClientIp.ts"

/**
 * @since 0.1.0
 */
export * as Whitelist from "./Whitelist.ts"
