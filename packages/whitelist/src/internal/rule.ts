/**
 * CIDR rule text -> network block in the shared 128-bit space, plus the diagnosis that turns a
 * refusal into a helpful message (only run on the cold, failing path).
 */
import { formatIpv4, formatIpv6, INVALID, IPV4, parseAddress, scratch } from "./address.ts"

/** Output of the last successful `parseRule`: block start and end words, family, truncation. */
export const ruleStart: Uint32Array = new Uint32Array(4)
/** Last address of the block parsed by `parseRule`. */
export const ruleEnd: Uint32Array = new Uint32Array(4)
/** The family the rule was written in, and whether lenient mode dropped host bits. */
export const ruleInfo = { family: IPV4, truncated: false }

/** `parseRule` failure: the text is not `address[/prefix]`. */
const SYNTAX_ERROR = -1
/** `parseRule` failure: bits after the prefix are set (strict mode only). */
const HOST_BITS_SET = -2

/** The mask of word `k` (0 = most significant) for a prefix length in the 128-bit space. */
const wordMask = (prefix128: number, k: number): number => {
  const bits = prefix128 - 32 * k
  if (bits <= 0) return 0
  if (bits >= 32) return 0xffffffff
  return (0xffffffff << (32 - bits)) >>> 0
}

const parsePrefix = (s: string, start: number, end: number): number => {
  if (start >= end || end - start > 3) return -1
  // "/08" is refused like "08" in an address: one spelling per value.
  if (end - start > 1 && s.charCodeAt(start) === 48) return -1
  let value = 0
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    value = value * 10 + d
  }
  return value
}

/**
 * Parses `address[/prefix]` into `ruleStart`/`ruleEnd`. Returns the prefix length in the 128-bit
 * space (IPv4 /n is 96 + n), SYNTAX_ERROR or HOST_BITS_SET.
 */
export const parseRule = (s: unknown, lenient: boolean): number => {
  if (typeof s !== "string") return SYNTAX_ERROR
  const slash = s.indexOf("/")
  let kind: number
  if (slash < 0) {
    kind = parseAddress(s)
  } else {
    kind = parseAddress(s.slice(0, slash))
  }
  if (kind === INVALID) return SYNTAX_ERROR
  const max = kind === IPV4 ? 32 : 128
  const prefix = slash < 0 ? max : parsePrefix(s, slash + 1, s.length)
  if (prefix < 0 || prefix > max) return SYNTAX_ERROR
  const prefix128 = kind === IPV4 ? prefix + 96 : prefix
  let truncated = false
  for (let k = 0; k < 4; k++) {
    const mask = wordMask(prefix128, k)
    const word = scratch[k]!
    const network = (word & mask) >>> 0
    if (network !== word) truncated = true
    ruleStart[k] = network
    ruleEnd[k] = (network | ~mask) >>> 0
  }
  if (truncated && !lenient) return HOST_BITS_SET
  ruleInfo.family = kind
  ruleInfo.truncated = truncated
  return prefix128
}

/** Formats a block in the family it was written in (`prefix128` in the 128-bit space). */
export const formatBlock = (family: number, w: ArrayLike<number>, prefix128: number): string =>
  family === IPV4 ? `${formatIpv4(w[3]!)}/${prefix128 - 96}` : `${formatIpv6(w[0]!, w[1]!, w[2]!, w[3]!)}/${prefix128}`

/** A refusal, explained: `reason` and, when there is an obvious fix, `suggestion`. */
export interface Diagnosis {
  readonly reason: string
  readonly suggestion?: string
}

const V4_SHAPE = /^[0-9.]+$/

const diagnoseAddress = (text: string, prefixText: string): Diagnosis => {
  if (text.length === 0) return { reason: "missing address" }
  if (text.includes("%")) {
    const zone = text.slice(text.indexOf("%"))
    const withoutZone = text.slice(0, text.indexOf("%")) + prefixText
    return { reason: `zone id ${JSON.stringify(zone)} is not allowed`, suggestion: `did you mean ${withoutZone}?` }
  }
  if (text.startsWith("[") || text.endsWith("]")) return { reason: "brackets are not allowed around an address" }
  if (V4_SHAPE.test(text)) {
    const parts = text.split(".")
    if (parts.some((part) => part.length === 0)) return { reason: "empty part in IPv4 address" }
    if (parts.length < 4) return { reason: "IPv4 needs four dotted decimal parts (shorthand like 127.1 is not allowed)" }
    if (parts.length > 4) return { reason: "IPv4 has more than four parts" }
    if (parts.some((part) => part.length > 1 && part.startsWith("0"))) {
      return { reason: "leading zeros are not allowed in IPv4 (0177 would be octal to some parsers)" }
    }
    return { reason: "IPv4 part out of range 0-255" }
  }
  if (text.includes(":")) {
    if (text.indexOf("::") !== text.lastIndexOf("::")) return { reason: '"::" may appear only once in an IPv6 address' }
    return { reason: "not a valid IPv6 address" }
  }
  return { reason: "not a valid IPv4 or IPv6 address" }
}

/** Explains why `parseRule(s, lenient)` refused `s`. */
export const diagnose = (s: unknown, lenient: boolean): Diagnosis => {
  if (typeof s !== "string") return { reason: `expected a string, got ${s === null ? "null" : typeof s}` }
  if (s.length === 0) return { reason: "empty rule" }
  const trimmed = s.trim()
  if (trimmed !== s) {
    return trimmed.length > 0 && parseRule(trimmed, lenient) >= 0
      ? { reason: "surrounding whitespace is not allowed", suggestion: `did you mean "${trimmed}"?` }
      : { reason: "surrounding whitespace is not allowed" }
  }
  const slash = s.indexOf("/")
  const addressText = slash < 0 ? s : s.slice(0, slash)
  const kind = parseAddress(addressText)
  if (kind === INVALID) return diagnoseAddress(addressText, slash < 0 ? "" : s.slice(slash))
  const max = kind === IPV4 ? 32 : 128
  const prefixText = s.slice(slash + 1)
  const prefix = parsePrefix(s, slash + 1, s.length)
  if (prefix < 0) {
    if (prefixText.length === 0) return { reason: 'missing prefix length after "/"' }
    if (prefixText.includes("/")) return { reason: 'more than one "/"' }
    if (/^[0-9]+$/.test(prefixText) && prefixText.startsWith("0")) {
      return { reason: "leading zeros are not allowed in the prefix length" }
    }
    return { reason: `prefix length must be a decimal number 0-${max}` }
  }
  if (prefix > max) return { reason: `prefix length ${prefix} is out of range 0-${max}` }
  // Only host bits are left; recompute the block and suggest both plausible intents.
  parseRule(s, true)
  const network = formatBlock(kind, ruleStart, kind === IPV4 ? prefix + 96 : prefix)
  return {
    reason: "host bits set",
    suggestion: `did you mean ${network} (or ${formatBlock(kind, scratch, 128)})?`
  }
}
