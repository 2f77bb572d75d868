import { isIPv4, isIPv6 } from "node:net"

/** Why an address is not a public unicast destination. */
export type SpecialRange =
  | "unspecified"
  | "loopback"
  | "private"
  | "link-local"
  | "cgnat"
  | "multicast"
  | "documentation"
  | "reserved"

type Rule = readonly [bytes: Uint8Array, prefix: number, range: SpecialRange]

const v4 = (text: string): Uint8Array => Uint8Array.from(text.split(".").map(Number))

const parseV6 = (text: string): Uint8Array | undefined => {
  let s = text
  const zone = s.indexOf("%")
  if (zone !== -1) s = s.slice(0, zone)
  if (!isIPv6(s)) return undefined
  const out = new Uint8Array(16)
  // A trailing dotted quad fills the last four bytes.
  let tail: Uint8Array | undefined
  const lastColon = s.lastIndexOf(":")
  if (s.includes(".", lastColon)) {
    tail = v4(s.slice(lastColon + 1))
    s = s.slice(0, lastColon + 1) + "0:0"
  }
  const [head = "", rest] = s.split("::")
  const words = (part: string): Array<number> => (part === "" ? [] : part.split(":").map((w) => parseInt(w, 16)))
  const left = words(head)
  const right = rest === undefined ? [] : words(rest)
  const all = rest === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
  for (let i = 0; i < 8; i++) {
    out[i * 2] = (all[i]! >> 8) & 0xff
    out[i * 2 + 1] = all[i]! & 0xff
  }
  if (tail) out.set(tail, 12)
  return out
}

const v6 = (text: string): Uint8Array => parseV6(text)!

const V4_RULES: ReadonlyArray<Rule> = [
  [v4("0.0.0.0"), 8, "unspecified"],
  [v4("10.0.0.0"), 8, "private"],
  [v4("100.64.0.0"), 10, "cgnat"],
  [v4("127.0.0.0"), 8, "loopback"],
  [v4("169.254.0.0"), 16, "link-local"],
  [v4("172.16.0.0"), 12, "private"],
  [v4("192.0.0.0"), 24, "reserved"],
  [v4("192.0.2.0"), 24, "documentation"],
  [v4("192.31.196.0"), 24, "reserved"],
  [v4("192.52.193.0"), 24, "reserved"],
  [v4("192.88.99.0"), 24, "reserved"],
  [v4("192.168.0.0"), 16, "private"],
  [v4("192.175.48.0"), 24, "reserved"],
  [v4("198.18.0.0"), 15, "reserved"],
  [v4("198.51.100.0"), 24, "documentation"],
  [v4("203.0.113.0"), 24, "documentation"],
  [v4("224.0.0.0"), 4, "multicast"],
  [v4("240.0.0.0"), 4, "reserved"]
]

const V6_RULES: ReadonlyArray<Rule> = [
  [v6("::"), 128, "unspecified"],
  [v6("::1"), 128, "loopback"],
  [v6("::"), 96, "reserved"], // IPv4-compatible (deprecated)
  [v6("64:ff9b:1::"), 48, "reserved"],
  [v6("100::"), 64, "reserved"],
  [v6("2001::"), 23, "reserved"],
  [v6("2001:db8::"), 32, "documentation"],
  [v6("2002::"), 16, "reserved"],
  [v6("3fff::"), 20, "documentation"],
  [v6("5f00::"), 16, "reserved"],
  [v6("fc00::"), 7, "private"],
  [v6("fe80::"), 10, "link-local"],
  [v6("fec0::"), 10, "reserved"],
  [v6("ff00::"), 8, "multicast"]
]

const matches = (addr: Uint8Array, offset: number, net: Uint8Array, prefix: number): boolean => {
  let bits = prefix
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff
    if (((addr[offset + i]! ^ net[i]!) & mask) !== 0) return false
  }
  return true
}

const classifyV4 = (bytes: Uint8Array, offset: number): SpecialRange | undefined => {
  if (bytes[offset] === 255 && bytes[offset + 1] === 255 && bytes[offset + 2] === 255 && bytes[offset + 3] === 255) {
    return "reserved" // broadcast; also inside 240/4 but named for clarity
  }
  for (const [net, prefix, range] of V4_RULES) if (matches(bytes, offset, net, prefix)) return range
  return undefined
}

const isPrefix = (bytes: Uint8Array, words: ReadonlyArray<number>): boolean => {
  for (let i = 0; i < words.length; i++) {
    if (bytes[i * 2] !== words[i]! >> 8 || bytes[i * 2 + 1] !== (words[i]! & 0xff)) return false
  }
  return true
}

/**
 * Classifies a literal IP address. `undefined` means public unicast; `"invalid"` means the text
 * is not an IP address at all.
 */
export const classify = (address: string): SpecialRange | "invalid" | undefined => {
  if (isIPv4(address)) return classifyV4(v4(address), 0)
  const bytes = parseV6(address)
  if (bytes === undefined) return "invalid"
  // IPv4-mapped (::ffff:0:0/96) and NAT64 well-known (64:ff9b::/96) embed an IPv4 address.
  if (isPrefix(bytes, [0, 0, 0, 0, 0, 0xffff]) || isPrefix(bytes, [0x64, 0xff9b, 0, 0, 0, 0])) {
    return classifyV4(bytes, 12)
  }
  for (const [net, prefix, range] of V6_RULES) if (matches(bytes, 0, net, prefix)) return range
  return undefined
}
