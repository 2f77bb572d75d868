/**
 * Strict, allocation-free address parsing and RFC 5952 formatting.
 *
 * Every address lives in one 128-bit space held as four uint32 words (most significant first).
 * IPv4 `a.b.c.d` is stored as its IPv4-mapped form `::ffff:a.b.c.d`, which is what makes IPv4
 * rules match mapped clients and `::ffff:0:0/96` rules match IPv4 clients.
 */

/** Result of the last successful parse. Reused so the lookup path never allocates. */
export const scratch: Uint32Array = new Uint32Array(4)

/** Parse outcome: not an address. */
export const INVALID = 0
/** Parse outcome: IPv4 dotted decimal. */
export const IPV4 = 4
/** Parse outcome: IPv6 text (possibly an IPv4-mapped address). */
const IPV6 = 6

/** The longest valid text: `0000:0000:0000:0000:0000:ffff:255.255.255.255`. */
const MAX_LENGTH = 45

const groups = new Int32Array(8)

/**
 * Hex digit values by char code, -1 for anything else. A full 64 KiB table beats branches and
 * spares a range check per character (~12% on IPv6 parsing).
 */
const HEX = new Int8Array(65536).fill(-1)
for (let c = 48; c <= 57; c++) HEX[c] = c - 48
for (let c = 97; c <= 102; c++) HEX[c] = c - 87
for (let c = 65; c <= 70; c++) HEX[c] = c - 55

/**
 * Parses strict dotted decimal in `s[start, end)`: four parts, 0-255, no leading zeros, nothing
 * else. Returns the uint32 value or -1.
 */
const parseIpv4 = (s: string, start: number, end: number): number => {
  let value = 0
  let i = start
  for (let part = 0; part < 4; part++) {
    if (i >= end) return -1
    let d = s.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    let octet = d
    i++
    // A part starting with 0 is just "0": "0177" must not mean octal 127 or decimal 177.
    if (octet !== 0 && i < end && (d = s.charCodeAt(i) - 48) >= 0 && d <= 9) {
      octet = octet * 10 + d
      i++
      if (i < end && (d = s.charCodeAt(i) - 48) >= 0 && d <= 9) {
        octet = octet * 10 + d
        i++
        if (octet > 255) return -1
      }
    }
    value = value * 256 + octet
    if (part < 3) {
      if (i >= end || s.charCodeAt(i) !== 46) return -1
      i++
    }
  }
  return i === end ? value : -1
}

/** Parses RFC 4291 text in `s[start, end)` into `scratch`. Returns false when invalid. */
const parseIpv6 = (s: string, start: number, end: number): boolean => {
  if (end - start < 2) return false
  let n = 0
  let gap = -1
  let i = start
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return false
    gap = 0
    i += 2
  }
  while (i < end) {
    const groupStart = i
    let value = 0
    let c = s.charCodeAt(i)
    let h = HEX[c]!
    while (h >= 0) {
      value = (value << 4) | h
      if (++i === end) break
      c = s.charCodeAt(i)
      h = HEX[c]!
    }
    const digits = i - groupStart
    if (digits === 0) return false
    if (c === 46 && i < end) {
      // An embedded IPv4 tail takes the last two groups and must end the text.
      if (n > 6) return false
      const v4 = parseIpv4(s, groupStart, end)
      if (v4 < 0) return false
      groups[n++] = v4 >>> 16
      groups[n++] = v4 & 0xffff
      break
    }
    if (digits > 4 || n === 8) return false
    groups[n++] = value
    if (i === end) break
    if (c !== 58 || ++i === end) return false
    if (s.charCodeAt(i) === 58) {
      if (gap >= 0) return false
      gap = n
      i++
    }
  }
  if (gap < 0) {
    if (n !== 8) return false
  } else {
    // RFC 4291: "::" stands for one or more zero groups, so at most seven explicit groups.
    if (n > 7) return false
    const tail = n - gap
    for (let k = 1; k <= tail; k++) groups[8 - k] = groups[n - k]!
    for (let k = gap; k < 8 - tail; k++) groups[k] = 0
  }
  scratch[0] = ((groups[0]! << 16) | groups[1]!) >>> 0
  scratch[1] = ((groups[2]! << 16) | groups[3]!) >>> 0
  scratch[2] = ((groups[4]! << 16) | groups[5]!) >>> 0
  scratch[3] = ((groups[6]! << 16) | groups[7]!) >>> 0
  return true
}

/**
 * Parses an IPv4 or IPv6 address into `scratch` (IPv4 as `::ffff:a.b.c.d`). Returns INVALID,
 * IPV4 or IPV6. Never throws, whatever `s` is.
 */
export const parseAddress = (s: unknown): number => {
  if (typeof s !== "string") return INVALID
  const length = s.length
  if (length < 2 || length > MAX_LENGTH) return INVALID
  // Dotted decimal first: an IPv6 text fails it within five characters.
  const v4 = parseIpv4(s, 0, length)
  if (v4 >= 0) {
    scratch[0] = 0
    scratch[1] = 0
    scratch[2] = 0xffff
    scratch[3] = v4
    return IPV4
  }
  return parseIpv6(s, 0, length) ? IPV6 : INVALID
}

/** True when the four words are an IPv4-mapped address `::ffff:a.b.c.d`. */
export const isMapped = (w0: number, w1: number, w2: number): boolean => w0 === 0 && w1 === 0 && w2 === 0xffff

/** Formats a uint32 as dotted decimal. */
export const formatIpv4 = (v: number): string => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`

/**
 * Formats four words as RFC 5952 text: lower case, no leading zeros, the longest run (first on a
 * tie) of two or more zero groups as "::", and mixed notation for IPv4-mapped addresses (§5).
 */
export const formatIpv6 = (w0: number, w1: number, w2: number, w3: number): string => {
  if (isMapped(w0, w1, w2)) return `::ffff:${formatIpv4(w3)}`
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff]
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && g[j] === 0) j++
    if (j - i > bestLength) {
      bestStart = i
      bestLength = j - i
    }
    i = j
  }
  const hex = (k: number): string => g[k]!.toString(16)
  if (bestStart < 0) return g.map((_, k) => hex(k)).join(":")
  const head: Array<string> = []
  for (let k = 0; k < bestStart; k++) head.push(hex(k))
  const tail: Array<string> = []
  for (let k = bestStart + bestLength; k < 8; k++) tail.push(hex(k))
  return `${head.join(":")}::${tail.join(":")}`
}
